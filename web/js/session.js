/*
 * session.js - who is logged in, and the reference data every screen uses
 * (the units of the caller's scope, the category list), loaded once.
 */
import { reactive, shallowRef } from 'vue';
import { api } from './api.js';

export const session = reactive({ user: null, ready: false });

export function hasRole(...roles) {
  const mine = (session.user && session.user.roles) || [];
  return roles.some((r) => mine.includes(r));
}

/* The first role decides the home page and the navigation. */
export function mainRole() {
  const order = ['admin', 'dispatcher', 'leader', 'handler', 'grid_worker', 'deputy', 'volunteer'];
  const mine = (session.user && session.user.roles) || [];
  return order.find((r) => mine.includes(r)) || 'volunteer';
}

export async function restore() {
  try {
    session.user = await api.get('/auth/me');
  } catch {
    session.user = null;
  }
  session.ready = true;
}

export async function login(loginName, password) {
  const r = await api.post('/auth/login', { login: loginName, password });
  clearCaches();
  session.user = r.user;
  return r.user;
}

export async function logout() {
  try { await api.post('/auth/logout'); } catch { /* already gone */ }
  session.user = null;
  clearCaches();
}

/* ---- reference data ---- */

let unitsPromise = null, catsPromise = null;
const boundaryCache = new Map();
export const unitIndex = shallowRef(new Map());   // id -> unit (no boundary), caller's scope
export const categoryIndex = shallowRef(new Map()); // code -> category

export function clearCaches() {
  unitsPromise = catsPromise = null;
  boundaryCache.clear();
  unitIndex.value = new Map();
  categoryIndex.value = new Map();
}

/* All units of the caller's scope, ordered by path, without boundaries. */
export function loadUnits(force = false) {
  if (!unitsPromise || force) {
    unitsPromise = api.get('/units', { boundary: 'false' }).then((r) => {
      const m = new Map();
      for (const u of r.items) m.set(u.id, u);
      unitIndex.value = m;
      return r.items;
    }).catch((e) => { unitsPromise = null; throw e; });
  }
  return unitsPromise;
}

export function loadCategories(force = false) {
  if (!catsPromise || force) {
    catsPromise = api.get('/categories').then((list) => {
      const m = new Map();
      for (const c of list) m.set(c.code, c);
      categoryIndex.value = m;
      return list;
    }).catch((e) => { catsPromise = null; throw e; });
  }
  return catsPromise;
}

/* Children of a unit with their boundaries (cached); parent 0: top level. */
export async function childrenWithBoundary(parentId) {
  const key = parentId || 0;
  if (!boundaryCache.has(key)) {
    const p = parentId
      ? api.get('/units', { parent_id: parentId })
      : loadUnits().then((all) => {
        const tops = all.filter((u) => !all.some((o) => o.id === u.parent_id));
        return Promise.all(tops.map((u) => api.get('/units/' + u.id))).then((items) => ({ items }));
      });
    boundaryCache.set(key, p.then((r) => r.items).catch((e) => { boundaryCache.delete(key); throw e; }));
  }
  return boundaryCache.get(key);
}

export function unitName(id) {
  if (!id) return '';
  const u = unitIndex.value.get(id);
  return u ? u.name : '#' + id;
}

/* "桥头街道 › 桥头社区 › 桥头社区第1网格" from the path, within the scope. */
export function unitPathNames(id, sep = ' › ') {
  const u = unitIndex.value.get(id);
  if (!u) return unitName(id);
  const ids = u.path.split('/').filter(Boolean).map(Number);
  return ids.map((i) => unitIndex.value.get(i)).filter(Boolean).map((x) => x.name).join(sep);
}

/* True when unit id lies in the subtree of unit root (both in scope). */
export function inSubtree(id, rootId) {
  const u = unitIndex.value.get(id), r = unitIndex.value.get(rootId);
  return !!(u && r && u.path.startsWith(r.path));
}

export function categoryName(code) {
  if (!code) return '';
  const c = categoryIndex.value.get(code);
  return c ? c.name : code;
}

/* "供暖供水供电燃气 / 暖气不热/停暖" */
export function categoryFullName(code) {
  const c = categoryIndex.value.get(code);
  if (!c) return code || '';
  const p = c.parent_code && categoryIndex.value.get(c.parent_code);
  return p ? p.name + ' / ' + c.name : c.name;
}

/* Where maps start: the caller's single top unit (its children are drawn),
 * or 0 when the scope has several tops (an admin's whole system). */
export function mapTop() {
  const all = [...unitIndex.value.values()];
  const tops = all.filter((u) => !unitIndex.value.has(u.parent_id));
  return tops.length === 1 ? tops[0].id : 0;
}
