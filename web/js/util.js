/*
 * util.js - formatting and small helpers shared by the views.
 */
import { ref } from 'vue';
import { t, locale, has } from './i18n.js';
import { runningClock } from './session.js';

/* A clock that ticks every second while something shows a countdown. */
export const now = ref(Date.now());
setInterval(() => { now.value = Date.now(); }, 1000);

/* "2026-04-01T09:30:00+08:00" -> "2026-04-01 09:30" in the server's zone
 * (the text as the server wrote it, whatever the browser's zone). */
export function fmtTime(s, withSeconds = false) {
  if (!s) return '';
  return s.slice(0, withSeconds ? 19 : 16).replace('T', ' ');
}

/* A deadline; a working-day clock ends at 24:00 of its last day, shown so
 * ("2026-12-08 24:00") rather than as the next day's 00:00. */
export function fmtDue(s, workdays) {
  if (!s) return '';
  if (workdays && s.slice(11, 19) === '00:00:00') {
    const d = new Date(Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) - 86400e3);
    return d.toISOString().slice(0, 10) + ' 24:00';
  }
  return fmtTime(s);
}

/* "2026-12-01T17:44:31+08:00" plus h hours, in the same offset. */
export function addHours(iso, h) {
  const off = iso.slice(19) || '+00:00';
  const sign = off[0] === '-' ? -1 : 1;
  const offMin = off === 'Z' ? 0 : sign * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
  const d = new Date(Date.parse(iso) + h * 3600e3 + offMin * 60e3);
  return d.toISOString().slice(0, 19) + (off === 'Z' ? '+00:00' : off);
}

export function fmtShort(s) {
  if (!s) return '';
  return s.slice(5, 16).replace('T', ' ');
}

/* How long ago: "刚刚", "5分钟前", "3小时前", then the date as fmtShort. */
export function fmtAgo(s, nowMs = Date.now()) {
  if (!s) return '';
  const ago = nowMs - Date.parse(s);
  if (ago < 60e3) return t('time.just_now');
  if (ago < 3600e3) return t('time.min_ago', { n: Math.floor(ago / 60e3) });
  if (ago < 86400e3) return t('time.h_ago', { n: Math.floor(ago / 3600e3) });
  return fmtShort(s);
}

/* A duration in ms as "2天3小时", "3小时12分", "4分30秒". */
export function fmtDuration(ms) {
  ms = Math.abs(ms);
  const s = Math.floor(ms / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60), d = Math.floor(h / 24);
  if (d > 0) return t('time.dh', { d, h: h % 24 });
  if (h > 0) return t('time.hm', { h, m: m % 60 });
  if (m >= 10) return t('time.m', { m });
  if (m > 0) return t('time.ms', { m, s: s % 60 });
  return t('time.s', { s });
}

/* {text, level: 'overdue'|'soon'|'ok', left} for a due time at nowMs. */
export function countdown(due, nowMs) {
  const left = Date.parse(due) - nowMs;
  if (left < 0) return { text: t('time.overdue', { d: fmtDuration(left) }), level: 'overdue', left };
  return { text: t('time.left', { d: fmtDuration(left) }), level: left < 2 * 3600e3 ? 'soon' : 'ok', left };
}

/* Sort key: overdue first (most overdue first), then nearest deadline, then none. */
export function urgencyKey(c, nowMs) {
  const d = runningClock(c);
  if (!d) return Number.MAX_SAFE_INTEGER;
  return Date.parse(d.due) - nowMs - (c.urgent ? 3600e3 : 0);
}

/* A rate object {value, numerator, denominator} as "93.8%" or "—". */
export function pct(rate, digits = 1) {
  if (!rate || rate.value === null || rate.value === undefined) return '—';
  return (rate.value * 100).toFixed(digits) + '%';
}

export function fraction(rate) {
  if (!rate) return '';
  return rate.numerator + '/' + rate.denominator;
}

/* Great-circle distance in metres. */
export function distance(lat1, lon1, lat2, lon2) {
  const R = 6371000, rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

export function fmtDistance(m) {
  return m < 1000 ? Math.round(m) + ' m' : (m / 1000).toFixed(1) + ' km';
}

/* Local calendar date "YYYY-MM-DD" of a Date. */
export function ymd(d) {
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

/* Mask a phone as the server does for listings: 138****5678. */
export function maskPhone(p) {
  if (!p) return '';
  const digits = p.replace(/\D/g, '');
  if (digits.length < 7) return p;
  return digits.slice(0, 3) + '****' + digits.slice(-4);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

/* Shows an API error the way every view does: the server's message. */
export async function toastError(e) {
  if (e && e.name === 'AbortError') return;
  const { showNotify } = await import('./vant.js');
  let msg = e && e.message ? e.message : String(e);
  /* Known error codes get a sentence in the user's language; the server's
   * own message follows, as it says what exactly was wrong. */
  if (e && e.code && has('apierr.' + e.code)) msg = t('apierr.' + e.code) + (e.message ? '\n' + e.message : '');
  showNotify({ type: 'danger', message: msg, duration: 4000, className: 'lx-error-notify' });
}

export function isWide() {
  return window.matchMedia('(min-width: 960px)').matches;
}

export function numberFmt(n) {
  if (n === null || n === undefined) return '—';
  return Number(n).toLocaleString(locale.value === 'en' ? 'en-US' : 'zh-CN');
}
