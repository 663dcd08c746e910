/*
 * case/actions.js - the form of every case action (one bottom sheet): what
 * each action asks for, quick phrases, and the body it sends. Which fields
 * an action takes and which it needs come from its transitions' input
 * schemas (GET /workflows); the server decides whether it is allowed
 * (allowed_actions) and answers 409 when the case moved meanwhile; it
 * also lists the allowed actions that still wait for an after-photo
 * (photo_required), which the form asks for and uploads first.
 */
import { ref, reactive, computed, watch } from 'vue';
import { t } from '../../i18n.js';
import { api } from '../../api.js';
import { actionInput, categoryIndex, unitIndex, unitName } from '../../session.js';
import { fmtTime, fmtDue, toastError, debounce, addHours } from '../../util.js';
import { showSuccessToast, showNotify } from '../../vant.js';
import { REQUESTS } from './engine.js';
import { LxPhotoPicker, uploadAll, releaseItems, pendingItems } from '../../components/photos.js';

/* The actions whose form takes photos, and the stage they go up as. */
const PHOTO_STAGE = { resolve: 'resolve', verify: 'verify' };

/* The order of the buttons; the first ones of PRIMARY are filled. */
export const ORDER = [
  'accept', 'resolve', 'verify', 'rate', 'dispatch', 'resume', 'suspend_approve', 'suspend_reject', 'extension_approve',
  'extension_reject', 'appeal_decide', 'suspend', 'extend', 'return', 'escalate', 'assist', 'appeal', 'reopen', 'close',
  'invalid', 'merge', 'supervise', 'comment',
];
export const PRIMARY = ['accept', 'resolve', 'verify', 'rate', 'dispatch', 'resume', 'suspend_approve', 'extension_approve', 'appeal_decide'];

/* 即知即办: the server allows resolve on a case never accepted (an
 * ordinary resolve needs the case accepted first). */
export function onSpot(c) {
  return !!c && !c.accepted_at && (c.allowed_actions || []).includes('resolve');
}

/* What each form shows (the schema says what is sent and required). */
const FIELDS = {
  dispatch: ['unit', 'note'], accept: ['note'], return: ['reason'], escalate: ['reason'], assist: ['units', 'note'],
  resolve: ['reply'], rate: ['rating', 'note'], reopen: ['reason'], close: ['note'], supervise: ['note'], comment: ['note'],
  suspend: ['reason', 'until'], resume: ['note'], suspend_approve: ['note'], suspend_reject: ['reason'],
  extend: ['amount', 'reason'], extension_approve: ['note'], extension_reject: ['reason'],
  verify: ['passed', 'note'], appeal: ['reason'], appeal_decide: ['upheld', 'note'], invalid: ['reason'], merge: ['into', 'note'],
};
const QUICK = {
  return: ['quick.return_scope', 'quick.return_address', 'quick.return_other'],
  resolve: ['quick.resolve_done', 'quick.resolve_explained', 'quick.resolve_plan'],
  supervise: ['quick.supervise_1', 'quick.supervise_2'],
  escalate: ['quick.escalate_1', 'quick.escalate_2'],
  suspend: ['quick.suspend_parts', 'quick.suspend_material', 'quick.suspend_third', 'quick.suspend_weather'],
  extend: ['quick.extend_parts', 'quick.extend_complex', 'quick.extend_weather'],
  suspend_reject: ['quick.reject_suspend'], extension_reject: ['quick.reject_extend'],
  verify: ['quick.verify_ok', 'quick.verify_fail'],
  appeal: ['quick.appeal_policy', 'quick.appeal_unrelated', 'quick.appeal_malicious'],
  /* 无效诉求: one reason replaces another */
  invalid: ['quick.invalid_scope', 'quick.invalid_harass', 'quick.invalid_repeat'],
};
const REPLACE = ['invalid'];

/* "20261201006001" -> 6001; "6001" or "#6001" -> 6001; else 0. */
export function caseIdOf(text) {
  const s = String(text || '').trim().replace(/^#/, '');
  if (!/^\d+$/.test(s)) return 0;
  if (s.length === 14) return Number(s.slice(8));
  return s.length <= 12 ? Number(s) : 0;
}

/* A yes/no question of a form (solved? passed? upheld?): two radios marked
 * data-<name>="true|false", and the hint of what the answer will do. */
const LxYesNo = {
  props: {
    modelValue: Boolean, name: String, title: String, yes: String, no: String, hint: String, hintTest: String,
    pad: { type: Boolean, default: true }, // the group's vertical padding
  },
  emits: ['update:modelValue'],
  setup(props) {
    const mark = (v) => ({ ['data-' + props.name]: String(v) });
    return { mark };
  },
  template: `
  <van-cell :title="title">
    <template #label>
      <van-radio-group :model-value="modelValue" @update:model-value="$emit('update:modelValue', $event)" direction="horizontal" :class="{ 'lx-pad-y': pad }">
        <van-radio :name="true" v-bind="mark(true)">{{ yes }}</van-radio>
        <van-radio :name="false" v-bind="mark(false)">{{ no }}</van-radio>
      </van-radio-group>
    </template>
  </van-cell>
  <div v-if="hint" class="lx-muted lx-pad-x" :data-test="hintTest">{{ hint }}</div>`,
};

function blank() {
  return {
    unit: null, units: [], note: '', reason: '', reply: '', rating: 'satisfied', solved: true, until: '',
    amount: '', passed: true, upheld: true, into: '',
  };
}

export const LxActionForm = {
  components: { LxYesNo, LxPhotoPicker },
  props: { show: Boolean, c: Object, act: String, preset: Object, suggestions: Array },
  emits: ['update:show', 'done', 'stale'],
  setup(props, { emit }) {
    const f = reactive(blank());
    const busy = ref(false);
    const showUnits = ref(false);
    const target = ref(null); // the merge target, looked up
    const looking = ref(false);
    const photos = ref([]); // LxPhotoPicker items (after-photos, verify photos)

    watch(() => [props.show, props.act], ([v]) => {
      if (!v) return;
      releaseItems(photos.value);
      photos.value = [];
      Object.assign(f, blank(), props.preset || {});
      target.value = null;
      if (props.act === 'dispatch' && props.suggestions && props.suggestions.length && !f.unit) f.unit = props.suggestions[0].unit;
    });
    const fields = computed(() => FIELDS[props.act] || ['note']);
    /* 即知即办: resolving on the spot a case they reported */
    const spot = computed(() => props.act === 'resolve' && onSpot(props.c));
    const photoStage = computed(() => PHOTO_STAGE[props.act] || '');
    const input = computed(() => actionInput(props.c.type, props.act));
    const quick = computed(() => QUICK[props.act] || []);
    const quickField = computed(() => (props.act === 'resolve' ? 'reply' : fields.value.includes('reason') ? 'reason' : 'note'));
    function addQuick(k) {
      const field = quickField.value;
      f[field] = REPLACE.includes(props.act) || !f[field] ? t(k) : f[field] + t(k);
    }
    /* The extension's unit follows the case's resolve clock. */
    const byWorkdays = computed(() => !!props.c.resolve_workdays);
    const category = computed(() => categoryIndex.value.get(props.c.category_code));
    /* the server says which actions still wait for an after-photo */
    const photoRequired = computed(() => (props.c.photo_required || []).includes(props.act));
    const extensionsUsed = computed(() => (props.c.extensions || []).filter((e) => e.status === 'approved').length);
    const maxExtensions = computed(() => (category.value ? category.value.max_extensions : null));
    const amountChips = computed(() => (byWorkdays.value ? [1, 2, 3, 5] : [12, 24, 48, 72]));
    const extendedTo = computed(() => {
      const n = Number(f.amount);
      if (!n || !props.c.resolve_due_at) return '';
      return byWorkdays.value ? '' : fmtTime(addHours(props.c.resolve_due_at, n));
    });
    const zone = computed(() => (props.c.created_at || '').slice(19) || '+08:00');
    const minUntil = computed(() => new Date(Date.now() - new Date().getTimezoneOffset() * 60e3).toISOString().slice(0, 16));

    const lookup = debounce(async () => {
      const id = caseIdOf(f.into);
      target.value = null;
      if (!id) return;
      looking.value = true;
      try {
        const x = await api.get('/cases/' + id);
        if (caseIdOf(f.into) === id) target.value = x;
      } catch (e) {
        if (caseIdOf(f.into) === id) target.value = { error: e.status === 404 ? t('merge.not_found') : e.message };
      } finally { looking.value = false; }
    }, 300);
    watch(() => f.into, lookup);

    function body() {
      const a = props.act, b = { version: props.c.version };
      const note = f.note.trim();
      if (note) b.note = note;
      if (a === 'dispatch' && f.unit) b.unit_id = f.unit.id;
      if (a === 'assist' && f.units.length) b.unit_ids = f.units.map((u) => u.id);
      if (f.reason.trim()) b.reason = f.reason.trim();
      if (f.reply.trim()) b.reply = f.reply.trim();
      if (a === 'rate') { b.rating = f.rating; b.solved = f.solved; }
      if (a === 'verify') b.passed = f.passed;
      if (a === 'appeal_decide') b.upheld = f.upheld;
      if (a === 'suspend' && f.until) b.until = f.until.length === 16 ? f.until + ':00' + zone.value : f.until;
      if (a === 'extend' && Number(f.amount) > 0) b[byWorkdays.value ? 'workdays' : 'hours'] = Number(f.amount);
      if (a === 'merge' && caseIdOf(f.into)) b.into_id = caseIdOf(f.into);
      /* only what the action's schema takes */
      for (const k of Object.keys(b)) if (k !== 'version' && !input.value.props.has(k)) delete b[k];
      return b;
    }
    function missing(b) {
      const a = props.act;
      if (a === 'extend') {
        const n = Number(f.amount);
        if (!(n > 0) || (byWorkdays.value && !Number.isInteger(n))) return byWorkdays.value ? t('extend.need_workdays') : t('extend.need_hours');
      }
      if (a === 'merge') {
        if (!caseIdOf(f.into)) return t('merge.need_number');
        if (caseIdOf(f.into) === props.c.id) return t('merge.self');
        if (target.value && target.value.error) return target.value.error;
      }
      for (const k of input.value.required) {
        if (b[k] === undefined || b[k] === '') return t('need.' + k);
      }
      return '';
    }
    async function submit() {
      const b = body();
      const m = missing(b) || (photoRequired.value && !photos.value.length ? t('photo.need_after') : '');
      if (m) { showNotify({ type: 'warning', message: m }); return; }
      busy.value = true;
      try {
        /* the photos first: the resolve needs its after-photo on the case,
         * and a resolved or verified case takes no more files */
        if (photoStage.value && pendingItems(photos.value).length) {
          const ok = await uploadAll(props.c.id, photos.value, photoStage.value);
          if (!ok) {
            showNotify({ type: 'danger', message: t('photo.some_failed'), duration: 4000 });
            return;
          }
        }
        const r = await api.post('/cases/' + props.c.id + '/' + props.act, b);
        releaseItems(photos.value);
        photos.value = [];
        emit('update:show', false);
        /* a request that waits for the desk says so */
        const asked = r.pending && !props.c.pending && Object.values(REQUESTS).some((q) => q.ask === props.act);
        showSuccessToast(asked ? t('pending.asked_' + r.pending) : t('done.' + props.act));
        emit('done', r, props.act);
      } catch (e) {
        if (e.code === 'photo_required') { showNotify({ type: 'warning', message: t('photo.need_after') }); return; }
        toastError(e);
        if (e.status === 409) { emit('update:show', false); emit('stale'); }
      } finally {
        busy.value = false;
      }
    }
    const escalateTo = computed(() => {
      const h = unitIndex.value.get(props.c.handler_unit_id);
      return h && h.parent_id ? unitName(h.parent_id) : '';
    });
    function pickUnit(u) { f.unit = u; }
    function pickUnits(list) { f.units = list; }
    return {
      f, busy, showUnits, fields, input, quick, addQuick, submit, escalateTo, pickUnit, pickUnits, byWorkdays, amountChips,
      extensionsUsed, maxExtensions, extendedTo, minUntil, target, looking, category, fmtTime, fmtDue, t,
      photos, photoStage, photoRequired, spot,
    };
  },
  template: `
  <van-popup :show="show" @update:show="$emit('update:show', $event)" position="bottom" round closeable teleport="body" class="lx-picker-popup" data-test="action-popup" :data-act="act">
    <div class="lx-picker-title">{{ spot ? t('photo.on_spot') : t('action.' + act) }} · {{ c.number }}</div>
    <div class="lx-dialog-body lx-action-body">
      <van-cell-group inset>
        <van-field v-if="fields.includes('unit')" :model-value="f.unit ? f.unit.name : ''" readonly is-link :label="t('case.to_unit')" :placeholder="t('unit.pick')" @click="showUnits = true" data-test="action-unit" />
        <van-field v-if="fields.includes('units')" :model-value="f.units.map(u => u.name).join('、')" readonly is-link :label="t('case.assist_units')" :placeholder="t('unit.pick')" @click="showUnits = true" />
        <van-cell v-if="act === 'escalate' && escalateTo" :title="t('case.escalate_to')" :value="escalateTo" />
        <template v-if="fields.includes('rating')">
          <van-cell :title="t('rate.rating')">
            <template #label>
              <van-radio-group v-model="f.rating" direction="horizontal" class="lx-pad-y">
                <van-radio name="satisfied" data-rating="satisfied">{{ t('rating.satisfied') }}</van-radio>
                <van-radio name="basic" data-rating="basic">{{ t('rating.basic') }}</van-radio>
                <van-radio name="unsatisfied" data-rating="unsatisfied">{{ t('rating.unsatisfied') }}</van-radio>
              </van-radio-group>
            </template>
          </van-cell>
          <lx-yes-no v-model="f.solved" name="solved" :pad="false" :title="t('rate.solved_q')" :yes="t('rate.solved')" :no="t('rate.unsolved')"
                     :hint="(f.rating !== 'unsatisfied' && f.solved) ? t('rate.will_close') : t('rate.will_reopen')" />
        </template>
        <lx-yes-no v-if="fields.includes('passed')" v-model="f.passed" name="passed" :title="t('verify.result')" :yes="t('verify.passed')" :no="t('verify.failed')"
                   :hint="f.passed ? t('verify.will_pass') : t('verify.will_fail')" hint-test="verify-hint" />
        <lx-yes-no v-if="fields.includes('upheld')" v-model="f.upheld" name="upheld" :title="t('appeal.decision')" :yes="t('appeal.upheld')" :no="t('appeal.rejected')"
                   :hint="f.upheld ? t('appeal.will_uphold') : t('appeal.will_reject')" />
        <template v-if="fields.includes('amount')">
          <van-cell :title="t('extend.current')" :value="fmtDue(c.resolve_due_at, c.resolve_workdays)" :label="c.resolve_workdays ? t('extend.clock_workdays', { n: c.resolve_workdays }) : t('extend.clock_hours')" />
          <van-field v-model="f.amount" type="digit" required :label="byWorkdays ? t('extend.workdays') : t('extend.hours')"
                     :placeholder="byWorkdays ? t('extend.workdays_ph') : t('extend.hours_ph')" data-test="action-amount" :data-unit="byWorkdays ? 'workdays' : 'hours'">
            <template #extra>{{ byWorkdays ? t('extend.unit_workdays') : t('extend.unit_hours') }}</template>
          </van-field>
          <div class="lx-quick">
            <button v-for="n in amountChips" :key="n" type="button" class="lx-chip lx-chip-sm" :class="{ on: +f.amount === n }" @click="f.amount = String(n)" :data-amount="n">
              {{ byWorkdays ? t('time.workdays', { n }) : t('time.hours', { n }) }}</button>
          </div>
          <div class="lx-muted lx-pad-x">
            <template v-if="extendedTo">{{ t('extend.to', { t: extendedTo }) }} · </template>
            <template v-if="maxExtensions !== null">{{ t('extend.used', { n: extensionsUsed, max: maxExtensions }) }} · </template>{{ t('extend.hint') }}
          </div>
        </template>
        <van-field v-if="fields.includes('into')" v-model="f.into" required :label="t('merge.into')" :placeholder="t('merge.into_ph')" clearable data-test="action-into" />
        <div v-if="fields.includes('into') && (target || looking)" class="lx-pad-x lx-merge-target" data-test="merge-target">
          <van-loading v-if="looking" size="14" />
          <span v-else-if="target.error" class="lx-warn">{{ target.error }}</span>
          <template v-else><b>{{ target.number }}</b> <lx-status :status="target.status" :type="target.type" /> {{ target.title }}</template>
        </div>
        <van-field v-if="fields.includes('reason')" v-model="f.reason" type="textarea" rows="3" autosize required :label="t('case.reason')" :placeholder="t('reason_ph.' + act)" maxlength="500" show-word-limit data-test="action-reason" />
        <template v-if="fields.includes('until')">
          <van-field :label="t('suspend.until')" data-test="action-until">
            <template #input><input type="datetime-local" v-model="f.until" class="lx-date lx-flex1" :min="minUntil" :aria-label="t('suspend.until')" /></template>
          </van-field>
          <div class="lx-muted lx-pad-x">{{ t('suspend.hint') }}</div>
        </template>
        <van-field v-if="fields.includes('reply')" v-model="f.reply" type="textarea" rows="4" autosize required :label="t('case.reply')" :placeholder="t('case.reply_ph')" maxlength="2000" show-word-limit data-test="action-reply" />
        <div v-if="act === 'resolve' && category && category.verify" class="lx-muted lx-pad-x" data-test="resolve-verify-hint">{{ t('case.resolve_verify') }}</div>
        <lx-photo-picker v-if="photoStage" v-model="photos" :required="photoRequired" :name="'action-photos'"
                         :title="act === 'resolve' ? t('photo.after') : t('photo.verify')"
                         :hint="photoRequired ? t('photo.after_required') : t('photo.optional')" />
        <van-field v-if="fields.includes('note')" v-model="f.note" type="textarea" rows="2" autosize :required="input.required.has('note')"
                   :label="t('case.note')" :placeholder="t('note_ph.' + act)" maxlength="500" data-test="action-note" />
      </van-cell-group>
      <div v-if="quick.length" class="lx-quick" data-test="action-quick">
        <button v-for="q in quick" :key="q" type="button" class="lx-chip lx-chip-sm" @click="addQuick(q)">{{ t(q) }}</button>
      </div>
      <div class="lx-pad">
        <van-button block round type="primary" :loading="busy" @click="submit" data-test="action-submit">{{ spot && photoRequired ? t('photo.on_spot_submit') : t('common.confirm') + t('action.' + act) }}</van-button>
      </div>
    </div>
    <lx-unit-picker v-if="act === 'dispatch'" v-model:show="showUnits" :title="t('case.to_unit')" :suggestions="suggestions" @pick="pickUnit"
                    :kinds="['department', 'district', 'street', 'community', 'village', 'grid']" />
    <lx-unit-picker v-if="act === 'assist'" v-model:show="showUnits" multiple :title="t('case.assist_units')" @pick="pickUnits" :exclude="[c.handler_unit_id]" :initial="f.units.map(u => u.id)" />
  </van-popup>`,
};
