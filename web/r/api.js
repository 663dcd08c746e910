/*
 * api.js - the residents' API client. A resident proves a number with a
 * code by SMS and gets a token; it is kept in localStorage
 * (lx_resident_token) and sent as "Authorization: Bearer" on every
 * /api/v1/resident/... call (no cookie: the staff session is not theirs).
 * A 401 on a call that carried the token drops it and calls the handler
 * (the app goes to the login page). Every failure is an ApiError with the
 * contract's error.code, message and field; say(e) is the sentence a
 * resident reads, in Chinese (the server's messages are for developers).
 *
 * The page lives at /r/, so the API is one level up ("../api/v1/...");
 * the URLs the server hands out ("/api/v1/resident/attachments/7") are
 * made relative the same way, so a path prefix in front works too.
 */
import { ref } from 'vue';

const TOKEN_KEY = 'lx_resident_token';
const PHONE_KEY = 'lx_resident_phone';
const BASE = '../api/v1';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

function readStore(k) {
  try { return localStorage.getItem(k) || ''; } catch { return ''; }
}
function writeStore(k, v) {
  try { if (v) localStorage.setItem(k, v); else localStorage.removeItem(k); } catch { /* private mode */ }
}

/* The resident's token and their masked number ("137****1234"), reactive. */
export const auth = { token: ref(readStore(TOKEN_KEY)), phone: ref(readStore(PHONE_KEY)) };

export function setLogin(token, phone) {
  auth.token.value = token || '';
  auth.phone.value = token ? phone || '' : '';
  writeStore(TOKEN_KEY, auth.token.value);
  writeStore(PHONE_KEY, auth.phone.value);
}
export const loggedIn = () => !!auth.token.value;

/* Another tab logged in or out: follow it. */
window.addEventListener('storage', (e) => {
  if (e.key === TOKEN_KEY) auth.token.value = e.newValue || '';
  if (e.key === PHONE_KEY) auth.phone.value = e.newValue || '';
});

let unauthorized = () => {};
/* Called after a 401 to a call that carried the token (it is dropped). */
export function onUnauthorized(fn) { unauthorized = fn; }

export function qs(params = {}) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? '?' + s : '';
}

/* A URL of the server's ("/api/v1/...") relative to this page. */
export function serverUrl(u) {
  if (!u) return '';
  return u.startsWith('/api/') ? '..' + u : u;
}

async function errorOf(res) {
  let data = null;
  try { data = await res.json(); } catch { data = null; }
  const err = (data && data.error) || {};
  const e = new ApiError(res.status, err.code || 'http_' + res.status, err.message || '', err.field);
  const wait = Number(res.headers.get('Retry-After'));
  if (wait > 0) e.retryAfter = wait;
  return e;
}

/*
 * request(method, path, {body, params, raw, contentType, auth}) -> the
 * parsed JSON. path is under /api/v1 ("/resident/cases"); the token goes
 * along unless auth is false. raw: a Blob sent as the body as it is.
 */
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json' };
  const withToken = opts.auth !== false && !!auth.token.value;
  if (withToken) headers.Authorization = 'Bearer ' + auth.token.value;
  let body;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType || opts.raw.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res;
  try {
    res = await fetch(BASE + path + qs(opts.params), { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!res.ok) {
    const e = await errorOf(res);
    if (res.status === 401 && withToken) {
      setLogin('', '');
      unauthorized();
    }
    throw e;
  }
  if (res.status === 204) return null;
  try { return await res.json(); } catch { return null; }
}

export const api = {
  get: (path, params, opts) => request('GET', path, { ...opts, params }),
  post: (path, body, opts) => request('POST', path, { ...opts, body: body || {} }),
};

/*
 * A picture the API hands out only with the token (an <img> cannot send
 * the header): fetched as a blob, shown through an object URL. The URLs
 * are kept per server URL while the page is open; forgetImages() frees them.
 */
const images = new Map();
export function imageUrl(u) {
  if (!images.has(u)) {
    const p = (async () => {
      const res = await fetch(serverUrl(u), {
        headers: auth.token.value ? { Authorization: 'Bearer ' + auth.token.value } : {}, credentials: 'omit',
      });
      if (!res.ok) throw await errorOf(res);
      return URL.createObjectURL(await res.blob());
    })();
    p.catch(() => images.delete(u));
    images.set(u, p);
  }
  return images.get(u);
}
export function forgetImages() {
  for (const p of images.values()) p.then((url) => URL.revokeObjectURL(url)).catch(() => null);
  images.clear();
}

/* What each error code means to a resident. */
const SAY = {
  network: '网络连接失败，请检查网络后重试。',
  unauthorized: '请先验证手机号登录。',
  too_many_codes: '获取验证码的次数太多了，请过一段时间再试。',
  locked: '验证码输错次数太多，请15分钟后再试。',
  wrong_code: '验证码不对，请核对短信后重新输入。',
  no_code: '验证码已失效，请重新获取。',
  too_many_lookups: '查询次数太多了，请过一段时间再试。',
  not_found: '没有找到这件诉求。',
  too_large: '照片太大了，请换一张或重新拍摄。',
  image_too_large: '照片尺寸太大了，请换一张或重新拍摄。',
  unsupported_media_type: '只能上传照片（JPG、PNG、WebP 格式）。',
  bad_image: '照片无法识别，请换一张。',
  case_not_open: '诉求已办结，不能再补充照片。',
  attachment_limit: '最多上传9张照片。',
  anonymous_not_allowed: '这类问题需要实名反映，请关掉“匿名反映”后再提交。',
  empty_body: '照片是空的，请重新选择。',
  illegal_transition: '这件诉求现在不能这样操作，请刷新后再看。',
  rate_limited: '操作太频繁了，请稍后再试。',
  unavailable: '系统繁忙，请稍后再试。',
  internal: '系统出错了，请稍后再试。',
};
const FIELD = {
  phone: '请输入正确的11位手机号码。',
  code: '验证码是6位数字。',
  title: '请填写标题（不超过100个字）。',
  description: '请填写问题描述（不超过4000个字）。',
  category_code: '请选择问题类型。',
  address: '地址太长了（不超过200个字）。',
  name: '称呼太长了（不超过32个字）。',
  lat: '位置信息不对，请重新获取位置。',
  lon: '位置信息不对，请重新获取位置。',
  number: '诉求编号是14位或更多的数字。',
  digits: '请输入手机号的后4位数字。',
  comment: '评价内容太长了（不超过500个字）。',
  rating: '请选择满意程度。',
  solved: '请选择问题是否解决。',
};

/* The sentence for e, in Chinese; the server's own message only when
 * nothing better is known (it names what exactly was wrong). */
export function say(e) {
  if (!e) return '出错了，请稍后再试。';
  if (!(e instanceof ApiError)) return e.message || String(e);
  let s = SAY[e.code];
  if (!s && e.field && FIELD[e.field] && (e.status === 400 || e.status === 422)) s = FIELD[e.field];
  if (!s && e.status === 413) s = SAY.too_large;
  if (!s && e.status === 415) s = SAY.unsupported_media_type;
  if (!s) s = e.message || '请求失败（' + e.status + '），请稍后再试。';
  if (e.status === 429 && e.retryAfter && e.code !== 'locked') s += '（约' + Math.max(1, Math.ceil(e.retryAfter / 60)) + '分钟后）';
  return s;
}
