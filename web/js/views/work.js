/*
 * work.js - my work (我的工作) for handlers and grid workers, one tab per
 * stage the machines define: to accept (the accept clock runs), in hand
 * (only the resolve clock runs), suspended (resume leads on), awaiting
 * verification and answered awaiting the resident's rating; overdue first,
 * each with a countdown to the deadline that matters now. One tap accepts
 * or resumes; resolve, suspend and extend are one tap to their form.
 * A grid worker also has 我上报的 (GET /cases?mine=true), the cases they
 * reported; a list carries no allowed_actions, so 即知即办 is offered on
 * the case page (a tap on the card), where the server says so.
 */
import { ref, computed, onMounted, onBeforeUnmount } from 'vue';
import { t } from '../i18n.js';
import { api, listAll } from '../api.js';
import {
  session, loadUnits, loadCategories, loadWorkflows, unitIndex, hasRole, clockStatuses, fromStates, workflowIndex, mayTry,
} from '../session.js';
import { route, setQuery, go } from '../router.js';
import { now, urgencyKey, toastError } from '../util.js';
import { showSuccessToast, showConfirmDialog } from '../vant.js';

/* The tabs and their statuses, from the machines (each status in one tab). */
function makeTabs() {
  const accept = clockStatuses('accept');
  const raw = [
    { key: 'accept', statuses: accept },
    { key: 'doing', statuses: clockStatuses('resolve').filter((s) => !accept.includes(s)) },
    { key: 'paused', statuses: fromStates('resume') },
    { key: 'verify', statuses: fromStates('verify') },
    { key: 'rating', statuses: fromStates('rate') },
  ];
  const seen = new Set();
  const tabs = raw.map((tb) => ({ ...tb, statuses: tb.statuses.filter((s) => !seen.has(s) && seen.add(s)) })).filter((tb) => tb.statuses.length);
  if (hasRole('grid_worker')) tabs.push({ key: 'mine', statuses: [], mine: true });
  return tabs;
}

export default {
  setup() {
    const TABS = computed(() => (workflowIndex.value.size ? makeTabs() : []));
    const startTab = () => Math.max(0, TABS.value.findIndex((x) => x.key === route.query.tab));
    const tab = ref(startTab());
    const items = ref({});
    const loading = ref(true);
    const refreshing = ref(false);
    const error = ref(null);
    const busyId = ref(0);

    /* Is the case handled by my unit's subtree (not only located in it)? A
     * grid worker also verifies work done in its grids. */
    const mine = (c) => hasRole('admin') || (c.handler_unit_id && unitIndex.value.has(c.handler_unit_id));
    const toVerify = (c) => mine(c) || (hasRole('grid_worker') && unitIndex.value.has(c.unit_id));

    async function load() {
      error.value = null;
      try {
        await Promise.all([loadUnits(), loadCategories(), loadWorkflows()]);
        const out = {};
        await Promise.all(TABS.value.map(async (tb) => {
          if (tb.mine) {
            /* the other tabs stay usable if this list fails */
            out[tb.key] = await api.get('/cases', { mine: 'true', limit: 50 }).then((r) => r.items).catch((e) => { toastError(e); return []; });
            return;
          }
          const lists = await Promise.all(tb.statuses.map((s) => listAll({ status: s }, 1000)));
          out[tb.key] = lists.flatMap((l) => l.items).filter(tb.key === 'verify' ? toVerify : mine);
        }));
        items.value = out;
        if (route.query.tab && tab.value === 0) tab.value = startTab();
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
        refreshing.value = false;
      }
    }
    onMounted(load);
    const timer = setInterval(() => { if (!document.hidden) load(); }, 60000);
    onBeforeUnmount(() => clearInterval(timer));

    const sorted = computed(() => {
      const n = now.value - (now.value % 30000); // resort twice a minute, not every tick
      const by = (a, b) => urgencyKey(a, n) - urgencyKey(b, n);
      const out = {};
      for (const tb of TABS.value) {
        const list = [...(items.value[tb.key] || [])];
        out[tb.key] = tb.key === 'accept' || tb.key === 'doing' ? list.sort(by) : list.sort((a, b) => b.id - a.id);
      }
      return out;
    });
    const overdueCount = computed(() => ['accept', 'doing'].flatMap((k) => items.value[k] || []).filter((c) => c.overdue || c.accept_overdue).length);

    function moveTo(c, r, from) {
      items.value[from] = (items.value[from] || []).filter((x) => x.id !== c.id);
      const to = TABS.value.find((tb) => tb.statuses.includes(r.status));
      if (to) items.value[to.key] = [r, ...(items.value[to.key] || [])];
    }
    /* One tap on a card of tab from: accept, or resume (once confirmed);
     * the card moves to the tab of its new status. */
    async function quick(c, action, from) {
      if (action === 'resume') {
        try { await showConfirmDialog({ message: t('work.resume_confirm', { n: c.number }) }); } catch { return; }
      }
      busyId.value = c.id;
      try {
        const r = await api.post('/cases/' + c.id + '/' + action, { version: c.version });
        moveTo(c, r, from);
        showSuccessToast(action === 'accept' ? t('work.accepted', { n: r.number }) : t('done.' + action));
      } catch (e) {
        toastError(e);
        load();
      } finally {
        busyId.value = 0;
      }
    }
    /* The case page with the action's form open. */
    function openAct(c, a) { go('/case/' + c.id, { act: a }); }
    function onTab(i) { if (TABS.value[i]) setQuery({ tab: TABS.value[i].key }); }
    function refresh() { refreshing.value = true; load(); }
    return {
      tab, TABS, sorted, loading, refreshing, error, load, refresh, quick, openAct, busyId, overdueCount, onTab, mayTry, session, t,
    };
  },
  template: `
  <div class="lx-work">
    <van-notice-bar v-if="overdueCount" left-icon="warning-o" color="#ee0a24" background="#fff1f0" :text="t('work.overdue_notice', { n: overdueCount })" data-test="overdue-notice" />
    <van-tabs v-model:active="tab" sticky :offset-top="0" @change="onTab" :swipe-threshold="4">
      <van-tab v-for="(tb, i) in TABS" :key="tb.key" :name="i" :badge="(sorted[tb.key] || []).length || ''" :title="t('work.tab_' + tb.key)" :data-tab="tb.key">
        <van-pull-refresh v-model="refreshing" @refresh="refresh" :pulling-text="t('common.pull')" :loosing-text="t('common.release')" :loading-text="t('common.loading')">
          <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
          <lx-error v-else-if="error" :error="error" @retry="load" />
          <van-empty v-else-if="!(sorted[tb.key] || []).length" :description="t('work.empty_' + tb.key)" />
          <div v-else class="lx-grid-list" :data-list="tb.key">
            <lx-case-card v-for="c in sorted[tb.key]" :key="c.id" :c="c">
              <van-button v-if="tb.key === 'accept' && mayTry(c, 'accept')" size="small" type="primary" :loading="busyId === c.id" @click.stop="quick(c, 'accept', tb.key)" data-test="quick-accept">{{ t('action.accept') }}</van-button>
              <template v-if="tb.key === 'doing'">
                <van-button v-if="mayTry(c, 'resolve')" size="small" type="primary" @click.stop="openAct(c, 'resolve')" data-test="quick-resolve">{{ t('action.resolve') }}</van-button>
                <van-button v-if="mayTry(c, 'suspend') && !c.pending" size="small" plain @click.stop="openAct(c, 'suspend')" data-test="quick-suspend">{{ t('action.suspend') }}</van-button>
                <van-button v-if="mayTry(c, 'extend') && !c.pending" size="small" plain @click.stop="openAct(c, 'extend')" data-test="quick-extend">{{ t('action.extend') }}</van-button>
              </template>
              <van-button v-if="tb.key === 'paused' && mayTry(c, 'resume')" size="small" type="primary" :loading="busyId === c.id" @click.stop="quick(c, 'resume', tb.key)" data-test="quick-resume">{{ t('action.resume') }}</van-button>
              <van-button v-if="tb.key === 'verify' && mayTry(c, 'verify')" size="small" type="primary" @click.stop="openAct(c, 'verify')" data-test="quick-verify">{{ t('action.verify') }}</van-button>
            </lx-case-card>
          </div>
        </van-pull-refresh>
      </van-tab>
    </van-tabs>
  </div>`,
};
