/*
 * gate.js - what must come before any screen: a password of one's own (a
 * new account, a password an admin set, an expired one: the server answers
 * every other route 403 password_change_required), then a second factor
 * when the role needs one (403 totp_enrollment_required). Shown in the
 * login page's frame, one step at a time; the app goes on to the page asked
 * for once /auth/me says nothing more is needed.
 */
import { computed } from 'vue';
import { t, locale, setLocale } from '../i18n.js';
import { session, gate, logout } from '../session.js';
import { go } from '../router.js';
import { PasswordForm, TotpEnroll } from './security.js';

export default {
  components: { PasswordForm, TotpEnroll },
  setup() {
    const step = computed(() => gate());
    const user = computed(() => session.user || {});
    async function leave() {
      await logout();
      go('/login');
    }
    const switchLang = () => setLocale(locale.value === 'en' ? 'zh-CN' : 'en');
    return { step, user, leave, switchLang, locale, t };
  },
  template: `
  <div class="lx-login lx-gate" :data-gate="step" data-test="gate">
    <div class="lx-login-card">
      <div class="lx-login-brand">
        <div class="lx-login-logo" aria-hidden="true">连心</div>
        <div>
          <h1 data-test="gate-title">{{ step === 'password' ? t('security.pw_forced_title') : t('security.totp_forced_title') }}</h1>
          <p>{{ t('security.account', { name: user.name || user.login, login: user.login }) }}</p>
        </div>
      </div>
      <div class="lx-login-note">
        <van-icon :name="step === 'password' ? 'lock' : 'shield-o'" />
        {{ step === 'password' ? t('security.pw_forced_why') : t('security.totp_forced_why') }}
      </div>
      <PasswordForm v-if="step === 'password'" forced />
      <TotpEnroll v-else-if="step === 'totp'" forced />
      <div class="lx-login-foot">
        <button type="button" class="lx-link" @click="leave" data-test="gate-logout">{{ t('security.logout') }}</button>
        <button type="button" class="lx-link" @click="switchLang" data-test="lang-switch">{{ locale === 'en' ? '切换到中文' : 'English' }}</button>
      </div>
    </div>
  </div>`,
};
