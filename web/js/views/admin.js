/*
 * admin.js - administration: the unit tree (browse, add, rename, import a
 * CSV or GeoJSON file), users (admins: everyone; dispatchers: their own
 * subtree), and the category list with its duty list (履职事项清单:
 * deadlines and the responsible unit of each category).
 */
import { ref, reactive, computed, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, request } from '../api.js';
import {
  session, hasRole, loadUnits, loadCategories, unitIndex, unitName, unitPathNames, clearCaches, mapTop,
} from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError } from '../util.js';
import { showSuccessToast } from '../vant.js';

const KINDS = ['district', 'street', 'community', 'village', 'grid', 'microgrid', 'department', 'station'];
const ROLES = ['admin', 'dispatcher', 'handler', 'grid_worker', 'leader', 'deputy', 'volunteer'];
const TYPES = ['request', 'hazard', 'dispute', 'proxy', 'opinion', 'suggestion', 'onekey'];
const RESP_KINDS = ['district', 'street', 'community', 'village', 'grid', 'microgrid'];

/* ---------------- units ---------------- */
const UnitsTab = {
  setup() {
    const parent = ref(Number(route.query.parent) || 0);
    const loading = ref(true);
    const error = ref(null);
    const edit = ref(null);
    const form = reactive({ kind: 'grid', code: '', name: '' });
    const busy = ref(false);
    const importResult = ref(null);
    const importing = ref(false);
    const fileInput = ref(null);

    async function load(force) {
      loading.value = true;
      error.value = null;
      try { await loadUnits(force); } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    /* Start inside the caller's single top unit (the district), as the map does. */
    onMounted(() => load(false).then(() => { if (!route.query.parent && !parent.value) parent.value = mapTop(); }));
    const children = computed(() => {
      const all = [...unitIndex.value.values()];
      return parent.value ? all.filter((u) => u.parent_id === parent.value) : all.filter((u) => !unitIndex.value.has(u.parent_id));
    });
    const crumbs = computed(() => {
      const u = unitIndex.value.get(parent.value);
      return u ? u.path.split('/').filter(Boolean).map(Number).map((id) => unitIndex.value.get(id)).filter(Boolean) : [];
    });
    const childCount = (id) => [...unitIndex.value.values()].filter((u) => u.parent_id === id).length;
    function go(id) { parent.value = id; setQuery({ tab: 'units', parent: id || undefined }); }
    function openNew() {
      edit.value = { id: 0 };
      const p = unitIndex.value.get(parent.value);
      Object.assign(form, { kind: p ? ({ district: 'street', street: 'community', community: 'grid', village: 'grid', grid: 'microgrid' }[p.kind] || 'grid') : 'district', code: p ? p.code : '', name: '' });
    }
    function openEdit(u) { edit.value = u; Object.assign(form, { kind: u.kind, code: u.code, name: u.name }); }
    async function save() {
      busy.value = true;
      try {
        if (edit.value.id) await api.patch('/units/' + edit.value.id, { kind: form.kind, code: form.code.trim(), name: form.name.trim() });
        else await api.post('/units', { kind: form.kind, code: form.code.trim(), name: form.name.trim(), parent_id: parent.value || undefined });
        showSuccessToast(t('common.saved'));
        edit.value = null;
        clearCaches();
        await load(true);
      } catch (e) { toastError(e); } finally { busy.value = false; }
    }
    async function onFile(ev) {
      const file = ev.target.files && ev.target.files[0];
      ev.target.value = '';
      if (!file) return;
      importing.value = true;
      importResult.value = null;
      const isJson = /\.(geo)?json$/i.test(file.name);
      try {
        const r = await request('POST', '/units/import', { raw: await file.arrayBuffer(), contentType: isJson ? 'application/geo+json' : 'text/csv' });
        importResult.value = { ok: true, ...r, file: file.name };
        clearCaches();
        await load(true);
      } catch (e) {
        const errs = (e.body && e.body.errors) || [];
        importResult.value = { ok: false, file: file.name, message: errs.length ? '' : e.message, errors: errs };
      } finally { importing.value = false; }
    }
    function template() {
      const csv = '\ufeff编码,名称,类型,上级编码,边界\n140303003001005,桥头社区第5网格,网格,140303003001,\n';
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      a.download = 'units-template.csv';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }
    return {
      parent, loading, error, load, edit, form, busy, children, crumbs, childCount, go, openNew, openEdit, save,
      importResult, importing, fileInput, onFile, template, KINDS, label, t,
    };
  },
  template: `
  <div data-test="admin-units">
    <div class="lx-toolbar">
      <div class="lx-crumbs"><a href="javascript:void 0" @click="go(0)">{{ t('map.top') }}</a>
        <template v-for="c in crumbs" :key="c.id"> › <a href="javascript:void 0" @click="go(c.id)">{{ c.name }}</a></template></div>
      <span class="lx-flex1"></span>
      <van-button size="small" icon="plus" type="primary" plain @click="openNew" data-test="unit-new">{{ t('admin.unit_new') }}</van-button>
      <van-button size="small" icon="upgrade" plain :loading="importing" @click="fileInput.click()" data-test="unit-import">{{ t('admin.import') }}</van-button>
      <van-button size="small" icon="description" plain @click="template">{{ t('admin.template') }}</van-button>
      <input ref="fileInput" type="file" accept=".csv,.geojson,.json,text/csv,application/json" style="display:none" @change="onFile" data-test="unit-file" />
    </div>
    <div v-if="importResult" class="lx-card" :class="importResult.ok ? 'lx-result' : 'lx-dupes'" data-test="import-result">
      <div class="lx-card-head"><b>{{ importResult.file }}</b><span class="lx-flex1"></span><button class="lx-link" @click="importResult = null">✕</button></div>
      <div v-if="importResult.ok">{{ t('admin.import_ok', { c: importResult.created, u: importResult.updated }) }}</div>
      <template v-else>
        <div class="lx-warn">{{ t('admin.import_failed') }}{{ importResult.message }}</div>
        <div class="lx-import-errors"><div v-for="(e, i) in importResult.errors" :key="i">{{ t('admin.line', { n: e.line }) }} {{ e.message }}</div></div>
      </template>
      <div class="lx-muted">{{ t('admin.import_hint') }}</div>
    </div>
    <div v-if="loading" class="lx-page-loading"><van-loading /></div>
    <lx-error v-else-if="error" :error="error" @retry="load(true)" />
    <van-cell-group v-else inset>
      <van-cell v-for="u in children" :key="u.id" :title="u.name" :label="label('kind', u.kind) + ' · ' + u.code" is-link @click="childCount(u.id) ? go(u.id) : openEdit(u)" :data-unit-id="u.id">
        <template #value>
          <span class="lx-muted" v-if="childCount(u.id)">{{ t('admin.children', { n: childCount(u.id) }) }}</span>
          <van-button size="mini" plain @click.stop="openEdit(u)">{{ t('common.edit') }}</van-button>
        </template>
      </van-cell>
      <van-empty v-if="!children.length" :description="t('admin.no_units')" image-size="60" />
    </van-cell-group>
    <van-popup :show="!!edit" @update:show="edit = $event ? edit : null" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker-title">{{ edit && edit.id ? t('admin.unit_edit') : t('admin.unit_new') }}</div>
      <van-cell-group inset>
        <van-cell :title="t('admin.kind')"><template #label><div class="lx-chips">
          <button v-for="k in KINDS" :key="k" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.kind === k }" @click="form.kind = k">{{ label('kind', k) }}</button></div></template></van-cell>
        <van-field v-model="form.code" :label="t('admin.code')" required maxlength="64" data-test="unit-code" />
        <van-field v-model="form.name" :label="t('admin.name')" required maxlength="64" data-test="unit-name" />
      </van-cell-group>
      <div class="lx-pad"><van-button block round type="primary" :loading="busy" @click="save" data-test="unit-save">{{ t('common.save') }}</van-button></div>
    </van-popup>
  </div>`,
};

/* ---------------- users ---------------- */
const UsersTab = {
  setup() {
    const users = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const q = ref('');
    const edit = ref(null);
    const form = reactive({ login: '', name: '', password: '', phone: '', roles: [], unit: null, active: true });
    const busy = ref(false);
    const showUnit = ref(false);
    async function load() {
      loading.value = true;
      error.value = null;
      try {
        const [r] = await Promise.all([api.get('/users'), loadUnits()]);
        users.value = r.items;
      } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    onMounted(load);
    const shown = computed(() => {
      const w = q.value.trim().toLowerCase();
      return users.value.filter((u) => !w || (u.login + ' ' + u.name + ' ' + (u.phone || '') + ' ' + unitName(u.unit_id)).toLowerCase().includes(w));
    });
    const roleChoices = computed(() => ROLES.filter((r) => r !== 'admin' || hasRole('admin')));
    function openNew() {
      edit.value = { id: 0 };
      Object.assign(form, { login: '', name: '', password: '', phone: '', roles: ['grid_worker'], unit: unitIndex.value.get(session.user.unit_id) || null, active: true });
    }
    function openEdit(u) {
      edit.value = u;
      Object.assign(form, { login: u.login, name: u.name, password: '', phone: u.phone || '', roles: [...u.roles], unit: u.unit_id ? (unitIndex.value.get(u.unit_id) || { id: u.unit_id, name: '#' + u.unit_id }) : null, active: u.active });
    }
    async function save() {
      busy.value = true;
      try {
        const b = { name: form.name.trim(), phone: form.phone.trim() || undefined, roles: form.roles, unit_id: form.unit ? form.unit.id : undefined };
        if (form.password) b.password = form.password;
        if (edit.value.id) {
          b.active = form.active;
          await api.patch('/users/' + edit.value.id, b);
        } else {
          b.login = form.login.trim();
          await api.post('/users', b);
        }
        showSuccessToast(t('common.saved'));
        edit.value = null;
        await load();
      } catch (e) { toastError(e); } finally { busy.value = false; }
    }
    return { users, shown, loading, error, load, q, edit, form, busy, showUnit, roleChoices, openNew, openEdit, save, unitName, unitPathNames, label, t };
  },
  template: `
  <div data-test="admin-users">
    <div class="lx-toolbar">
      <van-search v-model="q" :placeholder="t('admin.user_search')" shape="round" />
      <van-button size="small" icon="plus" type="primary" plain @click="openNew" data-test="user-new">{{ t('admin.user_new') }}</van-button>
    </div>
    <div class="lx-count">{{ t('admin.user_count', { n: shown.length }) }}</div>
    <div v-if="loading" class="lx-page-loading"><van-loading /></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <van-cell-group v-else inset>
      <van-cell v-for="u in shown.slice(0, 300)" :key="u.id" is-link @click="openEdit(u)" :data-login="u.login">
        <template #title><span :style="u.active ? '' : 'text-decoration:line-through;color:#999'">{{ u.name }}</span> <span class="lx-muted">{{ u.login }}</span></template>
        <template #label>{{ u.roles.map(r => label('role', r)).join('、') }} · {{ u.unit_id ? unitName(u.unit_id) : t('admin.whole_system') }}</template>
      </van-cell>
    </van-cell-group>
    <van-popup :show="!!edit" @update:show="edit = $event ? edit : null" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker-title">{{ edit && edit.id ? t('admin.user_edit') : t('admin.user_new') }}</div>
      <div class="lx-picker-list">
      <van-cell-group inset>
        <van-field v-model="form.login" :label="t('admin.login')" :disabled="!!(edit && edit.id)" required maxlength="64" autocomplete="off" data-test="user-login" />
        <van-field v-model="form.name" :label="t('admin.name')" required maxlength="64" data-test="user-name" />
        <van-field v-model="form.password" type="password" :label="t('admin.password')" :required="!(edit && edit.id)" :placeholder="edit && edit.id ? t('admin.password_keep') : t('admin.password_ph')" autocomplete="new-password" data-test="user-password" />
        <van-field v-model="form.phone" type="tel" :label="t('desk.phone')" maxlength="20" />
        <van-cell :title="t('admin.roles')"><template #label>
          <van-checkbox-group v-model="form.roles" direction="horizontal" class="lx-roles">
            <van-checkbox v-for="r in roleChoices" :key="r" :name="r" shape="square">{{ label('role', r) }}</van-checkbox>
          </van-checkbox-group></template></van-cell>
        <van-field :model-value="form.unit ? unitPathNames(form.unit.id) : t('admin.whole_system')" readonly is-link :label="t('admin.unit')" @click="showUnit = true" />
        <van-cell v-if="edit && edit.id" center :title="t('admin.active')"><template #right-icon><van-switch v-model="form.active" size="22" /></template></van-cell>
      </van-cell-group>
      </div>
      <div class="lx-pad"><van-button block round type="primary" :loading="busy" @click="save" data-test="user-save">{{ t('common.save') }}</van-button></div>
    </van-popup>
    <lx-unit-picker v-model:show="showUnit" @pick="(u) => form.unit = u" :title="t('admin.unit')" />
  </div>`,
};

/* ---------------- categories and the duty list ---------------- */
const CategoriesTab = {
  setup() {
    const cats = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const q = ref('');
    const edit = ref(null);
    const form = reactive({ code: '', name: '', parent_code: '', case_type: 'request', accept_hours: 2, resolve_hours: 168, mode: 'none', value: '' });
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
      const r = (c && c.responsible) || {};
      Object.assign(form, c ? {
        code: c.code, name: c.name, parent_code: c.parent_code || '', case_type: c.case_type, accept_hours: c.accept_hours, resolve_hours: c.resolve_hours,
        mode: r.unit_kind ? 'unit_kind' : r.unit_name ? 'unit_name' : r.unit_id ? 'unit_id' : 'none',
        value: r.unit_kind || r.unit_name || r.unit_id || '',
      } : { code: parentCode ? parentCode : '', name: '', parent_code: parentCode || '', case_type: 'request', accept_hours: 2, resolve_hours: 168, mode: parentCode ? 'unit_kind' : 'none', value: parentCode ? 'street' : '' });
    }
    async function save() {
      busy.value = true;
      try {
        const b = { name: form.name.trim(), case_type: form.case_type, accept_hours: Number(form.accept_hours), resolve_hours: Number(form.resolve_hours) };
        if (form.parent_code) b.parent_code = form.parent_code;
        b.responsible = form.mode === 'none' || !form.value ? null : { [form.mode]: form.mode === 'unit_id' ? Number(form.value) : String(form.value) };
        if (edit.value.code) await api.patch('/categories/' + encodeURIComponent(edit.value.code), b);
        else await api.post('/categories', { code: form.code.trim(), ...b });
        showSuccessToast(t('common.saved'));
        edit.value = null;
        await load();
      } catch (e) { toastError(e); } finally { busy.value = false; }
    }
    return { cats, tops, groups, loading, error, load, q, edit, form, busy, showUnit, departments, respText, open, save, unitName, label, t, TYPES, RESP_KINDS };
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
          <thead><tr><th>{{ t('admin.code') }}</th><th>{{ t('admin.cat_name') }}</th><th>{{ t('admin.hours_accept') }}</th><th>{{ t('admin.hours_resolve') }}</th><th>{{ t('admin.responsible') }}</th></tr></thead>
          <tbody><tr v-for="c in g.items" :key="c.code" class="lx-click" @click="open(c)" :data-code="c.code">
            <td>{{ c.code }}</td><td class="lx-rank-name">{{ c.name }}</td><td>{{ c.accept_hours }}h</td><td>{{ c.resolve_hours }}h</td><td class="lx-rank-name">{{ respText(c) }}</td></tr></tbody>
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
        <van-field v-model="form.accept_hours" type="number" :label="t('admin.hours_accept')" :placeholder="'2'" data-test="cat-accept"><template #extra>h</template></van-field>
        <van-field v-model="form.resolve_hours" type="number" :label="t('admin.hours_resolve')" :placeholder="'168'" data-test="cat-resolve"><template #extra>h</template></van-field>
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

export default {
  components: { UnitsTab, UsersTab, CategoriesTab },
  setup() {
    const isAdmin = computed(() => hasRole('admin'));
    const tabs = computed(() => (isAdmin.value ? ['units', 'users', 'categories'] : ['users']));
    const active = ref(tabs.value.includes(route.query.tab) ? route.query.tab : tabs.value[0]);
    function onChange(name) { setQuery({ tab: name }); }
    return { tabs, active, onChange, t };
  },
  template: `
  <div class="lx-admin">
    <van-tabs v-model:active="active" @change="onChange" sticky>
      <van-tab v-for="tb in tabs" :key="tb" :name="tb" :title="t('admin.tab_' + tb)" :data-tab="tb">
        <UnitsTab v-if="tb === 'units' && active === 'units'" />
        <UsersTab v-if="tb === 'users' && active === 'users'" />
        <CategoriesTab v-if="tb === 'categories' && active === 'categories'" />
      </van-tab>
    </van-tabs>
  </div>`,
};
