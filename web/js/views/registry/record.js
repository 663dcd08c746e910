/*
 * registry/record.js - one registry record (#/registry/:kind/:id; id
 * "create" for a new one): shown, edited and saved with PATCH (only the
 * changed fields and the version read: a 409 says someone else saved it
 * meanwhile and offers the newer one), or created with POST.
 *
 * A resident comes masked (138****5678, the ID number's first and last
 * character): 查看完整信息 asks for the reason (事由), which the server
 * records in the audit log before it answers; without the unmask right it
 * answers 403, said so here. A household lists its members and its moves
 * (迁移记录) and moves to another grid (迁往其他网格: PATCH with the new
 * unit_id). Masked values are never sent back: a phone or ID number field
 * left empty keeps what is stored.
 */
import { ref, reactive, computed, onMounted } from 'vue';
import { t, label } from '../../i18n.js';
import { api } from '../../api.js';
import { loadUnits, unitName, unitPathNames, requestUnitNames } from '../../session.js';
import { route, go } from '../../router.js';
import { toastError, fmtTime } from '../../util.js';
import { showDialog, showSuccessToast, showNotify } from '../../vant.js';
import { loadTags, age, mayWrite, PLACE_TYPES, ORG_TYPES, KINDS } from '../registry.js';
import { rfc3339 } from '../../field.js';

/* The fields each kind edits, in order. type: text | int | num | date |
 * secret (masked when read: blank keeps it) | enum | unit | tags | contacts |
 * carers (volunteers' ids, in the order a press-9 call reaches them) | switch. */
const FIELDS = {
  residents: [
    { key: 'name', type: 'text', required: true, max: 32 },
    { key: 'gender', type: 'enum', options: ['male', 'female'], ns: 'gender' },
    { key: 'birth_date', type: 'date' },
    { key: 'phone', type: 'secret', max: 24, inputmode: 'tel' },
    { key: 'id_number', type: 'secret', max: 18 },
    { key: 'unit_id', type: 'unit', createOnly: true },
    { key: 'tags', type: 'tags' },
    { key: 'contacts', type: 'contacts' },
    { key: 'carers', type: 'carers' },
    { key: 'device_id', type: 'text', max: 64 },
    { key: 'daily_check', type: 'switch' },
  ],
  households: [
    { key: 'address', type: 'text', required: true, max: 200 },
    { key: 'members', type: 'int', min: 0, max: 99 },
    { key: 'unit_id', type: 'unit', required: true, createOnly: true },
    { key: 'lat', type: 'num', min: -90, max: 90 },
    { key: 'lon', type: 'num', min: -180, max: 180 },
  ],
  places: [
    { key: 'name', type: 'text', required: true, max: 100 },
    { key: 'type', type: 'enum', required: true, options: PLACE_TYPES, ns: 'place_type', free: true },
    { key: 'address', type: 'text', max: 200 },
    { key: 'unit_id', type: 'unit' },
    { key: 'lat', type: 'num', min: -90, max: 90 },
    { key: 'lon', type: 'num', min: -180, max: 180 },
    { key: 'contact', type: 'text', max: 32 },
    { key: 'phone', type: 'secret', max: 24, inputmode: 'tel' },
  ],
  organisations: [
    { key: 'name', type: 'text', required: true, max: 100 },
    { key: 'type', type: 'enum', required: true, options: ORG_TYPES, ns: 'org_type', free: true },
    { key: 'address', type: 'text', max: 200 },
    { key: 'unit_id', type: 'unit', required: true },
    { key: 'contact', type: 'text', max: 32 },
    { key: 'phone', type: 'secret', max: 24, inputmode: 'tel' },
  ],
};
const REASONS = ['reason_verify', 'reason_service', 'reason_contact', 'reason_case'];
const isMasked = (s) => typeof s === 'string' && s.includes('*');

export default {
  setup() {
    const kind = KINDS.includes(route.params.kind) ? route.params.kind : 'residents';
    const creating = route.params.id === 'create';
    const id = creating ? 0 : Number(route.params.id);
    const fields = FIELDS[kind];

    const rec = ref(null);
    const loading = ref(!creating);
    const error = ref(null);
    const editing = ref(creating);
    const form = reactive({});
    const fieldErrors = reactive({});
    const busy = ref(false);
    const tags = ref([]);
    const household = ref(null);     // the household a new resident joins (?household_id=)
    const unitFor = ref('');         // which unit field the picker fills
    const showUnit = ref(false);

    const full = ref(null);          // the unmasked resident
    const unmask = reactive({ show: false, reason: '', error: '' });
    const move = reactive({ show: false, unit: null, address: '', pick: false });

    function fillForm(r) {
      for (const fd of fields) {
        let v = r ? r[fd.key] : undefined;
        if (fd.type === 'secret') v = '';
        else if (fd.type === 'tags') v = [...((r && r.tags) || [])];
        else if (fd.type === 'contacts') v = ((r && r.contacts) || []).map((c) => ({ name: c.name || '', phone: c.phone || '', relation: c.relation || '' }));
        else if (fd.type === 'carers') v = [...((r && r.carers) || [])];
        else if (fd.type === 'switch') v = !!(r && r[fd.key]);
        else if (v === null || v === undefined) v = fd.type === 'int' && !r ? (kind === 'households' ? 1 : '') : '';
        form[fd.key] = v;
      }
      for (const k of Object.keys(fieldErrors)) delete fieldErrors[k];
    }

    async function load() {
      loading.value = true;
      error.value = null;
      try {
        const r = await api.get('/registry/' + kind + '/' + id);
        rec.value = r;
        full.value = null;
        requestUnitNames([r.unit_id, ...((r.moves || []).flatMap((m) => [m.from_unit_id, m.to_unit_id]))]);
        fillForm(r);
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
      }
    }
    onMounted(async () => {
      loadUnits().catch(() => null);
      if (kind === 'residents') loadTags().then((l) => { tags.value = l; }).catch(() => null);
      if (kind === 'residents') loadVolunteers();
      if (creating) {
        fillForm(null);
        if (route.query.unit_id) form.unit_id = Number(route.query.unit_id);
        if (route.query.household_id && kind === 'residents') {
          try {
            household.value = await api.get('/registry/households/' + route.query.household_id);
            form.unit_id = household.value.unit_id;
          } catch (e) { toastError(e); }
        }
      } else load();
    });

    /* ---- edit and save ---- */
    function startEdit() { fillForm(rec.value); editing.value = true; }
    function cancelEdit() {
      if (creating) { go('/registry', { tab: kind === 'residents' ? undefined : kind }); return; }
      editing.value = false;
      fillForm(rec.value);
    }
    const usableTags = computed(() => tags.value.filter((x) => x.usable !== false));
    const sensitive = (name) => (tags.value.find((x) => x.name === name) || {}).sensitive;
    function toggleTag(name) {
      const i = form.tags.indexOf(name);
      if (i >= 0) form.tags.splice(i, 1);
      else form.tags.push(name);
    }
    /* 代理儿女: the volunteers of the caller's scope, chosen in order */
    const volunteers = ref([]);
    const pickCarer = ref(false);
    const loadVolunteers = () => api.get('/registry/volunteers').then((b) => { volunteers.value = b.items; }).catch(() => null);
    const volunteerName = (uid) => ((volunteers.value.find((v) => v.id === uid) || {}).name) || ('#' + uid);
    const carerChoices = computed(() => volunteers.value.filter((v) => !form.carers.includes(v.id))
      .map((v) => ({ name: v.name, subname: t('reg.carer_serves', { n: v.serves }), id: v.id })));
    const addCarer = (a) => { if (form.carers.length < 5) form.carers.push(a.id); pickCarer.value = false; };
    const moveCarer = (i, d) => { const c = form.carers; [c[i], c[i + d]] = [c[i + d], c[i]]; };
    const removeCarer = (i) => form.carers.splice(i, 1);
    const addContact = () => form.contacts.push({ name: '', phone: '', relation: '' });
    const removeContact = (i) => form.contacts.splice(i, 1);

    /* The value of a field as the API takes it, or undefined for "leave out". */
    function valueOf(fd) {
      const v = form[fd.key];
      switch (fd.type) {
        case 'secret': return v && v.trim() ? v.trim() : undefined;
        case 'int': case 'num': return v === '' || v === null || v === undefined ? null : Number(v);
        case 'unit': return v ? Number(v) : null;
        case 'tags': case 'carers': return [...v];
        case 'switch': return !!v;
        case 'contacts': return v.filter((c) => c.name.trim() || c.phone.trim()).map((c) => {
          const o = { name: c.name.trim() };
          if (c.phone.trim()) o.phone = c.phone.trim();
          if (c.relation.trim()) o.relation = c.relation.trim();
          return o;
        });
        default: return typeof v === 'string' ? (v.trim() || null) : v;
      }
    }
    const same = (a, b) => JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);

    function check() {
      for (const k of Object.keys(fieldErrors)) delete fieldErrors[k];
      for (const fd of fields) {
        if (fd.createOnly && !creating) continue;
        if (fd.key === 'unit_id' && household.value) continue;
        const v = valueOf(fd);
        if (fd.required && (v === null || v === undefined || v === '')) fieldErrors[fd.key] = t('reg.need', { f: t('reg.f_' + fd.key) });
        if ((fd.type === 'int' || fd.type === 'num') && v !== null && (Number.isNaN(v) || v < fd.min || v > fd.max)) fieldErrors[fd.key] = t('reg.range', { min: fd.min, max: fd.max });
      }
      if (kind === 'residents' && creating && !household.value && !form.unit_id) fieldErrors.unit_id = t('reg.need_unit');
      /* a contact's phone is shown masked: a changed list needs it typed again */
      if (kind === 'residents') {
        const now = valueOf(fields.find((x) => x.key === 'contacts'));
        const before = rec.value ? rec.value.contacts : [];
        if (!same(now, before) && now.some((c) => isMasked(c.phone))) fieldErrors.contacts = t('reg.contact_phone_again');
      }
      return !Object.keys(fieldErrors).length;
    }

    async function save() {
      if (busy.value || !check()) return;
      const body = {};
      for (const fd of fields) {
        if (fd.createOnly && !creating) continue;
        const v = valueOf(fd);
        if (creating) {
          if (v !== undefined && v !== null && !(Array.isArray(v) && !v.length)) body[fd.key] = v;
        } else if (fd.type === 'secret') {
          if (v !== undefined) body[fd.key] = v;
        } else if (!same(v, rec.value[fd.key])) body[fd.key] = v;
      }
      if (creating && household.value) { body.household_id = household.value.id; delete body.unit_id; }
      if (!creating && !Object.keys(body).length) { editing.value = false; return; }
      busy.value = true;
      try {
        if (creating) {
          const r = await api.post('/registry/' + kind, body);
          showSuccessToast(t('common.saved'));
          go('/registry/' + kind + '/' + r.id);
          return;
        }
        body.version = rec.value.version;
        rec.value = await api.patch('/registry/' + kind + '/' + id, body);
        if (kind === 'households') await load();
        editing.value = false;
        full.value = null;
        showSuccessToast(t('common.saved'));
      } catch (e) {
        if (e.status === 409) {
          showDialog({ title: t('reg.stale_title'), message: t('reg.stale'), confirmButtonText: t('reg.stale_reload'), showCancelButton: true, cancelButtonText: t('reg.stale_keep') })
            .then(() => { editing.value = false; load(); }).catch(() => null);
        } else if (e.field && fields.some((x) => x.key === e.field)) {
          fieldErrors[e.field] = e.message;
          showNotify({ type: 'danger', message: t('reg.field_bad', { f: t('reg.f_' + e.field) }) });
        } else toastError(e);
      } finally {
        busy.value = false;
      }
    }

    function openUnit(key) { unitFor.value = key; showUnit.value = true; }
    function pickUnit(u) {
      if (unitFor.value === 'move') move.unit = u;
      else form[unitFor.value] = u.id;
    }

    /* ---- 查看完整信息 ---- */
    function askUnmask() { unmask.reason = ''; unmask.error = ''; unmask.show = true; }
    async function unmaskClose(action) {
      if (action !== 'confirm') return true;
      const reason = unmask.reason.trim();
      if (!reason) { unmask.error = t('reg.reason_need'); return false; }
      try {
        full.value = await api.get('/registry/residents/' + id + '/unmasked', { reason });
        full.value.reason = reason;
        return true;
      } catch (e) {
        unmask.error = e.status === 403 ? t('reg.unmask_forbidden') : (e.message || t('err.unknown'));
        return false;
      }
    }
    const shown = computed(() => full.value || rec.value);

    /* ---- 迁往其他网格 ---- */
    function askMove() { move.unit = null; move.address = rec.value.address; move.show = true; }
    async function moveClose(action) {
      if (action !== 'confirm') return true;
      if (!move.unit) { showNotify({ type: 'warning', message: t('reg.move_pick') }); return false; }
      if (move.unit.id === rec.value.unit_id) { showNotify({ type: 'warning', message: t('reg.move_same') }); return false; }
      try {
        const body = { unit_id: move.unit.id, version: rec.value.version };
        if (move.address.trim() && move.address.trim() !== rec.value.address) body.address = move.address.trim();
        await api.patch('/registry/households/' + id, body);
        showSuccessToast(t('reg.moved'));
        load();
        return true;
      } catch (e) {
        if (e.status === 409) { showNotify({ type: 'danger', message: t('reg.stale') }); load(); return true; }
        toastError(e);
        return false;
      }
    }
    const moveTime = (ms) => fmtTime(rfc3339(ms));

    const title = computed(() => {
      if (creating) return t('reg.new_' + kind);
      const r = rec.value;
      return r ? (r.name || r.address || '#' + r.id) : '';
    });
    const typeLabel = (v) => label(kind === 'places' ? 'place_type' : 'org_type', v);

    return {
      kind, creating, id, fields, rec, shown, loading, error, load, editing, form, fieldErrors, busy, tags, usableTags, sensitive, toggleTag,
      addContact, removeContact, pickCarer, carerChoices, addCarer, moveCarer, removeCarer, volunteerName, startEdit, cancelEdit, save, household, openUnit, pickUnit, showUnit, unitFor, full, unmask, askUnmask,
      unmaskClose, REASONS, move, askMove, moveClose, moveTime, title, typeLabel, mayWrite, unitName, unitPathNames, age, fmtTime, label, t, go,
    };
  },
  template: `
  <div class="lx-record" :data-kind="kind" data-test="registry-record">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />

    <template v-else-if="editing">
      <div class="lx-card"><div class="lx-card-title">{{ creating ? title : t('reg.editing', { n: title }) }}</div>
        <div v-if="household" class="lx-muted">{{ t('reg.joins', { a: household.address }) }}</div></div>
      <van-cell-group inset class="lx-group lx-reg-form" data-test="record-form">
        <template v-for="fd in fields" :key="fd.key">
          <template v-if="!(fd.createOnly && !creating) && !(fd.key === 'unit_id' && household)">
            <van-field v-if="fd.type === 'text' || fd.type === 'int' || fd.type === 'num'" v-model="form[fd.key]" :label="t('reg.f_' + fd.key)"
                       :required="fd.required" :maxlength="fd.max" :type="fd.type === 'text' ? 'text' : 'number'" :error-message="fieldErrors[fd.key]"
                       :placeholder="t('reg.ph_' + fd.key)" :data-field="fd.key" />
            <van-field v-else-if="fd.type === 'secret'" v-model="form[fd.key]" :label="t('reg.f_' + fd.key)" :maxlength="fd.max" :inputmode="fd.inputmode"
                       :placeholder="rec && rec[fd.key] ? t('reg.keep', { v: rec[fd.key] }) : t('reg.ph_' + fd.key)" :error-message="fieldErrors[fd.key]" :data-field="fd.key" />
            <van-field v-else-if="fd.type === 'date'" :label="t('reg.f_' + fd.key)" :error-message="fieldErrors[fd.key]" :data-field="fd.key">
              <template #input><input type="date" v-model="form[fd.key]" class="lx-date" /></template>
            </van-field>
            <van-field v-else-if="fd.type === 'enum'" :label="t('reg.f_' + fd.key)" :required="fd.required" :error-message="fieldErrors[fd.key]" :data-field="fd.key">
              <template #input>
                <div class="lx-chips">
                  <button v-for="o in fd.options" :key="o" type="button" class="lx-chip lx-chip-sm" :class="{ on: form[fd.key] === o }"
                          @click="form[fd.key] = form[fd.key] === o ? '' : o" :data-value="o">{{ label(fd.ns, o) }}</button>
                  <input v-if="fd.free" v-model="form[fd.key]" class="lx-date lx-free" :placeholder="t('reg.other_ph')" :aria-label="t('reg.f_' + fd.key)" />
                </div>
              </template>
            </van-field>
            <van-cell v-else-if="fd.type === 'unit'" :title="t('reg.f_' + fd.key)" is-link :value="form[fd.key] ? unitPathNames(+form[fd.key]) : t('reg.pick_unit')"
                      @click="openUnit(fd.key)" :class="{ 'lx-cell-error': fieldErrors[fd.key] }" :label="fieldErrors[fd.key]" :required="fd.required" :data-field="fd.key" />
            <van-field v-else-if="fd.type === 'tags'" :label="t('reg.f_tags')" :data-field="fd.key">
              <template #input>
                <div class="lx-chips">
                  <button v-for="tg in usableTags" :key="tg.name" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.tags.includes(tg.name) }"
                          @click="toggleTag(tg.name)" :data-tag="tg.name">{{ tg.name }}<span v-if="tg.sensitive" class="lx-sensitive">{{ t('reg.sensitive') }}</span></button>
                </div>
              </template>
            </van-field>
            <div v-else-if="fd.type === 'contacts'" class="lx-contacts" data-field="contacts">
              <div class="lx-block-title">{{ t('reg.f_contacts') }}<span class="lx-muted"> {{ t('reg.contacts_hint') }}</span></div>
              <div v-for="(c, i) in form.contacts" :key="i" class="lx-contact-row">
                <input v-model="c.name" class="lx-date" :placeholder="t('reg.contact_name')" :aria-label="t('reg.contact_name')" />
                <input v-model="c.relation" class="lx-date" :placeholder="t('reg.contact_relation')" :aria-label="t('reg.contact_relation')" />
                <input v-model="c.phone" class="lx-date" inputmode="tel" :placeholder="t('reg.contact_phone')" :aria-label="t('reg.contact_phone')" />
                <button type="button" class="lx-link" @click="removeContact(i)" :aria-label="t('photo.remove')"><van-icon name="cross" /></button>
              </div>
              <div v-if="fieldErrors.contacts" class="lx-q-msg">{{ fieldErrors.contacts }}</div>
              <button v-if="form.contacts.length < 5" type="button" class="lx-link" @click="addContact"><van-icon name="plus" /> {{ t('reg.contact_add') }}</button>
            </div>
            <div v-else-if="fd.type === 'carers'" class="lx-contacts" data-field="carers">
              <div class="lx-block-title">{{ t('reg.f_carers') }}<span class="lx-muted"> {{ t('reg.carers_hint') }}</span></div>
              <div v-for="(uid, i) in form.carers" :key="uid" class="lx-contact-row" :data-carer="uid">
                <span class="lx-flex1">{{ i + 1 }}. {{ volunteerName(uid) }}</span>
                <button type="button" class="lx-link" :disabled="i === 0" @click="moveCarer(i, -1)" :aria-label="t('reg.carer_up')"><van-icon name="arrow-up" /></button>
                <button type="button" class="lx-link" :disabled="i === form.carers.length - 1" @click="moveCarer(i, 1)" :aria-label="t('reg.carer_down')"><van-icon name="arrow-down" /></button>
                <button type="button" class="lx-link" @click="removeCarer(i)" :aria-label="t('photo.remove')"><van-icon name="cross" /></button>
              </div>
              <button v-if="form.carers.length < 5" type="button" class="lx-link" @click="pickCarer = true" data-test="carer-add"><van-icon name="plus" /> {{ t('reg.carer_add') }}</button>
              <van-action-sheet v-model:show="pickCarer" :actions="carerChoices" :cancel-text="t('common.cancel')" @select="addCarer"
                                :description="carerChoices.length ? '' : t('reg.carer_none')" />
            </div>
            <van-cell v-else-if="fd.type === 'switch'" :title="t('reg.f_' + fd.key)" :label="t('reg.' + fd.key + '_hint')" :data-field="fd.key">
              <template #right-icon><van-switch v-model="form[fd.key]" size="22px" /></template>
            </van-cell>
          </template>
        </template>
      </van-cell-group>
      <div class="lx-submit-bar">
        <van-button round plain @click="cancelEdit">{{ t('common.cancel') }}</van-button>
        <van-button round type="primary" class="lx-submit" :loading="busy" @click="save" data-test="record-save">{{ t('common.save') }}</van-button>
      </div>
    </template>

    <template v-else-if="rec">
      <div class="lx-card">
        <div class="lx-card-head">
          <van-tag type="primary" plain>{{ t('reg.one_' + kind) }}</van-tag>
          <van-tag v-if="kind !== 'residents' && kind !== 'households' && rec.type" plain>{{ typeLabel(rec.type) }}</van-tag>
          <span class="lx-flex1"></span>
          <span class="lx-muted">{{ t('reg.version', { n: rec.version }) }}</span>
        </div>
        <div class="lx-card-title" data-test="record-title">{{ title }}</div>
        <dl class="lx-kv">
          <template v-if="kind === 'residents'">
            <dt>{{ t('reg.f_gender') }}</dt><dd>{{ label('gender', rec.gender) || '—' }}</dd>
            <dt>{{ t('reg.f_birth_date') }}</dt><dd>{{ rec.birth_date || '—' }} <span class="lx-muted">{{ age(rec.birth_date) }}</span></dd>
            <dt>{{ t('reg.f_phone') }}</dt><dd class="lx-num lx-big-num" data-test="phone">{{ shown.phone || '—' }}</dd>
            <dt>{{ t('reg.f_id_number') }}</dt><dd class="lx-num lx-big-num" data-test="id-number">{{ shown.id_number || '—' }}</dd>
            <dt>{{ t('reg.f_address') }}</dt><dd><a v-if="rec.household_id" :href="'#/registry/households/' + rec.household_id" class="lx-link-text">{{ rec.address || t('reg.one_households') }}</a><template v-else>{{ rec.address || '—' }}</template></dd>
            <dt>{{ t('reg.f_tags') }}</dt><dd><span v-if="!rec.tags.length">—</span><van-tag v-for="tg in rec.tags" :key="tg" :type="sensitive(tg) ? 'warning' : 'primary'" plain class="lx-tag-gap">{{ tg }}</van-tag></dd>
            <dt>{{ t('reg.f_contacts') }}</dt>
            <dd><span v-if="!shown.contacts.length">—</span><div v-for="(c, i) in shown.contacts" :key="i">{{ c.name }}<template v-if="c.relation">（{{ c.relation }}）</template> <span class="lx-num">{{ c.phone }}</span></div></dd>
            <dt>{{ t('reg.f_carers') }}</dt>
            <dd data-test="carers"><span v-if="!rec.carers || !rec.carers.length">—</span><div v-for="(uid, i) in rec.carers || []" :key="uid">{{ i + 1 }}. {{ volunteerName(uid) }}</div></dd>
            <dt>{{ t('reg.f_device_id') }}</dt><dd class="lx-num">{{ rec.device_id || '—' }}</dd>
            <dt>{{ t('reg.f_daily_check') }}</dt><dd data-test="daily-check">{{ rec.daily_check ? t('reg.daily_since', { d: rec.daily_check_since }) : '—' }}</dd>
          </template>
          <template v-else-if="kind === 'households'">
            <dt>{{ t('reg.f_members') }}</dt><dd>{{ t('reg.members_n', { n: rec.members }) }}</dd>
          </template>
          <template v-else>
            <dt>{{ t('reg.f_address') }}</dt><dd>{{ rec.address || '—' }}</dd>
            <dt>{{ t('reg.f_contact') }}</dt><dd>{{ rec.contact || '—' }} <span class="lx-num">{{ rec.phone || '' }}</span></dd>
          </template>
          <dt>{{ t('reg.f_unit_id') }}</dt><dd>{{ unitPathNames(rec.unit_id) }}</dd>
          <template v-if="rec.lat !== null && rec.lat !== undefined"><dt>{{ t('reg.position') }}</dt><dd class="lx-num">{{ rec.lat }}, {{ rec.lon }}</dd></template>
          <dt>{{ t('reg.updated') }}</dt><dd class="lx-muted">{{ fmtTime(rec.updated_at) }}</dd>
        </dl>
        <div v-if="full" class="lx-card-note" data-test="unmask-note"><b>{{ t('reg.unmasked') }}</b>{{ t('reg.unmask_recorded', { r: full.reason }) }}</div>
        <div class="lx-row-actions">
          <van-button v-if="mayWrite()" size="small" round plain type="primary" icon="edit" @click="startEdit" data-test="record-edit">{{ t('common.edit') }}</van-button>
          <van-button v-if="kind === 'residents' && !full" size="small" round plain icon="eye-o" @click="askUnmask" data-test="unmask">{{ t('reg.unmask') }}</van-button>
          <van-button v-if="kind === 'households' && mayWrite()" size="small" round plain icon="exchange" @click="askMove" data-test="move">{{ t('reg.move') }}</van-button>
        </div>
      </div>

      <template v-if="kind === 'households'">
        <div class="lx-card" data-test="members">
          <div class="lx-card-head"><b>{{ t('reg.members') }}</b><span class="lx-muted">（{{ rec.residents.length }}）</span><span class="lx-flex1"></span>
            <button v-if="mayWrite()" type="button" class="lx-link" @click="go('/registry/residents/create', { household_id: rec.id })" data-test="add-member"><van-icon name="plus" /> {{ t('reg.add_member') }}</button></div>
          <div v-if="!rec.residents.length" class="lx-muted">{{ t('reg.no_members') }}</div>
          <a v-for="p in rec.residents" :key="p.id" :href="'#/registry/residents/' + p.id" class="lx-mini-row" :data-id="p.id">
            <b>{{ p.name }}</b><span class="lx-muted">{{ [label('gender', p.gender), age(p.birth_date)].filter(Boolean).join(' · ') }}</span>
            <van-tag v-for="tg in p.tags" :key="tg" plain :type="sensitive(tg) ? 'warning' : 'primary'">{{ tg }}</van-tag>
            <span class="lx-flex1"></span><span class="lx-num">{{ p.phone }}</span><van-icon name="arrow" /></a>
        </div>
        <div class="lx-card" data-test="moves">
          <div class="lx-card-head"><b>{{ t('reg.moves') }}</b></div>
          <div v-if="!rec.moves.length" class="lx-muted">{{ t('reg.no_moves') }}</div>
          <ul v-else class="lx-timeline">
            <li v-for="(m, i) in [...rec.moves].reverse()" :key="i" data-test="move-row">
              <div class="lx-tl-head"><span class="lx-tl-action">{{ unitName(m.from_unit_id) }} → {{ unitName(m.to_unit_id) }}</span><span class="lx-muted">{{ moveTime(m.moved_at) }}</span></div>
              <div v-if="m.from_address !== m.to_address" class="lx-tl-note">{{ m.from_address }} → {{ m.to_address }}</div>
            </li>
          </ul>
        </div>
      </template>
    </template>

    <van-dialog v-model:show="unmask.show" :title="t('reg.unmask')" show-cancel-button :before-close="unmaskClose" :confirm-button-text="t('reg.unmask_go')" teleport="body">
      <div class="lx-dialog-body lx-pad-x" data-test="unmask-dialog">
        <p class="lx-muted">{{ t('reg.unmask_why') }}</p>
        <div class="lx-chips"><button v-for="r in REASONS" :key="r" type="button" class="lx-chip lx-chip-sm" @click="unmask.reason = t('reg.' + r)">{{ t('reg.' + r) }}</button></div>
        <van-field v-model="unmask.reason" type="textarea" rows="2" autosize maxlength="200" :placeholder="t('reg.reason_ph')" data-test="unmask-reason" class="lx-q-text" />
        <div v-if="unmask.error" class="lx-q-msg" data-test="unmask-error">{{ unmask.error }}</div>
      </div>
    </van-dialog>

    <van-dialog v-model:show="move.show" :title="t('reg.move')" show-cancel-button :before-close="moveClose" teleport="body">
      <div class="lx-dialog-body" data-test="move-dialog">
        <van-cell :title="t('reg.move_to')" is-link :value="move.unit ? move.unit.name : t('reg.pick_unit')" @click="openUnit('move')" data-test="move-unit" />
        <van-field v-model="move.address" :label="t('reg.new_address')" maxlength="200" />
        <div class="lx-muted lx-pad-x">{{ t('reg.move_hint') }}</div>
      </div>
    </van-dialog>
    <lx-unit-picker v-model:show="showUnit" @pick="pickUnit" :title="t('reg.pick_unit')" />
  </div>`,
};
