/*
 * admin.js - administration: the unit tree (browse, add, rename, import a
 * CSV or GeoJSON file), users (admins: everyone; dispatchers: their own
 * subtree), the category list with its duty list (履职事项清单: deadlines
 * in hours or working days, verification, suspension approval and
 * extensions, and the responsible unit of each category; admin/categories.js)
 * and the working-day calendar (admin/calendar.js), and for admins the audit
 * log (admin/audit.js) and a user's 解除登录限制 / 重置动态口令.
 */
import { ref, reactive, computed, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, request } from '../api.js';
import {
  session, hasRole, loadUnits, loadCategories, unitIndex, unitName, unitPathNames, clearCaches, mapTop,
} from '../session.js';
import { route, setQuery } from '../router.js';
import { toastError } from '../util.js';
import { showSuccessToast, showConfirmDialog } from '../vant.js';
import { CategoriesTab } from './admin/categories.js';
import { CalendarTab } from './admin/calendar.js';
import { AuditTab } from './admin/audit.js';

const KINDS = ['district', 'street', 'community', 'village', 'grid', 'microgrid', 'department', 'station'];
const ROLES = ['admin', 'dispatcher', 'handler', 'grid_worker', 'leader', 'deputy', 'volunteer'];

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
    /* an admin's help: forgive a login's failures, remove a lost second factor */
    const isAdmin = computed(() => hasRole('admin'));
    const helping = ref('');
    async function unlock() {
      const u = edit.value;
      helping.value = 'unlock';
      try {
        await api.post('/users/' + u.id + '/unlock');
        showSuccessToast(t('admin.unlock_done', { name: u.name || u.login }));
      } catch (e) { toastError(e); } finally { helping.value = ''; }
    }
    async function resetTotp() {
      const u = edit.value;
      try {
        await showConfirmDialog({ title: t('admin.totp_reset'), message: t('admin.totp_reset_confirm', { name: u.name || u.login }), confirmButtonText: t('admin.totp_reset_ok') });
      } catch { return; }
      helping.value = 'totp';
      try {
        await api.post('/users/' + u.id + '/totp/reset');
        showSuccessToast(t('admin.totp_reset_done', { name: u.name || u.login }));
      } catch (e) { toastError(e); } finally { helping.value = ''; }
    }
    return {
      users, shown, loading, error, load, q, edit, form, busy, showUnit, roleChoices, openNew, openEdit, save,
      isAdmin, helping, unlock, resetTotp, unitName, unitPathNames, label, t,
    };
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
        <div class="lx-muted lx-field-note">{{ t('admin.password_rule') }}</div>
        <van-field v-model="form.phone" type="tel" :label="t('desk.phone')" maxlength="20" />
        <van-cell :title="t('admin.roles')"><template #label>
          <van-checkbox-group v-model="form.roles" direction="horizontal" class="lx-roles">
            <van-checkbox v-for="r in roleChoices" :key="r" :name="r" shape="square">{{ label('role', r) }}</van-checkbox>
          </van-checkbox-group></template></van-cell>
        <van-field :model-value="form.unit ? unitPathNames(form.unit.id) : t('admin.whole_system')" readonly is-link :label="t('admin.unit')" @click="showUnit = true" />
        <van-cell v-if="edit && edit.id" center :title="t('admin.active')"><template #right-icon><van-switch v-model="form.active" size="22" /></template></van-cell>
      </van-cell-group>
      <van-cell-group v-if="isAdmin && edit && edit.id" inset :title="t('admin.security')" data-test="user-security">
        <van-cell :title="t('admin.unlock')" :label="t('admin.unlock_hint')" center>
          <template #right-icon><van-button size="small" plain type="primary" :loading="helping === 'unlock'" @click="unlock" data-test="user-unlock">{{ t('admin.unlock_btn') }}</van-button></template>
        </van-cell>
        <van-cell :title="t('admin.totp_reset')" :label="t('admin.totp_reset_hint')" center>
          <template #right-icon><van-button size="small" plain type="danger" :loading="helping === 'totp'" @click="resetTotp" data-test="user-totp-reset">{{ t('admin.totp_reset_btn') }}</van-button></template>
        </van-cell>
      </van-cell-group>
      </div>
      <div class="lx-pad"><van-button block round type="primary" :loading="busy" @click="save" data-test="user-save">{{ t('common.save') }}</van-button></div>
    </van-popup>
    <lx-unit-picker v-model:show="showUnit" @pick="(u) => form.unit = u" :title="t('admin.unit')" />
  </div>`,
};

export default {
  components: { UnitsTab, UsersTab, CategoriesTab, CalendarTab, AuditTab },
  setup() {
    const isAdmin = computed(() => hasRole('admin'));
    /* a dispatcher sees the calendar too, read-only */
    const tabs = computed(() => (isAdmin.value ? ['units', 'users', 'categories', 'calendar', 'audit'] : ['users', 'calendar']));
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
        <CalendarTab v-if="tb === 'calendar' && active === 'calendar'" />
        <AuditTab v-if="tb === 'audit' && active === 'audit'" />
      </van-tab>
    </van-tabs>
  </div>`,
};
