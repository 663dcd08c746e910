/*
 * nav.js - what each role sees in the navigation, and its home page.
 */
import { t } from './i18n.js';
import { session, mainRole, hasRole } from './session.js';

export const NAV = {
  desk: { icon: 'add-o' }, board: { icon: 'cluster-o' }, work: { icon: 'todo-list-o' },
  cases: { icon: 'orders-o' }, dash: { icon: 'chart-trending-o' }, map: { icon: 'location-o' },
  admin: { icon: 'setting-o' }, me: { icon: 'user-o' },
};
export const ROLE_NAV = {
  admin: ['admin', 'board', 'cases', 'dash', 'map', 'desk', 'work'],
  dispatcher: ['desk', 'board', 'cases', 'map', 'dash', 'admin'],
  leader: ['dash', 'cases', 'map'],
  handler: ['work', 'cases', 'map'],
  grid_worker: ['work', 'desk', 'cases', 'map'],
  deputy: ['desk', 'cases', 'dash', 'map'],
  volunteer: ['desk', 'cases', 'map'],
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

