/*
 * security.js - 账号安全: change one's own password, enrol a second factor
 * (TOTP) and see whether it is on. The two forms are also the forced steps
 * gate.js shows before anything else (a new account or a password an admin
 * set; a role that needs a second factor).
 *
 * The password rules are the server's (POST /auth/password answers 422
 * weak_password, wrong_password, same_password): staff roles need 10
 * characters, others 8; no dictionary word; not the login. The page checks
 * what it can as the user types and says every refusal in plain words
 * beside its field.
 *
 * Enrolment: POST /auth/totp/enroll gives a secret, its otpauth:// URL and
 * a QR code (an SVG document, shown as an <img> of a data: URL); the first
 * code from the app goes to POST /auth/totp/confirm. The codes are
 * HMAC-SHA-256 (RFC 6238), which some older Google Authenticator versions
 * do not take.
 */
import { ref, reactive, computed } from 'vue';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { session, refreshMe } from '../session.js';
import { toastError } from '../util.js';
import { showSuccessToast } from '../vant.js';

const STAFF = ['admin', 'dispatcher', 'handler', 'grid_worker', 'leader'];

/* The shortest password the user's roles allow (the server's rule). */
export function minChars(user) {
  return ((user && user.roles) || []).some((r) => STAFF.includes(r)) ? 10 : 8;
}

/* Characters of s as the server counts them (UTF-8 code points). */
const chars = (s) => [...s].length;

/*
 * A refusal of POST /auth/password as {field, text}: the server's reasons
 * are English sentences; each known one gets its plain Chinese words.
 */
export function passwordRefusal(e) {
  const msg = (e && e.message) || '';
  if (e.code === 'wrong_password') return { field: 'old', text: t('security.wrong_old') };
  if (e.code === 'same_password') return { field: 'fresh', text: t('security.same') };
  if (e.code === 'weak_password') {
    if (/at least (\d+)/.test(msg)) return { field: 'fresh', text: t('security.too_short', { n: msg.match(/at least (\d+)/)[1] }) };
    if (/contain the login/.test(msg)) return { field: 'fresh', text: t('security.has_login') };
    if (/too easy to guess/.test(msg)) return { field: 'fresh', text: t('security.weak_dict') };
    return { field: 'fresh', text: t('security.weak') };
  }
  if (e.code === 'too_many_attempts') {
    const m = Math.max(1, Math.ceil((e.retryAfter || 60) / 60));
    return { field: 'form', text: t('security.locked', { m }) };
  }
  if (e.status === 422 && e.field) return { field: e.field === 'old' ? 'old' : 'fresh', text: msg };
  return { field: 'form', text: msg || t('err.unknown') };
}

/* The change-password form; emits done once the server took it. */
export const PasswordForm = {
  props: { forced: Boolean },
  emits: ['done'],
  setup(props, { emit }) {
    const form = reactive({ old: '', fresh: '', again: '' });
    const err = reactive({ old: '', fresh: '', again: '', form: '' });
    const show = ref(false);
    const busy = ref(false);
    const user = computed(() => session.user || {});
    const min = computed(() => minChars(user.value));
    const login = computed(() => user.value.login || '');
    /* the rules the page can check as the user types (the dictionary is the server's) */
    const rules = computed(() => [
      { key: 'len', text: t('security.rule_len', { n: min.value }), ok: chars(form.fresh) >= min.value },
      { key: 'login', text: t('security.rule_login', { login: login.value }), ok: !!form.fresh && !form.fresh.toLowerCase().includes(login.value.toLowerCase()) },
      { key: 'dict', text: t('security.rule_dict'), ok: null },
      { key: 'same', text: t('security.rule_same'), ok: !!form.again && form.fresh === form.again },
    ]);
    function clear() { err.old = err.fresh = err.again = err.form = ''; }
    function check() {
      clear();
      if (!form.old) err.old = t('security.need_old');
      if (!form.fresh) err.fresh = t('security.need_new');
      else if (chars(form.fresh) < min.value) err.fresh = t('security.too_short', { n: min.value });
      else if (login.value && form.fresh.toLowerCase().includes(login.value.toLowerCase())) err.fresh = t('security.has_login');
      else if (form.fresh === form.old) err.fresh = t('security.same');
      if (!err.fresh) {
        if (!form.again) err.again = t('security.need_new2');
        else if (form.again !== form.fresh) err.again = t('security.mismatch');
      }
      return !err.old && !err.fresh && !err.again;
    }
    async function submit() {
      if (busy.value || !check()) return;
      busy.value = true;
      try {
        await api.post('/auth/password', { old: form.old, new: form.fresh });
        form.old = form.fresh = form.again = '';
        showSuccessToast({ message: t('security.pw_done'), duration: 2500 });
        await refreshMe().catch(() => null);
        emit('done');
      } catch (e) {
        const r = passwordRefusal(e);
        err[r.field] = r.text;
      } finally { busy.value = false; }
    }
    return { form, err, show, busy, rules, min, submit, t };
  },
  template: `
  <div class="lx-pw-form" data-test="password-form">
    <van-cell-group inset>
      <van-field v-model="form.old" :type="show ? 'text' : 'password'" :label="t('security.old')" :placeholder="t('security.old_ph')"
                 autocomplete="current-password" :error-message="err.old" @update:model-value="err.old = ''" data-test="pw-old" />
      <van-field v-model="form.fresh" :type="show ? 'text' : 'password'" :label="t('security.new')" :placeholder="t('security.new_ph', { n: min })"
                 autocomplete="new-password" :error-message="err.fresh" @update:model-value="err.fresh = ''" data-test="pw-new" />
      <van-field v-model="form.again" :type="show ? 'text' : 'password'" :label="t('security.new2')" :placeholder="t('security.new2_ph')"
                 autocomplete="new-password" :error-message="err.again" @update:model-value="err.again = ''" data-test="pw-new2" />
      <van-cell center :title="t('security.show')">
        <template #right-icon><van-switch v-model="show" size="22" data-test="pw-show" /></template>
      </van-cell>
    </van-cell-group>
    <div class="lx-pw-rules" data-test="pw-rules">
      <div class="lx-muted">{{ t('security.rules') }}</div>
      <div v-for="r in rules" :key="r.key" class="lx-pw-rule" :class="{ ok: r.ok === true }" :data-rule="r.key">
        <van-icon :name="r.ok === true ? 'checked' : 'circle'" /> <span>{{ r.text }}</span>
      </div>
      <div class="lx-muted lx-pw-tip">{{ t('security.tip') }}</div>
    </div>
    <div v-if="err.form" class="lx-form-error" role="alert" data-test="pw-error">{{ err.form }}</div>
    <div class="lx-pad">
      <van-button round block type="primary" :loading="busy" :loading-text="t('security.pw_busy')" @click="submit" data-test="pw-submit">{{ forced ? t('security.pw_forced_submit') : t('security.pw_submit') }}</van-button>
    </div>
  </div>`,
};

/* "ABCD EFGH IJKL …": a secret in groups of four, to type by hand. */
export function groupSecret(s) {
  return (s || '').replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/* Enrolment of a second factor; emits done once confirmed. */
export const TotpEnroll = {
  props: { forced: Boolean },
  emits: ['done'],
  setup(props, { emit }) {
    const enrolment = ref(null);
    const code = ref('');
    const err = ref('');
    const busy = ref(false);
    const copied = ref(false);
    const qrSrc = computed(() => (enrolment.value && enrolment.value.qr_svg
      ? 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(enrolment.value.qr_svg) : ''));
    const secret = computed(() => groupSecret(enrolment.value && enrolment.value.secret));
    async function start() {
      busy.value = true;
      err.value = '';
      try {
        enrolment.value = await api.post('/auth/totp/enroll');
      } catch (e) {
        if (e.status === 409) {
          await refreshMe().catch(() => null);
          showSuccessToast(t('security.totp_already'));
          emit('done');
        } else toastError(e);
      } finally { busy.value = false; }
    }
    async function copy() {
      const s = enrolment.value.secret;
      try {
        await navigator.clipboard.writeText(s);
        copied.value = true;
        setTimeout(() => { copied.value = false; }, 2000);
      } catch {
        /* no clipboard (plain http): select the text for a long press */
        const el = document.querySelector('[data-test=totp-secret]');
        if (el) window.getSelection().selectAllChildren(el);
      }
    }
    async function confirm() {
      const c = code.value.replace(/\s/g, '');
      if (!/^\d{6}$/.test(c)) { err.value = t('security.need_code'); return; }
      busy.value = true;
      err.value = '';
      try {
        await api.post('/auth/totp/confirm', { code: c });
        enrolment.value = null;
        code.value = '';
        showSuccessToast({ message: t('security.totp_done'), duration: 2500 });
        await refreshMe().catch(() => null);
        emit('done');
      } catch (e) {
        if (e.code === 'totp_invalid') { err.value = t('security.bad_code'); code.value = ''; }
        else if (e.status === 409) {
          /* enrolled meanwhile, or the enrolment is gone: see which */
          await refreshMe().catch(() => null);
          if (session.user && session.user.totp_enabled) emit('done');
          else { enrolment.value = null; err.value = t('security.totp_restart'); }
        } else err.value = e.message;
      } finally { busy.value = false; }
    }
    return { enrolment, code, err, busy, copied, qrSrc, secret, start, copy, confirm, t };
  },
  template: `
  <div class="lx-totp" data-test="totp-enroll">
    <div class="lx-totp-apps">
      <p>{{ t('security.totp_apps') }}</p>
      <p class="lx-muted">{{ t('security.totp_sha1') }}</p>
    </div>
    <div v-if="!enrolment" class="lx-pad">
      <van-button round block type="primary" :loading="busy" @click="start" data-test="totp-start">{{ t('security.totp_start') }}</van-button>
    </div>
    <template v-else>
      <div class="lx-totp-step">{{ t('security.step1') }}</div>
      <div class="lx-totp-qr">
        <img v-if="qrSrc" :src="qrSrc" :alt="t('security.qr_alt')" width="220" height="220" data-test="totp-qr" />
      </div>
      <div class="lx-muted lx-totp-center">{{ t('security.step1_phone') }}</div>
      <div class="lx-totp-center">
        <van-button tag="a" :href="enrolment.otpauth_url" size="small" round plain icon="link-o" class="lx-totp-open" data-test="totp-open">{{ t('security.open_app') }}</van-button>
      </div>
      <div class="lx-totp-secret-box">
        <div class="lx-muted">{{ t('security.secret') }}</div>
        <div class="lx-totp-secret" data-test="totp-secret" :data-secret="enrolment.secret">{{ secret }}</div>
        <div class="lx-muted">{{ t('security.secret_kind') }}</div>
        <button type="button" class="lx-link" @click="copy" data-test="totp-copy">{{ copied ? t('security.copied') : t('security.copy') }}</button>
      </div>
      <div class="lx-totp-step">{{ t('security.step2') }}</div>
      <van-cell-group inset>
        <van-field v-model="code" type="tel" inputmode="numeric" maxlength="6" autocomplete="one-time-code" :label="t('security.code')"
                   :placeholder="t('security.code_ph')" :error-message="err" @update:model-value="err = ''" class="lx-code-field" data-test="totp-code" />
      </van-cell-group>
      <div class="lx-pad">
        <van-button round block type="primary" :loading="busy" @click="confirm" data-test="totp-confirm">{{ t('security.totp_confirm') }}</van-button>
      </div>
    </template>
  </div>`,
};

/* The page: what is on, and the two forms. */
export default {
  components: { PasswordForm, TotpEnroll },
  setup() {
    const user = computed(() => session.user || {});
    const open = ref(''); // 'password' | 'totp' | ''
    refreshMe().catch(() => null);
    function toggle(w) { open.value = open.value === w ? '' : w; }
    return { user, open, toggle, t };
  },
  template: `
  <div class="lx-security" data-test="security-page">
    <van-cell-group inset :title="t('security.pw_title')">
      <van-cell :title="t('security.pw_change')" is-link :arrow-direction="open === 'password' ? 'up' : 'down'" @click="toggle('password')" data-test="pw-open" />
    </van-cell-group>
    <PasswordForm v-if="open === 'password'" @done="open = ''" />
    <van-cell-group inset :title="t('security.totp_title')">
      <van-cell center :title="t('security.totp_state')" data-test="totp-state" :data-on="user.totp_enabled ? 'true' : 'false'">
        <template #value>
          <van-tag v-if="user.totp_enabled" type="success" size="medium">{{ t('security.totp_on') }}</van-tag>
          <van-tag v-else type="default" plain size="medium">{{ t('security.totp_off') }}</van-tag>
        </template>
        <template #label>{{ user.totp_enabled ? t('security.totp_on_hint') : t('security.totp_off_hint') }}</template>
      </van-cell>
      <van-cell v-if="!user.totp_enabled" :title="t('security.totp_enable')" is-link :arrow-direction="open === 'totp' ? 'up' : 'down'" @click="toggle('totp')" data-test="totp-enable" />
    </van-cell-group>
    <TotpEnroll v-if="open === 'totp' && !user.totp_enabled" @done="open = ''" />
  </div>`,
};
