/*
 * desk/parts.js - the intake desk's side cards: the result of the last
 * filing (with its photos going up, and 即知即办 where the server lets
 * the reporter resolve it at once), the open cases of the same category
 * nearby (possible duplicates), and the caller's history by phone number
 * (the repeat-call path: GET /cases?reporter_phone=, desk roles only).
 */
import { ref, computed, watch } from 'vue';
import { t } from '../../i18n.js';
import { api } from '../../api.js';
import { hasRole, openStatuses } from '../../session.js';
import { onSpot } from '../case/actions.js';
import { fmtTime, fmtShort, fmtDistance, debounce } from '../../util.js';

/* The result of the last filing (top of the form on a phone, beside it on a
 * desk). uploads: the photo items going up to it; emits retry for those
 * that failed, spot for 即知即办. */
export const ResultCard = {
  props: { result: Object, handler: String, fieldRole: Boolean, master: String, uploads: Array },
  emits: ['dispatch', 'open', 'retry', 'spot'],
  setup(props) {
    const up = computed(() => {
      const list = props.uploads || [];
      const count = (st) => list.filter((x) => x.state === st).length;
      const busy = list.length - count('done') - count('failed');
      const pct = list.length ? Math.round((list.reduce((n, x) => n + (x.state === 'done' ? 1 : x.progress || 0), 0) / list.length) * 100) : 0;
      return { n: list.length, done: count('done'), failed: count('failed'), busy, pct, errors: list.filter((x) => x.error) };
    });
    /* 即知即办: the filing's answer is the whole case, with what the server
     * allows (resolve before it was accepted: on the spot) */
    const canSpot = computed(() => onSpot(props.result));
    return { up, canSpot, t, fmtTime };
  },
  template: `
  <div class="lx-card lx-result" data-test="result">
    <div class="lx-card-head"><van-icon name="passed" color="#07c160" size="20" />
      <b>{{ result.merged_into ? t('desk.repeat_title') : t('desk.result_title') }}</b><span class="lx-flex1"></span><lx-status :status="result.status" :type="result.type" /></div>
    <div class="lx-result-num" data-test="result-number">{{ result.number }}</div>
    <div>{{ result.title }}</div>
    <div v-if="result.merged_into" class="lx-muted" data-test="result-merged">{{ t('desk.result_merged', { n: master || '#' + result.merged_into }) }}</div>
    <div v-else-if="handler" class="lx-muted" data-test="result-unit">{{ t('desk.result_to', { u: handler }) }}</div>
    <div v-if="result.accept_due_at" class="lx-muted">{{ t('deadline.accept') }} {{ fmtTime(result.accept_due_at) }} · {{ t('deadline.resolve') }} {{ fmtTime(result.resolve_due_at) }}</div>
    <div v-if="up.n" class="lx-result-photos" data-test="result-photos" :data-done="up.done" :data-failed="up.failed">
      <van-icon name="photo-o" />
      <template v-if="up.busy">{{ t('photo.uploading', { n: up.n, p: up.pct }) }} <van-loading size="12" /></template>
      <template v-else-if="up.failed"><span class="lx-warn">{{ t('photo.result_failed', { ok: up.done, failed: up.failed }) }}</span>
        <button type="button" class="lx-link" @click="$emit('retry')" data-test="result-photos-retry">{{ t('common.retry') }}</button></template>
      <template v-else>{{ t('photo.result_done', { n: up.done }) }}</template>
      <div v-for="x in up.errors" :key="x.key" class="lx-warn lx-small">{{ x.name }}：{{ x.error }}</div>
    </div>
    <div class="lx-row-actions">
      <van-button v-if="(result.allowed_actions || []).includes('dispatch') && !result.handler_unit_id && !fieldRole" size="small" type="warning" @click="$emit('dispatch')" data-test="result-dispatch">{{ t('action.dispatch') }}</van-button>
      <van-button v-if="canSpot" size="small" type="success" icon="passed" @click="$emit('spot')" data-test="result-on-spot">{{ t('photo.on_spot') }}</van-button>
      <van-button size="small" type="primary" plain @click="$emit('open')" data-test="result-open">{{ t('desk.open_case') }}</van-button>
    </div>
  </div>`,
};

/* Open cases of the same category near the point: possible duplicates. */
export const DupeList = {
  props: { dupes: Array, loading: Boolean, canRepeat: Boolean },
  emits: ['repeat'],
  setup() { return { t, fmtShort, fmtDistance }; },
  template: `
  <div class="lx-card lx-dupes" data-test="dupes">
    <div class="lx-card-head"><van-icon name="warning-o" color="#ed6a0c" /> <b>{{ t('desk.dupes_title') }}</b>
      <van-loading v-if="loading" size="14" /></div>
    <div v-if="!loading && !dupes.length" class="lx-muted">{{ t('desk.dupes_none') }}</div>
    <div v-for="x in dupes" :key="x.c.id" class="lx-dupe" :data-case-id="x.c.id">
      <div class="lx-dupe-main">
        <a :href="'#/case/' + x.c.id" target="_blank" rel="noopener">{{ x.c.number }}</a>
        <lx-status :status="x.c.status" :type="x.c.type" />
        <span v-if="x.d !== null" class="lx-muted"> {{ t('desk.away', { d: fmtDistance(x.d) }) }}</span>
        <div class="lx-dupe-title">{{ x.c.title }}</div>
        <div class="lx-muted">{{ x.c.address }} · {{ fmtShort(x.c.created_at) }}</div>
      </div>
      <van-button v-if="canRepeat" size="small" type="warning" plain @click="$emit('repeat', x)" data-test="repeat">{{ t('desk.repeat') }}</van-button>
    </div>
  </div>`,
};

/* The digits of a phone number as the server compares them (+86, spaces
 * and dashes left out). */
export function phoneDigits(p) {
  const d = String(p || '').replace(/\D/g, '');
  return d.length > 11 && d.startsWith('86') ? d.slice(2) : d;
}

/*
 * The caller's earlier cases: once the phone field holds 7 digits or more
 * (and the user is at the desk: admin, dispatcher), GET /cases?
 * reporter_phone=…&limit=20, open ones first (open per the machines);
 * each opens in a new tab, an open one may take this call as a repeat.
 */
export const CallerHistory = {
  props: { phone: String },
  emits: ['repeat'],
  setup(props) {
    const items = ref([]);
    const more = ref(false);
    const loading = ref(false);
    const asked = ref('');
    let seq = 0;
    const allowed = computed(() => hasRole('admin', 'dispatcher'));
    const look = debounce(async (digits) => {
      const my = ++seq;
      loading.value = true;
      try {
        const r = await api.get('/cases', { reporter_phone: digits, limit: 20 });
        if (my !== seq) return;
        items.value = r.items || [];
        more.value = !!r.next_cursor;
        asked.value = digits;
      } catch {
        if (my === seq) { items.value = []; asked.value = ''; }
      } finally {
        if (my === seq) loading.value = false;
      }
    }, 400);
    watch(() => props.phone, (p) => {
      const d = phoneDigits(p);
      if (!allowed.value || d.length < 7) { seq++; items.value = []; asked.value = ''; loading.value = false; return; }
      if (d !== asked.value) look(d);
    });
    const sorted = computed(() => {
      const open = openStatuses();
      const isOpen = (c) => open.includes(c.status);
      return [...items.value].map((c) => ({ c, open: isOpen(c) })).sort((a, b) => (b.open - a.open) || b.c.id - a.c.id);
    });
    const openCount = computed(() => sorted.value.filter((x) => x.open).length);
    const show = computed(() => allowed.value && (loading.value || asked.value));
    return { sorted, more, loading, show, openCount, t, fmtShort };
  },
  template: `
  <div v-if="show" class="lx-card lx-caller" data-test="caller-history" :data-count="sorted.length">
    <div class="lx-card-head"><van-icon name="phone-circle-o" color="#1989fa" /> <b>{{ t('desk.caller_title', { n: sorted.length + (more ? '+' : '') }) }}</b>
      <span v-if="openCount" class="lx-muted">{{ t('desk.caller_open', { n: openCount }) }}</span>
      <van-loading v-if="loading" size="14" /></div>
    <div v-if="!loading && !sorted.length" class="lx-muted">{{ t('desk.caller_none') }}</div>
    <div v-for="x in sorted" :key="x.c.id" class="lx-dupe" :data-case-id="x.c.id" :data-open="x.open">
      <div class="lx-dupe-main">
        <a :href="'#/case/' + x.c.id" target="_blank" rel="noopener">{{ x.c.number }}</a>
        <lx-status :status="x.c.status" :type="x.c.type" />
        <div class="lx-dupe-title">{{ x.c.title }}</div>
        <div class="lx-muted">{{ fmtShort(x.c.created_at) }}<template v-if="x.c.address"> · {{ x.c.address }}</template></div>
      </div>
      <van-button v-if="x.open" size="small" type="warning" plain @click="$emit('repeat', x)" data-test="caller-repeat">{{ t('desk.repeat') }}</van-button>
    </div>
  </div>`,
};
