/*
 * i18n.js - Chinese first (zh-CN), English second. t('a.b', {n: 1}) looks
 * the key up in the current language, then in Chinese, then shows the key.
 * The choice is kept in localStorage and also switches Vant's own texts.
 */
import { ref } from 'vue';
import zh from './i18n/zh-CN.js';
import en from './i18n/en.js';

const dicts = { 'zh-CN': zh, en };
const saved = (() => { try { return localStorage.getItem('lx.locale'); } catch { return null; } })();
export const locale = ref(dicts[saved] ? saved : 'zh-CN');

function lookup(dict, key) {
  let v = dict;
  for (const part of key.split('.')) {
    if (v == null || typeof v !== 'object') return undefined;
    v = v[part];
  }
  return v;
}

export function t(key, params) {
  let s = lookup(dicts[locale.value], key);
  if (s === undefined) s = lookup(zh, key);
  if (s === undefined) return key;
  if (typeof s === 'function') return s(params || {});
  if (params && typeof s === 'string')
    s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? params[k] : m));
  return s;
}

/* True when the key exists (enum labels fall back to the raw value). */
export function has(key) {
  return lookup(dicts[locale.value], key) !== undefined || lookup(zh, key) !== undefined;
}

/* Label of an enumeration value, e.g. label('channel', 'hotline'). */
export function label(kind, value) {
  if (value === null || value === undefined || value === '') return '';
  const k = kind + '.' + value;
  return has(k) ? t(k) : String(value);
}

/* What goes before the title: the inbox's unread count, "(3) " (inbox.js). */
let titlePrefix = '';
export function setTitlePrefix(p) {
  titlePrefix = p;
  document.title = titlePrefix + t('app.title');
}

export async function setLocale(l) {
  if (!dicts[l]) return;
  locale.value = l;
  try { localStorage.setItem('lx.locale', l); } catch { /* private mode */ }
  document.documentElement.lang = l === 'en' ? 'en' : 'zh-CN';
  document.title = titlePrefix + t('app.title');
  const { Locale } = await import('./vant.js');
  if (l === 'en') {
    const m = await import('../vendor/vant-en-US.mjs');
    Locale.use('en-US', m.default);
  } else {
    Locale.use('zh-CN');
  }
}

export const dictionaries = dicts;
