#!/usr/bin/env bash
# tests/fuzz/coverage.sh - line coverage of what the fuzz targets reach: the
# fuzz-cov build (source-based coverage, no sanitizers) replays each
# target's corpus once (libFuzzer -runs=0) and llvm-cov reports the lines of
# the source files that target is about, whole files or, in files that hold
# more than the parser (units.c, dispatch.c, server.c, lx.c), the parser's
# functions. The corpus is the one the last `make fuzz` left in FUZZ_OUT
# (build-fuzz/fuzz-run/corpus/<target>: the seeds and what fuzzing added),
# else the seeds alone. `make fuzz-cov`.
#
# Environment: FUZZ_TARGETS, FUZZ_OUT (as run.sh), COV_BUILD (default
# build-fuzz-cov), LLVM_SUFFIX (default -14).
set -euo pipefail
cd "$(dirname "$0")/../.."
cov=${COV_BUILD:-build-fuzz-cov}
runs=${FUZZ_OUT:-build-fuzz/fuzz-run}
sfx=${LLVM_SUFFIX:--14}
targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed -e 's/^fuzz_//' -e 's/\.c$//' | grep -vx common)}
work=$cov/coverage
rm -rf "$work"
mkdir -p "$work"
export LX_FUZZ_DB=$work/fixture.db

# What each target is about: a source file, or file=regex for the
# functions of a file whose names match.
units_csv='lx_api_units_import_read|lx_import_from_csv|lx_import_add|lx_import_error|lx_import_answer|lx_kind_canon|lx_code_ok|lx_set_boundary'
units_geo='lx_api_units_import_read|lx_import_from_geojson|lx_prop|lx_import_add|lx_import_error|lx_import_answer|lx_kind_canon|lx_code_ok|lx_set_boundary'
parts_of() {
  case $1 in
    json) echo src/core/schema.c "src/http/server.c=lx_req_json" \
      "src/core/lx.c=lx_time_parse|lx_digits|lx_days_from_civil|lx_utf8_valid|lx_utf8_len" ;;
    csv) echo src/core/csv.c "src/api/units.c=$units_csv" ;;
    geo) echo src/core/geo.c "src/api/units.c=$units_geo" ;;
    open311) echo src/api/open311_fmt.c src/api/open311_post.c src/api/open311_update.c src/api/open311_read.c \
      src/api/open311.c ;;
    query) echo src/api/dispatch.c src/api/case_query.c "src/core/lx.c=lx_time_parse|lx_digits|lx_days_from_civil" ;;
    route) echo "src/api/dispatch.c=lx_match|lx_route_match" ;;
    fts) echo src/core/text.c src/store/repo_case_list.c ;;
    form) echo src/core/form.c src/core/form_expr.c src/core/form_check.c ;;
    xlsx) echo src/core/xlsx.c src/core/xlsx_value.c ;;
  esac
}

printf '%-8s %-34s %6s %6s %8s\n' target part lines missed covered
for t in $targets; do
  corpus=$runs/corpus/$t
  [ -d "$corpus" ] || corpus=tests/fuzz/corpus/$t
  bin=$cov/tests/fuzz/fuzz_$t
  LLVM_PROFILE_FILE=$work/$t.profraw "$bin" -runs=0 "$corpus" >"$work/$t.log" 2>&1 || {
    echo "coverage: fuzz_$t failed replaying $corpus ($work/$t.log)" >&2
    exit 1
  }
  "llvm-profdata$sfx" merge -sparse "$work/$t.profraw" -o "$work/$t.profdata"
  for part in $(parts_of "$t"); do
    file=${part%%=*}
    if [ "$file" = "$part" ]; then
      # the whole file: the TOTAL line of a one-file report
      "llvm-cov$sfx" report "$bin" -instr-profile="$work/$t.profdata" "$file" |
        awk -v t="$t" -v f="$file" '/^TOTAL/ { printf "%-8s %-34s %6s %6s %8s\n", t, f, $8, $9, $10 }'
    else
      re=${part#*=}
      n=$(awk -F'|' '{ print NF }' <<<"$re")
      "llvm-cov$sfx" report -show-functions "$bin" -instr-profile="$work/$t.profdata" "$file" |
        awk -v t="$t" -v f="$file" -v re="^(${re})\$" -v n="$n" '
          $2 ~ /^[0-9]+$/ { name = $1; sub(/^[^:]*:/, "", name)
                            if (name ~ re) { lines += $5; miss += $6 } }
          END { printf "%-8s %-34s %6d %6d %7.2f%%\n", t, f " (" n " functions)", lines, miss,
                       lines ? 100 * (lines - miss) / lines : 0 }'
    fi
  done
done
