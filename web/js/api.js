/*
 * api.js - the JSON API client. Same-origin fetch with the HttpOnly
 * lx_session cookie the server sets at login (no token kept in script
 * reach). Every failure becomes an ApiError carrying the contract's
 * error.code and error.message (and, for a 429, the Retry-After seconds);
 * a 401 anywhere but at login sends the user back to the login page, a 403
 * that asks for a new password or a second factor shows that page first.
 */
import { ref } from 'vue';
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let unauthorizedHandler = () => {};
/* Called (once per burst) when the server answers 401. */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

let gateHandler = () => {};
/* Called with the code when the server answers 403 password_change_required
 * or totp_enrollment_required: the user must set a password of their own or
 * enrol a second factor before anything else. */
export function onGate(fn) { gateHandler = fn; }
export const GATE_CODES = ['password_change_required', 'totp_enrollment_required'];

const BASE = 'api/v1';

/* Query string of the defined, non-empty values of params. */
export function qs(params = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

export function apiUrl(path, params) {
  return BASE + path + qs(params);
}

/*
 * request(method, path, {body, params, raw, contentType, signal}) -> parsed JSON.
 * raw: a Blob/ArrayBuffer/string body sent as is (imports).
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(apiUrl(path, opts.params), {
      method, headers, body, credentials: 'same-origin', signal: opts.signal, cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', t('err.network'));
  }
  let data = null;
  const ct = res.headers.get('Content-Type') || '';
  if (ct.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401 && path !== '/auth/login') unauthorizedHandler();
    if (res.status === 403 && GATE_CODES.includes(err.code)) gateHandler(err.code);
    const ae = new ApiError(res.status, err.code || 'http_' + res.status,
      err.message || t('err.http', { status: res.status }), err.field);
    ae.body = data;
    const wait = Number(res.headers.get('Retry-After'));
    if (wait > 0) ae.retryAfter = wait;
    throw ae;
  }
  return data;
}

/*
 * upload(path, blob, {params, onProgress, signal}) -> parsed JSON: the blob
 * sent as the raw body with its own Content-Type (attachments: not JSON,
 * not multipart), through XMLHttpRequest so that onProgress(fraction) can
 * follow the bytes going up. Failures become ApiErrors as for request().
 */
export function upload(path, blob, opts = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path, opts.params));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    if (opts.onProgress) xhr.upload.onprogress = (e) => { if (e.lengthComputable) opts.onProgress(e.loaded / e.total); };
    if (opts.signal) opts.signal.addEventListener('abort', () => xhr.abort());
    xhr.onerror = () => reject(new ApiError(0, 'network', t('err.network')));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const err = (data && data.error) || {};
      if (xhr.status === 401) unauthorizedHandler();
      if (xhr.status === 403 && GATE_CODES.includes(err.code)) gateHandler(err.code);
      const ae = new ApiError(xhr.status, err.code || 'http_' + xhr.status,
        err.message || t('err.http', { status: xhr.status }), err.field);
      ae.body = data;
      reject(ae);
    };
    xhr.send(blob);
  });
}

/* A URL the server gave ("/api/v1/attachments/7") made relative to the
 * page, so the UI works under a path prefix too (the cookie goes along). */
export function serverUrl(u) {
  if (!u) return '';
  return u.startsWith('/api/') ? u.slice(1) : u;
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body || {} }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
};

/* A list read page by page by next_cursor, as van-list shows it:
 * fetch(cursor) asks for one page ({items, next_cursor}); page(true) starts
 * again (a newer start wins over an older one still on its way), page(false)
 * appends the next. The refs are van-list's props. */
export function cursorList(fetch) {
  const items = ref([]);
  const cursor = ref(null);
  const loading = ref(false);
  const finished = ref(false);
  const error = ref(null);
  let seq = 0;
  async function page(reset) {
    const my = reset ? ++seq : seq;
    if (reset) {
      items.value = [];
      cursor.value = null;
      finished.value = false;
      error.value = null;
    }
    loading.value = true;
    try {
      const r = await fetch(cursor.value || undefined);
      if (my !== seq) return;
      items.value = items.value.concat(r.items);
      cursor.value = r.next_cursor;
      finished.value = !r.next_cursor;
    } catch (e) {
      if (my !== seq) return;
      error.value = e;
      finished.value = true;
    } finally {
      if (my === seq) loading.value = false;
    }
  }
  return { items, loading, finished, error, page };
}

/* Follows next_cursor until max items (for counts and maps). */
export async function listAll(params, max = 2000) {
  const items = [];
  let cursor;
  for (;;) {
    const page = await api.get('/cases', { ...params, limit: 200, cursor });
    items.push(...page.items);
    if (!page.next_cursor || items.length >= max) return { items, more: !!page.next_cursor };
    cursor = page.next_cursor;
  }
}
