/*
 * case/engine.js - what the workflow engine keeps on a case, shown on its
 * page: banners for a request awaiting the desk (with approve / reject for
 * those allowed), a running suspension, work handed back to the desk,
 * work awaiting verification and a case merged into another; the lists of
 * suspensions, extensions, verifications and appeals; and a master case's
 * merged repeat callers.
 */
import { computed, ref, watch } from 'vue';
import { t, label } from '../../i18n.js';
import { api } from '../../api.js';
import { unitName, handedBack, fromStates, clockPaused } from '../../session.js';
import { fmtTime, fmtDue, fmtDuration, addHours } from '../../util.js';

/* The last entry of list with status (the one awaiting a decision). */
function lastWith(list, status) {
  return [...(list || [])].reverse().find((e) => e.status === status) || null;
}

/* Who did action at time at, by the timeline (entries carry a user id only). */
function actorAt(c, action, at) {
  const ev = [...(c.timeline || [])].reverse().find((e) => e.action === action && (!at || e.at === at));
  return ev ? ev.actor_name || '' : '';
}

/* The requests that wait for a decision (c.pending), by kind: the action
 * asking for it, the list keeping it, and the two decisions, each
 * [action, body]. The one table of them: the case page, its action form,
 * the board and the case filter read it. */
export const REQUESTS = {
  extension: { ask: 'extend', list: 'extensions', approve: ['extension_approve', {}], reject: ['extension_reject', {}] },
  suspension: { ask: 'suspend', list: 'suspensions', approve: ['suspend_approve', {}], reject: ['suspend_reject', {}] },
  appeal: { ask: 'appeal', list: 'appeals', approve: ['appeal_decide', { upheld: true }], reject: ['appeal_decide', { upheld: false }] },
};

/* The request awaiting a decision on c: {kind, e, who, approve, reject},
 * e the pending entry of its list (null when the case carries none), who
 * asked for it; null when c waits for no request of REQUESTS. */
export function requestOf(c) {
  const r = c && REQUESTS[c.pending];
  if (!r) return null;
  const e = lastWith(c[r.list], 'pending');
  return { kind: c.pending, e, who: e ? actorAt(c, r.ask, e.at) : '', approve: r.approve, reject: r.reject };
}

/* The deadline after the extension e on c is approved ('' when it does not say). */
export function extendedTo(c, e) {
  return e && e.hours && c.resolve_due_at ? fmtTime(addHours(c.resolve_due_at, e.hours)) : '';
}

export function amountText(e) {
  if (!e) return '';
  return e.workdays ? t('time.workdays', { n: e.workdays }) : t('time.hours', { n: +Number(e.hours).toFixed(2) });
}

export const LxCaseBanners = {
  props: { c: Object, allowed: Array },
  emits: ['act'],
  setup(props, { emit }) {
    const can = (a) => (props.allowed || []).includes(a);
    /* a known request shows once its entry is there; any other kind by its name */
    const pending = computed(() => {
      const c = props.c;
      if (!c.pending) return null;
      const r = requestOf(c);
      if (!r) return { kind: c.pending, e: {}, who: '', approve: [], reject: [] };
      return r.e ? r : null;
    });
    /* the extension as asked: the deadline now, and after approval */
    const dueAfter = computed(() => (pending.value && pending.value.kind === 'extension' ? extendedTo(props.c, pending.value.e) : ''));
    const suspension = computed(() => (clockPaused(props.c) ? lastWith(props.c.suspensions, 'active') || {} : null));
    const backAt = computed(() => handedBack(props.c.status));
    const toVerify = computed(() => fromStates('verify').includes(props.c.status));
    const lastVerify = computed(() => (props.c.verifications || []).slice(-1)[0] || null);
    const approve = () => emit('act', pending.value.approve[0], { ...pending.value.approve[1] });
    const reject = () => emit('act', pending.value.reject[0], { ...pending.value.reject[1] });
    /* the master of a merged case: its number, when it lies in the scope */
    const master = ref(null);
    watch(() => props.c.merged_into, async (id) => {
      master.value = null;
      if (!id) return;
      try { master.value = await api.get('/cases/' + id); } catch { master.value = { id, number: '#' + id }; }
    }, { immediate: true });
    return {
      pending, dueAfter, suspension, backAt, toVerify, lastVerify, can, approve, reject, master, unitName, amountText,
      fmtTime, fmtDue, fmtDuration, label, t, emit,
    };
  },
  template: `
  <div v-if="c.merged_into" class="lx-banner lx-banner-grey" data-test="merged-banner">
    <van-icon name="link-o" /> <div class="lx-flex1">{{ t('merge.banner') }}
      <a class="lx-link" :href="'#/case/' + c.merged_into" data-test="merged-into">{{ master ? master.number : '#' + c.merged_into }}</a>
      <span v-if="master && master.title" class="lx-muted">{{ master.title }}</span></div>
  </div>
  <div v-if="pending" class="lx-banner lx-banner-warn" data-test="pending-banner" :data-pending="pending.kind">
    <div class="lx-banner-head"><van-icon name="underway-o" /> <b>{{ t('pending.title_' + pending.kind) }}</b>
      <span class="lx-muted">{{ pending.who }} · {{ fmtTime(pending.e.at) }}</span></div>
    <template v-if="pending.kind === 'extension'">
      <div>{{ t('pending.asks_extension', { a: amountText(pending.e) }) }}</div>
      <div class="lx-muted">{{ t('pending.due_now', { t: fmtDue(c.resolve_due_at, c.resolve_workdays) }) }}<template v-if="dueAfter"> · {{ t('pending.due_after', { t: dueAfter }) }}</template></div>
    </template>
    <template v-else-if="pending.kind === 'suspension'">
      <div>{{ pending.e.until ? t('pending.asks_suspension_until', { t: fmtTime(pending.e.until) }) : t('pending.asks_suspension') }}</div>
    </template>
    <template v-else-if="pending.kind === 'appeal'">
      <div>{{ t('pending.asks_appeal', { r: label('rating', pending.e.rating), s: pending.e.solved ? t('rate.solved') : t('rate.unsolved') }) }}</div>
      <div class="lx-muted" v-if="pending.e.rated_at">{{ t('pending.rated_at', { t: fmtTime(pending.e.rated_at) }) }}</div>
    </template>
    <div v-if="pending.e.reason" class="lx-banner-reason" data-test="pending-reason">{{ t('case.reason') }}：{{ pending.e.reason }}</div>
    <div v-if="can(pending.approve[0]) || can(pending.reject[0])" class="lx-row-actions">
      <van-button v-if="can(pending.approve[0])" size="small" type="primary" @click="approve" data-test="pending-approve">{{ t('pending.approve_' + pending.kind) }}</van-button>
      <van-button v-if="can(pending.reject[0])" size="small" plain type="danger" @click="reject" data-test="pending-reject">{{ t('pending.reject_' + pending.kind) }}</van-button>
    </div>
    <div v-else class="lx-muted">{{ t('pending.waiting') }}</div>
  </div>
  <div v-if="suspension" class="lx-banner lx-banner-orange" data-test="suspended-banner">
    <div class="lx-banner-head"><van-icon name="pause-circle-o" /> <b>{{ t('suspend.banner') }}</b></div>
    <div>{{ t('suspend.since', { t: fmtTime(c.suspended_at) }) }} · {{ c.suspended_until ? t('suspend.until_t', { t: fmtTime(c.suspended_until) }) : t('suspend.no_until') }}</div>
    <div v-if="suspension.reason || c.status_note" class="lx-banner-reason">{{ t('case.reason') }}：{{ suspension.reason || c.status_note }}</div>
    <div class="lx-muted">{{ t('suspend.total', { d: fmtDuration(c.suspended_ms || 0) }) }}</div>
    <div v-if="can('resume')" class="lx-row-actions"><van-button size="small" type="primary" @click="emit('act', 'resume', {})" data-test="banner-resume">{{ t('action.resume') }}</van-button></div>
  </div>
  <div v-if="backAt && c.status_note" class="lx-banner lx-banner-red" data-test="returned-banner">
    <div class="lx-banner-head"><van-icon name="revoke" /> <b>{{ t('returned.title') }}</b>
      <span v-if="c.status_unit_id" class="lx-muted" data-test="returned-unit">{{ t('returned.by', { u: unitName(c.status_unit_id) }) }}</span></div>
    <div class="lx-banner-reason" data-test="returned-reason">{{ c.status_note }}</div>
  </div>
  <div v-if="toVerify" class="lx-banner lx-banner-blue" data-test="verifying-banner">
    <div class="lx-banner-head"><van-icon name="eye-o" /> <b>{{ t('verify.banner') }}</b></div>
    <div class="lx-muted">{{ t('verify.banner_hint') }}</div>
    <div v-if="can('verify')" class="lx-row-actions">
      <van-button size="small" type="primary" @click="emit('act', 'verify', { passed: true })" data-test="banner-verify-pass">{{ t('verify.passed') }}</van-button>
      <van-button size="small" plain type="danger" @click="emit('act', 'verify', { passed: false })" data-test="banner-verify-fail">{{ t('verify.failed') }}</van-button>
    </div>
  </div>
  <div v-if="!toVerify && lastVerify && !lastVerify.passed && c.status_note && !backAt && !suspension" class="lx-banner lx-banner-red" data-test="verify-failed-banner">
    <div class="lx-banner-head"><van-icon name="close" /> <b>{{ t('verify.failed_banner') }}</b><span class="lx-muted">{{ fmtTime(lastVerify.at) }}</span></div>
    <div class="lx-banner-reason">{{ lastVerify.note || c.status_note }}</div>
  </div>`,
};

const TAG = {
  pending: 'warning', approved: 'success', active: 'primary', ended: 'default', upheld: 'success', rejected: 'danger', withdrawn: 'default',
};

/* Suspensions, extensions, verifications and appeals, newest first. */
export const LxEngineRecords = {
  props: { c: Object },
  setup(props) {
    const rev = (l) => [...(l || [])].reverse();
    const any = computed(() => ['suspensions', 'extensions', 'verifications', 'appeals'].some((k) => (props.c[k] || []).length));
    const who = (action, at) => actorAt(props.c, action, at);
    return { rev, any, who, TAG, amountText, fmtTime, fmtDuration, label, t };
  },
  template: `
  <div v-if="any" class="lx-card lx-records" data-test="engine-records">
    <template v-if="c.suspensions.length">
      <div class="lx-card-head"><b>{{ t('records.suspensions') }}</b><span class="lx-muted">（{{ c.suspensions.length }}）</span></div>
      <div v-for="(e, i) in rev(c.suspensions)" :key="'s' + i" class="lx-record" data-test="suspension-row" :data-status="e.status">
        <div class="lx-record-head"><van-tag :type="TAG[e.status]" plain>{{ t('records.s_' + e.status) }}</van-tag>
          <span>{{ fmtTime(e.at) }}<template v-if="e.resumed_at"> → {{ fmtTime(e.resumed_at) }}</template></span>
          <span v-if="e.ms" class="lx-muted">{{ fmtDuration(e.ms) }}</span></div>
        <div>{{ e.reason }}</div>
        <div v-if="e.until" class="lx-muted">{{ t('suspend.until_t', { t: fmtTime(e.until) }) }}</div>
        <div v-if="e.decision" class="lx-muted">{{ t('records.decision') }}：{{ e.decision }}</div>
      </div>
    </template>
    <template v-if="c.extensions.length">
      <div class="lx-card-head"><b>{{ t('records.extensions') }}</b><span class="lx-muted">（{{ c.extensions.length }}）</span></div>
      <div v-for="(e, i) in rev(c.extensions)" :key="'e' + i" class="lx-record" data-test="extension-row" :data-status="e.status">
        <div class="lx-record-head"><van-tag :type="TAG[e.status]" plain>{{ t('records.e_' + e.status) }}</van-tag>
          <b>+{{ amountText(e) }}</b><span class="lx-muted">{{ who('extend', e.at) }} {{ fmtTime(e.at) }}</span></div>
        <div>{{ e.reason }}</div>
        <div v-if="e.decided_at" class="lx-muted">{{ fmtTime(e.decided_at) }}<template v-if="e.decision"> · {{ e.decision }}</template></div>
      </div>
    </template>
    <template v-if="c.verifications.length">
      <div class="lx-card-head"><b>{{ t('records.verifications') }}</b><span class="lx-muted">（{{ c.verifications.length }}）</span></div>
      <div v-for="(e, i) in rev(c.verifications)" :key="'v' + i" class="lx-record" data-test="verification-row" :data-passed="e.passed">
        <div class="lx-record-head"><van-tag :type="e.passed ? 'success' : 'danger'" plain>{{ e.passed ? t('verify.passed') : t('verify.failed') }}</van-tag>
          <span class="lx-muted">{{ who('verify', e.at) }} {{ fmtTime(e.at) }}</span></div>
        <div v-if="e.note">{{ e.note }}</div>
      </div>
    </template>
    <template v-if="c.appeals.length">
      <div class="lx-card-head"><b>{{ t('records.appeals') }}</b><span class="lx-muted">（{{ c.appeals.length }}）</span></div>
      <div v-for="(e, i) in rev(c.appeals)" :key="'a' + i" class="lx-record" data-test="appeal-row" :data-status="e.status">
        <div class="lx-record-head"><van-tag :type="TAG[e.status]" plain>{{ t('records.a_' + e.status) }}</van-tag>
          <span>{{ label('rating', e.rating) }} · {{ e.solved ? t('rate.solved') : t('rate.unsolved') }}</span>
          <span class="lx-muted">{{ fmtTime(e.at) }}</span></div>
        <div>{{ e.reason }}</div>
        <div v-if="e.decided_at" class="lx-muted">{{ fmtTime(e.decided_at) }}<template v-if="e.decision"> · {{ e.decision }}</template></div>
      </div>
    </template>
  </div>`,
};

/* A master case's repeat callers (记为重复来电 / merged duplicates). */
export const LxMergedCalls = {
  props: { list: Array },
  setup() { return { fmtTime, label, t }; },
  template: `
  <div v-if="list && list.length" class="lx-card" data-test="merged-cases">
    <div class="lx-card-head"><b>{{ t('merge.callers') }}</b><span class="lx-muted">（{{ list.length }}）</span></div>
    <a v-for="m in list" :key="m.id" class="lx-mini-row" :href="'#/case/' + m.id" :data-case-id="m.id">
      <span class="lx-num">{{ m.number }}</span>
      <span class="lx-ellipsis">{{ label('channel', m.channel) }} · {{ m.reporter.anonymous && !m.reporter.name ? t('case.anonymous') : (m.reporter.name || '—') }} {{ m.reporter.phone || '' }}</span>
      <span class="lx-muted">{{ fmtTime(m.created_at) }}</span>
      <van-tag :type="m.answered ? 'success' : 'default'" plain>{{ m.answered ? t('merge.answered') : t('merge.unanswered') }}</van-tag>
    </a>
  </div>`,
};
