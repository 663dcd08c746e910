/*
 * onekey.js - the press-9 calls (一键呼叫) nobody acknowledged yet, counted
 * for the navigation's red dot: GET /onekey/calls?open=true lists them
 * first (red: true), so the first page tells how many there are. Read
 * every 30 s while someone who answers calls is logged in, and at once
 * whenever the inbox changes (each step of a call's ladder leaves an inbox
 * entry); views/onekey.js tells its own reads (noteCalls) so the dot
 * follows the list it shows. Also: which call a case is (the inbox entries
 * carry the case only).
 */
import { reactive, watch } from 'vue';
import { api } from './api.js';
import { inbox } from './inbox.js';

/* red: calls nobody acknowledged (more: the first page was all red) */
export const onekey = reactive({ red: 0, more: false });

/* Who answers calls or watches them (main.js's ROUTE_ROLES for #/onekey). */
export const ONEKEY_ROLES = ['admin', 'dispatcher', 'grid_worker', 'handler', 'volunteer', 'leader'];

const POLL_MS = 30000;
const PAGE = 50;
let running = false, timer = null, stopWatch = null, seq = 0;

/* Keeps the red count of a list read from its start (the red ones lead). */
export function noteCalls(items, more) {
  let n = 0;
  while (n < items.length && items[n].red) n++;
  onekey.red = n;
  onekey.more = n === items.length && !!more;
}

/* Reads the count again now (after an answer, say). */
export function refreshOnekey() { if (running) poll(); }

async function poll() {
  const my = ++seq;
  try {
    const r = await api.get('/onekey/calls', { open: true, limit: PAGE });
    if (running && my === seq) noteCalls(r.items, !!r.next_cursor);
  } catch { /* the network, a 401 (api.js logs out, which stops this) */ }
}

export function startOnekey() {
  if (running) return;
  running = true;
  poll();
  timer = setInterval(poll, POLL_MS);
  stopWatch = watch(() => [inbox.newest, inbox.unread], () => poll());
}

export function stopOnekey() {
  running = false;
  clearInterval(timer);
  timer = null;
  if (stopWatch) stopWatch();
  stopWatch = null;
  onekey.red = 0;
  onekey.more = false;
}

/* The id of the call of case caseId, or 0: the list (its open ones first,
 * then the rest) read page by page until it is found. */
export async function callOfCase(caseId) {
  const id = Number(caseId);
  for (const open of [true, false]) {
    let cursor;
    for (let i = 0; i < 10; i++) {
      const r = await api.get('/onekey/calls', { open, limit: 200, cursor });
      const k = r.items.find((x) => x.case_id === id);
      if (k) return k.id;
      if (!r.next_cursor) break;
      cursor = r.next_cursor;
    }
  }
  return 0;
}
