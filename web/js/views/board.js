/*
 * board.js - the dispatch board (调度台): across the caller's scope, the
 * cases no duty rule placed (待派发), those a unit returned (被退回) and
 * those escalated up to the caller's own unit (上报); select several and
 * dispatch them at once, each to the unit its duty rule names or all to
 * one chosen unit.
 */
import { ref, computed, onMounted } from 'vue';
import { t } from '../i18n.js';
import { api, listAll } from '../api.js';
import { session, loadUnits, loadCategories, unitIndex, categoryIndex } from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError } from '../util.js';
import { predictDuty } from './desk.js';
import { showDialog, showConfirmDialog } from '../vant.js';

const KINDS = ['new', 'returned', 'escalated', 'all'];

export default {
  setup() {
    const kind = ref(KINDS.includes(route.query.kind) ? route.query.kind : 'all');
    const data = ref({ new: [], returned: [], escalated: [] });
    const loading = ref(true);
    const error = ref(null);
    const selected = ref(new Set());
    const showPicker = ref(false);
    const pickerFor = ref(null); // a case, or 'bulk'
    const busy = ref(false);
    const progress = ref('');

    /* Escalated to us: waiting at the caller's own unit (or, for an admin, at a top unit). */
    function atMyDesk(c) {
      const myUnit = session.user.unit_id;
      if (myUnit) return c.handler_unit_id === myUnit;
      const u = unitIndex.value.get(c.handler_unit_id);
      return !!u && !u.parent_id;
    }

    async function load() {
      error.value = null;
      try {
        await Promise.all([loadUnits(), loadCategories()]);
        const [n, r, d, ro] = await Promise.all([
          listAll({ status: 'new' }), listAll({ status: 'returned' }), listAll({ status: 'dispatched' }), listAll({ status: 'reopened' }),
        ]);
        data.value = { new: n.items, returned: r.items, escalated: [...d.items, ...ro.items].filter(atMyDesk) };
        const ids = new Set(items.value.map((c) => c.id));
        selected.value = new Set([...selected.value].filter((id) => ids.has(id)));
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
      }
    }
    onMounted(load);

    const items = computed(() => {
      const list = kind.value === 'all' ? [...data.value.new, ...data.value.returned, ...data.value.escalated] : data.value[kind.value];
      return [...list].sort((a, b) => (b.urgent - a.urgent) || a.id - b.id);
    });
    const counts = computed(() => ({
      new: data.value.new.length, returned: data.value.returned.length, escalated: data.value.escalated.length,
      all: data.value.new.length + data.value.returned.length + data.value.escalated.length,
    }));
    function setKind(k) { kind.value = k; setQuery({ kind: k }); }
    function toggle(c) {
      const s = new Set(selected.value);
      if (s.has(c.id)) s.delete(c.id); else s.add(c.id);
      selected.value = s;
    }
    const allSelected = computed(() => items.value.length > 0 && items.value.every((c) => selected.value.has(c.id)));
    function toggleAll() {
      selected.value = allSelected.value ? new Set() : new Set(items.value.map((c) => c.id));
    }
    const chosen = computed(() => items.value.filter((c) => selected.value.has(c.id)));
    const dutyOf = (c) => predictDuty(categoryIndex.value.get(c.category_code), unitIndex.value.get(c.unit_id));

    /* Dispatches each [case, unit] pair; reports what failed and why. */
    async function run(pairs) {
      busy.value = true;
      const failed = [];
      let ok = 0;
      for (let i = 0; i < pairs.length; i++) {
        const [c, u] = pairs[i];
        progress.value = (i + 1) + '/' + pairs.length;
        try {
          await api.post('/cases/' + c.id + '/dispatch', { unit_id: u.id, version: c.version });
          ok++;
        } catch (e) {
          failed.push(c.number + '：' + e.message);
        }
      }
      busy.value = false;
      progress.value = '';
      selected.value = new Set();
      await load();
      await showDialog({
        title: t('board.result_title'),
        message: t('board.result', { ok, failed: failed.length }) + (failed.length ? '\n' + failed.join('\n') : ''),
        messageAlign: 'left',
      });
    }
    async function byDuty() {
      const pairs = [], skipped = [];
      for (const c of chosen.value) {
        const u = dutyOf(c);
        if (u && u.path) pairs.push([c, u]); else skipped.push(c.number);
      }
      if (!pairs.length) {
        showDialog({ message: t('board.no_duty_all') });
        return;
      }
      try {
        await showConfirmDialog({
          title: t('board.by_duty'),
          message: t('board.by_duty_confirm', { n: pairs.length }) + (skipped.length ? '\n' + t('board.skipped', { list: skipped.join('、') }) : ''),
        });
      } catch { return; }
      run(pairs);
    }
    function toUnit() { pickerFor.value = 'bulk'; showPicker.value = true; }
    function one(c) { pickerFor.value = c; showPicker.value = true; }
    async function picked(u) {
      if (pickerFor.value === 'bulk') {
        try {
          await showConfirmDialog({ message: t('board.to_unit_confirm', { n: chosen.value.length, u: u.name }) });
        } catch { return; }
        run(chosen.value.map((c) => [c, u]));
      } else if (pickerFor.value) {
        run([[pickerFor.value, u]]);
      }
    }
    const suggestions = computed(() => {
      const c = pickerFor.value;
      if (!c || c === 'bulk') return [];
      const u = dutyOf(c);
      return u && u.path ? [{ unit: u, reason: t('case.by_duty') }] : [];
    });
    return {
      kind, KINDS, items, counts, loading, error, load, setKind, selected, toggle, toggleAll, allSelected, chosen,
      byDuty, toUnit, one, picked, showPicker, suggestions, busy, progress, dutyOf, t,
    };
  },
  template: `
  <div class="lx-board">
    <div class="lx-filter-row" role="tablist">
      <button v-for="k in KINDS" :key="k" type="button" class="lx-chip" :class="{ on: kind === k }" @click="setKind(k)" :data-kind="k" role="tab" :aria-selected="kind === k">
        {{ t('board.' + k) }} <b>{{ counts[k] }}</b></button>
      <span class="lx-flex1"></span>
      <lx-export v-if="kind === 'new' || kind === 'returned'" :filters="{ status: kind }" />
      <van-button size="small" icon="replay" plain @click="load" :aria-label="t('common.refresh')" />
    </div>
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <van-empty v-else-if="!items.length" image="search" :description="t('board.empty')" />
    <template v-else>
      <div class="lx-toolbar">
        <van-checkbox :model-value="allSelected" @click="toggleAll" data-test="select-all">{{ t('board.select_all') }}</van-checkbox>
        <span class="lx-muted">{{ t('board.count', { n: items.length }) }}</span>
      </div>
      <div class="lx-grid-list" data-test="board-list">
        <lx-case-card v-for="c in items" :key="c.id" :c="c" selectable :selected="selected.has(c.id)" @toggle="toggle">
          <van-button size="small" type="primary" plain @click.stop="one(c)" data-test="dispatch-one">{{ t('action.dispatch') }}</van-button>
          <span v-if="dutyOf(c)" class="lx-muted">{{ dutyOf(c).name }}</span>
        </lx-case-card>
      </div>
    </template>
    <div class="lx-bulk-bar" v-if="chosen.length" data-test="bulk-bar">
      <span>{{ t('board.selected', { n: chosen.length }) }}</span><span class="lx-flex1"></span>
      <span v-if="busy" class="lx-muted">{{ progress }}</span>
      <van-button size="small" plain type="primary" :disabled="busy" @click="toUnit" data-test="bulk-to-unit">{{ t('board.to_unit') }}</van-button>
      <van-button size="small" type="primary" :loading="busy" @click="byDuty" data-test="bulk-by-duty">{{ t('board.by_duty') }}</van-button>
    </div>
    <lx-unit-picker v-model:show="showPicker" :title="t('action.dispatch')" :suggestions="suggestions" @pick="picked"
                    :kinds="['department', 'district', 'street', 'community', 'village', 'grid']" />
  </div>`,
};
