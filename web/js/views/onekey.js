/*
 * onekey.js - 一键呼叫 (#/onekey): the press-9 calls of one's scope (GET
 * /onekey/calls). Those nobody acknowledged lead, each a big red banner
 * with how long the resident has waited (live, by the second) and the
 * step of the ladder the call is on ("第3步 网格员"; the step's label is
 * read from the call itself, GET /onekey/calls/:id, once per step); then
 * the open ones someone answered; then, with 只看未结束 off, the ended ones.
 * An emergency shows the 120/119 advice the server gives. Read again every
 * 10 s and whenever the inbox changes (every step leaves an inbox entry).
 * #/onekey?case=42 (an inbox entry: it carries the case) opens that case's
 * call. What a call's buttons are is the call page's (views/onekey/call.js).
 */
import { ref, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { inbox } from '../inbox.js';
import { noteCalls, callOfCase } from '../onekey.js';
import { hasRole } from '../session.js';
import { route, setQuery, go } from '../router.js';
import { now, fmtTime, fmtShort, toastError } from '../util.js';

const PAGE = 30;
const POLL_MS = 10000;

/* Seconds as 分秒: "45秒", "3分05秒", "1小时02分". */
export function fmtSecs(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  s = Math.max(0, Math.round(s));
  const pad = (n) => String(n).padStart(2, '0');
  if (s < 60) return t('onekey.secs', { s });
  if (s < 3600) return t('onekey.min_secs', { m: Math.floor(s / 60), s: pad(s % 60) });
  return t('onekey.hour_mins', { h: Math.floor(s / 3600), m: pad(Math.floor(s / 60) % 60) });
}

/* Seconds from RFC 3339 time a to b (or to now). */
export function secsBetween(a, b, nowMs) {
  if (!a) return null;
  return ((b ? Date.parse(b) : nowMs) - Date.parse(a)) / 1000;
}

/* Only a leader (and nobody else besides) watches without answering; the
 * server decides the rest (403 not_told, 409). */
export function mayAnswer() {
  return hasRole('admin', 'dispatcher', 'grid_worker', 'handler', 'volunteer', 'deputy');
}

/* The step's words: "第3步 网格员", or "第3步" until its label is known. */
export function stepText(k, label) {
  return t('onekey.step_n', { n: k.step + 1 }) + (label ? ' ' + label : '') + (k.nsteps ? t('onekey.of_n', { n: k.nsteps }) : '');
}

export default {
  setup() {
    const onlyOpen = ref(route.query.all !== 'true');
    const items = ref([]);
    const cursor = ref(null);
    const loading = ref(false);
    const paging = ref(false);
    const finished = ref(false);
    const error = ref(null);
    const readAt = ref(0);
    const finding = ref(!!route.query.case);
    /* call id -> {step, label}: the label of the step it is on */
    const stepLabels = ref(new Map());
    let seq = 0, timer = null;

    async function learnSteps(list) {
      const want = list.filter((k) => k.red && (!stepLabels.value.has(k.id) || stepLabels.value.get(k.id).step !== k.step));
      await Promise.all(want.map(async (k) => {
        try {
          const d = await api.get('/onekey/calls/' + k.id);
          const s = (d.steps || []).find((x) => x.current) || (d.steps || [])[d.step];
          const m = new Map(stepLabels.value);
          m.set(k.id, { step: d.step, label: s ? s.label : '' });
          stepLabels.value = m;
        } catch { /* the list still shows the step's number */ }
      }));
    }

    /* Reads the list again from its start, as far as it was shown. */
    async function refresh(reset) {
      const my = ++seq;
      if (reset) {
        items.value = [];
        finished.value = false;
        error.value = null;
      }
      loading.value = true;
      try {
        const limit = Math.min(200, Math.max(PAGE, items.value.length));
        const r = await api.get('/onekey/calls', { open: onlyOpen.value, limit });
        if (my !== seq) return;
        items.value = r.items;
        cursor.value = r.next_cursor;
        finished.value = !r.next_cursor;
        error.value = null;
        readAt.value = Date.now();
        noteCalls(r.items, !!r.next_cursor);
        learnSteps(r.items);
      } catch (e) {
        if (my !== seq) return;
        if (!items.value.length || reset) { error.value = e; finished.value = true; }
      } finally {
        if (my === seq) loading.value = false;
      }
    }
    async function more() {
      if (!cursor.value) { finished.value = true; return; }
      const my = ++seq;
      paging.value = true;
      try {
        const r = await api.get('/onekey/calls', { open: onlyOpen.value, limit: PAGE, cursor: cursor.value });
        if (my !== seq) return;
        const seen = new Set(items.value.map((k) => k.id));
        items.value = items.value.concat(r.items.filter((k) => !seen.has(k.id)));
        cursor.value = r.next_cursor;
        finished.value = !r.next_cursor;
      } catch (e) {
        if (my === seq) { error.value = e; finished.value = true; }
      } finally {
        paging.value = false;
      }
    }

    async function findCase(caseId) {
      try {
        const id = await callOfCase(caseId);
        if (id) location.replace('#/onekey/' + id);
        else location.replace('#/case/' + caseId);
      } catch (e) {
        finding.value = false;
        toastError(e);
        setQuery({});
        refresh(true);
      }
    }

    onMounted(() => {
      if (route.query.case) { findCase(route.query.case); return; }
      refresh(true);
      timer = setInterval(() => refresh(false), POLL_MS);
    });
    onBeforeUnmount(() => clearInterval(timer));
    watch(onlyOpen, (v) => { setQuery(v ? {} : { all: 'true' }); refresh(true); });
    /* a step moved or a call came: the inbox hears of it first */
    watch(() => [inbox.newest, inbox.unread], () => { if (!finding.value) refresh(false); });

    const red = computed(() => items.value.filter((k) => k.red));
    const answered = computed(() => items.value.filter((k) => !k.red && !k.closed_at));
    const ended = computed(() => items.value.filter((k) => !k.red && k.closed_at));
    const labelOf = (k) => { const s = stepLabels.value.get(k.id); return s && s.step === k.step ? s.label : ''; };
    const waited = (k) => fmtSecs(secsBetween(k.created_at, null, now.value));
    /* the seconds left on this step, or '' on the last one */
    const nextIn = (k) => {
      if (!k.step_due_at) return '';
      const left = (Date.parse(k.step_due_at) - now.value) / 1000;
      return left > 0 ? t('onekey.next_in', { d: fmtSecs(left) }) : t('onekey.next_now');
    };
    const who = (k) => (k.resident ? k.resident.name : t('onekey.unknown_caller'));
    const readText = computed(() => (readAt.value ? t('onekey.read_at', { t: new Date(readAt.value).toTimeString().slice(0, 8) }) : ''));
    const canStats = computed(() => hasRole('admin', 'dispatcher', 'grid_worker', 'handler', 'leader', 'deputy'));
    const open = (k) => go('/onekey/' + k.id);
    return {
      onlyOpen, items, loading, paging, finished, error, refresh, more, red, answered, ended, labelOf, waited, nextIn, who, readText, canStats,
      finding, open, stepText, secsBetween, fmtSecs, fmtTime, fmtShort, t,
    };
  },
  template: `
  <div class="lx-onekey" data-test="onekey-page">
    <div v-if="finding" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <template v-else>
    <div class="lx-toolbar">
      <span class="lx-hz-switch"><van-switch v-model="onlyOpen" size="20" data-test="onekey-only-open" /> {{ t('onekey.only_open') }}</span>
      <span class="lx-flex1"></span>
      <span class="lx-muted" data-test="onekey-read-at">{{ readText }}</span>
      <a v-if="canStats" href="#/onekey/stats" class="van-button van-button--primary van-button--small van-button--plain lx-export-link" data-test="onekey-stats-link">
        <van-icon name="bar-chart-o" /> {{ t('onekey.stats_link') }}</a>
    </div>
    <lx-error v-if="error && !items.length" :error="error" @retry="refresh(true)" />
    <van-empty v-else-if="!loading && !items.length" image="search" :description="onlyOpen ? t('onekey.empty_open') : t('onekey.empty')" />

    <section v-if="red.length" class="lx-call-section" data-test="onekey-red">
      <div class="lx-call-section-title lx-call-red-title"><van-icon name="warning" /> {{ t('onekey.red_title', { n: red.length }) }}</div>
      <div class="lx-grid-list lx-call-reds">
        <a v-for="k in red" :key="k.id" :href="'#/onekey/' + k.id" class="lx-call-red" data-test="call-row" :data-id="k.id" data-red="true" :data-step="k.step">
          <div class="lx-call-red-head">
            <span class="lx-call-red-pill">{{ t('onekey.nobody') }}</span>
            <span class="lx-flex1"></span>
            <span class="lx-call-wait" data-test="call-wait">{{ t('onekey.waited', { d: waited(k) }) }}</span>
          </div>
          <div class="lx-call-who">{{ who(k) }}</div>
          <div v-if="k.address" class="lx-call-addr"><van-icon name="location-o" /> {{ k.address }}</div>
          <div v-if="k.advice" class="lx-call-advice" data-test="call-advice"><van-icon name="phone" /> {{ k.advice }}</div>
          <div class="lx-call-red-foot">
            <b data-test="call-step">{{ stepText(k, labelOf(k)) }}</b>
            <span>{{ nextIn(k) || t('onekey.last_step') }}</span>
            <span class="lx-flex1"></span>
            <span>{{ k.caller }}</span>
            <span>{{ fmtShort(k.created_at) }}</span>
          </div>
        </a>
      </div>
    </section>

    <section v-if="answered.length" class="lx-call-section" data-test="onekey-answered">
      <div class="lx-call-section-title">{{ t('onekey.answered_title', { n: answered.length }) }}</div>
      <div class="lx-grid-list">
        <a v-for="k in answered" :key="k.id" :href="'#/onekey/' + k.id" class="lx-card lx-call-card" data-test="call-row" :data-id="k.id" data-red="false">
          <div class="lx-card-head">
            <van-tag type="success" plain>{{ k.status_label }}</van-tag>
            <van-tag v-if="k.emergency" type="danger">{{ t('onekey.emergency') }}</van-tag>
            <span class="lx-flex1"></span>
            <span class="lx-num">{{ k.number }}</span>
          </div>
          <div class="lx-card-title">{{ who(k) }}</div>
          <div v-if="k.address" class="lx-card-meta"><span>{{ k.address }}</span></div>
          <div v-if="k.advice" class="lx-call-advice lx-call-advice-sm" data-test="call-advice"><van-icon name="phone" /> {{ k.advice }}</div>
          <div class="lx-card-foot">
            <span>{{ t('onekey.acked_line', { who: k.acked_by ? k.acked_by.name : '—', d: fmtSecs(secsBetween(k.created_at, k.acked_at)) }) }}</span>
            <span v-if="k.arrived_at">{{ t('onekey.arrived_line', { d: fmtSecs(secsBetween(k.created_at, k.arrived_at)) }) }}</span>
            <span class="lx-flex1"></span>
            <span>{{ fmtShort(k.created_at) }}</span>
          </div>
        </a>
      </div>
    </section>

    <section v-if="!onlyOpen && ended.length" class="lx-call-section" data-test="onekey-ended">
      <div class="lx-call-section-title">{{ t('onekey.ended_title') }}</div>
      <div class="lx-grid-list">
        <a v-for="k in ended" :key="k.id" :href="'#/onekey/' + k.id" class="lx-card lx-call-card lx-call-ended" data-test="call-row" :data-id="k.id" data-red="false">
          <div class="lx-card-head">
            <van-tag color="#646566" plain>{{ k.status_label }}</van-tag>
            <van-tag v-if="k.emergency" type="danger" plain>{{ t('onekey.emergency') }}</van-tag>
            <span class="lx-flex1"></span>
            <span class="lx-num">{{ k.number }}</span>
          </div>
          <div class="lx-card-title">{{ who(k) }}</div>
          <div v-if="k.close_note" class="lx-muted">{{ k.close_note }}</div>
          <div class="lx-card-foot">
            <span v-if="k.acked_at">{{ t('onekey.acked_line', { who: k.acked_by ? k.acked_by.name : '—', d: fmtSecs(secsBetween(k.created_at, k.acked_at)) }) }}</span>
            <span v-else class="lx-cd-overdue">{{ t('onekey.never_acked') }}</span>
            <span class="lx-flex1"></span>
            <span>{{ t('onekey.ended_at', { t: fmtShort(k.closed_at) }) }}</span>
          </div>
        </a>
      </div>
    </section>

    <van-list v-if="items.length" :loading="paging" :finished="finished" :finished-text="t('common.no_more')" @load="more" :immediate-check="false"
              :error="!!error" :error-text="error ? error.message : ''" @update:error="more" :loading-text="t('common.loading')" />
    </template>
  </div>`,
};
