#!/usr/bin/env bash
# Installs the Debian packages lianxin needs to build and test, only those
# that are missing. Usage: scripts/deps.sh [build|test|web]
set -euo pipefail
need=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
      libsodium-dev)
need+=(libcrack2-dev cracklib-runtime)  # passwords: the dictionary check
need+=(libqrencode-dev)                 # the second factor's enrolment QR code
need+=(libvips-dev)                     # photos: decoded and re-encoded without EXIF, thumbnails
need+=(libxlsxwriter-dev)  # web: .xlsx export
need+=(libzip-dev libexpat1-dev)  # imports: .xlsx read (libzip opens the archive, expat streams its XML)
need+=(libcurl4-openssl-dev)      # notifications: the SMS gateway and webhooks over HTTP
# postgresql: libpq for the driver; the server (initdb, pg_ctl) and psql for the
# second pass of the API tests on a throw-away cluster (scripts/pg-test.sh).
need+=(libpq-dev)
if [ "${1:-build}" = test ]; then need+=(postgresql postgresql-client); fi
if [ "${1:-build}" = test ]; then
  need+=(libcmocka-dev python3 python3-pytest python3-pytest-xdist clang libclang-rt-14-dev curl wrk)
  need+=(python3-pil)  # the attachment tests make their images (EXIF with GPS, odd sizes)
  need+=(python3-openpyxl)  # the .xlsx reader's test reads a workbook that openpyxl saves
  # web: browser tests (Playwright drives Debian's Chromium; a CJK font for screenshots).
  # Node may come from elsewhere (a nodejs that bundles npm conflicts with Debian's npm),
  # so node and npm are asked for only when the commands are missing.
  need+=(chromium fonts-wqy-microhei)
fi
if [ "${1:-build}" = test ] || [ "${1:-build}" = web ]; then
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
fi
# fuzz: libFuzzer is clang's (compiler-rt); fuzz-cov also needs llvm-profdata and llvm-cov
if [ "${1:-build}" = fuzz ] || [ "${1:-build}" = fuzz-cov ]; then need+=(clang libclang-rt-14-dev); fi
if [ "${1:-build}" = fuzz-cov ]; then need+=(llvm-14); fi
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
