/*
 * dash.js - the leader dashboard (领导驾驶舱) for a chosen unit and period:
 * the three rates exactly as /api/v1/stats/summary gives them, counted by
 * handling unit (按承办单位) or by where the case lies (按发生地), as the
 * reply says; their trend over six months (this month drawn as partial:
 * 截至今日), the ranking of every child unit (zeros too) and of the
 * departments, the overdue list, and the month's most frequent categories
 * (每月一题 candidates).
 * Charts are Apache ECharts, loaded only here.
 */
import { ref, computed, watch, onMounted, onBeforeUnmount, nextTick, shallowRef } from 'vue';
import { t, locale } from '../i18n.js';
import { api, qs } from '../api.js';
import { session, loadUnits, unitIndex, unitName, unitPathNames, hasRole } from '../session.js';
import { route, setQuery, go } from '../router.js';
import { pct, fraction, ymd, toastError, numberFmt } from '../util.js';
import { showSuccessToast } from '../vant.js';

let echartsPromise = null;
/* Loads vendor/echarts.common.min.js once (UMD: window.echarts). */
export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsPromise) {
    echartsPromise = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = new URL('../../vendor/echarts.common.min.js', import.meta.url).href;
      s.onload = () => resolve(window.echarts);
      s.onerror = () => { echartsPromise = null; reject(new Error(t('err.echarts'))); };
      document.head.appendChild(s);
    });
  }
  return echartsPromise;
}

const PERIODS = ['30d', 'month', 'last_month', 'quarter', 'year', 'custom'];
const TERRITORY = ['street', 'community', 'village', 'grid', 'microgrid', 'district'];
const METRICS = ['received', 'response_rate', 'resolution_rate', 'satisfaction_rate', 'overdue_open'];
/* What the summary counts a case by: its handling unit, or the unit it lies in. */
export const BASES = ['handler', 'location'];

/* [from, to) of a period as dates, or {} for the server's default (30 days). */
export function periodRange(p, custom) {
  const d = new Date();
  const first = (y, m) => new Date(y, m, 1);
  switch (p) {
  case 'month': return { from: ymd(first(d.getFullYear(), d.getMonth())), to: ymd(first(d.getFullYear(), d.getMonth() + 1)) };
  case 'last_month': return { from: ymd(first(d.getFullYear(), d.getMonth() - 1)), to: ymd(first(d.getFullYear(), d.getMonth())) };
  case 'quarter': {
    const q = Math.floor(d.getMonth() / 3) * 3;
    return { from: ymd(first(d.getFullYear(), q)), to: ymd(first(d.getFullYear(), q + 3)) };
  }
  case 'year': return { from: ymd(first(d.getFullYear(), 0)), to: ymd(first(d.getFullYear() + 1, 0)) };
  case 'custom': {
    if (!custom.from || !custom.to) return {};
    const end = new Date(custom.to + 'T00:00:00');
    end.setDate(end.getDate() + 1);
    return { from: custom.from, to: ymd(end) };
  }
  default: return {};
  }
}

const rateVal = (r) => (r && r.value !== null ? r.value : null);

export default {
  setup() {
    const unitId = ref(route.query.unit_id ? Number(route.query.unit_id) : (session.user.unit_id || 0));
    const period = ref(PERIODS.includes(route.query.period) ? route.query.period : '30d');
    const basis = ref(BASES.includes(route.query.basis) ? route.query.basis : 'handler');
    const custom = ref({ from: route.query.from || '', to: route.query.to || '' });
    const sum = shallowRef(null);
    const trend = shallowRef([]);
    const overdue = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const rankKind = ref('territory');
    const rankBy = ref('satisfaction_rate');
    const showUnit = ref(false);
    const chartTrend = ref(null), chartTop = ref(null), chartPie = ref(null);
    const charts = [];
    const supervising = ref(null);
    const superviseNote = ref('');
    let ro = null, seq = 0;

    const range = computed(() => periodRange(period.value, custom.value));
    const query = computed(() => ({ unit_id: unitId.value || undefined, basis: basis.value, ...range.value }));
    /* the overdue cases now, narrowed the same way (a unit only) */
    const overdueQuery = () => ({ overdue: 'true', unit_id: unitId.value || undefined, basis: unitId.value ? basis.value : undefined, limit: 20 });

    async function load() {
      const my = ++seq;
      error.value = null;
      loading.value = true;
      setQuery({ unit_id: unitId.value || undefined, period: period.value, basis: basis.value === 'handler' ? undefined : basis.value, ...(period.value === 'custom' ? custom.value : {}) });
      try {
        await loadUnits().catch(() => null);
        const s = await api.get('/stats/summary', query.value);
        if (my !== seq) return;
        sum.value = s;
        loading.value = false;
        const [od, tr] = await Promise.all([
          api.get('/cases', overdueQuery()),
          loadTrend(),
        ]);
        if (my !== seq) return;
        overdue.value = od.items;
        trend.value = tr;
        await nextTick();
        draw();
      } catch (e) {
        if (my === seq) { error.value = e; loading.value = false; }
      }
    }
    /* Six calendar months ending with this one, one summary each. */
    async function loadTrend() {
      const d = new Date();
      const months = [];
      for (let i = 5; i >= 0; i--) {
        const a = new Date(d.getFullYear(), d.getMonth() - i, 1), b = new Date(d.getFullYear(), d.getMonth() - i + 1, 1);
        months.push({ label: (a.getMonth() + 1) + (locale.value === 'en' ? '' : '月'), from: ymd(a), to: ymd(b) });
      }
      const res = await Promise.all(months.map((m) => api.get('/stats/summary', { unit_id: unitId.value || undefined, basis: basis.value, from: m.from, to: m.to })));
      return months.map((m, i) => ({ ...m, s: res[i] }));
    }

    watch([unitId, period, basis], load);
    watch(custom, () => { if (period.value === 'custom' && custom.value.from && custom.value.to) load(); }, { deep: true });
    watch(locale, () => draw());
    onMounted(load);
    onBeforeUnmount(() => {
      if (ro) ro.disconnect();
      for (const c of charts) c.dispose();
    });

    const ranking = computed(() => {
      const s = sum.value;
      if (!s) return [];
      const list = s.by_unit.filter((u) => (rankKind.value === 'territory' ? TERRITORY.includes(u.kind) : !TERRITORY.includes(u.kind)));
      const key = rankBy.value;
      const v = (u) => (key.endsWith('_rate') ? rateVal(u[key]) : u[key]);
      return [...list].sort((a, b) => {
        const x = v(a), y = v(b);
        if (x === null && y === null) return b.received - a.received;
        if (x === null) return 1;
        if (y === null) return -1;
        return key === 'overdue_open' ? x - y || b.received - a.received : y - x || b.received - a.received;
      });
    });
    const hasDepartments = computed(() => sum.value && sum.value.by_unit.some((u) => !TERRITORY.includes(u.kind)));
    const topCats = computed(() => {
      const s = sum.value;
      if (!s) return [];
      return [...s.by_category].filter((c) => c.received > 0).sort((a, b) => b.received - a.received).slice(0, 10);
    });
    const unitLabel = computed(() => (unitId.value ? unitPathNames(unitId.value) : t('dash.all_units')));
    const canDrillUp = computed(() => {
      const u = unitIndex.value.get(unitId.value);
      return !!(u && u.parent_id && unitIndex.value.has(u.parent_id));
    });
    function drill(u) {
      if (u.unit_id) unitId.value = u.unit_id;
    }
    function up() {
      const u = unitIndex.value.get(unitId.value);
      if (u && u.parent_id) unitId.value = u.parent_id;
    }
    function pickUnit(u) { unitId.value = u.id; }

    async function draw() {
      if (!sum.value) return;
      let echarts;
      try { echarts = await loadECharts(); } catch (e) { toastError(e); return; }
      const base = { textStyle: { fontFamily: getComputedStyle(document.body).fontFamily } };
      const mk = (el) => {
        if (!el) return null;
        let c = echarts.getInstanceByDom(el);
        if (!c) { c = echarts.init(el, null, { renderer: 'canvas' }); charts.push(c); }
        return c;
      };
      const ct = mk(chartTrend.value);
      if (ct && trend.value.length) {
        const tr = trend.value;
        /* this month is not over: its bar lighter and dashed, the lines'
         * last segment dashed, its label 截至今日 */
        const cur = tr.length - 1;
        const line = (key, name, color) => {
          const d = tr.map((m) => (rateVal(m.s[key]) === null ? null : +(rateVal(m.s[key]) * 100).toFixed(1)));
          return [
            { name, type: 'line', smooth: true, yAxisIndex: 0, connectNulls: false, symbolSize: 6, itemStyle: { color }, data: d.map((v, i) => (i < cur ? v : null)) },
            { name, type: 'line', yAxisIndex: 0, symbolSize: 6, itemStyle: { color }, lineStyle: { type: 'dashed' }, data: d.map((v, i) => (i >= cur - 1 ? v : null)) },
          ];
        };
        /* one row per measure (the dashed part repeats the lines' names) */
        const tip = (ps) => {
          const list = Array.isArray(ps) ? ps : [ps];
          if (!list.length) return '';
          const i = list[0].dataIndex, rows = new Map();
          for (const p of list) {
            const v = p.value === undefined ? null : p.value;
            if (rows.has(p.seriesName) && v === null) continue;
            rows.set(p.seriesName, p.marker + p.seriesName + '  ' + (v === null ? '—' : v + (p.seriesType === 'line' ? '%' : '')));
          }
          return tr[i].label + (i === cur ? ' ' + t('dash.partial') : '') + '<br>' + [...rows.values()].join('<br>');
        };
        ct.setOption({
          ...base,
          tooltip: { trigger: 'axis', formatter: tip },
          legend: { top: 0, itemWidth: 14, itemHeight: 8 },
          grid: { left: 40, right: 40, top: 36, bottom: 36 },
          xAxis: { type: 'category', data: tr.map((m, i) => (i === cur ? m.label + '\n' + t('dash.to_date') : m.label)) },
          yAxis: [
            { type: 'value', min: (v) => Math.max(0, Math.floor(v.min / 10) * 10 - 10), max: 100, axisLabel: { formatter: '{value}%' } },
            { type: 'value', splitLine: { show: false } },
          ],
          series: [
            {
              name: t('dash.received'), type: 'bar', yAxisIndex: 1, itemStyle: { color: '#e6e8eb' }, barMaxWidth: 28,
              data: tr.map((m, i) => (i === cur ? { value: m.s.received, itemStyle: { color: '#f5f6f7', borderColor: '#c8c9cc', borderType: 'dashed', borderWidth: 1 } } : m.s.received)),
            },
            ...line('response_rate', t('dash.response_rate'), '#1989fa'),
            ...line('resolution_rate', t('dash.resolution_rate'), '#07a35a'),
            ...line('satisfaction_rate', t('dash.satisfaction_rate'), '#c8161d'),
          ],
        }, true);
      }
      const cp = mk(chartPie.value);
      if (cp) {
        const s = sum.value;
        cp.setOption({
          ...base,
          tooltip: { trigger: 'item' },
          legend: { bottom: 0, itemWidth: 12, itemHeight: 8 },
          series: [{
            type: 'pie', radius: ['45%', '70%'], center: ['50%', '45%'], label: { formatter: '{b}\n{c}' },
            data: [
              { name: t('rating.satisfied'), value: s.satisfied, itemStyle: { color: '#07a35a' } },
              { name: t('rating.basic'), value: s.basic, itemStyle: { color: '#ffb020' } },
              { name: t('rating.unsatisfied'), value: s.unsatisfied, itemStyle: { color: '#ee0a24' } },
            ],
          }],
        }, true);
      }
      const cc = mk(chartTop.value);
      if (cc) {
        const list = [...topCats.value].reverse();
        cc.setOption({
          ...base,
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', data: list.map((c) => c.name), axisLabel: { width: 110, overflow: 'truncate' } },
          series: [{ type: 'bar', data: list.map((c) => c.received), itemStyle: { color: '#c8161d' }, label: { show: true, position: 'right' }, barMaxWidth: 18 }],
        }, true);
      }
      if (!ro && window.ResizeObserver) {
        ro = new ResizeObserver(() => charts.forEach((c) => c.resize()));
        [chartTrend.value, chartPie.value, chartTop.value].forEach((el) => el && ro.observe(el));
      }
    }

    function supervise(c) { supervising.value = c; superviseNote.value = t('quick.supervise_1'); }
    async function doSupervise() {
      const c = supervising.value;
      try {
        await api.post('/cases/' + c.id + '/supervise', { note: superviseNote.value.trim(), version: c.version });
        showSuccessToast(t('done.supervise'));
        supervising.value = null;
        const od = await api.get('/cases', overdueQuery());
        overdue.value = od.items;
      } catch (e) { toastError(e); }
    }
    function beforeClose(action) {
      if (action === 'confirm') {
        if (superviseNote.value.trim()) doSupervise();
        return false;
      }
      supervising.value = null;
      return true;
    }
    const canSupervise = computed(() => hasRole('leader', 'dispatcher', 'admin'));
    const queryString = computed(() => qs(query.value));
    const monthly = computed(() => period.value === 'month' || period.value === 'last_month');
    /* the basis the reply says it counted by (a server without the switch counts by handling unit) */
    const countedBy = computed(() => (sum.value && BASES.includes(sum.value.basis) ? sum.value.basis : 'handler'));
    const overdueHref = computed(() => '#/cases?overdue=true' + (unitId.value ? '&unit_id=' + unitId.value + '&basis=' + basis.value : ''));

    return {
      unitId, period, custom, sum, trend, overdue, loading, error, load, rankKind, rankBy, ranking, topCats, unitLabel,
      canDrillUp, drill, up, pickUnit, showUnit, chartTrend, chartTop, chartPie, supervising, superviseNote, supervise,
      doSupervise, beforeClose, canSupervise, queryString, hasDepartments, monthly, basis, countedBy, overdueHref, BASES, PERIODS, METRICS, pct, fraction, numberFmt, unitName, go, t,
    };
  },
  template: `
  <div class="lx-dash" data-test="dashboard" :data-query="queryString">
    <div class="lx-dash-controls">
      <van-button size="small" icon="cluster-o" @click="showUnit = true" data-test="dash-unit">{{ unitLabel }}</van-button>
      <van-button v-if="canDrillUp" size="small" icon="arrow-up" plain @click="up">{{ t('dash.up') }}</van-button>
      <div class="lx-filter-row" style="padding:0">
        <button v-for="p in PERIODS" :key="p" type="button" class="lx-chip lx-chip-sm" :class="{ on: period === p }" @click="period = p" :data-period="p">{{ t('dash.period_' + p) }}</button>
      </div>
      <span v-if="period === 'custom'" class="lx-chips"><input type="date" v-model="custom.from" class="lx-date" /> — <input type="date" v-model="custom.to" class="lx-date" /></span>
    </div>
    <div class="lx-basis lx-pad-x" data-test="dash-basis" :data-basis="countedBy">
      <b data-test="basis-label">{{ t('basis.by_' + countedBy) }}</b>
      <span class="lx-seg">
        <button v-for="b in BASES" :key="b" type="button" class="lx-chip lx-chip-sm" :class="{ on: basis === b }" @click="basis = b" :data-basis="b">{{ t('basis.short_' + b) }}</button>
      </span>
      <span class="lx-muted">{{ t('basis.hint_' + countedBy) }}</span>
    </div>
    <div v-if="sum" class="lx-muted lx-pad-x">{{ t('dash.range', { from: sum.from.slice(0, 16).replace('T', ' '), to: sum.to.slice(0, 16).replace('T', ' ') }) }}</div>

    <div v-if="loading && !sum" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-if="sum">
      <div class="lx-kpis" data-test="kpis">
        <div class="lx-kpi" data-kpi="received"><div class="lx-kpi-label">{{ t('dash.received') }}</div>
          <div class="lx-kpi-value" data-value>{{ sum.received }}</div><div class="lx-kpi-sub">{{ t('dash.dispatched') }} {{ sum.dispatched }}</div></div>
        <div class="lx-kpi" data-kpi="response_rate"><div class="lx-kpi-label">{{ t('dash.response_rate') }}</div>
          <div class="lx-kpi-value" data-value>{{ pct(sum.response_rate) }}</div><div class="lx-kpi-sub" data-fraction>{{ fraction(sum.response_rate) }}</div></div>
        <div class="lx-kpi" data-kpi="resolution_rate"><div class="lx-kpi-label">{{ t('dash.resolution_rate') }}</div>
          <div class="lx-kpi-value" data-value>{{ pct(sum.resolution_rate) }}</div><div class="lx-kpi-sub" data-fraction>{{ fraction(sum.resolution_rate) }}</div></div>
        <div class="lx-kpi" data-kpi="satisfaction_rate"><div class="lx-kpi-label">{{ t('dash.satisfaction_rate') }}</div>
          <div class="lx-kpi-value" data-value>{{ pct(sum.satisfaction_rate) }}</div><div class="lx-kpi-sub" data-fraction>{{ fraction(sum.satisfaction_rate) }}</div></div>
        <a class="lx-kpi lx-kpi-danger" data-kpi="overdue_open" :href="overdueHref"><div class="lx-kpi-label">{{ t('dash.overdue_open') }}</div>
          <div class="lx-kpi-value" data-value>{{ sum.overdue_open }}</div>
          <div class="lx-kpi-sub" data-test="overdue-sub">{{ t('dash.overdue_of', { p: sum.received ? (sum.overdue_open / sum.received * 100).toFixed(1) + '%' : '—' }) }} · {{ t('dash.overdue_now', { n: overdue.length + (overdue.length >= 20 ? '+' : '') }) }}</div></a>
      </div>

      <div class="lx-dash-grid">
        <div class="lx-card">
          <div class="lx-card-head"><b>{{ t('dash.trend') }}</b><span class="lx-muted">{{ t('dash.trend_hint') }}</span><span class="lx-flex1"></span>
            <span class="lx-partial-note" data-test="trend-partial"><i></i>{{ t('dash.partial_note') }}</span></div>
          <div ref="chartTrend" class="lx-chart" data-test="chart-trend"></div>
        </div>
        <div class="lx-card">
          <div class="lx-card-head"><b>{{ t('dash.satisfaction_mix') }}</b></div>
          <div ref="chartPie" class="lx-chart" data-test="chart-pie"></div>
        </div>

        <div class="lx-card" data-test="ranking">
          <div class="lx-card-head"><b>{{ t('dash.ranking') }}</b><span class="lx-flex1"></span>
            <button type="button" class="lx-chip lx-chip-sm" :class="{ on: rankKind === 'territory' }" @click="rankKind = 'territory'" data-rank="territory">{{ t('dash.rank_territory') }}</button>
            <button v-if="hasDepartments" type="button" class="lx-chip lx-chip-sm" :class="{ on: rankKind === 'department' }" @click="rankKind = 'department'" data-rank="department">{{ t('dash.rank_department') }}</button>
          </div>
          <div class="lx-scroll-x">
            <table class="lx-rank">
              <thead><tr><th>#</th><th>{{ t('dash.unit') }}</th>
                <th v-for="m in METRICS" :key="m" :class="{ on: rankBy === m }" @click="rankBy = m">{{ t('dash.col_' + m) }}{{ rankBy === m ? ' ▾' : '' }}</th></tr></thead>
              <tbody>
                <tr v-for="(u, i) in ranking" :key="u.unit_id" class="lx-click" @click="drill(u)" :data-unit-id="u.unit_id">
                  <td><span class="lx-rank-no">{{ i + 1 }}</span></td>
                  <td class="lx-rank-name">{{ u.name }}</td>
                  <td>{{ u.received }}</td>
                  <td>{{ pct(u.response_rate) }}</td>
                  <td>{{ pct(u.resolution_rate) }}</td>
                  <td>{{ pct(u.satisfaction_rate) }}<div class="lx-bar" v-if="u.satisfaction_rate.value !== null"><i :style="{ width: (u.satisfaction_rate.value * 100) + '%' }"></i></div></td>
                  <td :style="u.overdue_open ? 'color:#ee0a24;font-weight:600' : ''">{{ u.overdue_open }}</td>
                </tr>
              </tbody>
            </table>
            <van-empty v-if="!ranking.length" :description="t('dash.no_children')" image-size="60" />
          </div>
        </div>

        <div class="lx-card" data-test="top-categories">
          <div class="lx-card-head"><b>{{ monthly ? t('dash.top_month') : t('dash.top_period') }}</b><span class="lx-muted">{{ t('dash.top_hint') }}</span></div>
          <div ref="chartTop" class="lx-chart" :style="{ height: Math.max(120, topCats.length * 28 + 20) + 'px' }" data-test="chart-top"></div>
          <table class="lx-rank">
            <thead><tr><th>#</th><th>{{ t('case.category') }}</th><th>{{ t('dash.col_received') }}</th><th>{{ t('dash.col_satisfaction_rate') }}</th><th>{{ t('dash.col_overdue_open') }}</th></tr></thead>
            <tbody><tr v-for="(c, i) in topCats" :key="c.category_code || 'none'" class="lx-click" @click="go('/cases', { category_code: c.category_code, unit_id: unitId || undefined })">
              <td><span class="lx-rank-no">{{ i + 1 }}</span></td><td class="lx-rank-name">{{ c.name }}</td><td>{{ c.received }}</td><td>{{ pct(c.satisfaction_rate) }}</td><td>{{ c.overdue_open }}</td></tr></tbody>
          </table>
        </div>

        <div class="lx-card" data-test="overdue-list">
          <div class="lx-card-head"><b>{{ t('dash.overdue_list') }}</b><span class="lx-muted">（{{ overdue.length }}{{ overdue.length >= 20 ? '+' : '' }}）</span><span class="lx-flex1"></span>
            <a class="lx-link" :href="overdueHref">{{ t('common.more') }}</a></div>
          <van-empty v-if="!overdue.length" :description="t('dash.no_overdue')" image-size="60" />
          <div v-for="c in overdue" :key="c.id" class="lx-dupe">
            <div class="lx-dupe-main"><a :href="'#/case/' + c.id">{{ c.number }}</a><lx-status :status="c.status" /> <lx-countdown :case="c" />
              <div class="lx-dupe-title">{{ c.title }}</div>
              <div class="lx-muted">{{ c.handler_unit_id ? c.handler_unit_name || unitName(c.handler_unit_id) : '' }}<template v-if="c.supervised"> · {{ t('case.supervised', { n: c.supervised }) }}</template></div></div>
            <van-button v-if="canSupervise" size="mini" type="warning" plain @click="supervise(c)">{{ t('action.supervise') }}</van-button>
          </div>
        </div>
      </div>
    </template>
    <lx-unit-picker v-model:show="showUnit" :title="t('dash.pick_unit')" @pick="pickUnit" :kinds="['district', 'street', 'community', 'village', 'department']" />
    <van-dialog :show="!!supervising" @update:show="supervising = $event ? supervising : null" :title="t('action.supervise')" show-cancel-button
                :before-close="beforeClose" teleport="body">
      <van-field v-model="superviseNote" type="textarea" rows="3" autosize :placeholder="t('note_ph.supervise')" />
    </van-dialog>
  </div>`,
};
