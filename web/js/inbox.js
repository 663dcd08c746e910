/*
 * inbox.js - the unread count of one's inbox, live. GET /inbox/stream
 * (Server-Sent Events, the session cookie goes along) tells the count and
 * the newest entry at once and whenever either changes; the browser comes
 * back by itself when a stream ends. Without EventSource, or once the
 * browser gives the stream up (an error answer), GET
 * /inbox?unread=true&limit=1 every 30 s, and the stream is tried again a
 * minute later. The page title carries the count: "(3) 连心 · 基层治理".
 */
import { reactive, watch } from 'vue';
import { api, apiUrl } from './api.js';
import { setTitlePrefix } from './i18n.js';

/* newest: the id of the newest entry (it only grows: a view that lists
 * the inbox reads it again when it does) */
export const inbox = reactive({ unread: 0, newest: 0, connected: false });

const POLL_MS = 30000;
const RETRY_MS = 60000;
let running = false, source = null, pollTimer = null, retryTimer = null;

/* Keeps what the server said (the stream, a poll, a list, a read). */
export function noteInbox(unread, newest) {
  if (typeof unread === 'number') inbox.unread = unread;
  if (typeof newest === 'number' && newest > inbox.newest) inbox.newest = newest;
}

async function poll() {
  try {
    const r = await api.get('/inbox', { unread: true, limit: 1 });
    if (running) noteInbox(r.unread, r.items.length ? r.items[0].id : undefined);
  } catch { /* the network, or a 401 (api.js logs out, which stops this) */ }
}

function startPolling(now) {
  if (pollTimer) return;
  if (now) poll();
  pollTimer = setInterval(poll, POLL_MS);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function openStream() {
  retryTimer = null;
  if (!running) return;
  const es = new EventSource(apiUrl('/inbox/stream'));
  source = es;
  es.addEventListener('inbox', (ev) => {
    let d = null;
    try { d = JSON.parse(ev.data); } catch { return; }
    if (es !== source) return;
    inbox.connected = true;
    stopPolling();
    noteInbox(d.unread, d.newest);
  });
  es.onerror = () => {
    if (es !== source) return;
    inbox.connected = false;
    /* CONNECTING: the stream ended and the browser is coming back; poll
     * meanwhile. CLOSED: it gave up (an error answer): poll now, and try
     * the stream again later. */
    const closed = es.readyState === EventSource.CLOSED;
    if (closed) {
      es.close();
      source = null;
      retryTimer = setTimeout(openStream, RETRY_MS);
    }
    startPolling(closed);
  };
}

export function startInbox() {
  if (running) return;
  running = true;
  if (typeof EventSource === 'undefined') startPolling(true);
  else openStream();
}

export function stopInbox() {
  running = false;
  if (source) source.close();
  source = null;
  stopPolling();
  clearTimeout(retryTimer);
  retryTimer = null;
  inbox.unread = 0;
  inbox.newest = 0;
  inbox.connected = false;
}

watch(() => inbox.unread, (n) => setTitlePrefix(n > 0 ? '(' + n + ') ' : ''));
