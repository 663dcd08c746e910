/*
 * me.js - the signed-in user: who and where, every screen of the role
 * (the tab bar shows four), account security (password, second factor),
 * language, and logging out.
 */
import { computed, onMounted } from 'vue';
import { t, label, locale, setLocale } from '../i18n.js';
import { session, logout, loadUnits, unitPathNames } from '../session.js';
import { go } from '../router.js';
import { navItems } from '../nav.js';
import { showConfirmDialog } from '../vant.js';

export default {
  setup() {
    onMounted(() => loadUnits().catch(() => null));
    const user = computed(() => session.user);
    const items = computed(() => navItems());
    const scope = computed(() => (user.value.unit_id ? unitPathNames(user.value.unit_id) : t('admin.whole_system')));
    async function doLogout() {
      /* visits still on the phone stay there for this user's next login */
      let waiting = 0;
      try {
        const f = await import('../field.js');
        waiting = (await f.refreshOutbox()).length;
      } catch { /* no outbox */ }
      const message = waiting ? t('me.logout_pending', { n: waiting }) : t('me.logout_confirm');
      try { await showConfirmDialog({ message }); } catch { return; }
      await logout();
      go('/login');
    }
    return { user, items, scope, doLogout, locale, setLocale, label, t, go };
  },
  template: `
  <div class="lx-me">
    <div class="lx-card lx-me-head">
      <div class="lx-avatar">{{ (user.name || user.login).slice(0, 1) }}</div>
      <div class="lx-flex1">
        <div style="font-size:17px;font-weight:600" data-test="me-name">{{ user.name }}</div>
        <div class="lx-muted">{{ user.login }} · {{ user.roles.map(r => label('role', r)).join('、') }}</div>
        <div class="lx-muted">{{ t('me.scope') }}：{{ scope }}</div>
      </div>
    </div>
    <van-cell-group inset :title="t('me.screens')">
      <van-cell v-for="it in items" :key="it.name" :title="it.label" :icon="it.icon" is-link @click="go(it.path)" :data-nav="it.name" />
    </van-cell-group>
    <van-cell-group inset :title="t('me.settings')">
      <van-cell :title="t('nav.security')" icon="shield-o" is-link @click="go('/security')" data-nav="security">
        <template #value>
          <span :class="user.totp_enabled ? 'lx-ok-text' : 'lx-muted'" data-test="me-totp">{{ user.totp_enabled ? t('me.totp_on') : t('me.totp_off') }}</span>
        </template>
      </van-cell>
      <van-cell :title="t('me.language')" center>
        <template #right-icon>
          <div class="lx-chips">
            <button type="button" class="lx-chip lx-chip-sm" :class="{ on: locale === 'zh-CN' }" @click="setLocale('zh-CN')" data-lang="zh-CN">中文</button>
            <button type="button" class="lx-chip lx-chip-sm" :class="{ on: locale === 'en' }" @click="setLocale('en')" data-lang="en">English</button>
          </div>
        </template>
      </van-cell>
    </van-cell-group>
    <div class="lx-pad"><van-button block round plain type="danger" @click="doLogout" data-test="logout">{{ t('me.logout') }}</van-button></div>
    <div class="lx-muted" style="text-align:center">{{ t('app.name') }} · {{ t('app.subtitle') }}</div>
  </div>`,
};
