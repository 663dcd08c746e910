/*
 * login.js - sign in with login and password; the server sets the
 * HttpOnly session cookie. Goes back to the page asked for, else home.
 */
import { ref } from 'vue';
import { t, locale, setLocale } from '../i18n.js';
import { login } from '../session.js';

export default {
  setup() {
    const name = ref('');
    const password = ref('');
    const busy = ref(false);
    const error = ref('');
    async function submit() {
      if (!name.value || !password.value) {
        error.value = t('login.required');
        return;
      }
      busy.value = true;
      error.value = '';
      try {
        await login(name.value.trim(), password.value);
        password.value = '';
        // the app sends the user on: to the page asked for, else home
      } catch (e) {
        error.value = e.code === 'bad_credentials' ? t('login.bad') : e.message;
      } finally {
        busy.value = false;
      }
    }
    const switchLang = () => setLocale(locale.value === 'en' ? 'zh-CN' : 'en');
    return { name, password, busy, error, submit, switchLang, locale, t };
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
        <van-cell-group inset>
          <van-field v-model="name" name="login" :label="t('login.login')" :placeholder="t('login.login_ph')" autocomplete="username"
                     left-icon="user-o" clearable autocapitalize="off" autocorrect="off" spellcheck="false" data-test="login-name" />
          <van-field v-model="password" type="password" name="password" :label="t('login.password')" :placeholder="t('login.password_ph')"
                     autocomplete="current-password" left-icon="lock" data-test="login-password" />
        </van-cell-group>
        <div v-if="error" class="lx-form-error" role="alert" data-test="login-error">{{ error }}</div>
        <div class="lx-pad">
          <van-button round block type="primary" native-type="submit" :loading="busy" :loading-text="t('login.busy')" data-test="login-submit">{{ t('login.submit') }}</van-button>
        </div>
      </van-form>
      <div class="lx-login-foot">
        <button type="button" class="lx-link" @click="switchLang" data-test="lang-switch">{{ locale === 'en' ? '切换到中文' : 'English' }}</button>
      </div>
    </div>
  </div>`,
};
