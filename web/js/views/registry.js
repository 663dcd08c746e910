/*
 * registry.js - 登记 (#/registry): the people, households, places and
 * organisations of the caller's grids, one tab each, searched (q), narrowed
 * to a unit (the unit picker every screen uses), by tag (residents: the
 * tags of GET /registry/tags, the sensitive ones marked 敏感; the server
 * hides those the caller may not use) or by type (places, organisations);
 * page after page by the API's cursor. A tap opens the record
 * (registry/record.js); 新增 and 批量导入 for the roles that write.
 */
import { ref, reactive, computed, watch, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, cursorList } from '../api.js';
import { hasRole, loadUnits, unitName } from '../session.js';
import { route, setQuery, go } from '../router.js';
import { toastError } from '../util.js';

export const KINDS = ['residents', 'households', 'places', 'organisations'];
export const PLACE_TYPES = ['building', 'shop', 'small_venue', 'facility', 'other'];
export const ORG_TYPES = ['enterprise', 'social_org', 'school', 'hospital', 'other'];

let tagsPromise = null;
/* GET /registry/tags, once per page load. */
export function loadTags() {
  if (!tagsPromise) tagsPromise = api.get('/registry/tags').catch((e) => { tagsPromise = null; throw e; });
  return tagsPromise;
}

/* "76岁" from "1950-03-01" (at today's date). */
export function age(birth) {
  if (!birth || birth.length < 10) return '';
  const now = new Date();
  let a = now.getFullYear() - Number(birth.slice(0, 4));
  const md = (now.getMonth() + 1) * 100 + now.getDate();
  if (md < Number(birth.slice(5, 7)) * 100 + Number(birth.slice(8, 10))) a--;
  return a >= 0 && a < 150 ? t('reg.age', { n: a }) : '';
}

export const mayWrite = () => hasRole('admin', 'dispatcher', 'grid_worker');

export default {
  setup() {
    const tab = ref(Math.max(0, KINDS.indexOf(route.query.tab)));
    const kind = computed(() => KINDS[tab.value]);
    const f = reactive({ q: route.query.q || '', unit_id: route.query.unit_id || '', tag: route.query.tag || '', type: route.query.type || '' });
    const qInput = ref(f.q);
    const tags = ref([]);
    const showUnit = ref(false);

    const params = computed(() => {
      const p = { q: f.q, unit_id: f.unit_id };
      if (kind.value === 'residents') p.tag = f.tag;
      if (kind.value === 'places' || kind.value === 'organisations') p.type = f.type;
      return p;
    });
    const { items, loading, finished, error, page } = cursorList((cursor) => api.get('/registry/' + kind.value, { ...params.value, limit: 30, cursor }));
    onMounted(() => {
      loadUnits().catch(() => null);
      loadTags().then((l) => { tags.value = l; }).catch(() => null);
      page(true);
    });
    /* another tab: its own filters (reset before the list reloads) */
    watch(tab, () => { f.type = ''; f.tag = ''; }, { flush: 'sync' });
    watch([tab, () => f.q, () => f.unit_id, () => f.tag, () => f.type], () => {
      setQuery({ tab: kind.value === 'residents' ? undefined : kind.value, ...params.value });
      page(true);
    });
    function search() { f.q = qInput.value.trim(); }
    function pickUnit(u) { f.unit_id = String(u.id); }
    const types = computed(() => (kind.value === 'places' ? PLACE_TYPES : kind.value === 'organisations' ? ORG_TYPES : []));
    const sensitive = (name) => (tags.value.find((x) => x.name === name) || {}).sensitive;
    const open = (it) => go('/registry/' + kind.value + '/' + it.id);
    const create = () => go('/registry/' + kind.value + '/create', f.unit_id ? { unit_id: f.unit_id } : {});
    return {
      tab, kind, KINDS, f, qInput, items, loading, finished, error, page, search, tags, showUnit, pickUnit, types, sensitive, open, create,
      mayWrite, hasRole, unitName, age, label, t, go,
    };
  },
  template: `
  <div class="lx-registry">
    <van-tabs v-model:active="tab" sticky :offset-top="0" data-test="registry-tabs">
      <van-tab v-for="k in KINDS" :key="k"><template #title><span :data-tab-title="k">{{ t('reg.tab_' + k) }}</span></template></van-tab>
    </van-tabs>
    <div class="lx-toolbar">
      <van-search v-model="qInput" :placeholder="t('reg.search_' + kind)" shape="round" @search="search" @clear="qInput = ''; search()" data-test="registry-search" />
    </div>
    <div class="lx-toolbar">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !!f.unit_id }" @click="f.unit_id ? (f.unit_id = '') : (showUnit = true)" data-test="unit-filter">
        <van-icon name="cluster-o" /> {{ f.unit_id ? unitName(+f.unit_id) + ' ✕' : t('reg.all_units') }}</button>
      <span class="lx-flex1"></span>
      <van-button v-if="mayWrite() && kind !== 'organisations'" size="small" icon="upgrade" plain @click="go('/registry-import', { kind })" data-test="to-import">{{ t('nav.registry_import') }}</van-button>
      <van-button v-if="mayWrite()" size="small" icon="plus" type="primary" @click="create" data-test="registry-create">{{ t('reg.create') }}</van-button>
    </div>
    <div v-if="kind === 'residents' && tags.length" class="lx-filter-row" data-test="tag-filter">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !f.tag }" @click="f.tag = ''">{{ t('common.all') }}</button>
      <button v-for="tg in tags" :key="tg.name" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.tag === tg.name }" @click="f.tag = f.tag === tg.name ? '' : tg.name"
              :data-tag="tg.name" :title="tg.note || ''">{{ tg.name }}<span v-if="tg.sensitive" class="lx-sensitive">{{ t('reg.sensitive') }}</span></button>
    </div>
    <div v-if="types.length" class="lx-filter-row" data-test="type-filter">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !f.type }" @click="f.type = ''">{{ t('common.all') }}</button>
      <button v-for="ty in types" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: f.type === ty }" @click="f.type = ty" :data-type="ty">{{ label(kind === 'places' ? 'place_type' : 'org_type', ty) }}</button>
    </div>
    <van-list :loading="loading" :finished="finished" :finished-text="items.length ? t('common.no_more') : ''" @load="page(false)" :immediate-check="false"
              :error="!!error && items.length > 0" :error-text="error ? error.message : ''" @update:error="page(false)" :loading-text="t('common.loading')">
      <lx-error v-if="error && !items.length" :error="error" @retry="page(true)" />
      <van-empty v-else-if="!loading && !items.length" image="search" :description="t('reg.empty')" />
      <div class="lx-grid-list" data-test="registry-list" :data-kind="kind">
        <a v-for="it in items" :key="it.id" class="lx-card lx-reg-item" :href="'#/registry/' + kind + '/' + it.id" :data-id="it.id">
          <template v-if="kind === 'residents'">
            <div class="lx-card-head">
              <span class="lx-card-title">{{ it.name }}</span>
              <span class="lx-muted">{{ [label('gender', it.gender), age(it.birth_date)].filter(Boolean).join(' · ') }}</span>
              <span class="lx-flex1"></span>
              <span class="lx-num">{{ it.phone }}</span>
            </div>
            <div v-if="it.tags.length" class="lx-chips lx-reg-tags">
              <van-tag v-for="tg in it.tags" :key="tg" :type="sensitive(tg) ? 'warning' : 'primary'" plain>{{ tg }}</van-tag>
            </div>
            <div class="lx-card-meta"><span>{{ it.address }}</span><span>{{ unitName(it.unit_id) }}</span></div>
          </template>
          <template v-else-if="kind === 'households'">
            <div class="lx-card-title">{{ it.address }}</div>
            <div class="lx-card-meta"><span>{{ t('reg.members_n', { n: it.members }) }}</span><span>{{ unitName(it.unit_id) }}</span></div>
          </template>
          <template v-else>
            <div class="lx-card-head">
              <span class="lx-card-title">{{ it.name }}</span>
              <van-tag plain>{{ label(kind === 'places' ? 'place_type' : 'org_type', it.type) }}</van-tag>
            </div>
            <div class="lx-card-meta"><span v-if="it.address">{{ it.address }}</span><span>{{ unitName(it.unit_id) }}</span>
              <span v-if="it.contact">{{ it.contact }} {{ it.phone || '' }}</span></div>
          </template>
        </a>
      </div>
    </van-list>
    <lx-unit-picker v-model:show="showUnit" @pick="pickUnit" :title="t('reg.pick_unit')" />
  </div>`,
};
