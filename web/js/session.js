/*
 * session.js - who is logged in, and the reference data every screen uses
 * (the units of the caller's scope, the category list, the workflow
 * machines of GET /workflows), loaded once.
 */
import { reactive, shallowRef } from 'vue';
import { api } from './api.js';
import { locale, dictionaries } from './i18n.js';

export const session = reactive({ user: null, ready: false, offline: false });

/* The last GET /auth/me, kept so the app can start without a network (a
 * grid worker in a cellar opens the due list it kept); cleared at logout
 * and whenever the server says the session is gone. */
const ME_KEY = 'lx.me';
function rememberMe(u) {
  try { if (u) localStorage.setItem(ME_KEY, JSON.stringify(u)); else localStorage.removeItem(ME_KEY); } catch { /* private mode */ }
}
function rememberedMe() {
  try { return JSON.parse(localStorage.getItem(ME_KEY) || 'null'); } catch { return null; }
}
export function forgetMe() { rememberMe(null); }

/* Drops the due lists and forms field.js kept (names and addresses of the
 * people visited) at logout; visits not yet sent stay in its outbox. */
function forgetFieldCache() {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith('lx.field.')) localStorage.removeItem(k);
  } catch { /* private mode */ }
}

/* Started without a network (session.offline): asks the server again once
 * it answers; a session that ended meanwhile then leads to the login page
 * (api.js's 401 handler). */
export async function recheck() {
  if (!session.offline || !session.user) return;
  try {
    const u = await api.get('/auth/me');
    session.user = u;
    session.offline = false;
    rememberMe(u);
    loadWorkflows().catch(() => null);
  } catch { /* still no network, or the 401 handler took over */ }
}

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
    session.offline = false;
    rememberMe(session.user);
  } catch (e) {
    /* no network: the user this phone saw last, until the server answers */
    const kept = e && e.status === 0 ? rememberedMe() : null;
    session.user = kept;
    session.offline = !!kept;
    if (!kept) rememberMe(null);
  }
  /* every screen shows statuses: have the machines before the first one
   * (a user who must first set a password or enrol gets them afterwards) */
  if (session.user && !gate()) await loadWorkflows().catch(() => null);
  session.ready = true;
}

/*
 * What the user must do before any screen: 'password' (set a password of
 * their own: a new account, one an admin reset, or an expired one), 'totp'
 * (their role needs a second factor and they have none), or '' (nothing).
 */
export function gate() {
  const u = session.user;
  if (!u) return '';
  if (u.password_change_required) return 'password';
  if (u.totp_enrollment_required) return 'totp';
  return '';
}

/* Reads GET /auth/me again (its flags change with a new password or a
 * second factor); loads the machines once nothing stands in the way. */
export async function refreshMe() {
  const u = await api.get('/auth/me');
  if (!u.password_change_required && !u.totp_enrollment_required) await loadWorkflows().catch(() => null);
  session.user = u;
  session.offline = false;
  rememberMe(u);
  return u;
}

/*
 * Logs in. totp: the 6-digit code, when the server asked for it (401
 * totp_required). Throws the ApiError of a refusal (bad_credentials,
 * totp_required, totp_invalid, too_many_attempts with retryAfter).
 */
export async function login(loginName, password, totp) {
  const body = { login: loginName, password };
  if (totp) body.totp = totp;
  const r = await api.post('/auth/login', body);
  clearCaches();
  let user = {
    ...r.user,
    password_change_required: !!r.password_change_required,
    totp_enrollment_required: !!r.totp_enrollment_required,
  };
  try { user = await api.get('/auth/me'); } catch { /* the login's own answer will do */ }
  if (!user.password_change_required && !user.totp_enrollment_required) await loadWorkflows().catch(() => null);
  session.user = user;
  session.offline = false;
  rememberMe(user);
  return user;
}

export async function logout() {
  try { await api.post('/auth/logout'); } catch { /* already gone */ }
  session.user = null;
  rememberMe(null);
  forgetFieldCache();
  clearCaches();
}

/* ---- reference data ---- */

let unitsPromise = null, catsPromise = null, flowsPromise = null;
const boundaryCache = new Map();
export const unitIndex = shallowRef(new Map());   // id -> unit (no boundary), caller's scope
export const categoryIndex = shallowRef(new Map()); // code -> category
export const workflowIndex = shallowRef(new Map()); // case type -> machine

export function clearCaches() {
  unitsPromise = catsPromise = flowsPromise = null;
  boundaryCache.clear();
  unitIndex.value = new Map();
  categoryIndex.value = new Map();
  unitNames.value = new Map();
  namesAsked.clear();
  namesQueue.clear();
}

/* Every page of GET /units with params (the list comes a page at a time:
 * limit up to 5000, next_offset until null). */
async function allUnits(params, limit) {
  const items = [];
  let offset = 0;
  for (;;) {
    const r = await api.get('/units', { ...params, limit, offset: offset || undefined });
    items.push(...r.items);
    if (r.next_offset === null || r.next_offset === undefined || !r.items.length) return items;
    offset = r.next_offset;
  }
}

/* All units of the caller's scope, ordered by path, without boundaries. */
export function loadUnits(force = false) {
  if (!unitsPromise || force) {
    unitsPromise = allUnits({ boundary: 'false' }, 5000).then((items) => {
      const m = new Map();
      for (const u of items) m.set(u.id, u);
      unitIndex.value = m;
      return items;
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
      ? allUnits({ parent_id: parentId }, 1000).then((items) => ({ items }))
      : loadUnits().then((all) => {
        const tops = all.filter((u) => !all.some((o) => o.id === u.parent_id));
        return Promise.all(tops.map((u) => api.get('/units/' + u.id))).then((items) => ({ items }));
      });
    boundaryCache.set(key, p.then((r) => r.items).catch((e) => { boundaryCache.delete(key); throw e; }));
  }
  return boundaryCache.get(key);
}

/* ---- names of units outside the scope (a department a case went to,
 * the parent unit): GET /units/names, asked in batches of up to 100 ids,
 * kept for the session; names a case carries (unit_name,
 * handler_unit_name) are kept too ---- */

export const unitNames = shallowRef(new Map()); // id -> {id, name, kind}
const namesAsked = new Set();
const namesQueue = new Set();
let namesTimer = null;

async function flushUnitNames() {
  namesTimer = null;
  if (unitsPromise) await unitsPromise.catch(() => null); // the scope's units name themselves
  const ids = [...namesQueue].filter((id) => !unitIndex.value.has(id) && !unitNames.value.has(id));
  namesQueue.clear();
  for (let i = 0; i < ids.length; i += 100) {
    try {
      const r = await api.get('/units/names', { ids: ids.slice(i, i + 100).join(',') });
      const m = new Map(unitNames.value);
      for (const u of (r && r.items) || []) m.set(u.id, u);
      unitNames.value = m;
    } catch { /* a unit the caller may not name, or the network: '#id' stays */ }
  }
}

/* Asks (once each, batched) for the names of ids the scope lacks. */
export function requestUnitNames(ids) {
  for (const id of ids || []) {
    if (!id || unitIndex.value.has(id) || unitNames.value.has(id) || namesAsked.has(id)) continue;
    namesAsked.add(id);
    namesQueue.add(id);
  }
  if (namesQueue.size && !namesTimer) namesTimer = setTimeout(flushUnitNames, 30);
}

/* Keeps a name the server gave beside an id (case JSON, timeline). */
export function learnUnitName(id, name) {
  if (!id || !name || unitIndex.value.has(id) || (unitNames.value.get(id) || {}).name === name) return;
  const m = new Map(unitNames.value);
  m.set(id, { id, name });
  unitNames.value = m;
}

/* Keeps the unit names case c (or a list of cases) carries. */
export function learnCaseUnits(c) {
  for (const x of Array.isArray(c) ? c : [c]) {
    if (!x) continue;
    learnUnitName(x.unit_id, x.unit_name);
    learnUnitName(x.handler_unit_id, x.handler_unit_name);
  }
}

/* A unit's name: the scope's, a name learnt or asked for, else '#id'
 * (asking for it, so the name follows when it comes). */
export function unitName(id) {
  if (!id) return '';
  const u = unitIndex.value.get(id) || unitNames.value.get(id);
  if (u) return u.name;
  requestUnitNames([id]);
  return '#' + id;
}

/* "桥头街道 › 桥头社区 › 桥头社区第1网格" from the path, within the scope. */
export function unitPathNames(id, sep = ' › ') {
  const u = unitIndex.value.get(id);
  if (!u) return unitName(id);
  const ids = u.path.split('/').filter(Boolean).map(Number);
  return ids.map((i) => unitIndex.value.get(i)).filter(Boolean).map((x) => x.name).join(sep);
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

/* ---- the workflow machines (GET /workflows): every status list, label,
 * colour and clock the screens use comes from here, none is written in
 * the script ---- */

export function loadWorkflows(force = false) {
  if (!flowsPromise || force) {
    flowsPromise = api.get('/workflows').then((list) => {
      const m = new Map();
      for (const w of list) m.set(w.type, w);
      workflowIndex.value = m;
      return list;
    }).catch((e) => { flowsPromise = null; throw e; });
  }
  return flowsPromise;
}

/* The machine of a case type (the first one when the type is unknown). */
export function machineOf(type) {
  const idx = workflowIndex.value;
  return idx.get(type) || idx.values().next().value || null;
}

function machines() { return [...workflowIndex.value.values()]; }

/* Names over every machine, each once, in the machines' order. */
function union(pick) {
  const out = [];
  for (const m of machines()) for (const n of pick(m)) if (!out.includes(n)) out.push(n);
  return out;
}

/* {name, label, group, open, done, clock} of a status (of type's machine first). */
export function stateInfo(name, type) {
  const own = type && workflowIndex.value.get(type);
  for (const m of own ? [own, ...machines()] : machines()) {
    const s = m.states.find((x) => x.name === name);
    if (s) return s;
  }
  return null;
}

/* Every status, in the machines' order (filters). */
export function statusNames() { return union((m) => m.states.map((s) => s.name)); }

/* The statuses of open work (not yet done). */
export function openStatuses() { return union((m) => m.states.filter((s) => s.open).map((s) => s.name)); }

/* The statuses the machines start cases in (waiting for the desk). */
export function initialStatuses() { return union((m) => m.states.filter((s) => s.group === 'initial').map((s) => s.name)); }

/* The statuses in which the named clock (accept|resolve) runs. */
export function clockStatuses(clock) {
  return union((m) => (m.clocks.find((k) => k.name === clock) || { states: [] }).states);
}

/* The statuses an action may be fired from (any role). */
export function fromStates(action) {
  return union((m) => m.transitions.filter((x) => x.action === action).flatMap((x) => x.from));
}

/* The statuses from which the desk (re)assigns work. */
export function deskStatuses() {
  return union((m) => m.transitions.filter((x) => (x.effects || []).includes('assign') && x.roles.includes('dispatcher')).flatMap((x) => x.from));
}

/* The clocks of a case's machine: [{name, states, overdue}]. */
export function clocksOf(type) {
  const m = machineOf(type);
  return m ? m.clocks : [];
}

/* May the caller try action on case c (its machine, state and role say
 * so; the server checks the guards)? For lists, which carry no
 * allowed_actions. */
export function mayTry(c, action) {
  const m = c && machineOf(c.type);
  const mine = (session.user && session.user.roles) || [];
  return !!m && m.transitions.some((x) => x.action === action && x.from.includes(c.status) && x.roles.some((r) => mine.includes(r)));
}

/* A status in the user's language: English from the dictionary, Chinese
 * (and any status the dictionary lacks) from the machine's label. */
export function statusLabel(name, type) {
  if (!name) return '';
  const d = dictionaries[locale.value];
  if (locale.value !== 'zh-CN' && d && d.status && d.status[name]) return d.status[name];
  const s = stateInfo(name, type);
  return s ? s.label : name;
}

/* Does a done status still wait for something that may reopen the work
 * (a call-back rating whose outcomes include an open status)? */
function awaitsOutcome(name) {
  return machines().some((m) => m.transitions.some((x) => x.from.includes(name) && (x.outcomes || [])
    .some((o) => { const s = m.states.find((y) => y.name === o); return s && s.open; })));
}

/* The colour of a status, from what the machine says of it: the desk's
 * queue red, waiting to be accepted blue, in hand green, open with its
 * clocks stopped orange, done and awaiting the call-back purple, finished
 * grey. */
export function statusColor(name) {
  const s = stateInfo(name);
  if (!s) return { color: '#969799', plain: true };
  if (s.group === 'initial') return { color: '#ee0a24', plain: false };
  if (s.open) {
    const running = machines().flatMap((m) => m.clocks).filter((k) => k.states.includes(name)).map((k) => k.name);
    if (running.includes('accept')) return { color: '#1989fa', plain: false };
    if (running.length) return { color: '#07a35a', plain: false };
    return { color: '#ed6a0c', plain: false };
  }
  if (awaitsOutcome(name)) return { color: '#7232dd', plain: false };
  return { color: '#969799', plain: true };
}

/* The deadline that runs now for case c, by its machine's clocks: the
 * first clock running in its status with a due time. {kind, due, workdays}
 * (workdays: the clock counts N working days) or null. */
export function runningClock(c) {
  if (!c) return null;
  for (const k of clocksOf(c.type)) {
    const due = c[k.name + '_due_at'];
    if (k.states.includes(c.status) && due) return { kind: k.name, due, workdays: c[k.name + '_workdays'] || null };
  }
  return null;
}

/* Is the case's time stopped by a suspension (open, no clock running)? */
export function clockPaused(c) {
  const s = c && stateInfo(c.status, c.type);
  return !!(s && s.open && !s.clock && c.suspended_at);
}

/* Is the status one where the handling unit handed the work back to the
 * desk (the desk assigns from it, no clock runs, not the first status)? */
export function handedBack(name) {
  const s = stateInfo(name);
  return !!s && s.group !== 'initial' && !s.clock && deskStatuses().includes(name);
}

/* The body an action takes on a case of type, from its transitions' input
 * schemas: {props: Set of field names, required: Set}. */
export function actionInput(type, action) {
  const m = machineOf(type);
  const props = new Set(), required = new Set();
  for (const x of (m ? m.transitions : []).filter((y) => y.action === action)) {
    for (const k of Object.keys((x.input && x.input.properties) || {})) props.add(k);
    for (const k of (x.input && x.input.required) || []) required.add(k);
  }
  return { props, required };
}
