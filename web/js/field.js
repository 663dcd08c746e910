/*
 * field.js - the grid worker's field work when the network comes and goes.
 *
 * Kept on the phone, per user:
 *   - the due list (GET /visits/due) and the forms it needs (GET /forms/{id}),
 *     in localStorage, written on every good answer and read when there is
 *     no network;
 *   - the outbox: every visit the worker submits, in IndexedDB, with its
 *     client_uuid (made once, on the phone) and visited_at (when it
 *     happened), and the photos it took as image blobs. A visit stays there
 *     until the server has it: POST /visits answers 201, or 200 for a
 *     client_uuid it stored before (a resend after a lost answer), and the
 *     server never stores one client_uuid twice, so a visit sent twice is
 *     stored once. Photos go first (POST /visits/photos), each once: the id
 *     the server gave is written into the entry before the visit goes.
 *   - the last visits sent (with the hazard cases they raised), so the
 *     worker can see what went up.
 *
 * Sending: at once when the worker submits, then on the 'online' event, on
 * a timer and when the app starts. A network failure, a 5xx or a 429 keeps
 * the entry pending for the next try; any other 4xx (a required answer
 * missing, a plan that ended) marks it failed, with the server's error,
 * for the worker to fix or discard: it is not sent again by itself.
 */
import { reactive } from 'vue';
import { api, upload, GATE_CODES } from './api.js';
import { session } from './session.js';
import { t, has } from './i18n.js';

const RETRY_MS = 20000;
const SENT_KEEP = 30;
const DB_NAME = 'lianxin-field';

export const field = reactive({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  entries: [],      // the current user's outbox, oldest first (no blobs)
  pending: 0,       // entries waiting to be sent
  failed: 0,        // entries the server refused (4xx)
  sending: false,
  sent: [],         // the last visits sent, newest first
});

/* ---------------- small helpers ---------------- */

/* A random UUID (crypto.randomUUID needs a secure context; a grid office's
 * plain-http intranet address is not one). */
export function newUuid() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

/* ms as RFC 3339 in the phone's own offset: "2026-12-02T09:30:00+08:00". */
export function rfc3339(ms = Date.now()) {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const p = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes())
    + ':' + p(d.getSeconds()) + (off >= 0 ? '+' : '-') + p(off / 60) + ':' + p(off % 60);
}

/* Is e the network failing (no answer at all), not the server refusing? */
export const isNetworkError = (e) => !!e && (e.status === 0 || e.name === 'AbortError');

/* The phone's position: {lat, lon, accuracy} or null (no GPS, refused, or
 * nothing within timeout ms). Never throws. */
export function locate(timeout = 8000) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) { resolve(null); return; }
    let done = false;
    const finish = (v) => { if (!done) { done = true; resolve(v); } };
    setTimeout(() => finish(null), timeout + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => finish({ lat: +p.coords.latitude.toFixed(6), lon: +p.coords.longitude.toFixed(6), accuracy: Math.round(p.coords.accuracy || 0) }),
      () => finish(null),
      { enableHighAccuracy: true, timeout, maximumAge: 60000 });
  });
}

/* What the worker reads for an entry the server refused: the code's own
 * sentence where there is one, then the server's words. */
export function refusalText(err) {
  if (!err) return '';
  if (err.code === 'photo_lost') return t('visit.photo_lost');
  const own = err.code && has('field.err_' + err.code) ? t('field.err_' + err.code) : '';
  if (own && err.message) return own + '（' + err.message + '）';
  return own || err.message || t('visit.err_invalid');
}

/* ---------------- localStorage: the due list, forms, what was sent ---------------- */

const uid = () => (session.user ? session.user.id : 0);
const lsKey = (what) => 'lx.field.' + what + '.' + uid();

export function cacheRead(what) {
  try {
    const s = localStorage.getItem(lsKey(what));
    return s ? JSON.parse(s) : null;
  } catch { return null; }
}

export function cacheWrite(what, data) {
  try { localStorage.setItem(lsKey(what), JSON.stringify({ at: Date.now(), data })); } catch { /* full, or private mode */ }
}

function loadSent() {
  const c = cacheRead('sent');
  field.sent = (c && c.data) || [];
}

function rememberSent(e, visit) {
  const rec = {
    client_uuid: e.client_uuid, visit_id: visit.id, hazards: visit.hazards || [], plan_id: e.plan_id, plan_name: e.plan_name,
    target: e.target, outcome: e.body.outcome, visited_at: visit.visited_at || e.body.visited_at, sent_at: Date.now(), body: e.body,
  };
  field.sent = [rec, ...field.sent.filter((s) => s.client_uuid !== e.client_uuid)].slice(0, SENT_KEEP);
  cacheWrite('sent', field.sent);
  return rec;
}

/* ---------------- IndexedDB: the outbox and its photos ---------------- */

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (!globalThis.indexedDB) { reject(new Error('no IndexedDB')); return; }
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        if (!d.objectStoreNames.contains('outbox')) d.createObjectStore('outbox', { keyPath: 'client_uuid' });
        if (!d.objectStoreNames.contains('blobs')) d.createObjectStore('blobs');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }).catch((e) => { dbPromise = null; throw e; });
  }
  return dbPromise;
}

/* Runs fn(store) in one transaction; resolves with the last request's result. */
async function tx(storeName, mode, fn) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(storeName, mode);
    const st = t.objectStore(storeName);
    let out;
    const req = fn(st);
    if (req) req.onsuccess = () => { out = req.result; };
    t.oncomplete = () => resolve(out);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('aborted'));
  });
}

const putEntry = (e) => tx('outbox', 'readwrite', (s) => s.put(JSON.parse(JSON.stringify(e))));
const getEntry = (id) => tx('outbox', 'readonly', (s) => s.get(id));
const allEntries = () => tx('outbox', 'readonly', (s) => s.getAll());
const deleteEntry = (id) => tx('outbox', 'readwrite', (s) => s.delete(id));
export const putBlob = (key, blob) => tx('blobs', 'readwrite', (s) => s.put(blob, key));
export const getBlob = (key) => tx('blobs', 'readonly', (s) => s.get(key));
const deleteBlob = (key) => tx('blobs', 'readwrite', (s) => s.delete(key));

/* Reads the current user's outbox into field.entries and the counts. */
export async function refreshOutbox() {
  let list = [];
  try { list = (await allEntries()).filter((e) => e.user_id === uid()); } catch { list = []; }
  list.sort((a, b) => a.created_at - b.created_at);
  field.entries = list;
  field.pending = list.filter((e) => e.state !== 'failed').length;
  field.failed = list.filter((e) => e.state === 'failed').length;
  return list;
}

/* The outbox entry of client_uuid (the current user's), or null. */
export async function outboxEntry(id) {
  try {
    const e = await getEntry(id);
    return e && e.user_id === uid() ? e : null;
  } catch { return null; }
}

/*
 * Keeps a visit in the outbox (replacing an entry with its client_uuid):
 * entry {client_uuid, plan_id, plan_name, form_id, form_name, target
 * {kind, id, name, address}, body (the POST /visits body without photo
 * answers), photos {question: {blob?, id?, thumb_url?}}}. A photo's blob is
 * stored beside the entry; the entry keeps its key. Throws when the
 * browser cannot store anything (then nothing was kept).
 */
export async function queueVisit(entry) {
  const old = await outboxEntry(entry.client_uuid);
  const photos = {};
  for (const [q, p] of Object.entries(entry.photos || {})) {
    if (p.id) { photos[q] = { id: p.id, thumb_url: p.thumb_url || '' }; continue; }
    const key = entry.client_uuid + ':' + q;
    if (p.blob) await putBlob(key, p.blob);
    photos[q] = { key };
  }
  /* a photo replaced or removed since: its old blob goes */
  for (const [q, p] of Object.entries((old && old.photos) || {}))
    if (p.key && (!photos[q] || photos[q].key !== p.key)) await deleteBlob(p.key).catch(() => null);
  const e = {
    ...entry, photos, user_id: uid(), created_at: (old && old.created_at) || Date.now(), state: 'pending', error: null,
    tries: (old && old.tries) || 0,
  };
  await putEntry(e);
  await refreshOutbox();
  return e;
}

/* Drops an entry and its photos (the worker discards a refused visit). */
export async function discardVisit(id) {
  const e = await outboxEntry(id);
  if (!e) return;
  for (const p of Object.values(e.photos || {})) if (p.key) await deleteBlob(p.key).catch(() => null);
  await deleteEntry(id);
  await refreshOutbox();
}

/* What a failure means for an entry: 'offline' (no answer), 'auth' (log
 * in again), 'retry' (the server is busy: try later), 'failed' (refused). */
function classify(e) {
  if (isNetworkError(e)) return 'offline';
  if (e.status === 401 || (e.status === 403 && GATE_CODES.includes(e.code))) return 'auth';
  if (e.status === 408 || e.status === 429 || e.status >= 500 || !e.status) return 'retry';
  return 'failed';
}

const inFlight = new Map();

/*
 * Sends one entry (by client_uuid): its photos not yet sent, then the
 * visit. -> {status: 'sent', visit, record} | {status: 'offline' | 'auth' |
 * 'retry' | 'failed', error}. One send of an entry at a time: a second
 * call while one runs gets the same promise. opts.onProgress(fraction) for
 * the photos.
 */
export function sendVisit(id, opts = {}) {
  if (!inFlight.has(id)) inFlight.set(id, doSend(id, opts).finally(() => inFlight.delete(id)));
  return inFlight.get(id);
}

async function doSend(id, opts) {
  const e = await outboxEntry(id);
  if (!e) return { status: 'gone' };
  e.tries = (e.tries || 0) + 1;
  e.last_try = Date.now();
  const body = JSON.parse(JSON.stringify(e.body));
  body.answers = body.answers || {};
  const photoQs = Object.keys(e.photos || {});
  let done = 0;
  for (const q of photoQs) {
    const p = e.photos[q];
    if (!p.id) {
      const blob = p.key ? await getBlob(p.key).catch(() => null) : null;
      if (!blob) {
        const err = { status: 0, code: 'photo_lost', message: '', field: q };
        return mark(e, 'failed', err);
      }
      try {
        const att = await upload('/visits/photos', blob, {
          onProgress: (f) => opts.onProgress && opts.onProgress((done + f) / photoQs.length),
        });
        p.id = att.id;
        p.thumb_url = att.thumb_url;
        await putEntry(e); // the id is kept before anything else can fail: the photo goes once
      } catch (err) {
        return mark(e, classify(err), { status: err.status, code: err.code, message: err.message, field: q });
      }
    }
    body.answers[q] = p.id;
    done++;
  }
  try {
    const visit = await api.post('/visits', body);
    await deleteEntry(e.client_uuid);
    for (const p of Object.values(e.photos || {})) if (p.key) await deleteBlob(p.key).catch(() => null);
    const record = rememberSent(e, visit);
    await refreshOutbox();
    return { status: 'sent', visit, record };
  } catch (err) {
    return mark(e, classify(err), { status: err.status, code: err.code, message: err.message, field: err.field });
  }
}

async function mark(e, status, error) {
  if (status === 'failed') {
    e.state = 'failed';
    e.error = error;
  } else {
    e.state = 'pending';
    e.error = status === 'offline' ? null : error;
  }
  await putEntry(e).catch(() => null);
  await refreshOutbox();
  return { status, error };
}

let flushing = null;
const sentListeners = new Set();
/* fn(records) after a flush sent something (for a notice). */
export function onSent(fn) { sentListeners.add(fn); return () => sentListeners.delete(fn); }

/* Sends every pending entry of the current user, oldest first; stops at
 * the first network failure. Resolves with {sent: [records], failed: n}. */
export function flush() {
  if (!flushing) flushing = doFlush().finally(() => { flushing = null; field.sending = false; });
  return flushing;
}

async function doFlush() {
  const out = { sent: [], failed: 0 };
  if (!session.user) return out;
  const list = (await refreshOutbox()).filter((e) => e.state !== 'failed');
  if (!list.length) return out;
  field.sending = true;
  for (const e of list) {
    const r = await sendVisit(e.client_uuid);
    if (r.status === 'sent') out.sent.push(r.record);
    else if (r.status === 'failed') out.failed++;
    else if (r.status === 'offline' || r.status === 'auth') break;
  }
  if (out.sent.length) {
    for (const fn of sentListeners) { try { fn(out.sent); } catch { /* a view gone */ } }
    const hazards = out.sent.reduce((n, s) => n + s.hazards.length, 0);
    import('./vant.js').then(({ showNotify }) => showNotify({
      type: 'success', className: 'lx-sent-notify',
      message: t('field.sent_n', { n: out.sent.length }) + (hazards ? '\n' + t('field.sent_hazards', { n: hazards }) : ''),
    }));
  }
  if (out.failed) import('./vant.js').then(({ showNotify }) => showNotify({ type: 'danger', message: t('field.refused_n', { n: out.failed }) }));
  return out;
}

let started = false;
/* Starts sending by itself (once): on 'online', every RETRY_MS while
 * entries wait, and now. */
export function startSync() {
  loadSent();
  if (started) { refreshOutbox().then(() => flush()).catch(() => null); return; }
  started = true;
  window.addEventListener('online', () => { field.online = true; flush(); });
  window.addEventListener('offline', () => { field.online = false; });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && field.pending) flush(); });
  setInterval(() => { if (field.pending && navigator.onLine && session.user) flush(); }, RETRY_MS);
  refreshOutbox().then(() => flush()).catch(() => null);
}

/* ---------------- the due list and the forms, from the network or the cache ---------------- */

/*
 * The caller's due list: GET /visits/due (with the position, when known),
 * kept for later; without a network, the list kept last.
 * -> {items, truncated, at (ms it was fetched), cached (true: from the phone)}.
 * Throws the ApiError when there is neither.
 */
export async function loadDue(pos) {
  try {
    const r = await api.get('/visits/due', pos ? { lat: pos.lat, lon: pos.lon } : {});
    cacheWrite('due', r);
    prefetchForms(r.items).catch(() => null);
    return { ...r, at: Date.now(), cached: false };
  } catch (e) {
    const c = isNetworkError(e) && cacheRead('due');
    if (c) return { ...c.data, at: c.at, cached: true };
    throw e;
  }
}

function formsCache() {
  const c = cacheRead('forms');
  return (c && c.data) || {};
}

function keepForm(f) {
  const all = formsCache();
  all[f.id] = f;
  cacheWrite('forms', all);
}

/* Fetches the forms the due list names (the current version of each) so
 * they open without a network. */
export async function prefetchForms(items) {
  const ids = [...new Set((items || []).map((i) => i.form_id).filter(Boolean))];
  for (const id of ids) keepForm(await api.get('/forms/' + id));
}

/* A form: from the network (kept), else the copy on the phone.
 * -> {form, cached}. Throws when there is neither. */
export async function loadForm(id) {
  try {
    const f = await api.get('/forms/' + id);
    keepForm(f);
    return { form: f, cached: false };
  } catch (e) {
    const f = isNetworkError(e) && formsCache()[id];
    if (f) return { form: f, cached: true };
    throw e;
  }
}

/* The due-list entry of plan and target from the list kept last, or null. */
export function cachedDueEntry(planId, kind, id) {
  const c = cacheRead('due');
  const items = (c && c.data && c.data.items) || [];
  return items.find((i) => i.plan_id === planId && i.target.kind === kind && i.target.id === id) || null;
}
