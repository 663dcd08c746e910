/*
 * stats.js - 一键呼叫统计 (#/onekey/stats, GET /onekey/stats): for a unit
 * and a period (the last twelve months unless chosen), how many calls, how
 * many acknowledged and arrived, and how soon (median and 90th percentile,
 * in 分秒), in all and per community and month; the calls nobody ever
 * acknowledged stand out (green at 0, red otherwise: the number must be 0).
 * The chart is the median time to acknowledge per month (one reading of
 * the figures per month: the reply's total is the whole period's), its
 * 90th percentile as a line. A role the figures are not for (a volunteer)
 * gets the server's 403 as a message.
 */
import { ref, computed, watch, onMounted, onBeforeUnmount, nextTick, shallowRef } from 'vue';
import { t, locale } from '../../i18n.js';
import { api } from '../../api.js';
import { session, loadUnits, unitPathNames } from '../../session.js';
import { route, setQuery } from '../../router.js';
import { ymd, toastError, numberFmt } from '../../util.js';
import { loadECharts, periodRange } from '../dash.js';
import { fmtSecs } from '../onekey.js';

const PERIODS = ['12m', 'month', 'last_month', 'quarter', 'year', 'custom'];
const MAX_MONTHS = 12;

/* [from, to) of a period as dates; 12m: this month and the eleven before. */
function rangeOf(p, custom) {
  if (p !== '12m') return periodRange(p, custom);
  const d = new Date();
  return { from: ymd(new Date(d.getFullYear(), d.getMonth() - 11, 1)), to: ymd(new Date(d.getFullYear(), d.getMonth() + 1, 1)) };
}

/* The calendar months that [from, to) touches, the last MAX_MONTHS of them. */
function monthsOf(range) {
  const end = range.to ? new Date(range.to + 'T00:00:00') : new Date();
  const start = range.from ? new Date(range.from + 'T00:00:00') : new Date(end.getFullYear(), end.getMonth() - 11, 1);
  const out = [];
  for (let m = new Date(start.getFullYear(), start.getMonth(), 1); m < end; m = new Date(m.getFullYear(), m.getMonth() + 1, 1)) {
    const next = new Date(m.getFullYear(), m.getMonth() + 1, 1);
    const from = m < start ? start : m, to = next > end ? end : next;
    out.push({ key: ymd(m).slice(0, 7), label: (m.getMonth() + 1) + (locale.value === 'en' ? '' : '月'), from: ymd(from), to: ymd(to) });
  }
  return out.slice(-MAX_MONTHS);
}

export default {
  setup() {
    const unitId = ref(route.query.unit_id ? Number(route.query.unit_id) : 0);
    const period = ref(PERIODS.includes(route.query.period) ? route.query.period : '12m');
    const custom = ref({ from: route.query.from || '', to: route.query.to || '' });
    const data = shallowRef(null);
    const monthly = shallowRef([]);
    const loading = ref(true);
    const error = ref(null);
    const showUnit = ref(false);
    const chartEl = ref(null);
    let chart = null, ro = null, seq = 0;

    const range = computed(() => rangeOf(period.value, custom.value));
    async function load() {
      const my = ++seq;
      error.value = null;
      loading.value = true;
      setQuery({ unit_id: unitId.value || undefined, period: period.value === '12m' ? undefined : period.value, ...(period.value === 'custom' ? custom.value : {}) });
      const q = { unit_id: unitId.value || undefined };
      try {
        const r = await api.get('/onekey/stats', { ...q, ...range.value });
        if (my !== seq) return;
        data.value = r;
        loading.value = false;
        loadUnits().catch(() => null);
        const months = monthsOf(range.value);
        const per = await Promise.all(months.map((m) => api.get('/onekey/stats', { ...q, from: m.from, to: m.to })));
        if (my !== seq) return;
        monthly.value = months.map((m, i) => ({ ...m, g: per[i].total }));
        await nextTick();
        draw();
      } catch (e) {
        if (my === seq) { error.value = e; loading.value = false; }
      }
    }
    onMounted(load);
    watch([unitId, period], load);
    watch(custom, () => { if (period.value === 'custom' && custom.value.from && custom.value.to) load(); }, { deep: true });
    watch(locale, () => draw());
    onBeforeUnmount(() => {
      if (ro) ro.disconnect();
      if (chart) chart.dispose();
    });

    async function draw() {
      if (!chartEl.value || !monthly.value.length) return;
      let echarts;
      try { echarts = await loadECharts(); } catch (e) { toastError(e); return; }
      if (!chartEl.value) return;
      chart = echarts.getInstanceByDom(chartEl.value) || echarts.init(chartEl.value, null, { renderer: 'canvas' });
      const mins = (s) => (s === null || s === undefined ? null : +(s / 60).toFixed(2));
      const ms = monthly.value;
      chart.setOption({
        textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
        tooltip: {
          trigger: 'axis',
          formatter: (ps) => {
            const list = Array.isArray(ps) ? ps : [ps];
            if (!list.length) return '';
            const m = ms[list[0].dataIndex];
            return m.key + '<br>' + t('onekey.col_calls') + '  ' + m.g.calls + '<br>'
              + t('onekey.chart_median') + '  ' + fmtSecs(m.g.ack_median_s) + '<br>' + t('onekey.chart_p90') + '  ' + fmtSecs(m.g.ack_p90_s)
              + '<br>' + t('onekey.col_never') + '  ' + m.g.never_acked;
          },
        },
        legend: { top: 0, itemWidth: 14, itemHeight: 8 },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: 'category', data: ms.map((m) => m.label) },
        yAxis: { type: 'value', name: t('onekey.chart_unit'), minInterval: 0.5, axisLabel: { formatter: '{value}' } },
        series: [
          { name: t('onekey.chart_median'), type: 'bar', barMaxWidth: 28, itemStyle: { color: '#c8161d' }, data: ms.map((m) => mins(m.g.ack_median_s)) },
          { name: t('onekey.chart_p90'), type: 'line', smooth: true, connectNulls: false, symbolSize: 6, itemStyle: { color: '#ed6a0c' }, data: ms.map((m) => mins(m.g.ack_p90_s)) },
        ],
      }, true);
      if (!ro && window.ResizeObserver) {
        ro = new ResizeObserver(() => chart && chart.resize());
        ro.observe(chartEl.value);
      }
    }

    const unitLabel = computed(() => (unitId.value ? unitPathNames(unitId.value) : t('onekey.all_units')));
    const rows = computed(() => (data.value ? data.value.by_community : []));
    const forbidden = computed(() => error.value && error.value.status === 403);
    const rangeText = computed(() => {
      const r = range.value;
      if (!r.from) return t('onekey.range_default');
      const end = new Date(r.to + 'T00:00:00');
      end.setDate(end.getDate() - 1);
      return t('onekey.range', { from: r.from, to: ymd(end) });
    });
    function pickUnit(u) { unitId.value = u.id; }
    return {
      unitId, period, custom, data, monthly, loading, error, load, showUnit, chartEl, unitLabel, rows, forbidden, rangeText, pickUnit,
      PERIODS, fmtSecs, numberFmt, session, t,
    };
  },
  template: `
  <div class="lx-call-stats" data-test="onekey-stats">
    <div v-if="forbidden" data-test="stats-forbidden">
      <van-empty image="error" :description="t('onekey.stats_forbidden')">
        <div class="lx-call-forbidden">
          <div class="lx-muted" data-test="stats-forbidden-detail">{{ error.message }}</div>
          <a href="#/onekey" class="van-button van-button--primary van-button--small van-button--plain lx-export-link">{{ t('onekey.back_to_list') }}</a>
        </div>
      </van-empty>
    </div>
    <template v-else>
    <div class="lx-dash-controls">
      <van-button size="small" icon="cluster-o" @click="showUnit = true" data-test="stats-unit">{{ unitLabel }}</van-button>
      <div class="lx-filter-row" style="padding:0">
        <button v-for="p in PERIODS" :key="p" type="button" class="lx-chip lx-chip-sm" :class="{ on: period === p }" @click="period = p" :data-period="p">{{ t('onekey.period_' + p) }}</button>
      </div>
      <span v-if="period === 'custom'" class="lx-chips"><input type="date" v-model="custom.from" class="lx-date" /> — <input type="date" v-model="custom.to" class="lx-date" /></span>
    </div>
    <div class="lx-muted lx-pad-x">{{ rangeText }}</div>
    <div v-if="loading && !data" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-if="data">
      <div class="lx-kpis lx-call-kpis" data-test="stats-total">
        <div class="lx-kpi" data-kpi="calls"><div class="lx-kpi-label">{{ t('onekey.col_calls') }}</div>
          <div class="lx-kpi-value" data-value>{{ numberFmt(data.total.calls) }}</div>
          <div class="lx-kpi-sub">{{ t('onekey.kpi_answered', { a: data.total.acked, b: data.total.arrived }) }}</div></div>
        <div class="lx-kpi lx-call-never" :class="data.total.never_acked ? 'lx-call-never-bad' : 'lx-call-never-ok'" data-kpi="never_acked" :data-zero="data.total.never_acked === 0">
          <div class="lx-kpi-label">{{ t('onekey.col_never') }}</div>
          <div class="lx-kpi-value" data-value>{{ numberFmt(data.total.never_acked) }}</div>
          <div class="lx-kpi-sub">{{ data.total.never_acked ? t('onekey.never_bad') : t('onekey.never_ok') }}</div></div>
        <div class="lx-kpi" data-kpi="ack"><div class="lx-kpi-label">{{ t('onekey.kpi_ack') }}</div>
          <div class="lx-kpi-value" data-value>{{ fmtSecs(data.total.ack_median_s) }}</div>
          <div class="lx-kpi-sub">P90 {{ fmtSecs(data.total.ack_p90_s) }}</div></div>
        <div class="lx-kpi" data-kpi="arrive"><div class="lx-kpi-label">{{ t('onekey.kpi_arrive') }}</div>
          <div class="lx-kpi-value" data-value>{{ fmtSecs(data.total.arrive_median_s) }}</div>
          <div class="lx-kpi-sub">P90 {{ fmtSecs(data.total.arrive_p90_s) }}</div></div>
      </div>
      <div v-if="data.truncated" class="lx-banner lx-banner-warn" data-test="stats-truncated">{{ t('onekey.truncated') }}</div>
      <div class="lx-card">
        <div class="lx-card-head"><b>{{ t('onekey.chart_title') }}</b><span class="lx-muted">{{ t('onekey.chart_hint') }}</span></div>
        <div ref="chartEl" class="lx-chart" data-test="stats-chart"></div>
      </div>
      <div class="lx-card" data-test="stats-table">
        <div class="lx-card-head"><b>{{ t('onekey.table_title') }}</b><span class="lx-muted">{{ t('onekey.table_hint') }}</span></div>
        <div class="lx-scroll-x">
          <table class="lx-rank lx-call-table">
            <thead>
              <tr><th rowspan="2">{{ t('onekey.col_month') }}</th><th rowspan="2">{{ t('onekey.col_community') }}</th><th rowspan="2">{{ t('onekey.col_calls') }}</th>
                <th rowspan="2">{{ t('onekey.col_never') }}</th><th colspan="2" class="lx-call-th-group">{{ t('onekey.col_ack') }}</th><th colspan="2" class="lx-call-th-group">{{ t('onekey.col_arrive') }}</th></tr>
              <tr><th>{{ t('onekey.col_median') }}</th><th>P90</th><th>{{ t('onekey.col_median') }}</th><th>P90</th></tr>
            </thead>
            <tbody>
              <tr v-for="g in rows" :key="g.month + '-' + g.unit_id" data-test="stats-row" :data-month="g.month" :data-unit-id="g.unit_id" :data-name="g.name">
                <td>{{ g.month }}</td>
                <td class="lx-rank-name">{{ g.name }}</td>
                <td data-col="calls">{{ g.calls }}<span class="lx-muted"> / {{ g.acked }} / {{ g.arrived }}</span></td>
                <td data-col="never_acked" :data-zero="g.never_acked === 0" :class="g.never_acked ? 'lx-call-never-bad' : 'lx-call-never-ok'">{{ g.never_acked }}</td>
                <td data-col="ack_median">{{ fmtSecs(g.ack_median_s) }}</td>
                <td data-col="ack_p90">{{ fmtSecs(g.ack_p90_s) }}</td>
                <td data-col="arrive_median">{{ fmtSecs(g.arrive_median_s) }}</td>
                <td data-col="arrive_p90">{{ fmtSecs(g.arrive_p90_s) }}</td>
              </tr>
            </tbody>
          </table>
          <van-empty v-if="!rows.length" :description="t('onekey.stats_empty')" image-size="60" />
        </div>
        <div class="lx-muted">{{ t('onekey.calls_col_hint') }}</div>
      </div>
    </template>
    <lx-unit-picker v-model:show="showUnit" :title="t('dash.pick_unit')" @pick="pickUnit" :kinds="['district', 'street', 'community', 'village', 'grid']" />
    </template>
  </div>`,
};
