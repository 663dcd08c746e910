/*
 * board.js - the dispatch board (调度台): across the caller's scope, the
 * cases no duty rule placed (待派发), those a unit handed back (被退回,
 * with its reason and the unit), those escalated up to the caller's own
 * unit (上报); select several and dispatch them at once, each to the unit
 * its duty rule names (never the unit that returned it) or all to one
 * chosen unit. Two more queues for the desk: requests awaiting a decision
 * (待审批: extensions, suspensions, appeals) approved or rejected in the
 * list, and resolved work awaiting verification (待核查). Which statuses
 * feed each queue comes from the workflow machines.
 */
import { ref, computed, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, listAll } from '../api.js';
import {
  session, loadUnits, loadCategories, loadWorkflows, unitIndex, categoryIndex, unitName, deskStatuses, initialStatuses,
  handedBack, stateInfo, fromStates, mayTry, actionInput,
} from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError, fmtTime, fmtDue } from '../util.js';
import { predictDuty } from './desk.js';
import { amountText, requestOf, extendedTo } from './case/engine.js';
import { showDialog, showConfirmDialog, showSuccessToast, showNotify } from '../vant.js';

const DISPATCH = ['new', 'returned', 'escalated'];
const KINDS = [...DISPATCH, 'all', 'approval', 'verify']; // queue names; their statuses come from the machines

export default {
  setup() {
    const kind = ref(KINDS.includes(route.query.kind) ? route.query.kind : 'all');
    const data = ref({ new: [], returned: [], escalated: [], approval: [], verify: [] });
    const loading = ref(true);
    const error = ref(null);
    const selected = ref(new Set());
    const showPicker = ref(false);
    const pickerFor = ref(null); // a case, or 'bulk'
    const busy = ref(false);
    const progress = ref('');
    const deciding = ref(null); // {c, action, body, field, required, title}
    const decisionText = ref('');

    /* Escalated to us: waiting at the caller's own unit (or, for an admin, at a top unit). */
    function atMyDesk(c) {
      const myUnit = session.user.unit_id;
      if (myUnit) return c.handler_unit_id === myUnit;
      const u = unitIndex.value.get(c.handler_unit_id);
      return !!u && !u.parent_id;
    }

    /* The statuses of each queue, from the machines. */
    function queues() {
      const desk = deskStatuses();
      const first = initialStatuses();
      return {
        new: desk.filter((s) => first.includes(s)),
        returned: desk.filter((s) => handedBack(s)),
        escalated: desk.filter((s) => (stateInfo(s) || {}).clock),
        verify: fromStates('verify'),
      };
    }
    const byStatus = (list) => Promise.all(list.map((s) => listAll({ status: s }))).then((r) => r.flatMap((x) => x.items));

    async function load() {
      error.value = null;
      try {
        await Promise.all([loadUnits(), loadCategories(), loadWorkflows()]);
        const q = queues();
        const [n, r, e, v, p] = await Promise.all([
          byStatus(q.new), byStatus(q.returned), byStatus(q.escalated), byStatus(q.verify), listAll({ pending: 'any' }),
        ]);
        data.value = { new: n, returned: r, escalated: e.filter(atMyDesk), verify: v, approval: p.items };
        const ids = new Set(items.value.map((c) => c.id));
        selected.value = new Set([...selected.value].filter((id) => ids.has(id)));
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
      }
    }
    /* a phone scrolls the queue chips: keep the chosen one in sight */
    onMounted(() => load().then(() => {
      const el = document.querySelector('.lx-board .lx-chip.on');
      if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest', inline: 'center' });
    }));

    const dispatching = computed(() => DISPATCH.includes(kind.value) || kind.value === 'all');
    const items = computed(() => {
      const list = kind.value === 'all' ? DISPATCH.flatMap((k) => data.value[k]) : data.value[kind.value];
      return [...list].sort((a, b) => (b.urgent - a.urgent) || a.id - b.id);
    });
    const counts = computed(() => {
      const o = {};
      for (const k of KINDS) o[k] = k === 'all' ? DISPATCH.reduce((n, x) => n + data.value[x].length, 0) : data.value[k].length;
      return o;
    });
    function setKind(k) { kind.value = k; selected.value = new Set(); setQuery({ kind: k }); }
    function toggle(c) {
      const s = new Set(selected.value);
      if (s.has(c.id)) s.delete(c.id); else s.add(c.id);
      selected.value = s;
    }
    const allSelected = computed(() => items.value.length > 0 && items.value.every((c) => selected.value.has(c.id)));
    function toggleAll() {
      selected.value = allSelected.value ? new Set() : new Set(items.value.map((c) => c.id));
    }
    const chosen = computed(() => items.value.filter((c) => selected.value.has(c.id)));
    /* The duty list's unit for c, never the unit that handed it back. */
    function dutyOf(c) {
      const u = predictDuty(categoryIndex.value.get(c.category_code), unitIndex.value.get(c.unit_id));
      if (u && handedBack(c.status) && u.id === c.status_unit_id) return null;
      return u;
    }

    /* Dispatches each [case, unit] pair; reports what failed and why. */
    async function run(pairs) {
      busy.value = true;
      const failed = [];
      let ok = 0;
      for (let i = 0; i < pairs.length; i++) {
        const [c, u] = pairs[i];
        progress.value = (i + 1) + '/' + pairs.length;
        try {
          await api.post('/cases/' + c.id + '/dispatch', { unit_id: u.id, version: c.version });
          ok++;
        } catch (e) {
          failed.push(c.number + '：' + e.message);
        }
      }
      busy.value = false;
      progress.value = '';
      selected.value = new Set();
      await load();
      await showDialog({
        title: t('board.result_title'),
        message: t('board.result', { ok, failed: failed.length }) + (failed.length ? '\n' + failed.join('\n') : ''),
        messageAlign: 'left',
      });
    }
    async function byDuty() {
      const pairs = [], skipped = [];
      for (const c of chosen.value) {
        const u = dutyOf(c);
        if (u && u.path) pairs.push([c, u]); else skipped.push(c.number);
      }
      if (!pairs.length) {
        showDialog({ message: t('board.no_duty_all') });
        return;
      }
      try {
        await showConfirmDialog({
          title: t('board.by_duty'),
          message: t('board.by_duty_confirm', { n: pairs.length }) + (skipped.length ? '\n' + t('board.skipped', { list: skipped.join('、') }) : ''),
        });
      } catch { return; }
      run(pairs);
    }
    function toUnit() { pickerFor.value = 'bulk'; showPicker.value = true; }
    function one(c) { pickerFor.value = c; showPicker.value = true; }
    async function picked(u) {
      if (pickerFor.value === 'bulk') {
        try {
          await showConfirmDialog({ message: t('board.to_unit_confirm', { n: chosen.value.length, u: u.name }) });
        } catch { return; }
        run(chosen.value.map((c) => [c, u]));
      } else if (pickerFor.value) {
        run([[pickerFor.value, u]]);
      }
    }
    const suggestions = computed(() => {
      const c = pickerFor.value;
      if (!c || c === 'bulk') return [];
      const u = dutyOf(c);
      return u && u.path ? [{ unit: u, reason: t('case.by_duty') }] : [];
    });

    /* ---- decisions in the list: approve / reject, verify ---- */
    /* the request awaiting c, its entry ({} when the list carries none) */
    const request = (c) => { const r = requestOf(c); return r && { ...r, e: r.e || {} }; };
    /* Opens the decision dialog: a reason when the action's schema needs
     * one (a rejection), an optional note otherwise. */
    function decide(c, action, body, title) {
      const needsReason = actionInput(c.type, action).required.has('reason');
      deciding.value = { c, action, body, field: needsReason ? 'reason' : 'note', required: needsReason, title };
      decisionText.value = '';
    }
    async function beforeClose(why) {
      if (why !== 'confirm') { deciding.value = null; return true; }
      const d = deciding.value;
      const text = decisionText.value.trim();
      if (d.required && !text) { showNotify({ type: 'warning', message: t('need.reason') }); return false; }
      const body = { ...d.body, version: d.c.version };
      if (text) body[d.field] = text;
      try {
        await api.post('/cases/' + d.c.id + '/' + d.action, body);
        showSuccessToast(t('done.' + d.action));
        deciding.value = null;
        load();
        return true;
      } catch (e) {
        toastError(e);
        if (e.status === 409) { deciding.value = null; load(); return true; }
        return false;
      }
    }
    return {
      kind, KINDS, items, counts, loading, error, load, setKind, selected, toggle, toggleAll, allSelected, chosen,
      byDuty, toUnit, one, picked, showPicker, suggestions, busy, progress, dutyOf, dispatching, handedBack, unitName,
      request, extendedTo, decide, deciding, decisionText, beforeClose, mayTry, amountText, fmtTime, fmtDue, label, t,
    };
  },
  template: `
  <div class="lx-board">
    <div class="lx-filter-row" role="tablist">
      <button v-for="k in KINDS" :key="k" type="button" class="lx-chip" :class="{ on: kind === k, 'lx-chip-alert': (k === 'approval' || k === 'verify') && counts[k] }" @click="setKind(k)" :data-kind="k" role="tab" :aria-selected="kind === k">
        {{ t('board.' + k) }} <b>{{ counts[k] }}</b></button>
      <span class="lx-flex1"></span>
      <lx-export v-if="kind === 'approval'" :filters="{ pending: 'any' }" />
      <van-button size="small" icon="replay" plain @click="load" :aria-label="t('common.refresh')" />
    </div>
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <van-empty v-else-if="!items.length" image="search" :description="t('board.empty_' + (dispatching ? 'dispatch' : kind))" />
    <template v-else>
      <div class="lx-toolbar">
        <van-checkbox v-if="dispatching" :model-value="allSelected" @click="toggleAll" data-test="select-all">{{ t('board.select_all') }}</van-checkbox>
        <span class="lx-muted">{{ t('board.count', { n: items.length }) }}</span>
      </div>
      <div class="lx-grid-list" data-test="board-list" :data-kind="kind">
        <template v-if="dispatching">
          <lx-case-card v-for="c in items" :key="c.id" :c="c" selectable :selected="selected.has(c.id)" @toggle="toggle">
            <template #body>
              <div v-if="handedBack(c.status)" class="lx-card-note lx-card-note-red" data-test="returned-info">
                <b>{{ t('returned.by', { u: c.status_unit_id ? unitName(c.status_unit_id) : '—' }) }}</b>
                <span v-if="c.status_note" data-test="returned-reason">{{ c.status_note }}</span>
              </div>
            </template>
            <van-button size="small" type="primary" plain @click.stop="one(c)" data-test="dispatch-one">{{ t('action.dispatch') }}</van-button>
            <span v-if="dutyOf(c)" class="lx-muted" data-test="duty-name">{{ dutyOf(c).name }}</span>
          </lx-case-card>
        </template>
        <template v-else-if="kind === 'approval'">
          <lx-case-card v-for="c in items" :key="c.id" :c="c" :data-pending="c.pending">
            <template #body>
              <div v-if="request(c)" class="lx-card-note" data-test="request-info">
                <b>{{ t('pending.title_' + request(c).kind) }}</b>
                <template v-if="request(c).kind === 'extension'"> +{{ amountText(request(c).e) }} · {{ t('pending.due_now', { t: fmtDue(c.resolve_due_at, c.resolve_workdays) }) }}<template v-if="extendedTo(c, request(c).e)"> → {{ extendedTo(c, request(c).e) }}</template></template>
                <template v-else-if="request(c).kind === 'suspension' && request(c).e.until"> {{ t('suspend.until_t', { t: fmtTime(request(c).e.until) }) }}</template>
                <template v-else-if="request(c).kind === 'appeal'"> {{ label('rating', request(c).e.rating) }}</template>
                <div>{{ request(c).e.reason }}</div>
                <div class="lx-muted">{{ fmtTime(request(c).e.at) }}</div>
              </div>
            </template>
            <template v-if="request(c)">
              <van-button v-if="mayTry(c, request(c).approve[0])" size="small" type="primary" @click.stop="decide(c, request(c).approve[0], request(c).approve[1], t('pending.approve_' + request(c).kind))" data-test="approve">{{ t('pending.approve_' + request(c).kind) }}</van-button>
              <van-button v-if="mayTry(c, request(c).reject[0])" size="small" plain type="danger" @click.stop="decide(c, request(c).reject[0], request(c).reject[1], t('pending.reject_' + request(c).kind))" data-test="reject">{{ t('pending.reject_' + request(c).kind) }}</van-button>
            </template>
          </lx-case-card>
        </template>
        <template v-else>
          <lx-case-card v-for="c in items" :key="c.id" :c="c">
            <template #body>
              <div v-if="c.reply" class="lx-card-note" data-test="verify-reply"><b>{{ t('case.reply') }}：</b>{{ c.reply }}</div>
            </template>
            <template v-if="mayTry(c, 'verify')">
              <van-button size="small" type="primary" @click.stop="decide(c, 'verify', { passed: true }, t('verify.passed'))" data-test="verify-pass">{{ t('verify.passed') }}</van-button>
              <van-button size="small" plain type="danger" @click.stop="decide(c, 'verify', { passed: false }, t('verify.failed'))" data-test="verify-fail">{{ t('verify.failed') }}</van-button>
            </template>
          </lx-case-card>
        </template>
      </div>
    </template>
    <div class="lx-bulk-bar" v-if="dispatching && chosen.length" data-test="bulk-bar">
      <span>{{ t('board.selected', { n: chosen.length }) }}</span><span class="lx-flex1"></span>
      <span v-if="busy" class="lx-muted">{{ progress }}</span>
      <van-button size="small" plain type="primary" :disabled="busy" @click="toUnit" data-test="bulk-to-unit">{{ t('board.to_unit') }}</van-button>
      <van-button size="small" type="primary" :loading="busy" @click="byDuty" data-test="bulk-by-duty">{{ t('board.by_duty') }}</van-button>
    </div>
    <lx-unit-picker v-model:show="showPicker" :title="t('action.dispatch')" :suggestions="suggestions" @pick="picked"
                    :kinds="['department', 'district', 'street', 'community', 'village', 'grid']" />
    <van-dialog :show="!!deciding" @update:show="(v) => { if (!v) deciding = null; }" :title="deciding ? deciding.title : ''" show-cancel-button :before-close="beforeClose" teleport="body" data-test="decision-dialog">
      <div v-if="deciding" class="lx-pad-x lx-muted">{{ deciding.c.number }} · {{ deciding.c.title }}</div>
      <van-field v-if="deciding" v-model="decisionText" type="textarea" rows="3" autosize :required="deciding.required" maxlength="500"
                 :placeholder="deciding.required ? t('board.reason_ph') : t('board.note_ph')" data-test="decision-text" />
    </van-dialog>
  </div>`,
};
