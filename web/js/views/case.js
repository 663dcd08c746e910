/*
 * case.js - one case: its facts, deadlines (in working days where its
 * clock counts them; stopped while suspended), assist tasks, the engine's
 * banners and records (case/engine.js), the repeat callers of a master,
 * the whole timeline with what each event set, and a bar with exactly the
 * actions the server allows this user in this state (allowed_actions),
 * each with its form (case/actions.js). Every action sends the version
 * seen, so a case changed meanwhile answers 409 and is reloaded.
 * #/case/42?act=resolve opens that action's form at once. Photos and
 * documents in a strip by stage (components/photos.js); a case the server
 * lets the user resolve before it was accepted (a grid worker's own
 * report) shows 即知即办; 打印 prints the page as a case sheet (app.css
 * @media print). A press-9 call's case links to the call's page (its
 * ladder and its answers: views/onekey/call.js).
 */
import { ref, computed, onMounted, onBeforeUnmount } from 'vue';
import { t, label, locale } from '../i18n.js';
import { api } from '../api.js';
import {
  loadUnits, loadCategories, loadWorkflows, unitIndex, categoryIndex, unitName, unitPathNames, categoryFullName, hasRole,
  handedBack, statusLabel, runningClock, learnCaseUnits,
} from '../session.js';
import { route, setQuery } from '../router.js';
import { fmtTime, fmtDue, toastError, isWide } from '../util.js';
import { predictDuty } from './desk.js';
import { showSuccessToast } from '../vant.js';
import { ORDER, PRIMARY, LxActionForm, onSpot as isOnSpot } from './case/actions.js';
import { LxCaseBanners, LxEngineRecords, LxMergedCalls, amountText } from './case/engine.js';
import { LxAttachments } from '../components/photos.js';
import { ONEKEY_ROLES } from '../onekey.js';

export default {
  components: { LxActionForm, LxCaseBanners, LxEngineRecords, LxMergedCalls, LxAttachments },
  setup() {
    const id = Number(route.params.id);
    const c = ref(null);
    const loading = ref(true);
    const error = ref(null);
    const act = ref('');
    const preset = ref({});
    const showAct = ref(false);
    const newestFirst = ref(true);

    async function load() {
      error.value = null;
      try {
        const [cs] = await Promise.all([api.get('/cases/' + id), loadUnits().catch(() => null), loadCategories().catch(() => null),
          loadWorkflows().catch(() => null)]);
        learnCaseUnits(cs);
        c.value = cs;
        /* #/case/42?act=resolve (from a list's quick button) opens that form */
        const want = route.query.act;
        if (want && actions.value.includes(want) && !showAct.value) {
          setQuery({});
          open(want);
        }
      } catch (e) {
        error.value = e.status === 404 ? { message: t('case.not_found') } : e;
      } finally {
        loading.value = false;
      }
    }
    onMounted(load);

    /* What the server allows, in a steady order (unknown ones last); resolve
     * is among them where only its after-photo is missing (photo_required). */
    const actions = computed(() => {
      const allowed = (c.value && c.value.allowed_actions) || [];
      return [...ORDER.filter((a) => allowed.includes(a)), ...allowed.filter((a) => !ORDER.includes(a))];
    });
    /* A phone shows three buttons and puts the rest under 更多. */
    const wide = ref(isWide());
    const onResize = () => { wide.value = isWide(); };
    window.addEventListener('resize', onResize);
    onBeforeUnmount(() => window.removeEventListener('resize', onResize));
    const showMore = ref(false);
    const barActions = computed(() => (wide.value || actions.value.length <= 4 ? actions.value : actions.value.slice(0, 3)));
    const moreActions = computed(() => actions.value.filter((a) => !barActions.value.includes(a))
      .map((a) => ({ name: actLabel(a), className: 'lx-act lx-act-' + a, key: a })));
    const timeline = computed(() => {
      const tl = (c.value && c.value.timeline) || [];
      return newestFirst.value ? [...tl].reverse() : tl;
    });
    /* The handling unit's name: from the scope's units, else the timeline. */
    const handlerName = computed(() => {
      const cs = c.value;
      if (!cs || !cs.handler_unit_id) return '';
      if (unitIndex.value.has(cs.handler_unit_id)) return unitName(cs.handler_unit_id);
      if (cs.handler_unit_name) return cs.handler_unit_name;
      const ev = [...cs.timeline].reverse().find((e) => e.unit_id === cs.handler_unit_id && e.unit_name);
      return ev ? ev.unit_name : unitName(cs.handler_unit_id);
    });
    const locatedName = computed(() => {
      const cs = c.value;
      if (!cs || !cs.unit_id) return '';
      if (unitIndex.value.has(cs.unit_id)) return unitPathNames(cs.unit_id);
      if (cs.unit_name) return cs.unit_name;
      const ev = cs.timeline.find((e) => e.action === 'create' && e.unit_name);
      return ev ? ev.unit_name : unitName(cs.unit_id);
    });
    /* 即知即办: resolve allowed before anyone accepted the case */
    const onSpot = computed(() => isOnSpot(c.value));
    const actLabel = (a) => (a === 'resolve' && onSpot.value ? t('photo.on_spot') : t('action.' + a));
    function print() { window.print(); }
    const printedAt = () => new Date().toLocaleString(locale.value === 'en' ? 'en-GB' : 'zh-CN', { hour12: false });
    const deadline = computed(() => runningClock(c.value));
    const callLink = computed(() => (c.value && c.value.type === 'onekey' && hasRole(...ONEKEY_ROLES) ? '#/onekey?case=' + c.value.id : ''));
    /* The duty list's unit, unless it is the unit that handed the case back. */
    const dutySuggestion = computed(() => {
      const cs = c.value;
      if (!cs || !cs.category_code) return [];
      const d = predictDuty(categoryIndex.value.get(cs.category_code), unitIndex.value.get(cs.unit_id));
      if (!d || !d.path || (handedBack(cs.status) && d.id === cs.status_unit_id)) return [];
      return [{ unit: d, reason: t('case.by_duty') }];
    });

    function open(a, p) {
      act.value = a;
      preset.value = p || {};
      showAct.value = true;
    }
    function onDone(r) { learnCaseUnits(r); c.value = r; }
    async function taskDone(task) {
      try {
        c.value = await api.post('/cases/' + id + '/tasks/' + task.id + '/done', {});
        showSuccessToast(t('case.task_done'));
      } catch (e) { toastError(e); if (e.status === 409) load(); }
    }
    const myTask = (task) => !task.done_at && unitIndex.value.has(task.unit_id) && hasRole('admin', 'handler', 'grid_worker');
    /* what an event's input says, besides its note */
    function inputBits(e) {
      const x = e.input || {}, out = [];
      if (x.until) out.push(t('suspend.until_t', { t: fmtTime(x.until) }));
      if (x.hours || x.workdays) out.push('+' + amountText(x));
      if (x.passed !== undefined) out.push(x.passed ? t('verify.passed') : t('verify.failed'));
      if (x.upheld !== undefined) out.push(x.upheld ? t('appeal.upheld') : t('appeal.rejected'));
      if (e.accept_due_at) out.push(t('deadline.accept') + ' → ' + fmtDue(e.accept_due_at, c.value.accept_workdays));
      if (e.resolve_due_at) out.push(t('deadline.resolve') + ' → ' + fmtDue(e.resolve_due_at, c.value.resolve_workdays));
      return out;
    }

    return {
      c, loading, error, load, actions, timeline, handlerName, locatedName, deadline, act, preset, showAct, open, onDone,
      taskDone, myTask, dutySuggestion, newestFirst, inputBits, categoryFullName, fmtTime, fmtDue, label, statusLabel, t,
      PRIMARY, barActions, moreActions, showMore, onSpot, actLabel, print, printedAt, callLink,
    };
  },
  template: `
  <div class="lx-case" data-test="case-page">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-else-if="c">
      <div class="lx-print-only lx-print-head">{{ t('print.title') }}<span>{{ t('print.at', { t: printedAt() }) }}</span></div>
      <div class="lx-case-grid">
        <div>
          <div class="lx-card lx-case-head">
            <div class="lx-card-head">
              <span class="lx-num" data-test="case-number">{{ c.number }}</span>
              <van-tag v-if="c.urgent" type="danger">{{ t('case.urgent') }}</van-tag>
              <van-tag v-if="c.overdue" type="danger" plain>{{ t('case.overdue') }}</van-tag>
              <van-tag v-else-if="c.accept_overdue" type="warning" plain>{{ t('case.accept_overdue') }}</van-tag>
              <van-tag v-if="c.supervised" type="warning">{{ t('case.supervised', { n: c.supervised }) }}</van-tag>
              <lx-flow-badges :c="c" />
              <span class="lx-flex1"></span>
              <button type="button" class="lx-link lx-no-print" @click="print" data-test="print"><van-icon name="printer" /> {{ t('print.button') }}</button>
              <lx-status :status="c.status" :type="c.type" data-test="case-status" />
            </div>
            <div class="lx-card-title" data-test="case-title">{{ c.title }}</div>
            <div class="lx-card-foot" data-test="case-clock"><lx-countdown :case="c" />
              <span v-if="deadline">（{{ fmtDue(deadline.due, deadline.workdays) }}）</span></div>
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
              <template v-if="c.accept_due_at"><dt>{{ t('deadline.accept') }}</dt><dd data-test="accept-due">{{ fmtDue(c.accept_due_at, c.accept_workdays) }}<van-tag v-if="c.accept_workdays" plain type="primary" class="lx-wd">{{ t('time.workdays', { n: c.accept_workdays }) }}</van-tag><span v-if="c.accepted_at" class="lx-muted">（{{ t('case.accepted_at', { t: fmtTime(c.accepted_at) }) }}）</span></dd></template>
              <template v-if="c.resolve_due_at"><dt>{{ t('deadline.resolve') }}</dt><dd data-test="resolve-due">{{ fmtDue(c.resolve_due_at, c.resolve_workdays) }}<van-tag v-if="c.resolve_workdays" plain type="primary" class="lx-wd" data-test="resolve-workdays">{{ t('time.workdays', { n: c.resolve_workdays }) }}</van-tag><span v-if="c.resolved_at" class="lx-muted">（{{ t('case.resolved_at', { t: fmtTime(c.resolved_at) }) }}）</span></dd></template>
              <template v-if="c.reply"><dt>{{ t('case.reply') }}</dt><dd class="lx-desc" style="margin:0" data-test="case-reply">{{ c.reply }}</dd></template>
              <template v-if="c.rating"><dt>{{ t('case.rating') }}</dt><dd data-test="case-rating">{{ label('rating', c.rating) }} · {{ c.solved ? t('rate.solved') : t('rate.unsolved') }}<span v-if="c.excluded" class="lx-muted">（{{ t('case.excluded') }}）</span></dd></template>
            </dl>
          </div>

          <div v-if="onSpot" class="lx-banner lx-banner-blue lx-no-print" data-test="on-spot-banner">
            <div class="lx-banner-head"><van-icon name="passed" /> <b>{{ t('photo.on_spot_title') }}</b></div>
            <div class="lx-muted">{{ t('photo.on_spot_hint') }}</div>
            <div class="lx-row-actions"><van-button size="small" type="primary" icon="photograph" @click="open('resolve')" data-test="on-spot">{{ t('photo.on_spot') }}</van-button></div>
          </div>
          <a v-if="callLink" :href="callLink" class="lx-banner lx-banner-red lx-no-print lx-call-case-banner" data-test="onekey-call-link">
            <div class="lx-banner-head"><van-icon name="phone-circle-o" color="#ee0a24" /> <b>{{ t('onekey.case_banner') }}</b><span class="lx-flex1"></span><van-icon name="arrow" /></div>
          </a>
          <lx-attachments :c="c" @changed="load" />
          <lx-case-banners :c="c" :allowed="c.allowed_actions" @act="open" />

          <div class="lx-card" v-if="c.tasks && c.tasks.length">
            <div class="lx-card-head"><b>{{ t('case.tasks') }}</b></div>
            <div v-for="task in c.tasks" :key="task.id" class="lx-task">
              <van-icon :name="task.done_at ? 'passed' : 'clock-o'" :color="task.done_at ? '#07a35a' : '#ed6a0c'" />
              <div class="lx-flex1"><b>{{ task.unit_name }}</b> <span class="lx-muted">{{ task.done_at ? t('case.task_done_at', { t: fmtTime(task.done_at) }) : t('case.task_open') }}</span>
                <div v-if="task.note" class="lx-muted">{{ task.note }}</div></div>
              <van-button v-if="myTask(task)" size="small" type="primary" @click="taskDone(task)">{{ t('case.task_finish') }}</van-button>
            </div>
          </div>
          <lx-engine-records :c="c" />
          <lx-merged-calls :list="c.merged_cases" />
        </div>

        <div class="lx-card" data-test="timeline">
          <div class="lx-card-head"><b>{{ t('case.timeline') }}</b><span class="lx-muted">（{{ c.timeline.length }}）</span><span class="lx-flex1"></span>
            <button class="lx-link" type="button" @click="newestFirst = !newestFirst">{{ newestFirst ? t('case.newest_first') : t('case.oldest_first') }}</button></div>
          <ol class="lx-timeline">
            <li v-for="(e, i) in timeline" :key="e.id || i" :data-action="e.action">
              <div class="lx-tl-head"><span class="lx-tl-action">{{ label('event', e.action) }}</span>
                <span v-if="e.to_status && e.from_status !== e.to_status" class="lx-muted">→ {{ statusLabel(e.to_status, c.type) }}</span>
                <span class="lx-flex1"></span><span class="lx-muted">{{ fmtTime(e.at, true) }}</span></div>
              <div class="lx-muted">{{ e.actor_name || (e.actor_id ? '#' + e.actor_id : t('case.system')) }}<template v-if="e.unit_name"> · {{ e.unit_name }}</template></div>
              <div v-if="e.note" class="lx-tl-note">{{ e.note }}</div>
              <div v-if="inputBits(e).length" class="lx-tl-bits"><span v-for="(b, j) in inputBits(e)" :key="j">{{ b }}</span></div>
              <div v-if="e.input && e.input.into_id" class="lx-tl-bits"><a class="lx-link" :href="'#/case/' + e.input.into_id">{{ t('merge.open_master') }}</a></div>
            </li>
          </ol>
        </div>
      </div>

      <div class="lx-action-bar" v-if="actions.length" data-test="actions" :data-allowed="actions.join(',')">
        <van-button v-for="a in barActions" :key="a" :type="PRIMARY.includes(a) ? 'primary' : 'default'" :plain="!PRIMARY.includes(a)" @click="open(a)" :data-action="a">{{ actLabel(a) }}</van-button>
        <van-button v-if="moreActions.length" class="lx-more-btn" icon="ellipsis" @click="showMore = true" data-test="more-actions">{{ t('common.more') }}</van-button>
      </div>
      <van-action-sheet v-model:show="showMore" :actions="moreActions" :cancel-text="t('common.cancel')" close-on-click-action @select="(a) => open(a.key)" teleport="body" />
      <lx-action-form v-model:show="showAct" :c="c" :act="act" :preset="preset" :suggestions="dutySuggestion" @done="onDone" @stale="load" />
    </template>
  </div>`,
};
