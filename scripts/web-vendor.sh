#!/usr/bin/env bash
# Copies the browser UI's third-party files from node_modules (installed by
# `npm ci` from package-lock.json) into web/vendor/, which the server serves
# and git ignores. Only dist files, never sources; each with its licence.
# Usage: scripts/web-vendor.sh   (run from anywhere; `make web` runs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nm=$root/node_modules
out=$root/web/vendor
if [ ! -d "$nm/vue" ] || [ ! -d "$nm/vant" ] || [ ! -d "$nm/echarts" ]; then
  echo "web-vendor: node_modules is missing; run 'npm ci' (or 'make web') first" >&2
  exit 1
fi
mkdir -p "$out/licenses"
# source in node_modules -> name under web/vendor
files=(
  "vue/dist/vue.esm-browser.prod.js:vue.esm-browser.prod.js"  # Vue 3, ES module, with the template compiler
  "vant/lib/vant.min.js:vant.min.js"                          # Vant 4 (UMD; takes Vue from globalThis.Vue)
  "vant/lib/index.css:vant.css"
  "vant/es/locale/lang/en-US.mjs:vant-en-US.mjs"              # Vant's English messages (a plain ES module)
  "echarts/dist/echarts.common.min.js:echarts.common.min.js"  # line, bar, pie + tooltip, legend (loaded lazily)
)
for f in "${files[@]}"; do
  src=$nm/${f%%:*}
  dst=$out/${f##*:}
  if [ ! -f "$dst" ] || [ "$src" -nt "$dst" ] || ! cmp -s "$src" "$dst"; then
    cp "$src" "$dst"
  fi
done
for p in vue vant echarts; do
  cp "$nm/$p/LICENSE" "$out/licenses/$p-LICENSE.txt" 2>/dev/null || true
done
{
  echo "# copied by scripts/web-vendor.sh from node_modules; do not edit"
  for p in vue vant echarts; do
    printf '%s %s\n' "$p" "$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$nm/$p/package.json" | head -1)"
  done
} > "$out/VERSIONS.txt"
echo "web-vendor: web/vendor has $(grep -v "^#" "$out/VERSIONS.txt" | tr "\n" " ")"
