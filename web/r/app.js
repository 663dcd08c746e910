/*
 * app.js - the residents' page (/r/): ordinary citizens on their phones,
 * no staff login, Chinese only. Vue 3 (templates compiled at run time, no
 * build step) and Vant 4 as in the staff UI; a hash router with six
 * screens: home (three big buttons), 我要反映 (file a request, with
 * photos), 我的诉求 (one's own cases) and a case, the SMS-code login, and
 * 查询办理进度 by case number and the phone's last 4 digits (no login).
 */
import { createApp, computed, watch } from 'vue';
import vant from './vant.js';
import { showNotify } from './vant.js';
import { auth, loggedIn, setLogin, onUnauthorized, api, say } from './api.js';
import { route, go, startRouter, back } from './router.js';
import LoginView from './login.js';
import FileView from './file.js';
import { CasesView, CaseView } from './cases.js';
import LookupView from './lookup.js';

window.__lxrStarted = true;

const Home = {
  setup() {
    async function logout() {
      try { await api.post('/resident/logout', {}); } catch { /* the token is dropped all the same */ }
      setLogin('', '');
      showNotify({ type: 'success', message: '已退出登录' });
    }
    return { auth, go, logout };
  },
  template: `
  <div class="r-home" data-test="home">
    <div class="r-hero">
      <div class="r-logo">连心</div>
      <div>
        <h1>接诉即办</h1>
        <p>有事您说话，我们马上办</p>
      </div>
    </div>
    <div class="r-big-buttons">
      <button type="button" class="r-big r-big-main" @click="go('/new')" data-test="home-new">
        <van-icon name="edit" /><span><b>我要反映</b><small>反映问题、提出建议</small></span></button>
      <button type="button" class="r-big" @click="go('/cases')" data-test="home-cases">
        <van-icon name="orders-o" /><span><b>我的诉求</b><small>查看我反映过的问题和答复</small></span></button>
      <button type="button" class="r-big" @click="go('/lookup')" data-test="home-lookup">
        <van-icon name="search" /><span><b>查询办理进度</b><small>用诉求编号查询，不用登录</small></span></button>
    </div>
    <div class="r-home-foot">
      <template v-if="auth.token.value">
        <span data-test="home-phone">已登录：{{ auth.phone.value || '本机' }}</span>
        <button type="button" class="r-link" @click="logout" data-test="logout">退出登录</button>
      </template>
      <span v-else>紧急情况请直接拨打 110、119、120</span>
    </div>
  </div>`,
};

const VIEWS = { home: Home, login: LoginView, new: FileView, cases: CasesView, case: CaseView, lookup: LookupView };
const TITLES = { home: '连心 · 接诉即办', login: '验证手机号', new: '我要反映', cases: '我的诉求', case: '诉求详情', lookup: '查询办理进度' };
/* the screens a resident must be logged in for */
const NEEDS_LOGIN = ['new', 'cases', 'case'];

const App = {
  setup() {
    const current = computed(() => VIEWS[route.name] || Home);
    const title = computed(() => TITLES[route.name] || TITLES.home);
    watch(() => [route.name, auth.token.value], () => {
      if (NEEDS_LOGIN.includes(route.name) && !loggedIn()) go('/login', { next: route.path }, true);
    }, { immediate: true });
    watch(title, (t) => { document.title = route.name === 'home' ? t : t + ' · 连心'; }, { immediate: true });
    const blocked = computed(() => NEEDS_LOGIN.includes(route.name) && !loggedIn());
    return { route, current, title, back, blocked };
  },
  template: `
  <div class="r-app" :class="'r-route-' + route.name">
    <van-nav-bar v-if="route.name !== 'home'" :title="title" left-arrow left-text="返回" @click-left="back" fixed placeholder safe-area-inset-top class="r-topbar" />
    <main class="r-main">
      <component :is="current" v-if="!blocked" :key="route.name + '-' + route.seq" />
    </main>
  </div>`,
};

/* The token died (logged out elsewhere, expired): log in again, then back here. */
onUnauthorized(() => {
  showNotify({ type: 'warning', message: '登录已过期，请重新验证手机号' });
  if (route.name !== 'login') go('/login', { next: route.path }, true);
});

const app = createApp(App);
app.use(vant);
app.config.errorHandler = (err) => {
  console.error(err);
  showNotify({ type: 'danger', message: say(err) });
};
startRouter();
app.mount('#app');
