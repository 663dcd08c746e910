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
  # vant.css is rewritten below (its icon font): copied again only when newer
  if [ "${f##*:}" = vant.css ] && [ -f "$dst" ] && [ -f "$out/vant-icon.woff2" ] && [ ! "$src" -nt "$dst" ]; then
    continue
  fi
  if [ ! -f "$dst" ] || [ "$src" -nt "$dst" ] || ! cmp -s "$src" "$dst"; then
    cp "$src" "$dst"
  fi
done
# Vant's icon font comes inside its CSS as a data: URL, with a fallback on
# at.alicdn.com: the server's CSP (default-src 'self') refuses both, and the
# icons would be empty boxes. The font goes to a file of its own beside the
# CSS, which points at it.
node - "$out/vant.css" "$out/vant-icon.woff2" <<'JS'
const fs = require('fs');
const [css, font] = process.argv.slice(2);
const s = fs.readFileSync(css, 'utf8');
const re = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)(,url\([^)]*\) format\("woff"\))?/;
const m = re.exec(s);
if (!m) {
  if (!s.includes('url(vant-icon.woff2)')) { console.error('web-vendor: no icon font in vant.css'); process.exit(1); }
  process.exit(0);
}
fs.writeFileSync(font, Buffer.from(m[1], 'base64'));
fs.writeFileSync(css, s.replace(re, 'src:url(vant-icon.woff2) format("woff2")'));
JS
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
