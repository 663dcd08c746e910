/*
 * call.js - one press-9 call (#/onekey/:id, GET /onekey/calls/:id): who
 * pressed (the resident, the address, the masked number, the device), the
 * 120/119 advice of an emergency with the two numbers to tap, the ladder
 * as vertical steps (each step's people and when they were told, the
 * current one marked), the answer so far (who acknowledged and how soon,
 * arrived, ended with its note), the timeline, and a link to the case.
 *
 * The three answers are big buttons: 我来处理 (ack) while nobody
 * acknowledged, 已到达 (arrive) once someone did and nobody arrived, 结束
 * (close, with a note: a dialog) once acknowledged; which one shows follows
 * the call's times, never its status's name, and the server has the last
 * word (403 not_told: the call never reached this user; 409: the call moved
 * meanwhile, read again). A leader only watches. Read again every 10 s
 * while the call is open, and whenever the inbox changes.
 */
import { ref, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { t, label, has } from '../../i18n.js';
import { api } from '../../api.js';
import { inbox } from '../../inbox.js';
import { route } from '../../router.js';
import { now, fmtTime, toastError } from '../../util.js';
import { showSuccessToast } from '../../vant.js';
import { fmtSecs, secsBetween, mayAnswer, stepText } from '../onekey.js';
import { refreshOnekey } from '../../onekey.js';

const POLL_MS = 10000;

export default {
  setup() {
    const id = Number(route.params.id);
    const k = ref(null);
    const loading = ref(true);
    const error = ref(null);
    const busy = ref('');
    const lastError = ref(null);
    const closing = ref(false);
    const closeNote = ref('');
    const closeError = ref('');
    let timer = null, seq = 0;

    async function load() {
      const my = ++seq;
      try {
        const r = await api.get('/onekey/calls/' + id);
        if (my !== seq) return;
        k.value = r;
        error.value = null;
      } catch (e) {
        if (my !== seq) return;
        if (!k.value) error.value = e.status === 404 ? { message: t('onekey.not_found') } : e;
      } finally {
        if (my === seq) loading.value = false;
      }
    }
    onMounted(() => {
      load();
      timer = setInterval(() => { if (!k.value || !k.value.closed_at) load(); }, POLL_MS);
    });
    onBeforeUnmount(() => clearInterval(timer));
    watch(() => [inbox.newest, inbox.unread], () => load());

    /* the answers the call's times allow; the server decides the rest */
    const canAck = computed(() => !!k.value && !k.value.acked_at && !k.value.closed_at);
    const canArrive = computed(() => !!k.value && !!k.value.acked_at && !k.value.arrived_at && !k.value.closed_at);
    const canClose = computed(() => !!k.value && !!k.value.acked_at && !k.value.closed_at);
    const answering = computed(() => mayAnswer());

    function errorText(e) {
      const known = e && e.code && has('apierr.' + e.code) ? t('apierr.' + e.code) : '';
      return known ? known + (e.message ? '（' + e.message + '）' : '') : (e && e.message) || t('err.unknown');
    }
    async function answer(a, note) {
      busy.value = a;
      lastError.value = null;
      seq++; /* a read on its way is older than this answer */
      try {
        k.value = await api.post('/onekey/calls/' + id + '/' + a, note ? { note } : {});
        showSuccessToast(t('onekey.done_' + a));
        refreshOnekey();
        return true;
      } catch (e) {
        if (a === 'close' && e.field === 'note') { closeError.value = errorText(e); return false; }
        lastError.value = { status: e.status, code: e.code, text: errorText(e) };
        toastError(e);
        if (e.status === 409) load();
        return a === 'close';
      } finally {
        busy.value = '';
      }
    }
    function askClose() {
      closeNote.value = '';
      closeError.value = '';
      closing.value = true;
    }
    /* the dialog stays until the note went up (or the server said no) */
    async function beforeClose(action) {
      if (action !== 'confirm') return true;
      const note = closeNote.value.trim();
      if (!note) { closeError.value = t('onekey.note_needed'); return false; }
      return answer('close', note);
    }

    const who = computed(() => (k.value && k.value.resident ? k.value.resident.name : t('onekey.unknown_caller')));
    const waited = computed(() => (k.value ? fmtSecs(secsBetween(k.value.created_at, k.value.acked_at || k.value.closed_at, now.value)) : ''));
    const current = computed(() => (k.value && k.value.steps ? k.value.steps.find((s) => s.current) : null));
    const nextIn = computed(() => {
      const c = k.value;
      if (!c || c.acked_at || c.closed_at) return '';
      if (!c.step_due_at) return t('onekey.last_step');
      const left = (Date.parse(c.step_due_at) - now.value) / 1000;
      return left > 0 ? t('onekey.next_in', { d: fmtSecs(left) }) : t('onekey.next_now');
    });
    const timeline = computed(() => (k.value && k.value.timeline ? [...k.value.timeline].reverse() : []));
    const eventLabel = (a) => (has('onekey.event.' + a) ? t('onekey.event.' + a) : label('event', a));
    const names = (s) => s.people.map((p) => p.name).join('、') || t('onekey.nobody_here');
    /* the step of whoever acknowledged (the desk may answer from outside the ladder) */
    const answeredAt = computed(() => {
      const c = k.value;
      if (!c || !c.acked_by || !c.steps) return -1;
      const s = c.steps.find((x) => x.people.some((p) => p.id === c.acked_by.id));
      return s ? s.n : -1;
    });
    return {
      k, loading, error, load, busy, lastError, closing, closeNote, closeError, canAck, canArrive, canClose, answering,
      answer, askClose, beforeClose, answeredAt, who, waited, current, nextIn, timeline, eventLabel, names, stepText, fmtSecs, secsBetween, fmtTime, t,
    };
  },
  template: `
  <div class="lx-call" data-test="call-page">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-else-if="k">
      <div class="lx-case-grid">
        <div>
          <div class="lx-card lx-case-head" :class="{ 'lx-call-head-red': k.red }" data-test="call-head" :data-red="k.red">
            <div class="lx-card-head">
              <span class="lx-num">{{ k.number }}</span>
              <van-tag v-if="k.red" type="danger" size="large">{{ t('onekey.nobody') }}</van-tag>
              <van-tag v-if="k.emergency" type="danger" plain>{{ t('onekey.emergency') }}</van-tag>
              <span class="lx-flex1"></span>
              <van-tag :type="k.red ? 'danger' : k.closed_at ? 'default' : 'success'" plain data-test="call-status">{{ k.status_label }}</van-tag>
            </div>
            <div class="lx-card-title lx-call-who" data-test="call-who">{{ who }}</div>
            <div v-if="k.red" class="lx-call-big-wait" data-test="call-wait">{{ t('onekey.waited', { d: waited }) }}
              <span v-if="current"> · {{ stepText(k, current.label) }}</span><span v-if="nextIn" class="lx-muted"> · {{ nextIn }}</span></div>
            <dl class="lx-kv">
              <dt>{{ t('onekey.address') }}</dt><dd data-test="call-address">{{ k.address || t('onekey.no_address') }}</dd>
              <dt>{{ t('onekey.caller') }}</dt><dd data-test="call-caller">{{ k.caller || '—' }}</dd>
              <template v-if="k.device_id"><dt>{{ t('onekey.device') }}</dt><dd data-test="call-device">{{ k.device_id }}</dd></template>
              <dt>{{ t('onekey.called_at') }}</dt><dd>{{ fmtTime(k.created_at, true) }}</dd>
              <dt>{{ t('onekey.case') }}</dt><dd><a class="lx-link-text" :href="'#/case/' + k.case_id" data-test="call-case-link">{{ t('onekey.open_case', { n: k.number }) }}</a></dd>
            </dl>
          </div>

          <div v-if="k.advice && !k.closed_at" class="lx-banner lx-banner-red lx-call-advice-box" data-test="call-advice">
            <b class="lx-call-advice-text"><van-icon name="warning" color="#ee0a24" /> {{ k.advice }}</b>
            <div class="lx-row-actions">
              <a class="van-button van-button--danger van-button--normal lx-call-tel" href="tel:120" data-test="tel-120"><van-icon name="phone" /> 120</a>
              <a class="van-button van-button--danger van-button--normal van-button--plain lx-call-tel" href="tel:119" data-test="tel-119"><van-icon name="phone" /> 119</a>
            </div>
          </div>

          <div class="lx-card" data-test="call-answer">
            <div class="lx-card-head"><b>{{ t('onekey.answer') }}</b></div>
            <dl class="lx-kv lx-call-kv">
              <dt>{{ t('onekey.acked') }}</dt>
              <dd data-test="call-acked"><template v-if="k.acked_at">{{ k.acked_by ? k.acked_by.name : '—' }} · {{ fmtTime(k.acked_at, true) }}
                <span class="lx-muted">（{{ t('onekey.after', { d: fmtSecs(secsBetween(k.created_at, k.acked_at)) }) }}）</span></template>
                <span v-else class="lx-cd-overdue">{{ t('onekey.not_yet_ack') }}</span></dd>
              <dt>{{ t('onekey.arrived') }}</dt>
              <dd data-test="call-arrived"><template v-if="k.arrived_at">{{ k.arrived_by ? k.arrived_by.name : '—' }} · {{ fmtTime(k.arrived_at, true) }}
                <span class="lx-muted">（{{ t('onekey.after', { d: fmtSecs(secsBetween(k.created_at, k.arrived_at)) }) }}）</span></template>
                <span v-else class="lx-muted">{{ t('onekey.not_yet_arrive') }}</span></dd>
              <dt>{{ t('onekey.ended') }}</dt>
              <dd data-test="call-ended"><template v-if="k.closed_at">{{ k.closed_by ? k.closed_by.name : '—' }} · {{ fmtTime(k.closed_at, true) }}</template>
                <span v-else class="lx-muted">{{ t('onekey.not_yet_end') }}</span></dd>
              <template v-if="k.close_note"><dt>{{ t('onekey.close_note') }}</dt><dd class="lx-desc" style="margin:0" data-test="call-close-note">{{ k.close_note }}</dd></template>
            </dl>
          </div>

          <div class="lx-card" data-test="call-steps">
            <div class="lx-card-head"><b>{{ t('onekey.ladder') }}</b><span class="lx-muted">{{ t('onekey.ladder_hint', { n: k.nsteps }) }}</span></div>
            <van-steps direction="vertical" :active="k.step" active-color="#c8161d" class="lx-call-steps">
              <van-step v-for="s in k.steps" :key="s.n" data-test="call-step" :data-n="s.n" :data-current="s.current" :data-notified="!!s.notified_at">
                <div class="lx-call-step-head"><b>{{ t('onekey.step_n', { n: s.n + 1 }) }} {{ s.label }}</b>
                  <van-tag v-if="s.current && !k.acked_at && !k.closed_at" type="danger">{{ t('onekey.current') }}</van-tag>
                  <van-tag v-if="s.n === answeredAt" type="success" plain data-test="step-answered">{{ t('onekey.answered_here', { who: k.acked_by.name }) }}</van-tag></div>
                <div class="lx-call-people">{{ names(s) }}</div>
                <div class="lx-muted" data-test="step-time">{{ s.notified_at ? t('onekey.notified_at', { t: fmtTime(s.notified_at, true) }) : t('onekey.not_notified') }}</div>
              </van-step>
            </van-steps>
          </div>
        </div>

        <div class="lx-card" data-test="call-timeline">
          <div class="lx-card-head"><b>{{ t('case.timeline') }}</b><span class="lx-muted">（{{ timeline.length }}）</span></div>
          <ol class="lx-timeline">
            <li v-for="(e, i) in timeline" :key="i" :data-action="e.action">
              <div class="lx-tl-head"><span class="lx-tl-action">{{ eventLabel(e.action) }}</span>
                <span class="lx-flex1"></span><span class="lx-muted">{{ fmtTime(e.at, true) }}</span></div>
              <div class="lx-muted">{{ e.actor || t('case.system') }}</div>
              <div v-if="e.note" class="lx-tl-note">{{ e.note }}</div>
            </li>
          </ol>
        </div>
      </div>

      <div v-if="lastError" class="lx-form-error lx-call-error" data-test="call-error" :data-status="lastError.status" :data-code="lastError.code">{{ lastError.text }}</div>
      <div v-if="!answering" class="lx-banner lx-banner-grey" data-test="call-watch-only"><van-icon name="eye-o" /> {{ t('onekey.watch_only') }}</div>
      <div v-else-if="canAck || canArrive || canClose" class="lx-action-bar lx-call-bar" data-test="call-actions">
        <van-button v-if="canAck" type="danger" size="large" icon="phone-circle-o" :loading="busy === 'ack'" @click="answer('ack')" data-test="call-ack">{{ t('onekey.ack') }}</van-button>
        <van-button v-if="canArrive" type="primary" size="large" icon="location-o" :loading="busy === 'arrive'" @click="answer('arrive')" data-test="call-arrive">{{ t('onekey.arrive') }}</van-button>
        <van-button v-if="canClose" type="default" size="large" icon="passed" :loading="busy === 'close'" @click="askClose" data-test="call-close">{{ t('onekey.close') }}</van-button>
      </div>
      <van-dialog v-model:show="closing" :title="t('onekey.close_title')" show-cancel-button :before-close="beforeClose" teleport="body" data-test="close-dialog">
        <van-field v-model="closeNote" type="textarea" rows="3" autosize maxlength="500" show-word-limit :placeholder="t('onekey.close_ph')"
                   :error-message="closeError" @update:model-value="closeError = ''" data-test="close-note" />
      </van-dialog>
    </template>
  </div>`,
};
