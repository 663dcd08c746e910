/*
 * lookup.js - 查询办理进度 without a login: the case number and the last
 * 4 digits of the phone it was filed with (GET /resident/lookup, no
 * token) show the case and its steps, without photos. A miss says to
 * check both; too many misses from one address wait an hour (429).
 */
import { ref } from 'vue';
import { api, say } from './api.js';
import { route } from './router.js';
import { CaseBody } from './cases.js';

const digitsOnly = (s) => String(s || '').replace(/\D/g, '');

export default {
  components: { CaseBody },
  setup() {
    const number = ref(digitsOnly(route.query.number));
    const digits = ref('');
    const errors = ref({});
    const error = ref('');
    const busy = ref(false);
    const found = ref(null);
    async function submit() {
      const n = digitsOnly(number.value), d = digitsOnly(digits.value);
      errors.value = {
        number: n.length >= 14 ? '' : '诉求编号是14位（或更多）数字，在提交成功的页面和短信里',
        digits: d.length === 4 ? '' : '请输入反映问题时所留手机号的后4位',
      };
      error.value = '';
      found.value = null;
      if (errors.value.number || errors.value.digits) return;
      busy.value = true;
      try {
        found.value = await api.get('/resident/lookup', { number: n, digits: d }, { auth: false });
      } catch (e) {
        if (e.status === 404) error.value = '没有查到这件诉求。请核对诉求编号和手机号后4位是否正确。';
        else if (e.status === 400 && e.field) errors.value = { ...errors.value, [e.field]: say(e) };
        else error.value = say(e);
      } finally {
        busy.value = false;
      }
    }
    return { number, digits, errors, error, busy, found, submit };
  },
  template: `
  <div class="r-page r-lookup" data-test="lookup">
    <p class="r-intro">不用登录。请输入诉求编号和您反映问题时留的手机号后4位。</p>
    <van-form @submit="submit">
      <van-cell-group inset>
        <van-field v-model="number" type="tel" inputmode="numeric" maxlength="20" label="诉求编号" placeholder="14位数字" clearable
                   :error-message="errors.number" data-test="lookup-number" />
        <van-field v-model="digits" type="tel" inputmode="numeric" maxlength="4" label="手机后4位" placeholder="如：1234"
                   :error-message="errors.digits" data-test="lookup-digits" />
      </van-cell-group>
      <div v-if="error" class="r-error" role="alert" data-test="lookup-error">{{ error }}</div>
      <div class="r-pad">
        <van-button round block type="primary" size="large" native-type="submit" :loading="busy" loading-text="正在查询…" data-test="lookup-submit">查 询</van-button>
      </div>
    </van-form>
    <CaseBody v-if="found" :c="found">
      <div v-if="found.can_rate" class="r-card" data-test="lookup-rate-hint">
        已经答复了。<a :href="'#/cases/' + found.id" class="r-link" data-test="lookup-rate">验证手机号后评价</a>
      </div>
    </CaseBody>
  </div>`,
};
