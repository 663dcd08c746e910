/*
 * router.js - a small hash router: #/, #/new, #/cases, #/cases/12,
 * #/login?next=/new, #/lookup. Every navigation bumps route.seq, so a
 * screen opened again starts afresh.
 */
import { reactive } from 'vue';
import { qs } from './api.js';

export const route = reactive({ path: '/', name: 'home', params: {}, query: {}, seq: 0 });

const TABLE = [
  { name: 'home', re: /^\/$/ },
  { name: 'new', re: /^\/new$/ },
  { name: 'cases', re: /^\/cases$/ },
  { name: 'case', re: /^\/cases\/(\d+)$/, keys: ['id'] },
  { name: 'login', re: /^\/login$/ },
  { name: 'lookup', re: /^\/lookup$/ },
];
/* where the back arrow goes when the page was opened directly */
const UP = { case: '/cases' };

let navigated = false;

function sync() {
  route.seq++;
  const h = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = h.split('?');
  for (const r of TABLE) {
    const m = r.re.exec(path);
    if (!m) continue;
    route.path = path;
    route.name = r.name;
    route.params = Object.fromEntries((r.keys || []).map((k, i) => [k, decodeURIComponent(m[i + 1])]));
    route.query = Object.fromEntries(new URLSearchParams(query));
    return;
  }
  route.path = '/';
  route.name = 'home';
  route.params = {};
  route.query = {};
}

/* Goes to path (with query); replace: without a history entry. */
export function go(path, query, replace = false) {
  const target = '#' + path + qs(query || {});
  if (location.hash === target) { sync(); return; }
  if (replace) {
    history.replaceState(null, '', target);
    sync();
  } else location.hash = target;
}

export function back() {
  if (navigated && history.length > 1) history.back();
  else go(UP[route.name] || '/', undefined, true);
}

export function startRouter() {
  window.addEventListener('hashchange', () => { navigated = true; sync(); });
  sync();
}
