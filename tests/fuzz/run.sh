#!/usr/bin/env bash
# tests/fuzz/run.sh - runs every libFuzzer target of a fuzz build for
# FUZZ_SECONDS each (default 60) on a copy of its seed corpus, so generated
# inputs never land in the repository. Fails when any target crashes, leaks,
# hangs (FUZZ_TIMEOUT seconds for one input) or trips a property; the
# input that did is kept in <out>/artifacts. `make fuzz` calls it.
#
# Usage: tests/fuzz/run.sh [BUILD_DIR]     (default build-fuzz)
# Environment: FUZZ_SECONDS, FUZZ_TARGETS (names without fuzz_, default
# all), FUZZ_JOBS (targets run at once, default the number of cores: each
# target is one single-threaded process), FUZZ_OUT (default BUILD_DIR/fuzz-run: logs, corpora, artifacts,
# the fixture database), FUZZ_TIMEOUT (default 25), FUZZ_ARGS (more
# libFuzzer flags).
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
out=${FUZZ_OUT:-$build/fuzz-run}
timeout=${FUZZ_TIMEOUT:-25}
bin=$build/tests/fuzz
targets=${FUZZ_TARGETS:-$(cd tests/fuzz && ls fuzz_*.c | sed -e 's/^fuzz_//' -e 's/\.c$//' | grep -vx common)}

rm -rf "$out"
mkdir -p "$out/corpus" "$out/artifacts" "$out/logs"
# the demo district, built by the first target that needs it (fuzz.h)
export LX_FUZZ_DB=$out/fixture.db
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

jobs=${FUZZ_JOBS:-$(nproc)}
for t in $targets; do
  if [ ! -x "$bin/fuzz_$t" ]; then
    echo "fuzz: $bin/fuzz_$t is missing (cmake --preset fuzz && cmake --build $build --target lx_fuzzers)" >&2
    exit 2
  fi
done
# the fixture is built once before the targets run side by side (a target
# that finds it missing would build its own copy)
[ -x "$bin/fuzz_query" ] && "$bin/fuzz_query" -runs=0 >"$out/logs/fixture.log" 2>&1

# One target for $seconds; its row of the table goes to logs/<t>.row and
# its exit code to logs/<t>.rc.
run_target() {
  local t=$1 exe=$bin/fuzz_$1 log=$out/logs/$1.log rc
  cp -r "tests/fuzz/corpus/$t" "$out/corpus/$t"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  # shellcheck disable=SC2086
  nice -n 10 "$exe" -max_total_time="$seconds" -timeout="$timeout" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t-" "${dict[@]}" ${FUZZ_ARGS:-} "$out/corpus/$t" >"$log" 2>&1
  rc=$?
  local execs rate last cov ft files result=ok
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  files=$(ls "$out/corpus/$t" | wc -l)
  [ $rc -ne 0 ] && result="FAILED (exit $rc, $log)"
  printf '%-8s %10s %8s %6s %6s %7s  %s\n' "$t" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$files" "$result" \
    >"$out/logs/$t.row"
  echo $rc >"$out/logs/$t.rc"
}

running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
wait

failed=()
printf '%-8s %10s %8s %6s %6s %7s  %s\n' target execs exec/s cov ft corpus result
for t in $targets; do
  cat "$out/logs/$t.row"
  [ "$(cat "$out/logs/$t.rc")" = 0 ] || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "---- fuzz_$t: the end of $out/logs/$t.log" >&2
    tail -n 40 "$out/logs/$t.log" >&2
  done
  echo "fuzz: ${failed[*]} failed; inputs in $out/artifacts (replay: $bin/fuzz_<target> <file>)" >&2
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding"
