/*
 * hazards.js - 隐患台账 (#/hazards): every hazard the visits raised (GET
 * /hazards), filtered by grid or unit, category, status (the hazard
 * machine's own, from GET /workflows), owner and overdue; cards on a
 * phone, a table on a desk; 导出 Excel downloads the same list
 * (GET /hazards/export.xlsx with the same filters: a plain link, the
 * session cookie goes along as for the case export). Each hazard is a
 * case: a tap opens its page, where 复查 (verify) is the re-inspection.
 */
import { ref, reactive, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { t, label } from '../i18n.js';
import { api, apiUrl, cursorList } from '../api.js';
import { loadUnits, loadCategories, loadWorkflows, unitName, categoryName, statusLabel, machineOf, workflowIndex } from '../session.js';
import { route, setQuery, go } from '../router.js';
import { fmtShort, fmtDue, isWide } from '../util.js';

const KEYS = ['unit_id', 'category_code', 'status', 'owner', 'overdue'];

export default {
  setup() {
    const f = reactive(Object.fromEntries(KEYS.map((k) => [k, route.query[k] || ''])));
    const ownerInput = ref(f.owner);
    const showUnit = ref(false);
    const showCat = ref(false);
    const wide = ref(isWide());
    const onResize = () => { wide.value = isWide(); };
    window.addEventListener('resize', onResize);
    onBeforeUnmount(() => window.removeEventListener('resize', onResize));

    /* the hazard machine's statuses, 全部 first */
    const STATUSES = computed(() => {
      const m = workflowIndex.value.size ? machineOf('hazard') : null;
      return ['', ...(m ? m.states.map((s) => s.name) : [])];
    });
    const filters = computed(() => {
      const o = {};
      for (const k of KEYS) if (f[k]) o[k] = f[k];
      return o;
    });
    const { items, loading, finished, error, page } = cursorList((cursor) => api.get('/hazards', { ...filters.value, limit: 50, cursor }));
    onMounted(() => {
      loadUnits().catch(() => null);
      loadCategories().catch(() => null);
      loadWorkflows().catch(() => null);
      page(true);
    });
    watch(filters, (v) => { setQuery(v); page(true); });
    const exportUrl = computed(() => apiUrl('/hazards/export.xlsx', filters.value));
    function searchOwner() { f.owner = ownerInput.value.trim(); }
    const open = (h) => go('/case/' + h.case_id);
    const targetLink = (h) => (h.target && h.target.kind ? '#/registry/' + { resident: 'residents', household: 'households', place: 'places' }[h.target.kind] + '/' + h.target.id : '');
    return {
      f, ownerInput, items, loading, finished, error, page, showUnit, showCat, wide, STATUSES, filters, exportUrl, searchOwner, open, targetLink,
      unitName, categoryName, statusLabel, fmtShort, fmtDue, label, t,
    };
  },
  template: `
  <div class="lx-hazards">
    <div class="lx-toolbar">
      <van-search v-model="ownerInput" :placeholder="t('hz.owner_ph')" shape="round" @search="searchOwner" @clear="ownerInput = ''; searchOwner()" data-test="hazards-owner" />
    </div>
    <div class="lx-filter-row" data-test="hazards-status">
      <button v-for="s in STATUSES" :key="s || 'all'" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.status === s }" @click="f.status = s" :data-status="s || 'all'">
        {{ s ? statusLabel(s, 'hazard') : t('common.all') }}</button>
    </div>
    <div class="lx-toolbar">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !!f.unit_id }" @click="f.unit_id ? (f.unit_id = '') : (showUnit = true)" data-test="hazards-unit">
        <van-icon name="cluster-o" /> {{ f.unit_id ? unitName(+f.unit_id) + ' ✕' : t('hz.all_units') }}</button>
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !!f.category_code }" @click="f.category_code ? (f.category_code = '') : (showCat = true)" data-test="hazards-category">
        {{ f.category_code ? categoryName(f.category_code) + ' ✕' : t('hz.all_categories') }}</button>
      <span class="lx-hz-switch"><van-switch :model-value="f.overdue === 'true'" @update:model-value="f.overdue = $event ? 'true' : ''" size="20" data-test="hazards-overdue" />
        {{ t('hz.overdue_only') }}</span>
      <span class="lx-flex1"></span>
      <a class="van-button van-button--primary van-button--small van-button--plain lx-export-link" :href="exportUrl" download data-test="hazards-export">
        <van-icon name="down" /> {{ t('hz.export') }}</a>
    </div>
    <van-list :loading="loading" :finished="finished" :finished-text="items.length ? t('common.no_more') : ''" @load="page(false)" :immediate-check="false"
              :error="!!error && items.length > 0" :error-text="error ? error.message : ''" @update:error="page(false)" :loading-text="t('common.loading')">
      <lx-error v-if="error && !items.length" :error="error" @retry="page(true)" />
      <van-empty v-else-if="!loading && !items.length" image="search" :description="t('hz.empty')" />
      <div v-else-if="wide" class="lx-card lx-scroll-x">
        <table class="lx-rank lx-hz-table" data-test="hazards-table">
          <thead><tr>
            <th>{{ t('hz.found_at') }}</th><th>{{ t('hz.hazard') }}</th><th>{{ t('hz.category') }}</th><th>{{ t('hz.owner') }}</th><th>{{ t('hz.unit') }}</th>
            <th>{{ t('hz.deadline') }}</th><th>{{ t('hz.status') }}</th><th>{{ t('hz.failures') }}</th><th>{{ t('hz.supervised') }}</th>
          </tr></thead>
          <tbody>
            <tr v-for="h in items" :key="h.case_id" class="lx-click" :class="{ 'lx-hz-overdue': h.overdue }" @click="open(h)" data-test="hazard-row" :data-case-id="h.case_id">
              <td>{{ fmtShort(h.found_at) }}</td>
              <td class="lx-rank-name"><a :href="'#/case/' + h.case_id" class="lx-link-text">{{ h.label || h.title }}</a></td>
              <td>{{ categoryName(h.category_code) }}</td>
              <td class="lx-rank-name" data-test="hazard-owner"><a v-if="targetLink(h)" :href="targetLink(h)" class="lx-link-text" @click.stop>{{ h.owner || '—' }}</a><template v-else>{{ h.owner || '—' }}</template></td>
              <td>{{ unitName(h.unit_id) }}</td>
              <td :class="{ 'lx-cd-overdue': h.overdue }">{{ fmtDue(h.deadline, true) }}<template v-if="h.overdue"> · {{ t('hz.overdue') }}</template></td>
              <td><lx-status :status="h.status" type="hazard" /></td>
              <td>{{ h.failures || '' }}</td>
              <td>{{ h.supervised || '' }}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div v-else class="lx-grid-list" data-test="hazards-list">
        <a v-for="h in items" :key="h.case_id" :href="'#/case/' + h.case_id" class="lx-card lx-hz-card" :class="{ 'lx-overdue': h.overdue }" data-test="hazard-row" :data-case-id="h.case_id">
          <div class="lx-card-head">
            <van-tag v-if="h.overdue" type="danger" plain>{{ t('hz.overdue') }}</van-tag>
            <van-tag v-if="h.failures" type="warning" plain>{{ t('hz.failed_n', { n: h.failures }) }}</van-tag>
            <van-tag v-if="h.supervised" type="warning">{{ t('case.supervised', { n: h.supervised }) }}</van-tag>
            <span class="lx-flex1"></span>
            <lx-status :status="h.status" type="hazard" />
          </div>
          <div class="lx-card-title">{{ h.label || h.title }}</div>
          <div class="lx-card-meta"><span data-test="hazard-owner">{{ h.owner }}</span><span>{{ unitName(h.unit_id) }}</span><span>{{ categoryName(h.category_code) }}</span></div>
          <div class="lx-card-foot">
            <span>{{ t('hz.found', { t: fmtShort(h.found_at) }) }}</span>
            <span v-if="h.photos && h.photos.length"><van-icon name="photo-o" /> {{ h.photos.length }}</span>
            <span class="lx-flex1"></span>
            <span :class="{ 'lx-cd-overdue': h.overdue }">{{ t('hz.deadline_at', { t: fmtDue(h.deadline, true) }) }}</span>
          </div>
        </a>
      </div>
    </van-list>
    <lx-unit-picker v-model:show="showUnit" @pick="(u) => (f.unit_id = String(u.id))" :title="t('hz.pick_unit')" />
    <lx-category-picker v-model:show="showCat" case-type="hazard" @pick="(c) => (f.category_code = c.code)" />
  </div>`,
};
