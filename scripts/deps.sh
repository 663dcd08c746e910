#!/usr/bin/env bash
# Installs the Debian packages lianxin needs to build and test, only those
# that are missing. Usage: scripts/deps.sh [build|test]
set -euo pipefail
need=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
      libsodium-dev)
if [ "${1:-build}" = test ]; then
  need+=(libcmocka-dev python3 python3-pytest clang libclang-rt-14-dev curl)
fi
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
