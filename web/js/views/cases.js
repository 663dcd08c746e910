/*
 * cases.js - search and browse cases in the caller's scope with the list's
 * filters (text or a case number, status, type, category, unit counted by
 * where the case lies or who handles it, overdue, period, 我上报的), page
 * by page, and export exactly that list to .xlsx or CSV.
 */
import { ref, reactive, computed, watch, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, cursorList } from '../api.js';
import { loadUnits, loadCategories, loadWorkflows, unitName, categoryName, statusNames, statusLabel } from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError, ymd } from '../util.js';
import { REQUESTS } from './case/engine.js';

const TYPES = ['request', 'hazard', 'dispute', 'proxy', 'opinion', 'suggestion', 'onekey'];
const KEYS = ['q', 'status', 'type', 'category_code', 'unit_id', 'basis', 'overdue', 'pending', 'mine', 'from', 'to'];
const BASES = ['', 'location', 'handler']; // what unit_id narrows to: either way, where the case lies, who handles it
const PENDING = ['any', ...Object.keys(REQUESTS)]; // the requests awaiting a decision, any first

export default {
  setup() {
    const f = reactive(Object.fromEntries(KEYS.map((k) => [k, route.query[k] || ''])));
    const qInput = ref(f.q);
    const showMore = ref(false);
    const showUnit = ref(false);
    const showCat = ref(false);
    /* every status of the machines (GET /workflows), 全部 first */
    const STATUSES = computed(() => ['', ...statusNames()]);

    const ui = computed(() => {
      const o = {};
      for (const k of KEYS) if (f[k]) o[k] = f[k];
      return o;
    });
    /* What the API and the export get: "to" is exclusive there, inclusive here. */
    const filters = computed(() => {
      const o = { ...ui.value };
      if (o.to) {
        const d = new Date(o.to + 'T00:00:00');
        d.setDate(d.getDate() + 1);
        o.to = ymd(d);
      }
      return o;
    });

    const { items, loading, finished, error, page } = cursorList((cursor) => api.get('/cases', { ...filters.value, limit: 30, cursor }));
    onMounted(() => {
      loadUnits().catch(toastError);
      loadCategories().catch(toastError);
      loadWorkflows().catch(toastError);
      page(true);
    });
    watch(ui, (v) => { setQuery(v); page(true); });
    /* a case number is searched as typed (the server finds that case) */
    function search() { f.q = qInput.value.trim().replace(/\s+/g, ' '); }
    function clearAll() { for (const k of KEYS) f[k] = ''; qInput.value = ''; }
    const activeCount = computed(() => KEYS.filter((k) => k !== 'q' && k !== 'status' && k !== 'mine' && f[k]).length);
    watch(() => f.unit_id, (v) => { if (!v) f.basis = ''; });
    function pickUnit(u) { f.unit_id = String(u.id); }
    function pickCat(c) { f.category_code = c.code; }
    return {
      f, qInput, items, loading, finished, error, page, search, clearAll, filters, showMore, showUnit, showCat, activeCount,
      pickUnit, pickCat, unitName, categoryName, STATUSES, TYPES, PENDING, BASES, statusLabel, label, t,
    };
  },
  template: `
  <div class="lx-cases">
    <div class="lx-toolbar">
      <van-search v-model="qInput" :placeholder="t('cases.search_ph')" shape="round" show-action @search="search" @clear="qInput = ''; search()" data-test="cases-search">
        <template #action><span @click="search">{{ t('common.search') }}</span></template>
      </van-search>
    </div>
    <div class="lx-filter-row" data-test="status-filter">
      <button v-for="s in STATUSES" :key="s || 'all'" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.status === s }" @click="f.status = s" :data-status="s || 'all'">
        {{ s ? statusLabel(s) : t('common.all') }}</button>
    </div>
    <div class="lx-toolbar">
      <van-button size="small" icon="filter-o" :type="activeCount ? 'primary' : 'default'" plain @click="showMore = true">{{ t('cases.more_filters') }}<template v-if="activeCount"> ({{ activeCount }})</template></van-button>
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: f.mine === 'true' }" @click="f.mine = f.mine ? '' : 'true'" data-test="mine-filter">{{ t('cases.mine') }}</button>
      <button v-if="f.overdue" type="button" class="lx-chip lx-chip-sm on" @click="f.overdue = ''">{{ t('case.overdue') }} ✕</button>
      <button v-if="f.unit_id" type="button" class="lx-chip lx-chip-sm on" @click="f.unit_id = ''">{{ unitName(+f.unit_id) }}<template v-if="f.basis"> · {{ t('basis.short_' + f.basis) }}</template> ✕</button>
      <button v-if="f.category_code" type="button" class="lx-chip lx-chip-sm on" @click="f.category_code = ''">{{ categoryName(f.category_code) }} ✕</button>
      <button v-if="f.pending" type="button" class="lx-chip lx-chip-sm on" @click="f.pending = ''" data-test="pending-chip">{{ t('cases.pending_' + f.pending) }} ✕</button>
      <span class="lx-flex1"></span>
      <lx-export :filters="filters" />
    </div>
    <van-list :loading="loading" :finished="finished" :finished-text="items.length ? t('common.no_more') : ''" @load="page(false)" :immediate-check="false"
              :error="!!error && items.length > 0" :error-text="error ? error.message : ''" @update:error="page(false)" :loading-text="t('common.loading')">
      <lx-error v-if="error && !items.length" :error="error" @retry="page(true)" />
      <van-empty v-else-if="!loading && !items.length" image="search" :description="t('cases.empty')" />
      <div class="lx-grid-list" data-test="cases-list">
        <lx-case-card v-for="c in items" :key="c.id" :c="c" />
      </div>
    </van-list>

    <van-popup v-model:show="showMore" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker-title">{{ t('cases.more_filters') }}</div>
      <van-cell-group inset>
        <van-cell :title="t('case.type')">
          <template #label>
            <div class="lx-chips">
              <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !f.type }" @click="f.type = ''">{{ t('common.all') }}</button>
              <button v-for="ty in TYPES" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.type === ty }" @click="f.type = ty">{{ label('type', ty) }}</button>
            </div>
          </template>
        </van-cell>
        <van-cell :title="t('cases.pending')">
          <template #label>
            <div class="lx-chips" data-test="pending-filter">
              <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !f.pending }" @click="f.pending = ''">{{ t('common.all') }}</button>
              <button v-for="p in PENDING" :key="p" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.pending === p }" @click="f.pending = p" :data-pending="p">{{ t('cases.pending_' + p) }}</button>
            </div>
          </template>
        </van-cell>
        <van-cell :title="t('case.category')" is-link :value="f.category_code ? categoryName(f.category_code) : t('common.all')" @click="showCat = true" />
        <van-cell :title="t('cases.unit')" is-link :value="f.unit_id ? unitName(+f.unit_id) : t('common.all')" @click="showUnit = true" />
        <van-cell v-if="f.unit_id" :title="t('basis.title')">
          <template #label>
            <div class="lx-chips" data-test="basis-filter">
              <button v-for="b in BASES" :key="b || 'any'" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.basis === b }" @click="f.basis = b" :data-basis="b || 'any'">{{ t('basis.filter_' + (b || 'any')) }}</button>
            </div>
          </template>
        </van-cell>
        <van-cell center :title="t('cases.overdue_only')">
          <template #right-icon><van-switch :model-value="f.overdue === 'true'" @update:model-value="f.overdue = $event ? 'true' : ''" size="22" /></template>
        </van-cell>
        <van-cell :title="t('cases.period')">
          <template #label>
            <div class="lx-chips"><input type="date" v-model="f.from" class="lx-date" :aria-label="t('cases.from')" /> — <input type="date" v-model="f.to" class="lx-date" :aria-label="t('cases.to')" /></div>
          </template>
        </van-cell>
      </van-cell-group>
      <div class="lx-pad lx-chips">
        <van-button round plain @click="clearAll">{{ t('cases.clear') }}</van-button>
        <van-button round type="primary" class="lx-flex1" @click="showMore = false">{{ t('common.done') }}</van-button>
      </div>
    </van-popup>
    <lx-unit-picker v-model:show="showUnit" @pick="pickUnit" :title="t('cases.unit')" />
    <lx-category-picker v-model:show="showCat" @pick="pickCat" />
  </div>`,
};
