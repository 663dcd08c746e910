/*
 * case.js - one case: its facts, deadlines, assist tasks and the whole
 * timeline, and a bar with exactly the actions the server allows this user
 * in this state (allowed_actions). Every action sends the version seen, so
 * a case changed meanwhile answers 409 and is reloaded.
 */
import { ref, reactive, computed, onMounted, onBeforeUnmount } from 'vue';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import {
  loadUnits, loadCategories, unitIndex, categoryIndex, unitName, unitPathNames, categoryFullName, hasRole,
} from '../session.js';
import { route } from '../router.js';
import { fmtTime, activeDeadline, toastError, isWide } from '../util.js';
import { predictDuty } from './desk.js';
import { showSuccessToast, showNotify } from '../vant.js';

const ORDER = ['accept', 'resolve', 'dispatch', 'rate', 'close', 'return', 'escalate', 'assist', 'supervise', 'reopen', 'comment'];
const PRIMARY = ['accept', 'resolve', 'dispatch', 'rate'];
const NEEDS = {
  dispatch: ['unit', 'note'], accept: ['note'], return: ['reason'], escalate: ['reason'], assist: ['units', 'note'],
  resolve: ['reply'], rate: ['rating', 'note'], reopen: ['reason'], close: ['note'], supervise: ['note*'], comment: ['note*'],
};
const QUICK = {
  return: ['quick.return_scope', 'quick.return_address', 'quick.return_other'],
  resolve: ['quick.resolve_done', 'quick.resolve_explained', 'quick.resolve_plan'],
  supervise: ['quick.supervise_1', 'quick.supervise_2'],
  escalate: ['quick.escalate_1', 'quick.escalate_2'],
};

export default {
  setup() {
    const id = Number(route.params.id);
    const c = ref(null);
    const loading = ref(true);
    const error = ref(null);
    const act = ref('');
    const showAct = ref(false);
    const showUnits = ref(false);
    const busy = ref(false);
    const f = reactive({ unit: null, units: [], note: '', reason: '', reply: '', rating: 'satisfied', solved: true });
    const newestFirst = ref(true);

    async function load() {
      error.value = null;
      try {
        const [cs] = await Promise.all([api.get('/cases/' + id), loadUnits().catch(() => null), loadCategories().catch(() => null)]);
        c.value = cs;
      } catch (e) {
        error.value = e.status === 404 ? { message: t('case.not_found') } : e;
      } finally {
        loading.value = false;
      }
    }
    onMounted(load);

    const actions = computed(() => {
      const allowed = (c.value && c.value.allowed_actions) || [];
      return ORDER.filter((a) => allowed.includes(a));
    });
    /* A phone shows three buttons and puts the rest under 更多. */
    const wide = ref(isWide());
    const onResize = () => { wide.value = isWide(); };
    window.addEventListener('resize', onResize);
    onBeforeUnmount(() => window.removeEventListener('resize', onResize));
    const showMore = ref(false);
    const barActions = computed(() => (wide.value || actions.value.length <= 4 ? actions.value : actions.value.slice(0, 3)));
    const moreActions = computed(() => actions.value.filter((a) => !barActions.value.includes(a))
      .map((a) => ({ name: t('action.' + a), className: 'lx-act lx-act-' + a, key: a })));
    const timeline = computed(() => {
      const tl = (c.value && c.value.timeline) || [];
      return newestFirst.value ? [...tl].reverse() : tl;
    });
    /* The handling unit's name: from the scope's units, else the timeline. */
    const handlerName = computed(() => {
      const cs = c.value;
      if (!cs || !cs.handler_unit_id) return '';
      if (unitIndex.value.has(cs.handler_unit_id)) return unitName(cs.handler_unit_id);
      const ev = [...cs.timeline].reverse().find((e) => e.unit_id === cs.handler_unit_id && e.unit_name);
      return ev ? ev.unit_name : '#' + cs.handler_unit_id;
    });
    const locatedName = computed(() => {
      const cs = c.value;
      if (!cs || !cs.unit_id) return '';
      if (unitIndex.value.has(cs.unit_id)) return unitPathNames(cs.unit_id);
      const ev = cs.timeline.find((e) => e.action === 'create' && e.unit_name);
      return ev ? ev.unit_name : '#' + cs.unit_id;
    });
    const deadline = computed(() => activeDeadline(c.value));
    const dutySuggestion = computed(() => {
      const cs = c.value;
      if (!cs || !cs.category_code) return [];
      const d = predictDuty(categoryIndex.value.get(cs.category_code), unitIndex.value.get(cs.unit_id));
      return d && d.path ? [{ unit: d, reason: t('case.by_duty') }] : [];
    });

    function open(a) {
      act.value = a;
      Object.assign(f, { unit: null, units: [], note: '', reason: '', reply: '', rating: 'satisfied', solved: true });
      if (a === 'dispatch' && dutySuggestion.value.length) f.unit = dutySuggestion.value[0].unit;
      showAct.value = true;
    }
    const needs = computed(() => NEEDS[act.value] || []);
    const quick = computed(() => QUICK[act.value] || []);
    function addQuick(k) {
      const field = act.value === 'resolve' ? 'reply' : needs.value.includes('reason') ? 'reason' : 'note';
      f[field] = f[field] ? f[field] + t(k) : t(k);
    }

    function body() {
      const a = act.value, b = { version: c.value.version };
      const note = f.note.trim();
      if (note) b.note = note;
      if (a === 'dispatch') b.unit_id = f.unit && f.unit.id;
      if (a === 'assist') b.unit_ids = f.units.map((u) => u.id);
      if (needs.value.includes('reason')) b.reason = f.reason.trim();
      if (a === 'resolve') b.reply = f.reply.trim();
      if (a === 'rate') { b.rating = f.rating; b.solved = f.solved; }
      return b;
    }
    function missing() {
      const a = act.value;
      if (a === 'dispatch' && !f.unit) return t('case.need_unit');
      if (a === 'assist' && !f.units.length) return t('case.need_units');
      if (needs.value.includes('reason') && !f.reason.trim()) return t('case.need_reason');
      if (a === 'resolve' && !f.reply.trim()) return t('case.need_reply');
      if (needs.value.includes('note*') && !f.note.trim()) return t('case.need_note');
      return '';
    }
    async function submit() {
      const m = missing();
      if (m) { showNotify({ type: 'warning', message: m }); return; }
      busy.value = true;
      try {
        const r = await api.post('/cases/' + id + '/' + act.value, body());
        c.value = r;
        showAct.value = false;
        showSuccessToast(t('case.done_' + act.value));
      } catch (e) {
        toastError(e);
        if (e.status === 409) {
          showAct.value = false;
          load();
        }
      } finally {
        busy.value = false;
      }
    }
    async function taskDone(task) {
      try {
        c.value = await api.post('/cases/' + id + '/tasks/' + task.id + '/done', {});
        showSuccessToast(t('case.task_done'));
      } catch (e) { toastError(e); if (e.status === 409) load(); }
    }
    const myTask = (task) => !task.done_at && unitIndex.value.has(task.unit_id) && hasRole('admin', 'handler', 'grid_worker');
    function pickUnit(u) { f.unit = u; }
    function pickUnits(list) { f.units = list; }
    const escalateTo = computed(() => {
      const cs = c.value;
      const h = cs && unitIndex.value.get(cs.handler_unit_id);
      return h && h.parent_id ? unitName(h.parent_id) : '';
    });

    return {
      c, loading, error, load, actions, timeline, handlerName, locatedName, deadline, act, showAct, showUnits, busy, f,
      needs, quick, addQuick, open, submit, taskDone, myTask, pickUnit, pickUnits, dutySuggestion, newestFirst, escalateTo,
      categoryFullName, fmtTime, label, t, PRIMARY, barActions, moreActions, showMore,
    };
  },
  template: `
  <div class="lx-case" data-test="case-page">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-else-if="c">
      <div class="lx-case-grid">
        <div>
          <div class="lx-card lx-case-head">
            <div class="lx-card-head">
              <span class="lx-num" data-test="case-number">{{ c.number }}</span>
              <van-tag v-if="c.urgent" type="danger">{{ t('case.urgent') }}</van-tag>
              <van-tag v-if="c.overdue" type="danger" plain>{{ t('case.overdue') }}</van-tag>
              <van-tag v-else-if="c.accept_overdue" type="warning" plain>{{ t('case.accept_overdue') }}</van-tag>
              <van-tag v-if="c.supervised" type="warning">{{ t('case.supervised', { n: c.supervised }) }}</van-tag>
              <span class="lx-flex1"></span>
              <lx-status :status="c.status" data-test="case-status" />
            </div>
            <div class="lx-card-title" data-test="case-title">{{ c.title }}</div>
            <div v-if="deadline" class="lx-card-foot"><lx-countdown :case="c" /> <span>（{{ fmtTime(deadline.due) }}）</span></div>
            <p class="lx-desc">{{ c.description }}</p>
            <dl class="lx-kv">
              <dt>{{ t('case.type') }}</dt><dd>{{ label('type', c.type) }} · {{ label('channel', c.channel) }}</dd>
              <dt>{{ t('case.category') }}</dt><dd>{{ c.category_code ? categoryFullName(c.category_code) : t('case.uncategorised') }}</dd>
              <dt v-if="c.address">{{ t('case.address') }}</dt><dd v-if="c.address">{{ c.address }}</dd>
              <dt>{{ t('case.located') }}</dt><dd>{{ locatedName || '—' }}</dd>
              <dt>{{ t('case.handler') }}</dt><dd data-test="case-handler">{{ handlerName || t('case.not_dispatched') }}</dd>
              <dt>{{ t('case.reporter') }}</dt>
              <dd>
                <template v-if="c.reporter.anonymous && !c.reporter.name">{{ t('case.anonymous') }}</template>
                <template v-else>{{ c.reporter.name || '—' }}</template>
                <a v-if="c.reporter.phone && !c.reporter.phone.includes('*')" :href="'tel:' + c.reporter.phone" class="lx-link"><van-icon name="phone-o" /> {{ c.reporter.phone }}</a>
                <span v-else-if="c.reporter.phone"> {{ c.reporter.phone }}</span>
              </dd>
              <dt>{{ t('case.created') }}</dt><dd>{{ fmtTime(c.created_at) }}</dd>
              <template v-if="c.accept_due_at"><dt>{{ t('deadline.accept') }}</dt><dd>{{ fmtTime(c.accept_due_at) }}<span v-if="c.accepted_at" class="lx-muted">（{{ t('case.accepted_at', { t: fmtTime(c.accepted_at) }) }}）</span></dd></template>
              <template v-if="c.resolve_due_at"><dt>{{ t('deadline.resolve') }}</dt><dd>{{ fmtTime(c.resolve_due_at) }}<span v-if="c.resolved_at" class="lx-muted">（{{ t('case.resolved_at', { t: fmtTime(c.resolved_at) }) }}）</span></dd></template>
              <template v-if="c.reply"><dt>{{ t('case.reply') }}</dt><dd class="lx-desc" style="margin:0" data-test="case-reply">{{ c.reply }}</dd></template>
              <template v-if="c.rating"><dt>{{ t('case.rating') }}</dt><dd data-test="case-rating">{{ label('rating', c.rating) }} · {{ c.solved ? t('rate.solved') : t('rate.unsolved') }}</dd></template>
            </dl>
          </div>

          <div class="lx-card" v-if="c.tasks && c.tasks.length">
            <div class="lx-card-head"><b>{{ t('case.tasks') }}</b></div>
            <div v-for="task in c.tasks" :key="task.id" class="lx-task">
              <van-icon :name="task.done_at ? 'passed' : 'clock-o'" :color="task.done_at ? '#07a35a' : '#ed6a0c'" />
              <div class="lx-flex1"><b>{{ task.unit_name }}</b> <span class="lx-muted">{{ task.done_at ? t('case.task_done_at', { t: fmtTime(task.done_at) }) : t('case.task_open') }}</span>
                <div v-if="task.note" class="lx-muted">{{ task.note }}</div></div>
              <van-button v-if="myTask(task)" size="small" type="primary" @click="taskDone(task)">{{ t('case.task_finish') }}</van-button>
            </div>
          </div>
        </div>

        <div class="lx-card" data-test="timeline">
          <div class="lx-card-head"><b>{{ t('case.timeline') }}</b><span class="lx-muted">（{{ c.timeline.length }}）</span><span class="lx-flex1"></span>
            <button class="lx-link" type="button" @click="newestFirst = !newestFirst">{{ newestFirst ? t('case.newest_first') : t('case.oldest_first') }}</button></div>
          <ol class="lx-timeline">
            <li v-for="(e, i) in timeline" :key="i" :data-action="e.action">
              <div class="lx-tl-head"><span class="lx-tl-action">{{ label('event', e.action) }}</span>
                <span v-if="e.to_status && e.from_status !== e.to_status" class="lx-muted">→ {{ label('status', e.to_status) }}</span>
                <span class="lx-flex1"></span><span class="lx-muted">{{ fmtTime(e.at, true) }}</span></div>
              <div class="lx-muted">{{ e.actor_name || (e.actor_id ? '#' + e.actor_id : t('case.system')) }}<template v-if="e.unit_name"> · {{ e.unit_name }}</template></div>
              <div v-if="e.note" class="lx-tl-note">{{ e.note }}</div>
            </li>
          </ol>
        </div>
      </div>

      <div class="lx-action-bar" v-if="actions.length" data-test="actions" :data-allowed="actions.join(',')">
        <van-button v-for="a in barActions" :key="a" :type="PRIMARY.includes(a) ? 'primary' : 'default'" :plain="!PRIMARY.includes(a)" @click="open(a)" :data-action="a">{{ t('action.' + a) }}</van-button>
        <van-button v-if="moreActions.length" class="lx-more-btn" icon="ellipsis" @click="showMore = true" data-test="more-actions">{{ t('common.more') }}</van-button>
      </div>
      <van-action-sheet v-model:show="showMore" :actions="moreActions" :cancel-text="t('common.cancel')" close-on-click-action @select="(a) => open(a.key)" teleport="body" />

      <van-popup v-model:show="showAct" position="bottom" round closeable teleport="body" class="lx-picker-popup" data-test="action-popup">
        <div class="lx-picker-title">{{ t('action.' + act) }} · {{ c.number }}</div>
        <div class="lx-dialog-body">
          <van-cell-group inset>
            <van-field v-if="needs.includes('unit')" :model-value="f.unit ? f.unit.name : ''" readonly is-link :label="t('case.to_unit')" :placeholder="t('unit.pick')" @click="showUnits = true" data-test="action-unit" />
            <van-field v-if="needs.includes('units')" :model-value="f.units.map(u => u.name).join('、')" readonly is-link :label="t('case.assist_units')" :placeholder="t('unit.pick')" @click="showUnits = true" />
            <van-cell v-if="act === 'escalate' && escalateTo" :title="t('case.escalate_to')" :value="escalateTo" />
            <template v-if="needs.includes('rating')">
              <van-cell :title="t('rate.rating')">
                <template #label>
                  <van-radio-group v-model="f.rating" direction="horizontal" class="lx-pad-y">
                    <van-radio name="satisfied" data-rating="satisfied">{{ t('rating.satisfied') }}</van-radio>
                    <van-radio name="basic" data-rating="basic">{{ t('rating.basic') }}</van-radio>
                    <van-radio name="unsatisfied" data-rating="unsatisfied">{{ t('rating.unsatisfied') }}</van-radio>
                  </van-radio-group>
                </template>
              </van-cell>
              <van-cell :title="t('rate.solved_q')">
                <template #label>
                  <van-radio-group v-model="f.solved" direction="horizontal">
                    <van-radio :name="true">{{ t('rate.solved') }}</van-radio>
                    <van-radio :name="false">{{ t('rate.unsolved') }}</van-radio>
                  </van-radio-group>
                </template>
              </van-cell>
              <div class="lx-muted lx-pad-x">{{ (f.rating !== 'unsatisfied' && f.solved) ? t('rate.will_close') : t('rate.will_reopen') }}</div>
            </template>
            <van-field v-if="needs.includes('reason')" v-model="f.reason" type="textarea" rows="3" autosize required :label="t('case.reason')" :placeholder="t('case.reason_ph')" maxlength="500" show-word-limit data-test="action-reason" />
            <van-field v-if="act === 'resolve'" v-model="f.reply" type="textarea" rows="4" autosize required :label="t('case.reply')" :placeholder="t('case.reply_ph')" maxlength="2000" show-word-limit data-test="action-reply" />
            <van-field v-if="needs.includes('note') || needs.includes('note*')" v-model="f.note" type="textarea" rows="2" autosize :required="needs.includes('note*')"
                       :label="t('case.note')" :placeholder="t('case.note_ph_' + act)" maxlength="500" data-test="action-note" />
          </van-cell-group>
          <div v-if="quick.length" class="lx-quick">
            <button v-for="q in quick" :key="q" type="button" class="lx-chip lx-chip-sm" @click="addQuick(q)">{{ t(q) }}</button>
          </div>
          <div class="lx-pad">
            <van-button block round type="primary" :loading="busy" @click="submit" data-test="action-submit">{{ t('common.confirm') }}{{ t('action.' + act) }}</van-button>
          </div>
        </div>
      </van-popup>
      <lx-unit-picker v-if="act === 'dispatch'" v-model:show="showUnits" :title="t('case.to_unit')" :suggestions="dutySuggestion" @pick="pickUnit"
                      :kinds="['department', 'district', 'street', 'community', 'village', 'grid']" />
      <lx-unit-picker v-if="act === 'assist'" v-model:show="showUnits" multiple :title="t('case.assist_units')" @pick="pickUnits" :exclude="[c.handler_unit_id]" :initial="f.units.map(u => u.id)" />
    </template>
  </div>`,
};
