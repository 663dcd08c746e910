/*
 * map.js - the grid map (网格地图): the units of the caller's scope drawn
 * from their GeoJSON boundaries, coloured by the open or overdue cases
 * located in each (按发生地) or handled by it (按承办单位: the handling unit,
 * or the located one before any dispatch); click to go down from district
 * to street to community to grid, where the open cases are listed.
 */
import { ref, computed, watch, onMounted } from 'vue';
import { t } from '../i18n.js';
import { listAll } from '../api.js';
import { loadUnits, loadWorkflows, unitIndex, unitName, mapTop, openStatuses } from '../session.js';
import { route, setQuery } from '../router.js';
import { LxGridMap, heat } from '../components/gridmap.js';

export default {
  components: { LxGridMap },
  setup() {
    const root = ref(Number(route.query.unit) || 0);
    const ready = ref(!!root.value);
    const metric = ref(route.query.metric === 'overdue' ? 'overdue' : 'open');
    const basis = ref(route.query.basis === 'handler' ? 'handler' : 'location');
    const BASES = ['location', 'handler'];
    const keyUnit = (c) => (basis.value === 'handler' ? c.handler_unit_id || c.unit_id : c.unit_id);
    const cases = ref([]);
    const loading = ref(false);
    const error = ref(null);
    const truncated = ref(false);
    let seq = 0;

    async function load() {
      const my = ++seq;
      loading.value = true;
      error.value = null;
      try {
        await Promise.all([loadUnits(), loadWorkflows()]);
        if (!ready.value) {
          ready.value = true;
          if (!root.value && mapTop()) { root.value = mapTop(); return; }
        }
        /* the open statuses of the machines (GET /workflows) */
        const lists = await Promise.all(openStatuses().map((s) => listAll({ status: s, unit_id: root.value || undefined, basis: root.value ? basis.value : undefined }, 3000)));
        if (my !== seq) return;
        cases.value = lists.flatMap((l) => l.items);
        truncated.value = lists.some((l) => l.more);
      } catch (e) {
        if (my === seq) error.value = e;
      } finally {
        if (my === seq) loading.value = false;
      }
    }
    onMounted(load);
    const sync = () => setQuery({ unit: root.value || undefined, metric: metric.value, basis: basis.value === 'location' ? undefined : basis.value });
    watch(root, () => { sync(); load(); });
    watch(basis, () => { sync(); load(); });
    watch(metric, sync);

    const children = computed(() => {
      const all = [...unitIndex.value.values()];
      const territorial = (u) => u.kind !== 'department' && u.kind !== 'station';
      if (root.value) return all.filter((u) => u.parent_id === root.value && territorial(u));
      return all.filter((u) => !unitIndex.value.has(u.parent_id) && territorial(u));
    });
    /* Which child of the root each case lies in (by its located unit's path). */
    const counts = computed(() => {
      const m = new Map();
      for (const u of children.value) m.set(u.id, { open: 0, overdue: 0 });
      for (const c of cases.value) {
        const loc = unitIndex.value.get(keyUnit(c));
        if (!loc) continue;
        const child = children.value.find((u) => loc.path.startsWith(u.path));
        if (!child) continue;
        const x = m.get(child.id);
        x.open++;
        if (c.overdue) x.overdue++;
      }
      return m;
    });
    const values = computed(() => {
      const v = new Map();
      for (const [id, x] of counts.value) v.set(id, x[metric.value]);
      return v;
    });
    const maxValue = computed(() => Math.max(0, ...values.value.values()));
    const points = computed(() => cases.value.map((c) => ({ id: c.id, lat: c.lat, lon: c.lon, hot: c.overdue })));
    const crumbs = computed(() => {
      const u = unitIndex.value.get(root.value);
      if (!u) return [];
      return u.path.split('/').filter(Boolean).map(Number).map((id) => unitIndex.value.get(id)).filter(Boolean);
    });
    const rows = computed(() => children.value.map((u) => ({ u, ...(counts.value.get(u.id) || { open: 0, overdue: 0 }) }))
      .sort((a, b) => b[metric.value] - a[metric.value] || b.open - a.open));
    const totals = computed(() => ({ open: cases.value.length, overdue: cases.value.filter((c) => c.overdue).length }));
    /* open cases counted in no child (handled at this level or by a department) */
    const elsewhere = computed(() => {
      let n = 0;
      for (const x of counts.value.values()) n += x.open;
      return Math.max(0, cases.value.length - n);
    });
    const leaf = computed(() => root.value && !children.value.length);
    const leafCases = computed(() => [...cases.value].sort((a, b) => (b.overdue - a.overdue) || b.id - a.id));
    function drill(u) { root.value = u.id; }
    const legend = computed(() => {
      const m = maxValue.value;
      if (!m) return [{ c: heat(0, 0), l: '0' }];
      const steps = [0, 1, Math.ceil(m / 2), m].filter((x, i, a) => a.indexOf(x) === i);
      return steps.map((x) => ({ c: heat(x, m), l: String(x) }));
    });
    const multiTop = computed(() => unitIndex.value.size > 0 && !mapTop());
    return { ready, multiTop, root, metric, basis, BASES, elsewhere, cases, loading, error, load, values, points, crumbs, rows, totals, leaf, leafCases, drill, legend, truncated, unitName, t };
  },
  template: `
  <div class="lx-mapview" data-test="map-view">
    <div class="lx-toolbar">
      <div class="lx-crumbs" data-test="map-crumbs">
        <template v-if="multiTop"><a href="javascript:void 0" @click="root = 0">{{ t('map.top') }}</a> › </template>
        <template v-for="(c, i) in crumbs" :key="c.id"><template v-if="i"> › </template><a href="javascript:void 0" @click="root = c.id">{{ c.name }}</a></template>
      </div>
      <span class="lx-flex1"></span>
      <span class="lx-basis" data-test="map-basis" :data-basis="basis"><b data-test="basis-label">{{ t('basis.by_' + basis) }}</b>
        <button v-for="b in BASES" :key="b" type="button" class="lx-chip lx-chip-sm" :class="{ on: basis === b }" @click="basis = b" :data-basis="b">{{ t('basis.short_' + b) }}</button></span>
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: metric === 'open' }" @click="metric = 'open'" data-metric="open">{{ t('map.open') }} {{ totals.open }}</button>
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: metric === 'overdue' }" @click="metric = 'overdue'" data-metric="overdue">{{ t('map.overdue') }} {{ totals.overdue }}</button>
    </div>
    <div class="lx-dash-grid">
      <div class="lx-card" style="padding:8px">
        <lx-grid-map v-if="ready" :root="root" :values="leaf ? null : values" :points="points" @drill="drill" />
        <div class="lx-legend lx-pad-x" style="padding-top:6px">
          <span>{{ metric === 'open' ? t('map.open') : t('map.overdue') }}</span>
          <template v-for="l in legend" :key="l.l"><i :style="{ background: l.c }"></i>{{ l.l }}</template>
          <span class="lx-flex1"></span>
          <span><i style="background:#1989fa;border-radius:50%;width:10px"></i> {{ t('map.case_dot') }}</span>
          <span><i style="background:#ee0a24;border-radius:50%;width:10px"></i> {{ t('map.overdue_dot') }}</span>
          <van-loading v-if="loading" size="14" />
        </div>
        <div v-if="truncated" class="lx-warn lx-pad-x">{{ t('map.truncated') }}</div>
      </div>
      <div class="lx-card">
        <lx-error v-if="error" :error="error" @retry="load" />
        <template v-else-if="!leaf">
          <table class="lx-rank" data-test="map-table">
            <thead><tr><th>{{ t('dash.unit') }}</th><th>{{ t('map.open') }}</th><th>{{ t('map.overdue') }}</th></tr></thead>
            <tbody><tr v-for="r in rows" :key="r.u.id" class="lx-click" @click="drill(r.u)" :data-unit-id="r.u.id">
              <td class="lx-rank-name">{{ r.u.name }}</td><td>{{ r.open }}</td><td :style="r.overdue ? 'color:#ee0a24;font-weight:600' : ''">{{ r.overdue }}</td></tr></tbody>
          </table>
          <div v-if="rows.length && elsewhere" class="lx-muted lx-pad-x" data-test="map-elsewhere">{{ t('map.elsewhere_' + basis, { n: elsewhere }) }}</div>
          <van-empty v-if="!rows.length" :description="t('map.no_children')" image-size="60" />
        </template>
        <template v-else>
          <div class="lx-card-head"><b>{{ t('map.cases_here', { u: unitName(root) }) }}</b></div>
          <van-empty v-if="!leafCases.length" :description="t('map.no_open')" image-size="60" />
          <a v-for="c in leafCases" :key="c.id" class="lx-mini-row" :href="'#/case/' + c.id">
            <span class="lx-num">{{ c.number }}</span><span class="lx-ellipsis">{{ c.title }}</span><lx-countdown :case="c" /><lx-status :status="c.status" :type="c.type" />
          </a>
        </template>
      </div>
    </div>
  </div>`,
};
