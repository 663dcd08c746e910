/*
 * admin/categories.js - the category list with its duty list (履职事项清单):
 * per category its case type, the accept and resolve clocks (each in hours
 * or in working days), whether resolved work is verified (核查), whether a
 * handler's suspension waits for the desk, how many extensions a case may
 * get, and the responsible unit. Changes apply to cases filed afterwards.
 */
import { ref, reactive, computed, onMounted } from 'vue';
import { t, label } from '../../i18n.js';
import { api } from '../../api.js';
import { loadCategories, loadUnits, unitIndex, unitName } from '../../session.js';
import { toastError } from '../../util.js';
import { showSuccessToast, showNotify } from '../../vant.js';

const TYPES = ['request', 'hazard', 'dispute', 'proxy', 'opinion', 'suggestion', 'onekey'];
const RESP_KINDS = ['district', 'street', 'community', 'village', 'grid', 'microgrid'];

function emptyForm(parentCode) {
  return {
    code: parentCode || '', name: '', parent_code: parentCode || '', case_type: 'request',
    accept_unit: 'hours', accept_hours: 2, accept_workdays: 1, resolve_unit: 'hours', resolve_hours: 168, resolve_workdays: 5,
    verify: false, suspend_approval: false, max_extensions: 1,
    mode: parentCode ? 'unit_kind' : 'none', value: parentCode ? 'street' : '',
  };
}

/* "2h", "5个工作日": a clock as the list shows it. */
export function clockText(hours, workdays) {
  return workdays ? t('time.workdays', { n: workdays }) : +Number(hours).toFixed(3) + 'h';
}

export const CategoriesTab = {
  setup() {
    const cats = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const q = ref('');
    const edit = ref(null);
    const form = reactive(emptyForm(''));
    const busy = ref(false);
    const showUnit = ref(false);
    async function load() {
      loading.value = true;
      error.value = null;
      try {
        const [list] = await Promise.all([loadCategories(true), loadUnits()]);
        cats.value = list;
      } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    onMounted(load);
    const tops = computed(() => cats.value.filter((c) => !c.parent_code));
    const groups = computed(() => {
      const w = q.value.trim().toLowerCase();
      return tops.value.map((top) => ({
        top,
        items: cats.value.filter((c) => c.parent_code === top.code && (!w || c.name.toLowerCase().includes(w) || c.code.includes(w) || top.name.includes(w) || respText(c).includes(w))),
      })).filter((g) => g.items.length || !w);
    });
    const departments = computed(() => [...new Set([...unitIndex.value.values()].filter((u) => u.kind === 'department').map((u) => u.name))]);
    function respText(c) {
      const r = c.responsible;
      if (!r) return t('admin.resp_none');
      if (r.unit_kind) return t('admin.resp_kind_text', { k: label('kind', r.unit_kind) });
      if (r.unit_name) return r.unit_name;
      if (r.unit_id) return unitName(r.unit_id);
      return '';
    }
    function open(c, parentCode) {
      edit.value = c || { code: '' };
      if (!c) { Object.assign(form, emptyForm(parentCode)); return; }
      const r = c.responsible || {};
      Object.assign(form, {
        code: c.code, name: c.name, parent_code: c.parent_code || '', case_type: c.case_type,
        accept_unit: c.accept_workdays ? 'workdays' : 'hours', accept_hours: c.accept_hours, accept_workdays: c.accept_workdays || 1,
        resolve_unit: c.resolve_workdays ? 'workdays' : 'hours', resolve_hours: c.resolve_hours, resolve_workdays: c.resolve_workdays || 5,
        verify: !!c.verify, suspend_approval: !!c.suspend_approval, max_extensions: c.max_extensions ?? 1,
        mode: r.unit_kind ? 'unit_kind' : r.unit_name ? 'unit_name' : r.unit_id ? 'unit_id' : 'none',
        value: r.unit_kind || r.unit_name || r.unit_id || '',
      });
    }
    function check() {
      for (const k of ['accept', 'resolve']) {
        if (form[k + '_unit'] === 'workdays') {
          const n = Number(form[k + '_workdays']);
          if (!Number.isInteger(n) || n < 1 || n > 250) return t('admin.bad_workdays');
        } else if (!(Number(form[k + '_hours']) > 0)) return t('admin.bad_hours');
      }
      return '';
    }
    async function save() {
      const bad = check();
      if (bad) { showNotify({ type: 'warning', message: bad }); return; }
      busy.value = true;
      try {
        const b = {
          name: form.name.trim(), case_type: form.case_type, accept_hours: Number(form.accept_hours), resolve_hours: Number(form.resolve_hours),
          accept_workdays: form.accept_unit === 'workdays' ? Number(form.accept_workdays) : null,
          resolve_workdays: form.resolve_unit === 'workdays' ? Number(form.resolve_workdays) : null,
          verify: form.verify, suspend_approval: form.suspend_approval, max_extensions: Number(form.max_extensions),
        };
        if (form.parent_code) b.parent_code = form.parent_code;
        b.responsible = form.mode === 'none' || !form.value ? null : { [form.mode]: form.mode === 'unit_id' ? Number(form.value) : String(form.value) };
        if (edit.value.code) await api.patch('/categories/' + encodeURIComponent(edit.value.code), b);
        else await api.post('/categories', { code: form.code.trim(), ...b });
        showSuccessToast(t('common.saved'));
        edit.value = null;
        await load();
      } catch (e) { toastError(e); } finally { busy.value = false; }
    }
    return { cats, tops, groups, loading, error, load, q, edit, form, busy, showUnit, departments, respText, open, save, clockText, unitName, label, t, TYPES, RESP_KINDS };
  },
  template: `
  <div data-test="admin-categories">
    <div class="lx-toolbar">
      <van-search v-model="q" :placeholder="t('admin.cat_search')" shape="round" />
      <van-button size="small" icon="plus" type="primary" plain @click="open(null, '')">{{ t('admin.cat_new_top') }}</van-button>
    </div>
    <div class="lx-muted lx-pad-x">{{ t('admin.duty_hint') }}</div>
    <div v-if="loading" class="lx-page-loading"><van-loading /></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-else>
      <div v-for="g in groups" :key="g.top.code" class="lx-card">
        <div class="lx-card-head"><b>{{ g.top.code }} {{ g.top.name }}</b><span class="lx-muted">{{ label('type', g.top.case_type) }}</span><span class="lx-flex1"></span>
          <van-button size="mini" plain @click="open(g.top)">{{ t('common.edit') }}</van-button>
          <van-button size="mini" plain type="primary" @click="open(null, g.top.code)">{{ t('admin.cat_new_sub') }}</van-button></div>
        <div class="lx-scroll-x">
        <table class="lx-rank lx-cat-table">
          <thead><tr><th>{{ t('admin.code') }}</th><th>{{ t('admin.cat_name') }}</th><th>{{ t('admin.hours_accept') }}</th><th>{{ t('admin.hours_resolve') }}</th><th>{{ t('admin.flow') }}</th><th>{{ t('admin.responsible') }}</th></tr></thead>
          <tbody><tr v-for="c in g.items" :key="c.code" class="lx-click" @click="open(c)" :data-code="c.code">
            <td>{{ c.code }}</td><td class="lx-rank-name">{{ c.name }}</td>
            <td data-col="accept">{{ clockText(c.accept_hours, c.accept_workdays) }}</td><td data-col="resolve">{{ clockText(c.resolve_hours, c.resolve_workdays) }}</td>
            <td class="lx-rank-name lx-cat-flags" data-col="flow">
              <van-tag v-if="c.verify" plain type="primary">{{ t('admin.flag_verify') }}</van-tag>
              <van-tag v-if="c.suspend_approval" plain type="warning">{{ t('admin.flag_suspend') }}</van-tag>
              <span class="lx-muted">{{ t('admin.flag_ext', { n: c.max_extensions }) }}</span></td>
            <td class="lx-rank-name">{{ respText(c) }}</td></tr></tbody>
        </table>
        </div>
      </div>
    </template>
    <van-popup :show="!!edit" @update:show="edit = $event ? edit : null" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker-title">{{ edit && edit.code ? t('admin.cat_edit') : t('admin.cat_new') }}</div>
      <div class="lx-picker-list">
      <van-cell-group inset>
        <van-field v-model="form.code" :label="t('admin.code')" :disabled="!!(edit && edit.code)" required maxlength="16" data-test="cat-code" />
        <van-field v-model="form.name" :label="t('admin.cat_name')" required maxlength="64" data-test="cat-name" />
        <van-cell :title="t('admin.cat_parent')"><template #label><div class="lx-chips">
          <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !form.parent_code }" @click="form.parent_code = ''">{{ t('admin.cat_top') }}</button>
          <button v-for="p in tops" :key="p.code" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.parent_code === p.code }" @click="form.parent_code = p.code" :disabled="edit && edit.code === p.code">{{ p.name }}</button></div></template></van-cell>
        <van-cell :title="t('case.type')"><template #label><div class="lx-chips">
          <button v-for="ty in TYPES" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.case_type === ty }" @click="form.case_type = ty">{{ label('type', ty) }}</button></div></template></van-cell>
        <template v-for="k in ['accept', 'resolve']" :key="k">
          <van-cell :title="t('admin.hours_' + k)" :data-test="'cat-' + k + '-unit'"><template #label>
            <van-radio-group v-model="form[k + '_unit']" direction="horizontal">
              <van-radio name="hours" :data-unit="'hours'">{{ t('admin.by_hours') }}</van-radio>
              <van-radio name="workdays" :data-unit="'workdays'">{{ t('admin.by_workdays') }}</van-radio>
            </van-radio-group></template></van-cell>
          <van-field v-if="form[k + '_unit'] === 'hours'" v-model="form[k + '_hours']" type="number" :label="t('admin.hours_n')" :data-test="'cat-' + k"><template #extra>h</template></van-field>
          <van-field v-else v-model="form[k + '_workdays']" type="digit" :label="t('admin.workdays_n')" :data-test="'cat-' + k + '-workdays'"><template #extra>{{ t('extend.unit_workdays') }}</template></van-field>
        </template>
        <van-cell center :title="t('admin.verify')" :label="t('admin.verify_hint')">
          <template #right-icon><van-switch v-model="form.verify" size="22" data-test="cat-verify" /></template></van-cell>
        <van-cell center :title="t('admin.suspend_approval')" :label="t('admin.suspend_approval_hint')">
          <template #right-icon><van-switch v-model="form.suspend_approval" size="22" data-test="cat-suspend-approval" /></template></van-cell>
        <van-cell center :title="t('admin.max_extensions')" :label="t('admin.max_extensions_hint')">
          <template #right-icon><van-stepper v-model="form.max_extensions" min="0" max="10" integer data-test="cat-max-extensions" /></template></van-cell>
        <van-cell :title="t('admin.responsible')"><template #label>
          <van-radio-group v-model="form.mode" direction="horizontal">
            <van-radio name="none">{{ t('admin.resp_none') }}</van-radio>
            <van-radio name="unit_kind">{{ t('admin.resp_kind') }}</van-radio>
            <van-radio name="unit_name">{{ t('admin.resp_name') }}</van-radio>
            <van-radio name="unit_id">{{ t('admin.resp_id') }}</van-radio>
          </van-radio-group></template></van-cell>
        <van-cell v-if="form.mode === 'unit_kind'" :title="t('admin.resp_kind')"><template #label><div class="lx-chips">
          <button v-for="k in RESP_KINDS" :key="k" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.value === k }" @click="form.value = k">{{ label('kind', k) }}</button></div></template></van-cell>
        <van-cell v-if="form.mode === 'unit_name'" :title="t('admin.resp_name')"><template #label><div class="lx-chips">
          <button v-for="d in departments" :key="d" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.value === d }" @click="form.value = d">{{ d }}</button></div></template></van-cell>
        <van-field v-if="form.mode === 'unit_id'" :model-value="form.value ? unitName(+form.value) : ''" readonly is-link :label="t('admin.resp_id')" @click="showUnit = true" />
      </van-cell-group>
      </div>
      <div class="lx-pad"><van-button block round type="primary" :loading="busy" @click="save" data-test="cat-save">{{ t('common.save') }}</van-button></div>
    </van-popup>
    <lx-unit-picker v-model:show="showUnit" @pick="(u) => form.value = u.id" />
  </div>`,
};
