/*
 * visits.js - the grid worker's 走访 (#/visits), three tabs:
 *   待走访  the due list (GET /visits/due with the phone's position):
 *           overdue first, then nearest, as the server sorts it; 逾期 and
 *           书面告知 (a refusal's follow-up) badges, the distance; a tap
 *           opens the visit. Kept on the phone (field.js): without a
 *           network the list kept last shows, with its time.
 *   待上传  the outbox: visits kept on the phone, pending (going up by
 *           themselves) or refused by the server (修改 / 放弃), and the
 *           last ones sent with the hazard cases they raised.
 *   我发现的隐患  GET /cases?mine=true&type=hazard.
 */
import { ref, computed, onMounted, onBeforeUnmount, watch } from 'vue';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import { route, setQuery, go } from '../router.js';
import { fmtTime, fmtShort, fmtDistance, toastError } from '../util.js';
import { showConfirmDialog } from '../vant.js';
import { loadCategories, loadWorkflows } from '../session.js';
import {
  field, locate, loadDue, refreshOutbox, flush, discardVisit, startSync, isNetworkError, rfc3339, refusalText,
} from '../field.js';

const TABS = ['due', 'outbox', 'mine'];

export default {
  setup() {
    const tab = ref(Math.max(0, TABS.indexOf(route.query.tab)));
    const due = ref(null);          // {items, truncated, at, cached}
    const loading = ref(true);
    const refreshing = ref(false);
    const error = ref(null);
    const pos = ref(null);
    const gps = ref('');            // '' | 'locating' | 'ok' | 'none'
    const plan = ref(0);            // plan filter, 0: all
    const mine = ref(null);
    const mineError = ref(null);
    const mineLoading = ref(false);

    async function load() {
      error.value = null;
      try {
        if (gps.value !== 'ok') {
          gps.value = 'locating';
          pos.value = await locate(5000);
          gps.value = pos.value ? 'ok' : 'none';
        }
        due.value = await loadDue(pos.value);
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
        refreshing.value = false;
      }
    }
    async function loadMine() {
      mineLoading.value = true;
      mineError.value = null;
      try {
        await Promise.all([loadCategories(), loadWorkflows()]).catch(() => null);
        mine.value = (await api.get('/cases', { mine: 'true', type: 'hazard', limit: 50 })).items;
      } catch (e) {
        mineError.value = e;
      } finally {
        mineLoading.value = false;
      }
    }
    onMounted(() => {
      startSync();
      load();
      if (tab.value === 2) loadMine();
    });
    watch(tab, (i) => {
      setQuery({ tab: TABS[i] === 'due' ? undefined : TABS[i] });
      if (i === 2 && !mine.value) loadMine();
      if (i === 1) refreshOutbox();
    });
    function refresh() {
      refreshing.value = true;
      gps.value = '';
      load();
      flush();
    }
    /* back online: the list again (the outbox goes by itself) */
    const onOnline = () => load();
    window.addEventListener('online', onOnline);
    onBeforeUnmount(() => window.removeEventListener('online', onOnline));

    const keyOf = (planId, tg) => planId + '/' + tg.kind + '/' + tg.id;
    /* what is queued, or went up after the list was fetched, is done */
    const doneKeys = computed(() => {
      const at = (due.value && due.value.at) || 0;
      const s = new Set(field.entries.map((e) => keyOf(e.plan_id, e.target)));
      for (const x of field.sent) if (x.sent_at >= at) s.add(keyOf(x.plan_id, x.target));
      return s;
    });
    const allItems = computed(() => ((due.value && due.value.items) || []).filter((i) => !doneKeys.value.has(keyOf(i.plan_id, i.target))));
    const plans = computed(() => {
      const m = new Map();
      for (const i of allItems.value) m.set(i.plan_id, { id: i.plan_id, name: i.plan_name, n: (m.get(i.plan_id) || { n: 0 }).n + 1 });
      return [...m.values()];
    });
    const items = computed(() => allItems.value.filter((i) => !plan.value || i.plan_id === plan.value));
    const overdueCount = computed(() => allItems.value.filter((i) => i.overdue).length);

    const open = (i) => go('/visit/' + i.plan_id + '/' + i.target.kind + '/' + i.target.id);
    const fix = (e) => go('/visit/' + e.plan_id + '/' + e.target.kind + '/' + e.target.id, { edit: e.client_uuid });
    async function discard(e) {
      try { await showConfirmDialog({ message: t('field.discard_confirm') }); } catch { return; }
      await discardVisit(e.client_uuid);
    }
    async function sendNow() {
      const r = await flush();
      if (!r.sent.length && field.pending && !navigator.onLine) toastError({ message: t('field.still_offline') });
    }
    const entryError = (e) => refusalText(e.error);

    return {
      tab, TABS, due, loading, refreshing, error, load, refresh, pos, gps, plan, plans, items, overdueCount, mine, mineError, mineLoading,
      loadMine, open, fix, discard, sendNow, entryError, field, fmtTime, fmtShort, fmtDistance, label, t, isNetworkError, rfc3339,
    };
  },
  template: `
  <div class="lx-visits">
    <div v-if="!field.online || (due && due.cached)" class="lx-banner lx-banner-orange" data-test="offline-banner">
      <div class="lx-banner-head"><van-icon name="warning-o" /> <b>{{ t('field.offline') }}</b></div>
      <div v-if="due && due.cached">{{ t('field.cached_at', { t: fmtTime(rfc3339(due.at)) }) }}</div>
      <div>{{ t('field.offline_hint') }}</div>
    </div>
    <div v-if="field.pending || field.failed" class="lx-pending-bar" data-test="pending-bar" :data-pending="field.pending" :data-failed="field.failed">
      <van-icon name="clock-o" />
      <span class="lx-flex1">
        <template v-if="field.pending">{{ t('field.pending_n', { n: field.pending }) }}</template>
        <template v-if="field.failed"> {{ t('field.failed_n', { n: field.failed }) }}</template>
      </span>
      <van-button v-if="field.pending" size="small" round type="primary" :loading="field.sending" @click="sendNow" data-test="send-now">{{ t('field.send_now') }}</van-button>
      <van-button v-else size="small" round plain @click="tab = 1">{{ t('field.view') }}</van-button>
    </div>

    <van-tabs v-model:active="tab" sticky :offset-top="0">
      <van-tab data-tab="due">
        <template #title><span data-tab-title="due">{{ t('field.tab_due') }}<b v-if="items.length" class="lx-tab-n">{{ items.length }}</b></span></template>
        <van-pull-refresh v-model="refreshing" @refresh="refresh" :pulling-text="t('common.pull')" :loosing-text="t('common.release')" :loading-text="t('common.loading')">
          <div class="lx-field-status lx-muted">
            <span data-test="gps-state" :data-gps="gps">
              <template v-if="gps === 'locating'"><van-loading size="12" /> {{ t('field.locating') }}</template>
              <template v-else-if="gps === 'ok'"><van-icon name="location-o" /> {{ t('field.sorted_near') }}</template>
              <template v-else-if="gps === 'none'"><van-icon name="location-o" /> {{ t('field.no_gps') }}</template>
            </span>
            <span v-if="overdueCount" class="lx-cd-overdue">{{ t('field.overdue_n', { n: overdueCount }) }}</span>
          </div>
          <div v-if="plans.length > 1" class="lx-filter-row" data-test="plan-filter">
            <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !plan }" @click="plan = 0">{{ t('common.all') }}</button>
            <button v-for="p in plans" :key="p.id" type="button" class="lx-chip lx-chip-sm" :class="{ on: plan === p.id }" @click="plan = p.id">{{ p.name }} {{ p.n }}</button>
          </div>
          <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
          <lx-error v-else-if="error" :error="error" @retry="load" />
          <van-empty v-else-if="!items.length" image="search" :description="t('field.empty_due')" />
          <div v-else class="lx-grid-list" data-test="due-list">
            <a v-for="i in items" :key="i.plan_id + '/' + i.target.kind + '/' + i.target.id" class="lx-card lx-due" :class="{ 'lx-overdue': i.overdue }"
               :href="'#/visit/' + i.plan_id + '/' + i.target.kind + '/' + i.target.id" data-test="due-item"
               :data-plan="i.plan_id" :data-kind="i.target.kind" :data-id="i.target.id">
              <div v-if="i.overdue || i.followup || (i.last_outcome && i.last_outcome !== 'home') || (i.distance_m !== null && i.distance_m !== undefined)" class="lx-card-head">
                <van-tag v-if="i.overdue" type="danger" data-test="badge-overdue">{{ t('field.overdue') }}</van-tag>
                <van-tag v-if="i.followup === 'written_notice'" type="warning" data-test="badge-notice">{{ t('field.written_notice') }}</van-tag>
                <van-tag v-if="i.last_outcome && i.last_outcome !== 'home'" plain color="#646566">{{ t('field.last', { o: label('outcome', i.last_outcome) }) }}</van-tag>
                <span class="lx-flex1"></span>
                <span v-if="i.distance_m !== null && i.distance_m !== undefined" class="lx-due-dist" data-test="distance">{{ fmtDistance(i.distance_m) }}</span>
              </div>
              <div class="lx-card-title">{{ i.target.name }}</div>
              <div v-if="i.target.address && i.target.address !== i.target.name" class="lx-card-meta">{{ i.target.address }}</div>
              <div class="lx-card-foot">
                <span>{{ label('target_kind', i.target.kind) }} · {{ i.plan_name }}</span>
                <span class="lx-flex1"></span>
                <span>{{ t('field.due_since', { t: fmtShort(i.due_since) }) }}</span>
                <van-icon name="arrow" />
              </div>
            </a>
          </div>
          <div v-if="due && due.truncated" class="lx-muted lx-pad" data-test="due-truncated">{{ due.total ? t('field.truncated_n', { n: due.items.length, total: due.total }) : t('field.truncated') }}</div>
        </van-pull-refresh>
      </van-tab>

      <van-tab data-tab="outbox">
        <template #title><span data-tab-title="outbox">{{ t('field.tab_outbox') }}<b v-if="field.pending + field.failed" class="lx-tab-n lx-tab-n-red">{{ field.pending + field.failed }}</b></span></template>
        <div class="lx-outbox" data-test="outbox">
          <van-empty v-if="!field.entries.length && !field.sent.length" :description="t('field.empty_outbox')" />
          <div v-for="e in field.entries" :key="e.client_uuid" class="lx-card lx-outbox-item" :class="{ 'lx-overdue': e.state === 'failed' }"
               data-test="outbox-item" :data-state="e.state" :data-uuid="e.client_uuid">
            <div class="lx-card-head">
              <van-tag v-if="e.state === 'failed'" type="danger">{{ t('field.state_failed') }}</van-tag>
              <van-tag v-else type="warning">{{ t('field.state_pending') }}</van-tag>
              <span class="lx-muted">{{ label('outcome', e.body.outcome) }}</span>
              <span class="lx-flex1"></span>
              <span class="lx-muted">{{ fmtTime(e.body.visited_at) }}</span>
            </div>
            <div class="lx-card-title">{{ e.target.name }}</div>
            <div class="lx-card-meta"><span>{{ e.plan_name }}</span><span v-if="Object.keys(e.photos || {}).length">{{ t('field.photos_n', { n: Object.keys(e.photos).length }) }}</span></div>
            <div v-if="e.state === 'failed'" class="lx-card-note lx-card-note-red" data-test="outbox-error">{{ entryError(e) }}</div>
            <div v-else-if="e.error" class="lx-muted">{{ t('field.retrying', { m: e.error.message || '' }) }}</div>
            <div v-if="e.state === 'failed'" class="lx-row-actions">
              <van-button size="small" type="primary" round @click="fix(e)" data-test="outbox-fix">{{ t('field.fix') }}</van-button>
              <van-button size="small" plain round @click="discard(e)" data-test="outbox-discard">{{ t('field.discard') }}</van-button>
            </div>
          </div>
          <template v-if="field.sent.length">
            <div class="lx-block-title lx-pad-x">{{ t('field.sent_title') }}</div>
            <div v-for="s in field.sent" :key="s.client_uuid" class="lx-card lx-sent-item" data-test="sent-item" :data-uuid="s.client_uuid" :data-visit-id="s.visit_id">
              <div class="lx-card-head">
                <van-tag type="success" plain>{{ t('field.state_sent') }}</van-tag>
                <span class="lx-muted">{{ label('outcome', s.outcome) }}</span>
                <span class="lx-flex1"></span>
                <span class="lx-muted">{{ fmtTime(s.visited_at) }}</span>
              </div>
              <div class="lx-card-title">{{ s.target.name }}</div>
              <div v-if="s.hazards.length" class="lx-chips">
                <a v-for="h in s.hazards" :key="h" :href="'#/case/' + h" class="lx-chip lx-chip-sm lx-chip-alert" :data-case-id="h"><b>{{ t('type.hazard') }}</b> #{{ h }}</a>
              </div>
            </div>
          </template>
        </div>
      </van-tab>

      <van-tab data-tab="mine">
        <template #title><span data-tab-title="mine">{{ t('field.tab_mine') }}</span></template>
        <div v-if="mineLoading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
        <lx-error v-else-if="mineError" :error="isNetworkError(mineError) ? { message: t('field.mine_offline') } : mineError" @retry="loadMine" />
        <van-empty v-else-if="mine && !mine.length" :description="t('field.empty_mine')" />
        <div v-else class="lx-grid-list" data-test="mine-list">
          <lx-case-card v-for="c in mine || []" :key="c.id" :c="c" />
        </div>
      </van-tab>
    </van-tabs>
  </div>`,
};
