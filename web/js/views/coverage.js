/*
 * coverage.js - 走访覆盖率 (#/coverage): how much of the visiting due is
 * done (GET /visits/coverage), for one plan or all, at a unit and its
 * children: the totals, a bar chart of due / done / overdue per child unit
 * (ECharts; a tap on a bar or a row goes down into that unit, the crumbs
 * back up), and the tables by grid worker and by plan.
 */
import { ref, computed, watch, onMounted, onBeforeUnmount, nextTick } from 'vue';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { loadUnits, unitIndex, unitName } from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError, numberFmt } from '../util.js';
import { loadECharts } from './dash.js';

const pct = (done, due) => (due ? Math.round((done / due) * 1000) / 10 + '%' : '—');

export default {
  setup() {
    const planId = ref(Number(route.query.plan_id) || 0);
    const unitId = ref(Number(route.query.unit_id) || 0);
    const plans = ref([]);
    const cov = ref(null);
    const loading = ref(true);
    const error = ref(null);
    const chartEl = ref(null);
    let chart = null;
    let ro = null;
    let seq = 0;

    async function load() {
      const my = ++seq;
      loading.value = true;
      error.value = null;
      try {
        const r = await api.get('/visits/coverage', { plan_id: planId.value || undefined, unit_id: unitId.value || undefined });
        if (my !== seq) return;
        cov.value = r;
      } catch (e) {
        if (my === seq) error.value = e;
      } finally {
        if (my === seq) loading.value = false;
      }
      await nextTick();
      draw();
    }
    onMounted(() => {
      loadUnits().catch(() => null);
      api.get('/visit-plans').then((r) => { plans.value = r.items; }).catch(() => null);
      load();
    });
    onBeforeUnmount(() => { if (ro) ro.disconnect(); if (chart) chart.dispose(); });
    watch([planId, unitId], () => {
      setQuery({ plan_id: planId.value || undefined, unit_id: unitId.value || undefined });
      load();
    });

    const crumbs = computed(() => {
      const u = unitIndex.value.get(unitId.value);
      if (!u) return unitId.value ? [{ id: unitId.value, name: unitName(unitId.value) }] : [];
      return u.path.split('/').filter(Boolean).map(Number).map((id) => unitIndex.value.get(id)).filter(Boolean);
    });
    function drill(row) { if (row.unit_id && row.unit_id !== unitId.value) unitId.value = row.unit_id; }

    async function draw() {
      const c = cov.value;
      if (!c || !chartEl.value) return;
      let echarts;
      try { echarts = await loadECharts(); } catch (e) { toastError(e); return; }
      if (!chartEl.value) return;
      if (!chart || chart.getDom() !== chartEl.value) {
        if (chart) chart.dispose();
        chart = echarts.init(chartEl.value, null, { renderer: 'canvas' });
        chart.on('click', (p) => { const row = cov.value && cov.value.by_unit[p.dataIndex]; if (row) drill(row); });
        if (window.ResizeObserver && !ro) { ro = new ResizeObserver(() => chart && chart.resize()); ro.observe(chartEl.value); }
      }
      const rows = c.by_unit;
      /* "桥头社区第1网格" … "桥头社区第4网格" read as "第1网格" … under their common part */
      const names = rows.map((r) => r.name);
      let common = names.length > 1 ? names[0] : '';
      for (const n of names) while (common && !n.startsWith(common)) common = common.slice(0, -1);
      while (common && /[第0-9]$/.test(common)) common = common.slice(0, -1); // keep "第1网格" whole
      const short = names.map((n) => (common.length >= 2 && n.length > common.length ? n.slice(common.length) : n));
      const crowded = rows.length * 72 > chartEl.value.clientWidth;
      chart.setOption({
        textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0, data: [t('cov.due'), t('cov.done'), t('cov.overdue')] },
        grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'category', data: short, axisLabel: { interval: 0, rotate: crowded ? 35 : 0, fontSize: 11 } },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('cov.due'), type: 'bar', data: rows.map((r) => r.due), itemStyle: { color: '#1989fa' } },
          { name: t('cov.done'), type: 'bar', data: rows.map((r) => r.done), itemStyle: { color: '#07a35a' } },
          { name: t('cov.overdue'), type: 'bar', data: rows.map((r) => r.overdue), itemStyle: { color: '#ee0a24' } },
        ],
      }, true);
    }
    return { planId, unitId, plans, cov, loading, error, load, chartEl, crumbs, drill, pct, numberFmt, t };
  },
  template: `
  <div class="lx-coverage" data-test="coverage" :data-query="'plan_id=' + planId + '&unit_id=' + unitId">
    <div class="lx-filter-row" data-test="coverage-plans">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !planId }" @click="planId = 0" data-plan="0">{{ t('cov.all_plans') }}</button>
      <button v-for="p in plans" :key="p.id" type="button" class="lx-chip lx-chip-sm" :class="{ on: planId === p.id }" @click="planId = p.id" :data-plan="p.id">{{ p.name }}</button>
    </div>
    <div class="lx-crumbs lx-cov-crumbs" data-test="coverage-crumbs">
      <button type="button" class="lx-link lx-crumb" @click="unitId = 0">{{ t('cov.top') }}</button>
      <template v-for="u in crumbs" :key="u.id"> › <button type="button" class="lx-link lx-crumb" @click="unitId = u.id" :data-unit-id="u.id">{{ u.name }}</button></template>
    </div>
    <lx-error v-if="error" :error="error" @retry="load" />
    <template v-else-if="cov">
      <div class="lx-kpis lx-cov-kpis">
        <div class="lx-kpi"><div class="lx-kpi-label">{{ t('cov.due') }}</div><div class="lx-kpi-value" data-test="cov-due">{{ numberFmt(cov.due) }}</div></div>
        <div class="lx-kpi"><div class="lx-kpi-label">{{ t('cov.done') }}</div><div class="lx-kpi-value" data-test="cov-done">{{ numberFmt(cov.done) }}</div></div>
        <div class="lx-kpi lx-kpi-danger"><div class="lx-kpi-label">{{ t('cov.overdue') }}</div><div class="lx-kpi-value" data-test="cov-overdue">{{ numberFmt(cov.overdue) }}</div></div>
        <div class="lx-kpi"><div class="lx-kpi-label">{{ t('cov.rate') }}</div><div class="lx-kpi-value" data-test="cov-rate">{{ pct(cov.done, cov.due) }}</div></div>
      </div>
      <div class="lx-card">
        <div class="lx-card-head"><b>{{ t('cov.by_unit') }}</b><span class="lx-muted">{{ t('cov.tap_hint') }}</span></div>
        <div v-if="!cov.by_unit.length" class="lx-muted lx-pad-y">{{ t('cov.no_children') }}</div>
        <div v-show="cov.by_unit.length" ref="chartEl" class="lx-chart" data-test="coverage-chart"></div>
        <div class="lx-scroll-x">
          <table class="lx-rank" data-test="coverage-units">
            <thead><tr><th>{{ t('cov.unit') }}</th><th>{{ t('cov.due') }}</th><th>{{ t('cov.done') }}</th><th>{{ t('cov.overdue') }}</th><th>{{ t('cov.rate') }}</th></tr></thead>
            <tbody><tr v-for="u in cov.by_unit" :key="u.unit_id" class="lx-click" @click="drill(u)" :data-unit-id="u.unit_id">
              <td class="lx-rank-name">{{ u.name }}</td><td>{{ u.due }}</td><td>{{ u.done }}</td><td :class="{ 'lx-cd-overdue': u.overdue }">{{ u.overdue }}</td><td>{{ pct(u.done, u.due) }}</td></tr></tbody>
          </table>
        </div>
      </div>
      <div class="lx-dash-grid">
        <div class="lx-card lx-scroll-x">
          <div class="lx-card-head"><b>{{ t('cov.by_worker') }}</b></div>
          <div v-if="!cov.by_worker.length" class="lx-muted">{{ t('common.none') }}</div>
          <table v-else class="lx-rank" data-test="coverage-workers">
            <thead><tr><th>{{ t('cov.worker') }}</th><th>{{ t('cov.due') }}</th><th>{{ t('cov.done') }}</th><th>{{ t('cov.overdue') }}</th><th>{{ t('cov.rate') }}</th></tr></thead>
            <tbody><tr v-for="w in cov.by_worker" :key="w.user_id" :data-user-id="w.user_id">
              <td class="lx-rank-name">{{ w.name }}</td><td>{{ w.due }}</td><td>{{ w.done }}</td><td :class="{ 'lx-cd-overdue': w.overdue }">{{ w.overdue }}</td><td>{{ pct(w.done, w.due) }}</td></tr></tbody>
          </table>
        </div>
        <div class="lx-card lx-scroll-x">
          <div class="lx-card-head"><b>{{ t('cov.by_plan') }}</b></div>
          <div v-if="!cov.by_plan.length" class="lx-muted">{{ t('common.none') }}</div>
          <table v-else class="lx-rank" data-test="coverage-plans-table">
            <thead><tr><th>{{ t('cov.plan') }}</th><th>{{ t('cov.due') }}</th><th>{{ t('cov.done') }}</th><th>{{ t('cov.overdue') }}</th><th>{{ t('cov.rate') }}</th></tr></thead>
            <tbody><tr v-for="p in cov.by_plan" :key="p.plan_id" class="lx-click" @click="planId = p.plan_id" :data-plan-id="p.plan_id">
              <td class="lx-rank-name">{{ p.name }}</td><td>{{ p.due }}</td><td>{{ p.done }}</td><td :class="{ 'lx-cd-overdue': p.overdue }">{{ p.overdue }}</td><td>{{ pct(p.done, p.due) }}</td></tr></tbody>
          </table>
        </div>
      </div>
    </template>
    <div v-else-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
  </div>`,
};
