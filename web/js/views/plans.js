/*
 * plans.js - 走访计划 (#/plans): the visit plans of the caller's scope
 * (GET /visit-plans; ?all=true shows the ended ones too), each with its
 * form, unit, targets, frequency and workers, and a link to its coverage;
 * and for admins and dispatchers a new plan (POST /visit-plans): a form, a
 * unit, what to visit (residents with a tag, households, places of a
 * type), how often (daily, weekly, monthly, every N months, once), which
 * grid workers or volunteers (none: the unit's grid workers), from when to
 * when.
 */
import { ref, reactive, computed, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import { hasRole, loadUnits, unitName, unitPathNames } from '../session.js';
import { go } from '../router.js';
import { toastError, fmtTime } from '../util.js';
import { showSuccessToast } from '../vant.js';
import { loadTags, PLACE_TYPES } from './registry.js';

const FREQS = ['daily', 'weekly', 'monthly', 'every_n_months', 'once'];
const KINDS = ['resident', 'household', 'place'];
const WORKER_ROLES = ['grid_worker', 'volunteer'];

/* "2026-12-01" -> the start of that day in the phone's offset, RFC 3339. */
function dayStart(d) {
  if (!d) return undefined;
  const off = -new Date(d + 'T00:00:00').getTimezoneOffset();
  const p = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return d + 'T00:00:00' + (off >= 0 ? '+' : '-') + p(off / 60) + ':' + p(off % 60);
}

export default {
  setup() {
    const plans = ref([]);
    const forms = ref([]);
    const users = ref([]);
    const tags = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const showAll = ref(false);
    const creating = ref(false);
    const busy = ref(false);
    const showUnit = ref(false);
    const showWorkers = ref(false);
    const workerQ = ref('');
    const errors = reactive({});
    const mayCreate = hasRole('admin', 'dispatcher');
    const blank = () => ({ name: '', form_id: 0, unit_id: 0, kind: 'household', tag: '', type: '', frequency: 'weekly', n: 2, workers: [], starts: '', ends: '' });
    const p = reactive(blank());

    async function load() {
      loading.value = true;
      error.value = null;
      try {
        plans.value = (await api.get('/visit-plans', { all: showAll.value ? 'true' : undefined })).items;
        api.get('/forms').then((l) => { forms.value = l; }).catch(() => null);
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
      }
    }
    onMounted(() => { loadUnits().catch(() => null); load(); });
    function toggleAll() { showAll.value = !showAll.value; load(); }

    async function openCreate() {
      Object.assign(p, blank());
      for (const k of Object.keys(errors)) delete errors[k];
      creating.value = true;
      try {
        const [fl, ul, tl] = await Promise.all([api.get('/forms'), api.get('/users'), loadTags().catch(() => [])]);
        forms.value = fl;
        users.value = ul.items.filter((u) => u.active !== false && u.roles.some((r) => WORKER_ROLES.includes(r)));
        tags.value = tl.filter((x) => x.usable !== false);
        if (!p.form_id && fl.length) p.form_id = fl[0].id;
      } catch (e) { toastError(e); }
    }
    const formName = (id) => (forms.value.find((f) => f.id === id) || {}).name || ('#' + id);
    const userName = (id) => (users.value.find((u) => u.id === id) || {}).name || ('#' + id);
    const workerList = computed(() => {
      const w = workerQ.value.trim();
      return users.value.filter((u) => !w || u.name.includes(w) || u.login.includes(w) || (u.unit_id && unitName(u.unit_id).includes(w))).slice(0, 200);
    });
    function toggleWorker(id) {
      const i = p.workers.indexOf(id);
      if (i >= 0) p.workers.splice(i, 1);
      else p.workers.push(id);
    }
    function targetText(tg) {
      const k = label('target_kind', tg.kind);
      if (tg.tag) return t('plan.target_tag', { k, tag: tg.tag });
      if (tg.type) return t('plan.target_type', { k, type: label('place_type', tg.type) });
      return t('plan.target_all', { k });
    }
    const freqText = (pl) => (pl.frequency === 'every_n_months' ? t('plan.every_n', { n: pl.n }) : label('freq', pl.frequency));

    async function save() {
      for (const k of Object.keys(errors)) delete errors[k];
      if (!p.name.trim()) errors.name = t('plan.need_name');
      if (!p.form_id) errors.form_id = t('plan.need_form');
      if (!p.unit_id) errors.unit_id = t('plan.need_unit');
      if (p.ends && p.starts && p.ends < p.starts) errors.ends_at = t('plan.bad_period');
      if (Object.keys(errors).length) return;
      const target = { kind: p.kind };
      if (p.kind === 'resident' && p.tag) target.tag = p.tag;
      if (p.kind === 'place' && p.type) target.type = p.type;
      const body = { name: p.name.trim(), form_id: p.form_id, unit_id: p.unit_id, target, frequency: p.frequency };
      if (p.frequency === 'every_n_months') body.n = Number(p.n);
      if (p.workers.length) body.workers = [...p.workers];
      if (p.starts) body.starts_at = dayStart(p.starts);
      if (p.ends) body.ends_at = dayStart(p.ends);
      busy.value = true;
      try {
        const r = await api.post('/visit-plans', body);
        showSuccessToast(t('plan.created', { n: r.targets }));
        creating.value = false;
        load();
      } catch (e) {
        const f = (e.field || '').replace(/^target\./, '');
        if (e.status === 422 && f) { errors[f] = e.message; errors._any = e.message; } else toastError(e);
      } finally {
        busy.value = false;
      }
    }
    return {
      plans, forms, users, tags, loading, error, load, showAll, toggleAll, creating, busy, showUnit, showWorkers, workerQ, workerList, errors,
      mayCreate, p, openCreate, formName, userName, toggleWorker, targetText, freqText, save, FREQS, KINDS, PLACE_TYPES, unitName, unitPathNames,
      fmtTime, label, t, go,
    };
  },
  template: `
  <div class="lx-plans">
    <div class="lx-toolbar">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: showAll }" @click="toggleAll" data-test="plans-all">{{ t('plan.show_ended') }}</button>
      <span class="lx-flex1"></span>
      <van-button v-if="mayCreate" size="small" type="primary" icon="plus" @click="openCreate" data-test="plan-create">{{ t('plan.create') }}</van-button>
    </div>
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <van-empty v-else-if="!plans.length" :description="t('plan.empty')" />
    <div v-else class="lx-grid-list" data-test="plans-list">
      <div v-for="pl in plans" :key="pl.id" class="lx-card" :data-plan-id="pl.id">
        <div class="lx-card-head">
          <span class="lx-card-title">{{ pl.name }}</span>
          <span class="lx-flex1"></span>
          <van-tag :type="pl.active ? 'success' : 'default'" plain>{{ pl.active ? t('plan.active') : t('plan.ended') }}</van-tag>
        </div>
        <dl class="lx-kv">
          <dt>{{ t('plan.form') }}</dt><dd>{{ formName(pl.form_id) }}</dd>
          <dt>{{ t('plan.unit') }}</dt><dd>{{ unitPathNames(pl.unit_id) }}</dd>
          <dt>{{ t('plan.target') }}</dt><dd>{{ targetText(pl.target) }} · {{ t('plan.targets_n', { n: pl.targets }) }}</dd>
          <dt>{{ t('plan.frequency') }}</dt><dd>{{ freqText(pl) }}</dd>
          <dt>{{ t('plan.workers') }}</dt><dd>{{ pl.workers.length ? t('plan.workers_n', { n: pl.workers.length }) : t('plan.workers_unit') }}</dd>
          <dt>{{ t('plan.period') }}</dt><dd>{{ fmtTime(pl.starts_at).slice(0, 10) }} — {{ pl.ends_at ? fmtTime(pl.ends_at).slice(0, 10) : t('plan.no_end') }}</dd>
        </dl>
        <div class="lx-row-actions">
          <van-button size="small" round plain icon="bar-chart-o" @click="go('/coverage', { plan_id: pl.id })">{{ t('nav.coverage') }}</van-button>
          <van-button size="small" round plain icon="warning-o" @click="go('/hazards')">{{ t('nav.hazards') }}</van-button>
        </div>
      </div>
    </div>

    <van-popup v-model:show="creating" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker" data-test="plan-form">
        <div class="lx-picker-title">{{ t('plan.create') }}</div>
        <div class="lx-picker-list">
          <van-cell-group>
            <van-field v-model="p.name" :label="t('plan.name')" required maxlength="100" :placeholder="t('plan.name_ph')" :error-message="errors.name" data-field="name" />
            <van-field :label="t('plan.form')" required :error-message="errors.form_id" data-field="form_id">
              <template #input><div class="lx-chips">
                <button v-for="f in forms" :key="f.id" type="button" class="lx-chip lx-chip-sm" :class="{ on: p.form_id === f.id }" @click="p.form_id = f.id" :data-form-id="f.id">{{ f.name }}</button>
              </div></template>
            </van-field>
            <van-cell :title="t('plan.unit')" required is-link :value="p.unit_id ? unitPathNames(p.unit_id) : t('reg.pick_unit')" @click="showUnit = true"
                      :label="errors.unit_id" :class="{ 'lx-cell-error': errors.unit_id }" data-field="unit_id" />
            <van-field :label="t('plan.target')" :error-message="errors.kind || errors.target" data-field="kind">
              <template #input><div class="lx-chips">
                <button v-for="k in KINDS" :key="k" type="button" class="lx-chip lx-chip-sm" :class="{ on: p.kind === k }" @click="p.kind = k" :data-kind="k">{{ label('target_kind', k) }}</button>
              </div></template>
            </van-field>
            <van-field v-if="p.kind === 'resident'" :label="t('plan.tag')" :error-message="errors.tag" data-field="tag">
              <template #input><div class="lx-chips">
                <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !p.tag }" @click="p.tag = ''">{{ t('plan.any') }}</button>
                <button v-for="tg in tags" :key="tg.name" type="button" class="lx-chip lx-chip-sm" :class="{ on: p.tag === tg.name }" @click="p.tag = tg.name" :data-tag="tg.name">{{ tg.name }}</button>
              </div></template>
            </van-field>
            <van-field v-if="p.kind === 'place'" :label="t('plan.type')" :error-message="errors.type" data-field="type">
              <template #input><div class="lx-chips">
                <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !p.type }" @click="p.type = ''">{{ t('plan.any') }}</button>
                <button v-for="ty in PLACE_TYPES" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: p.type === ty }" @click="p.type = ty">{{ label('place_type', ty) }}</button>
              </div></template>
            </van-field>
            <van-field :label="t('plan.frequency')" :error-message="errors.frequency || errors.n" data-field="frequency">
              <template #input><div class="lx-chips">
                <button v-for="fq in FREQS" :key="fq" type="button" class="lx-chip lx-chip-sm" :class="{ on: p.frequency === fq }" @click="p.frequency = fq" :data-freq="fq">{{ label('freq', fq) }}</button>
                <span v-if="p.frequency === 'every_n_months'" class="lx-chips"><van-stepper v-model="p.n" :min="2" :max="24" integer /> {{ t('plan.months') }}</span>
              </div></template>
            </van-field>
            <van-cell :title="t('plan.workers')" is-link @click="showWorkers = true" data-field="workers" :label="errors.workers"
                      :value="p.workers.length ? p.workers.map(userName).join('、') : t('plan.workers_unit')" />
            <van-field :label="t('plan.period')" :error-message="errors.starts_at || errors.ends_at" data-field="period">
              <template #input><span class="lx-chips"><input type="date" v-model="p.starts" class="lx-date" :aria-label="t('plan.starts')" /> — <input type="date" v-model="p.ends" class="lx-date" :aria-label="t('plan.ends')" /></span></template>
            </van-field>
          </van-cell-group>
          <div class="lx-muted lx-pad">{{ t('plan.hint') }}</div>
          <div v-if="errors._any" class="lx-form-error">{{ errors._any }}</div>
        </div>
        <div class="lx-picker-foot"><van-button block round type="primary" :loading="busy" @click="save" data-test="plan-save">{{ t('plan.save') }}</van-button></div>
      </div>
    </van-popup>

    <van-popup v-model:show="showWorkers" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker" data-test="plan-workers">
        <div class="lx-picker-title">{{ t('plan.workers') }}</div>
        <van-search v-model="workerQ" :placeholder="t('plan.worker_search')" shape="round" />
        <div class="lx-picker-list">
          <van-cell v-for="u in workerList" :key="u.id" clickable @click="toggleWorker(u.id)" :title="u.name" :label="(u.unit_id ? unitName(u.unit_id) + ' · ' : '') + u.roles.map(r => label('role', r)).join('、')" :data-user-id="u.id">
            <template #right-icon><van-icon v-if="p.workers.includes(u.id)" name="success" color="var(--lx-red)" /></template>
          </van-cell>
          <van-empty v-if="!workerList.length" :description="t('common.none')" image-size="60" />
        </div>
        <div class="lx-picker-foot"><van-button block round type="primary" @click="showWorkers = false">{{ t('common.confirm') }} ({{ p.workers.length }})</van-button></div>
      </div>
    </van-popup>
    <lx-unit-picker v-model:show="showUnit" @pick="(u) => (p.unit_id = u.id)" :title="t('plan.unit')" />
  </div>`,
};
