/*
 * main.js - starts the UI: Vue 3 (ES-module browser build, templates
 * compiled at run time, no build step), Vant 4 for the phone-first
 * components, a hash router, and one lazily loaded module per screen.
 */
import { createApp, defineAsyncComponent, computed, watch, ref, h } from 'vue';
import vant from './vant.js';
import { t, locale, setLocale } from './i18n.js';
import { onUnauthorized, onGate } from './api.js';
import { session, restore, mainRole, hasRole, clearCaches, gate } from './session.js';
import { route, go, defineRoutes, startRouter } from './router.js';
import { registerCommon } from './components/common.js';
import { NAV, navItems, navLabel, homePath } from './nav.js';

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
  { name: 'security', path: '/security', title: 'nav.security', back: true },
]);

const ROUTE_ROLES = {
  desk: ['admin', 'dispatcher', 'grid_worker', 'deputy', 'volunteer', 'handler'],
  work: ['admin', 'handler', 'grid_worker'],
  board: ['admin', 'dispatcher'],
  admin: ['admin', 'dispatcher'],
};
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
    const activeTab = computed(() => {
      const i = tabs.value.findIndex((x) => x.name === route.name);
      return i < 0 ? (route.name === 'case' ? -1 : tabs.value.length - 1) : i;
    });
    const showBack = computed(() => route.name === 'case' || route.name === 'security');
    function onBack() {
      if (window.__lxNavigated && history.length > 1) history.back();
      else go(route.name === 'security' ? '/me' : homePath());
    }
    function switchLang() { setLocale(locale.value === 'en' ? 'zh-CN' : 'en'); }
    return { items, tabs, current, title, activeTab, showBack, onBack, route, routeDef, session, go, switchLang, locale, t };
  },
  template: `
  <div class="lx-shell" :class="'lx-route-' + route.name">
    <aside class="lx-side" aria-label="navigation">
      <div class="lx-brand"><span class="lx-brand-mark">连心</span><span class="lx-brand-sub">{{ t('app.subtitle') }}</span></div>
      <nav>
        <a v-for="it in items" :key="it.name" :href="'#' + it.path" class="lx-side-item" :class="{active: route.name === it.name}" :data-nav="it.name">
          <van-icon :name="it.icon" /> <span>{{ it.label }}</span>
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
        <template #right><span class="lx-lang" @click="switchLang" role="button" :aria-label="'language'">{{ locale === 'en' ? '中' : 'EN' }}</span></template>
      </van-nav-bar>
      <header class="lx-wide-head">
        <button v-if="showBack" class="lx-back" type="button" @click="onBack"><van-icon name="arrow-left" /> {{ t('common.back') }}</button>
        <h1>{{ title }}</h1>
      </header>
      <main class="lx-content">
        <component :is="current" v-if="current" :key="route.name + '-' + route.seq" />
      </main>
      <van-tabbar class="lx-tabbar" :model-value="activeTab" fixed placeholder safe-area-inset-bottom>
        <van-tabbar-item v-for="(it, i) in tabs" :key="it.name" :icon="it.icon" :name="i" @click="go(it.path)" :data-tab="it.name">{{ it.label }}</van-tabbar-item>
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
app.mount('#app');

/* Keep the static files on the device (see sw.js); https or localhost only. */
if ('serviceWorker' in navigator && window.isSecureContext && !navigator.webdriver) {
  window.addEventListener('load', () => navigator.serviceWorker.register('sw.js').catch(() => null));
}
