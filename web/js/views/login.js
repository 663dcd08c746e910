/*
 * login.js - sign in with login and password; when the account has a
 * second factor the server answers 401 totp_required and the page asks for
 * the 6-digit code of the authenticator, sent with the same login and
 * password. Too many failures (429) show the wait, counting down. The
 * server sets the HttpOnly session cookie; the app then shows what must
 * come first (a new password, enrolment: gate.js), else the page asked for,
 * else home.
 */
import { ref, computed, nextTick, watch } from 'vue';
import { t, locale, setLocale } from '../i18n.js';
import { login } from '../session.js';
import { now, fmtDuration } from '../util.js';

export default {
  setup() {
    const name = ref('');
    const password = ref('');
    const code = ref('');
    const step = ref('password');   // 'password' | 'code'
    const busy = ref(false);
    const error = ref('');
    const lockedUntil = ref(0);
    const codeField = ref(null);
    /* the throttle counts per login and address: another login may try */
    watch(name, () => { lockedUntil.value = 0; });
    const waitLeft = computed(() => Math.max(0, lockedUntil.value - now.value));
    const locked = computed(() => waitLeft.value > 0);
    /* "请在 14分59秒 后再试", counting down; gone once the time is up */
    const lockText = computed(() => (locked.value ? t('login.locked', { wait: fmtDuration(Math.ceil(waitLeft.value / 1000) * 1000) }) : ''));

    function refused(e) {
      if (e.status === 429 || e.code === 'too_many_attempts') {
        lockedUntil.value = Date.now() + (e.retryAfter || 60) * 1000;
        error.value = '';
        return;
      }
      if (e.code === 'bad_credentials') {
        error.value = t('login.bad');
        if (step.value === 'code') { step.value = 'password'; code.value = ''; }
      } else if (e.code === 'totp_required') {
        step.value = 'code';
        error.value = '';
        nextTick(() => codeField.value && codeField.value.focus && codeField.value.focus());
      } else if (e.code === 'totp_invalid') {
        step.value = 'code';
        code.value = '';
        error.value = t('login.code_bad');
      } else {
        error.value = e.message;
      }
    }

    async function submit() {
      if (locked.value) return;
      if (!name.value.trim() || !password.value) {
        error.value = t('login.required');
        return;
      }
      const c = code.value.replace(/\s/g, '');
      if (step.value === 'code' && !/^\d{6}$/.test(c)) {
        error.value = t('login.code_need');
        return;
      }
      busy.value = true;
      error.value = '';
      try {
        await login(name.value.trim(), password.value, step.value === 'code' ? c : undefined);
        password.value = '';
        code.value = '';
        // the app sends the user on: a forced step, the page asked for, else home
      } catch (e) {
        refused(e);
      } finally {
        busy.value = false;
      }
    }
    function restart() {
      step.value = 'password';
      code.value = '';
      password.value = '';
      error.value = '';
    }
    const switchLang = () => setLocale(locale.value === 'en' ? 'zh-CN' : 'en');
    return { name, password, code, step, busy, error, locked, lockText, codeField, submit, restart, switchLang, locale, t };
  },
  template: `
  <div class="lx-login">
    <div class="lx-login-card">
      <div class="lx-login-brand">
        <div class="lx-login-logo" aria-hidden="true">连心</div>
        <div>
          <h1>{{ t('app.name') }}</h1>
          <p>{{ t('app.subtitle') }}</p>
        </div>
      </div>
      <van-form @submit="submit" class="lx-login-form">
        <van-cell-group inset v-show="step === 'password'">
          <van-field v-model="name" name="login" :label="t('login.login')" :placeholder="t('login.login_ph')" autocomplete="username"
                     left-icon="user-o" clearable autocapitalize="off" autocorrect="off" spellcheck="false" data-test="login-name" />
          <van-field v-model="password" type="password" name="password" :label="t('login.password')" :placeholder="t('login.password_ph')"
                     autocomplete="current-password" left-icon="lock" data-test="login-password" />
        </van-cell-group>
        <template v-if="step === 'code'">
          <div class="lx-login-note" data-test="login-code-hint">
            <van-icon name="shield-o" /> {{ t('login.code_hint') }}
            <div class="lx-muted">{{ t('login.as', { login: name }) }}</div>
          </div>
          <van-cell-group inset>
            <van-field ref="codeField" v-model="code" name="totp" :label="t('login.code')" :placeholder="t('login.code_ph')"
                       type="tel" inputmode="numeric" maxlength="6" autocomplete="one-time-code" left-icon="shield-o"
                       class="lx-code-field" data-test="login-code" />
          </van-cell-group>
        </template>
        <div v-if="locked" class="lx-form-error lx-login-locked" role="alert" data-test="login-locked">{{ lockText }}</div>
        <div v-else-if="error" class="lx-form-error" role="alert" data-test="login-error">{{ error }}</div>
        <div class="lx-pad">
          <van-button round block type="primary" native-type="submit" :loading="busy" :disabled="locked" :loading-text="t('login.busy')" data-test="login-submit">{{ t('login.submit') }}</van-button>
        </div>
        <div v-if="step === 'code'" class="lx-login-foot">
          <button type="button" class="lx-link" @click="restart" data-test="login-restart">{{ t('login.restart') }}</button>
        </div>
      </van-form>
      <div class="lx-login-foot">
        <button type="button" class="lx-link" @click="switchLang" data-test="lang-switch">{{ locale === 'en' ? '切换到中文' : 'English' }}</button>
      </div>
    </div>
  </div>`,
};
