/*
 * login.js - a resident proves their mobile number: POST
 * /resident/code {phone} sends a 6-digit code by SMS (a new one after 60
 * seconds at the earliest, counted down on the button), POST
 * /resident/login {phone, code} gives the token. Then on to the page
 * asked for (?next=), else home.
 */
import { ref, computed, onBeforeUnmount } from 'vue';
import { api, setLogin, say } from './api.js';
import { route, go } from './router.js';
import { showSuccessToast } from './vant.js';

const RESEND_S = 60;
const digitsOnly = (s) => String(s || '').replace(/\D/g, '');

export default {
  setup() {
    const phone = ref('');
    const code = ref('');
    const sending = ref(false);
    const busy = ref(false);
    const sent = ref(false);
    const left = ref(0);
    const phoneError = ref('');
    const codeError = ref('');
    const error = ref('');
    let timer = null;
    const codeField = ref(null);

    const phoneOk = computed(() => /^1\d{10}$/.test(digitsOnly(phone.value)));
    const sendText = computed(() => (left.value > 0 ? left.value + ' 秒后可重新获取' : sent.value ? '重新获取' : '获取验证码'));

    function countdown(s) {
      left.value = s;
      clearInterval(timer);
      timer = setInterval(() => {
        left.value -= 1;
        if (left.value <= 0) { left.value = 0; clearInterval(timer); }
      }, 1000);
    }
    onBeforeUnmount(() => clearInterval(timer));

    async function sendCode() {
      phoneError.value = '';
      error.value = '';
      if (!phoneOk.value) { phoneError.value = '请输入正确的11位手机号码'; return; }
      if (left.value > 0 || sending.value) return;
      sending.value = true;
      try {
        await api.post('/resident/code', { phone: digitsOnly(phone.value) }, { auth: false });
        sent.value = true;
        countdown(RESEND_S);
        showSuccessToast('验证码已发送');
        setTimeout(() => codeField.value && codeField.value.focus && codeField.value.focus(), 50);
      } catch (e) {
        if (e.field === 'phone' && e.status !== 429) phoneError.value = say(e);
        else error.value = say(e);
        if (e.status === 429 && e.retryAfter) countdown(Math.min(e.retryAfter, 3600));
      } finally {
        sending.value = false;
      }
    }

    async function submit() {
      phoneError.value = '';
      codeError.value = '';
      error.value = '';
      if (!phoneOk.value) { phoneError.value = '请输入正确的11位手机号码'; return; }
      const c = digitsOnly(code.value);
      if (!/^\d{6}$/.test(c)) { codeError.value = '请输入短信里的6位验证码'; return; }
      busy.value = true;
      try {
        const r = await api.post('/resident/login', { phone: digitsOnly(phone.value), code: c }, { auth: false });
        setLogin(r.token, r.phone);
        code.value = '';
        showSuccessToast('登录成功');
        const next = route.query.next;
        go(next && next.startsWith('/') && !next.startsWith('/login') ? next : '/', undefined, true);
      } catch (e) {
        if (e.field === 'code' && e.status !== 429) codeError.value = say(e);
        else error.value = say(e);
      } finally {
        busy.value = false;
      }
    }
    return { phone, code, sending, busy, sent, left, sendText, phoneError, codeError, error, sendCode, submit, codeField };
  },
  template: `
  <div class="r-login" data-test="login">
    <p class="r-intro">为了让您能查看自己反映的问题和答复，请先验证手机号。我们会给您发送一条短信验证码。</p>
    <van-form @submit="submit">
      <van-cell-group inset>
        <van-field v-model="phone" type="tel" inputmode="numeric" maxlength="13" label="手机号" placeholder="请输入手机号"
                   autocomplete="tel" :error-message="phoneError" clearable data-test="login-phone" />
        <van-field ref="codeField" v-model="code" type="tel" inputmode="numeric" maxlength="6" label="验证码" placeholder="6位数字"
                   autocomplete="one-time-code" :error-message="codeError" center data-test="login-code">
          <template #button>
            <van-button size="small" type="primary" plain :loading="sending" :disabled="left > 0" @click="sendCode" native-type="button" data-test="send-code">{{ sendText }}</van-button>
          </template>
        </van-field>
      </van-cell-group>
      <div v-if="error" class="r-error" role="alert" data-test="login-error">{{ error }}</div>
      <div v-if="sent && !error" class="r-hint" data-test="code-sent">验证码已发到您的手机，5分钟内有效。</div>
      <div class="r-pad">
        <van-button round block type="primary" size="large" native-type="submit" :loading="busy" loading-text="正在登录…" data-test="login-submit">登 录</van-button>
      </div>
    </van-form>
  </div>`,
};
