/*
 * router.js - a small hash router (#/case/42?tab=timeline): the server
 * serves index.html only at "/", so every screen lives after the hash.
 */
import { reactive } from 'vue';
import { qs } from './api.js';

export const route = reactive({ path: '/', name: '', params: {}, query: {}, seq: 0 });

const table = [];

/* Registers pattern ("/case/:id") under name. */
export function defineRoutes(list) {
  for (const r of list) {
    const keys = [];
    const re = new RegExp('^' + r.path.replace(/:(\w+)/g, (m, k) => { keys.push(k); return '([^/]+)'; }) + '$');
    table.push({ ...r, re, keys });
  }
}

export function resolve(hash) {
  const h = (hash || '').replace(/^#/, '') || '/';
  const [path, query = ''] = h.split('?');
  for (const r of table) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
    return { route: r, path, params, query: Object.fromEntries(new URLSearchParams(query)) };
  }
  return null;
}

/* Every navigation (not setQuery) bumps route.seq, so a screen opened
 * again with other parameters starts afresh. */
function sync() {
  route.seq++;
  const r = resolve(location.hash);
  if (!r) {
    route.path = '/';
    route.name = 'home';
    route.params = {};
    route.query = {};
    return;
  }
  route.path = r.path;
  route.name = r.route.name;
  route.params = r.params;
  route.query = r.query;
}

export function go(path, query) {
  const target = '#' + path + qs(query || {});
  if (location.hash === target) sync();
  else location.hash = target;
}

/* Replaces the query of the current route without a history entry. */
export function setQuery(query) {
  const target = '#' + route.path + qs(query);
  history.replaceState(null, '', target);
  route.query = Object.fromEntries(new URLSearchParams(qs(query).slice(1)));
}

export function startRouter() {
  window.addEventListener('hashchange', () => { window.__lxNavigated = true; sync(); });
  sync();
}

export function routeTable() { return table; }
