/*
 * main.js - starts the UI: Vue 3 (ES-module browser build, templates
 * compiled at run time, no build step), Vant 4 for the phone-first
 * components, a hash router, and one lazily loaded module per screen.
 */
import { createApp, defineAsyncComponent, computed, watch, ref, h } from 'vue';
import vant from './vant.js';
import { t, locale, setLocale } from './i18n.js';
import { onUnauthorized, onGate } from './api.js';
import { session, restore, mainRole, hasRole, clearCaches, gate, forgetMe, recheck } from './session.js';
import { route, go, defineRoutes, startRouter, routeTable } from './router.js';
import { registerCommon } from './components/common.js';
import { NAV, navItems, navLabel, homePath } from './nav.js';
import { inbox, startInbox, stopInbox } from './inbox.js';
import { onekey, startOnekey, stopOnekey, ONEKEY_ROLES } from './onekey.js';

window.__lxStarted = true;

const view = (loader) => defineAsyncComponent({
  loader,
  delay: 150,
  loadingComponent: { template: '<div class="lx-page-loading"><van-loading size="28" vertical>{{ t(\'common.loading\') }}</van-loading></div>' },
  errorComponent: { template: '<van-empty image="error" :description="t(\'err.module\')"><van-button size="small" type="primary" @click="reload">{{ t(\'common.reload\') }}</van-button></van-empty>', methods: { reload() { location.reload(); } } },
});

const views = {
  login: view(() => import('./views/login.js')),
  desk: view(() => import('./views/desk.js')),
  work: view(() => import('./views/work.js')),
  case: view(() => import('./views/case.js')),
  board: view(() => import('./views/board.js')),
  cases: view(() => import('./views/cases.js')),
  dash: view(() => import('./views/dash.js')),
  map: view(() => import('./views/map.js')),
  admin: view(() => import('./views/admin.js')),
  me: view(() => import('./views/me.js')),
  security: view(() => import('./views/security.js')),
  gate: view(() => import('./views/gate.js')),
  registry: view(() => import('./views/registry.js')),
  registry_item: view(() => import('./views/registry/record.js')),
  registry_import: view(() => import('./views/registry/import.js')),
  visits: view(() => import('./views/visits.js')),
  visit: view(() => import('./views/visit.js')),
  hazards: view(() => import('./views/hazards.js')),
  coverage: view(() => import('./views/coverage.js')),
  plans: view(() => import('./views/plans.js')),
  forms: view(() => import('./views/forms.js')),
  form: view(() => import('./views/form.js')),
  inbox: view(() => import('./views/inbox.js')),
  onekey: view(() => import('./views/onekey.js')),
  onekey_call: view(() => import('./views/onekey/call.js')),
  onekey_stats: view(() => import('./views/onekey/stats.js')),
};

defineRoutes([
  { name: 'login', path: '/login', title: 'nav.login' },
  { name: 'desk', path: '/desk', title: 'nav.desk' },
  { name: 'work', path: '/work', title: 'nav.work' },
  { name: 'case', path: '/case/:id', title: 'nav.case', back: true },
  { name: 'board', path: '/board', title: 'nav.board' },
  { name: 'cases', path: '/cases', title: 'nav.cases' },
  { name: 'dash', path: '/dash', title: 'nav.dash' },
  { name: 'map', path: '/map', title: 'nav.map' },
  { name: 'admin', path: '/admin', title: 'nav.admin' },
  { name: 'me', path: '/me', title: 'nav.me' },
  { name: 'security', path: '/security', title: 'nav.security', back: true, up: '/me' },
  { name: 'registry', path: '/registry', title: 'nav.registry' },
  { name: 'registry_import', path: '/registry-import', title: 'nav.registry_import', back: true, up: '/registry' },
  { name: 'registry_item', path: '/registry/:kind/:id', title: 'nav.registry_item', back: true, up: '/registry' },
  { name: 'visits', path: '/visits', title: 'nav.visits' },
  { name: 'visit', path: '/visit/:plan/:kind/:id', title: 'nav.visit', back: true, up: '/visits' },
  { name: 'hazards', path: '/hazards', title: 'nav.hazards' },
  { name: 'coverage', path: '/coverage', title: 'nav.coverage' },
  { name: 'plans', path: '/plans', title: 'nav.plans' },
  { name: 'forms', path: '/forms', title: 'nav.forms' },
  { name: 'form', path: '/form/:id', title: 'nav.form', back: true, up: '/forms' },
  { name: 'inbox', path: '/inbox', title: 'nav.inbox', back: true },
  /* press-9 calls (一键呼叫); /onekey/stats before /onekey/:id, which would take it */
  { name: 'onekey', path: '/onekey', title: 'nav.onekey' },
  { name: 'onekey_stats', path: '/onekey/stats', title: 'nav.onekey_stats', back: true, up: '/onekey' },
  { name: 'onekey_call', path: '/onekey/:id', title: 'nav.onekey_call', back: true, up: '/onekey' },
]);

const ROUTE_ROLES = {
  desk: ['admin', 'dispatcher', 'grid_worker', 'deputy', 'volunteer', 'handler'],
  work: ['admin', 'handler', 'grid_worker'],
  board: ['admin', 'dispatcher'],
  admin: ['admin', 'dispatcher'],
  /* the registry, field work and its ledgers: the API's roles (api.h) */
  registry: ['admin', 'dispatcher', 'grid_worker', 'leader'],
  registry_item: ['admin', 'dispatcher', 'grid_worker', 'leader'],
  registry_import: ['admin', 'dispatcher', 'grid_worker'],
  visits: ['admin', 'dispatcher', 'grid_worker', 'volunteer'],
  visit: ['admin', 'dispatcher', 'grid_worker', 'volunteer'],
  hazards: ['admin', 'dispatcher', 'grid_worker', 'leader', 'handler'],
  coverage: ['admin', 'dispatcher', 'grid_worker', 'leader', 'handler'],
  plans: ['admin', 'dispatcher', 'grid_worker', 'leader', 'handler'],
  forms: ['admin'],
  form: ['admin'],
  /* press-9 calls (who answers them, and the leader who watches); the figures
   * too, where the server answers a volunteer 403 */
  onekey: ONEKEY_ROLES,
  onekey_call: ONEKEY_ROLES,
  onekey_stats: ONEKEY_ROLES,
};
/* who does field work (has a due list and an outbox to send) */
const VISITORS = ROUTE_ROLES.visits;
const Forbidden = { template: `<van-empty image="error" :description="t('err.forbidden_page')" />` };

const Shell = {
  setup() {
    const items = computed(() => navItems());
    const tabs = computed(() => {
      const list = items.value.slice(0, 4);
      return [...list, { name: 'me', path: '/me', icon: NAV.me.icon, label: t('nav.me') }];
    });
    const routeDef = computed(() => route.name);
    const allowed = computed(() => {
      const need = ROUTE_ROLES[route.name];
      return !need || hasRole(...need);
    });
    const current = computed(() => (allowed.value ? views[route.name] || null : Forbidden));
    const title = computed(() => (route.name === 'desk' ? navLabel('desk') : route.name === 'admin' ? navLabel('admin') : t('nav.' + route.name)));
    const def = computed(() => routeTable().find((r) => r.name === route.name) || {});
    /* a page under another (a visit under the due list) lights its tab */
    const activeTab = computed(() => {
      let i = tabs.value.findIndex((x) => x.name === route.name);
      if (i < 0 && def.value.up) i = tabs.value.findIndex((x) => x.path === def.value.up);
      return i < 0 ? (route.name === 'case' || route.name === 'inbox' ? -1 : tabs.value.length - 1) : i;
    });
    const showBack = computed(() => !!def.value.back);
    function onBack() {
      if (window.__lxNavigated && history.length > 1) history.back();
      else go(def.value.up || homePath());
    }
    function switchLang() { setLocale(locale.value === 'en' ? 'zh-CN' : 'en'); }
    /* the press-9 calls nobody acknowledged (onekey.js) */
    const redCount = computed(() => onekey.red + (onekey.more ? '+' : ''));
    return { items, tabs, current, title, activeTab, showBack, onBack, route, routeDef, session, inbox, onekey, redCount, go, switchLang, locale, t };
  },
  template: `
  <div class="lx-shell" :class="'lx-route-' + route.name">
    <aside class="lx-side" aria-label="navigation">
      <div class="lx-brand"><span class="lx-brand-mark">连心</span><span class="lx-brand-sub">{{ t('app.subtitle') }}</span></div>
      <nav>
        <a v-for="it in items" :key="it.name" :href="'#' + it.path" class="lx-side-item" :class="{active: route.name === it.name}" :data-nav="it.name">
          <van-icon :name="it.icon" /> <span class="lx-flex1">{{ it.label }}</span>
          <van-badge v-if="it.name === 'onekey' && onekey.red" :content="redCount" data-test="onekey-count" />
        </a>
        <a href="#/inbox" class="lx-side-item" :class="{active: route.name === 'inbox'}" data-nav="inbox" data-test="inbox-bell">
          <van-icon name="bell" /> <span class="lx-flex1">{{ t('nav.inbox') }}</span>
          <van-badge v-if="inbox.unread" :content="inbox.unread" max="99" data-test="inbox-count" />
        </a>
        <a href="#/me" class="lx-side-item" :class="{active: route.name === 'me'}" data-nav="me"><van-icon name="user-o" /> <span>{{ t('nav.me') }}</span></a>
      </nav>
      <div class="lx-side-foot">
        <div class="lx-side-user">{{ session.user.name }}</div>
        <button class="lx-link" type="button" @click="switchLang" data-test="lang-switch">{{ locale === 'en' ? '中文' : 'English' }}</button>
      </div>
    </aside>
    <div class="lx-main">
      <van-nav-bar class="lx-topbar" :title="title" :left-arrow="showBack" @click-left="onBack" fixed placeholder safe-area-inset-top>
        <template #right>
          <a href="#/inbox" class="lx-bell" data-test="inbox-bell" :aria-label="t('inbox.bell', { n: inbox.unread })">
            <van-icon name="bell" /><van-badge v-if="inbox.unread" :content="inbox.unread" max="99" data-test="inbox-count" />
          </a>
          <span class="lx-lang" @click="switchLang" role="button" :aria-label="'language'">{{ locale === 'en' ? '中' : 'EN' }}</span>
        </template>
      </van-nav-bar>
      <div v-if="session.offline" class="lx-offline-bar" data-test="offline-bar">{{ t('field.offline_start') }}</div>
      <header class="lx-wide-head">
        <button v-if="showBack" class="lx-back" type="button" @click="onBack"><van-icon name="arrow-left" /> {{ t('common.back') }}</button>
        <h1>{{ title }}</h1>
      </header>
      <main class="lx-content">
        <component :is="current" v-if="current" :key="route.name + '-' + route.seq" />
      </main>
      <van-tabbar class="lx-tabbar" :model-value="activeTab" fixed placeholder safe-area-inset-bottom>
        <van-tabbar-item v-for="(it, i) in tabs" :key="it.name" :icon="it.icon" :name="i" @click="go(it.path)" :data-tab="it.name"
          :badge="it.name === 'onekey' && onekey.red ? redCount : undefined">{{ it.label }}</van-tabbar-item>
      </van-tabbar>
    </div>
  </div>`,
};

const App = {
  components: { Shell, LoginView: views.login, GateView: views.gate },
  setup() {
    /* a new password, then a second factor, before any screen */
    const gated = computed(() => !!gate());
    const needLogin = computed(() => session.ready && !session.user);
    watch(() => [session.ready, session.user, route.name], () => {
      if (!session.ready) return;
      if (!session.user && route.name !== 'login') go('/login', route.name && route.name !== 'home' ? { next: location.hash.slice(1) } : {});
      else if (session.user && (route.name === 'login' || route.name === 'home' || !route.name)) {
        const next = route.name === 'login' ? route.query.next : '';
        if (next && next.startsWith('/') && !next.startsWith('/login')) {
          const [p, q] = next.split('?');
          go(p, Object.fromEntries(new URLSearchParams(q || '')));
        } else go(homePath());
      }
    }, { immediate: true });
    return { session, needLogin, gated, route };
  },
  template: `
    <div v-if="!session.ready" class="lx-splash"><div class="lx-splash-logo">连心</div><van-loading size="24" /></div>
    <LoginView v-else-if="!session.user || route.name === 'login'" />
    <GateView v-else-if="gated" />
    <Shell v-else />`,
};

onUnauthorized(() => {
  forgetMe();
  if (!session.user) return;
  session.user = null;
  clearCaches();
  import('./vant.js').then(({ showNotify }) => showNotify({ type: 'warning', message: t('err.session') }));
});

/* A 403 that asks for a new password or a second factor (a password that
 * expired, a setting changed meanwhile): show that page first. */
onGate((code) => {
  if (!session.user) return;
  const flag = code === 'password_change_required' ? 'password_change_required' : 'totp_enrollment_required';
  if (!session.user[flag]) session.user = { ...session.user, [flag]: true };
});

const app = createApp(App);
app.use(vant);
app.config.globalProperties.t = t;
registerCommon(app);
app.config.errorHandler = (err) => {
  console.error(err);
  import('./util.js').then(({ toastError }) => toastError(err));
};
startRouter();
setLocale(locale.value);
restore();

/* Field work goes up by itself (field.js): the outbox is sent when the
 * network comes back, whatever screen is open. A start without a network
 * asks the server again once it answers. */
watch(() => session.user && session.user.id, (id) => {
  if (id && VISITORS.some((r) => session.user.roles.includes(r))) import('./field.js').then((m) => m.startSync()).catch(() => null);
});
/* The inbox's count, live, while someone is logged in and past the gate
 * (inbox.js): a new login starts it afresh, a logout stops it. */
watch(() => (session.user && !gate() ? session.user.id : 0), (id) => {
  stopInbox();
  if (id) startInbox();
  /* the red dot of the press-9 calls nobody acknowledged, for those who answer them */
  stopOnekey();
  if (id && hasRole(...ONEKEY_ROLES)) startOnekey();
});
window.addEventListener('online', () => recheck());
app.mount('#app');

/* Keep the static files on the device (see sw.js); https or localhost only. */
if ('serviceWorker' in navigator && window.isSecureContext && !navigator.webdriver) {
  window.addEventListener('load', () => navigator.serviceWorker.register('sw.js').catch(() => null));
}
