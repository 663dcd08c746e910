/*
 * work.js - my work (我的工作) for handlers and grid workers: the cases my
 * unit must accept (签收), those in hand (办理中) and those answered and
 * waiting for the resident's rating; overdue first, each with a countdown
 * to the deadline that matters now. One tap accepts.
 */
import { ref, computed, onMounted, onBeforeUnmount } from 'vue';
import { t } from '../i18n.js';
import { api, listAll } from '../api.js';
import { session, loadUnits, loadCategories, unitIndex, hasRole } from '../session.js';
import { route, setQuery } from '../router.js';
import { now, urgencyKey, toastError } from '../util.js';
import { showSuccessToast } from '../vant.js';

const TABS = [
  { key: 'accept', statuses: ['dispatched', 'reopened'] },
  { key: 'doing', statuses: ['accepted'] },
  { key: 'resolved', statuses: ['resolved'] },
];

export default {
  setup() {
    const tab = ref(TABS.findIndex((x) => x.key === route.query.tab) >= 0 ? TABS.findIndex((x) => x.key === route.query.tab) : 0);
    const items = ref({ accept: [], doing: [], resolved: [] });
    const loading = ref(true);
    const refreshing = ref(false);
    const error = ref(null);
    const busyId = ref(0);

    /* Is the case handled by my unit's subtree (not only located in it)? */
    const mine = (c) => hasRole('admin') || (c.handler_unit_id && unitIndex.value.has(c.handler_unit_id));

    async function load() {
      error.value = null;
      try {
        await Promise.all([loadUnits(), loadCategories()]);
        const out = {};
        await Promise.all(TABS.map(async (tb) => {
          const lists = await Promise.all(tb.statuses.map((s) => listAll({ status: s }, 1000)));
          out[tb.key] = lists.flatMap((l) => l.items).filter(mine);
        }));
        items.value = out;
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
      return {
        accept: [...items.value.accept].sort(by),
        doing: [...items.value.doing].sort(by),
        resolved: [...items.value.resolved].sort((a, b) => b.id - a.id),
      };
    });
    const overdueCount = computed(() => [...items.value.accept, ...items.value.doing].filter((c) => c.overdue || c.accept_overdue).length);

    async function accept(c) {
      busyId.value = c.id;
      try {
        const r = await api.post('/cases/' + c.id + '/accept', { version: c.version });
        items.value.accept = items.value.accept.filter((x) => x.id !== c.id);
        items.value.doing = [r, ...items.value.doing];
        showSuccessToast(t('work.accepted', { n: r.number }));
      } catch (e) {
        toastError(e);
        load();
      } finally {
        busyId.value = 0;
      }
    }
    function onTab(i) { setQuery({ tab: TABS[i].key }); }
    function refresh() { refreshing.value = true; load(); }
    return { tab, TABS, sorted, loading, refreshing, error, load, refresh, accept, busyId, overdueCount, onTab, session, t };
  },
  template: `
  <div class="lx-work">
    <van-notice-bar v-if="overdueCount" left-icon="warning-o" color="#ee0a24" background="#fff1f0" :text="t('work.overdue_notice', { n: overdueCount })" data-test="overdue-notice" />
    <van-tabs v-model:active="tab" sticky :offset-top="0" @change="onTab">
      <van-tab v-for="(tb, i) in TABS" :key="tb.key" :name="i" :badge="sorted[tb.key].length || ''" :title="t('work.tab_' + tb.key)" :data-tab="tb.key">
        <van-pull-refresh v-model="refreshing" @refresh="refresh" :pulling-text="t('common.pull')" :loosing-text="t('common.release')" :loading-text="t('common.loading')">
          <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
          <lx-error v-else-if="error" :error="error" @retry="load" />
          <van-empty v-else-if="!sorted[tb.key].length" :description="t('work.empty_' + tb.key)" />
          <div v-else class="lx-grid-list" :data-list="tb.key">
            <lx-case-card v-for="c in sorted[tb.key]" :key="c.id" :c="c">
              <van-button v-if="tb.key === 'accept'" size="small" type="primary" :loading="busyId === c.id" @click.stop="accept(c)" data-test="quick-accept">{{ t('action.accept') }}</van-button>
            </lx-case-card>
          </div>
        </van-pull-refresh>
      </van-tab>
    </van-tabs>
  </div>`,
};
