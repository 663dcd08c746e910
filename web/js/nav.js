/*
 * nav.js - what each role sees in the navigation, and its home page.
 */
import { t } from './i18n.js';
import { session, mainRole, hasRole } from './session.js';

export const NAV = {
  desk: { icon: 'add-o' }, board: { icon: 'cluster-o' }, work: { icon: 'todo-list-o' },
  cases: { icon: 'orders-o' }, dash: { icon: 'chart-trending-o' }, map: { icon: 'location-o' },
  admin: { icon: 'setting-o' }, me: { icon: 'user-o' },
  visits: { icon: 'guide-o' }, registry: { icon: 'friends-o' }, plans: { icon: 'calendar-o' },
  forms: { icon: 'notes-o' }, hazards: { icon: 'warning-o' }, coverage: { icon: 'bar-chart-o' },
  onekey: { icon: 'phone-circle-o' },
};
/* The first four of a role's list are its tab bar on a phone (then 我的);
 * the first is its home page. 一键呼叫 is on the tab bar of those who
 * answer press-9 calls (the volunteers, grid workers and the desk). */
export const ROLE_NAV = {
  admin: ['admin', 'board', 'onekey', 'cases', 'dash', 'map', 'desk', 'work', 'registry', 'plans', 'forms', 'hazards', 'coverage'],
  dispatcher: ['desk', 'board', 'onekey', 'cases', 'map', 'dash', 'admin', 'registry', 'plans', 'hazards', 'coverage'],
  leader: ['dash', 'cases', 'map', 'coverage', 'hazards', 'onekey'],
  handler: ['work', 'cases', 'map', 'onekey'],
  grid_worker: ['work', 'onekey', 'visits', 'desk', 'cases', 'map', 'registry'],
  deputy: ['desk', 'cases', 'dash', 'map'],
  volunteer: ['desk', 'onekey', 'visits', 'cases', 'map'],
};

export function navItems() {
  const names = [];
  for (const r of (session.user && session.user.roles) || [])
    for (const n of ROLE_NAV[r] || []) if (!names.includes(n)) names.push(n);
  return names.map((n) => ({ name: n, path: '/' + n, icon: NAV[n].icon, label: navLabel(n) }));
}

export function navLabel(n) {
  if (n === 'desk') return hasRole('admin', 'dispatcher') ? t('nav.desk') : t('nav.report');
  if (n === 'admin' && !hasRole('admin')) return t('nav.users');
  return t('nav.' + n);
}

export function homePath() {
  return '/' + (ROLE_NAV[mainRole()] || ['cases'])[0];
}

