/*
 * desk.js - the intake desk (受理台): a hotline operator files a resident's
 * request in one pass. Category picker with search over 大类/小类; the
 * location by clicking the grid map, by the address (matched against the
 * names of streets, communities and villages) or by picking a grid; the
 * reporter with phone; hints of open cases of the same category nearby;
 * and one key that files the case and lets the duty list dispatch it
 * (or, where the list names no unit, asks whom to dispatch to).
 * Grid workers, deputies and volunteers use the same form to report (上报).
 * Up to 9 photos go with it (shrunk in the browser, sent to the case once
 * it exists); at the desk the caller's phone shows their earlier cases.
 */
import { reactive, ref, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { t, label } from '../i18n.js';
import { api, ApiError } from '../api.js';
import {
  session, hasRole, loadUnits, loadCategories, loadWorkflows, unitIndex, mapTop, unitPathNames, categoryFullName,
  openStatuses,
} from '../session.js';
import { go } from '../router.js';
import {
  distance, fmtDistance, fmtShort, fmtTime, ymd, debounce, toastError, isWide, now, countdown,
} from '../util.js';
import { LxGridMap } from '../components/gridmap.js';
import { LxPhotoPicker, uploadAll, releaseItems } from '../components/photos.js';
import { ResultCard, DupeList, CallerHistory } from './desk/parts.js';
import { showSuccessToast, showConfirmDialog, showNotify } from '../vant.js';

const CHANNELS = ['hotline', 'web', 'grid_visit', 'deputy_station', 'onekey', 'inspection'];
/* The channels each role files through (the desk: all of them). */
function channelsFor() {
  if (hasRole('dispatcher', 'admin')) return CHANNELS;
  const out = [];
  if (hasRole('grid_worker')) out.push('grid_visit', 'inspection', 'onekey');
  if (hasRole('deputy')) out.push('deputy_station');
  if (hasRole('handler')) out.push('inspection');
  out.push('web');
  return [...new Set(out)];
}
const TYPES = ['request', 'hazard', 'dispute', 'proxy', 'opinion', 'suggestion', 'onekey'];

function defaultChannel() {
  if (hasRole('dispatcher', 'admin')) return 'hotline';
  if (hasRole('grid_worker')) return 'grid_visit';
  if (hasRole('deputy')) return 'deputy_station';
  return 'web';
}

function emptyForm() {
  return {
    channel: defaultChannel(), type: hasRole('deputy') && !hasRole('dispatcher', 'admin') ? 'suggestion' : 'request',
    category: null, title: '', description: '', address: '',
    lat: null, lon: null, unitId: null, unitSource: '', urgent: false,
    name: '', phone: '', anonymous: false,
  };
}

/* Ancestor of unit u (by path, within the caller's units) of one of kinds. */
function ancestorOfKind(u, kinds) {
  if (!u) return null;
  const ids = u.path.split('/').filter(Boolean).map(Number).reverse();
  for (const id of ids) {
    const a = unitIndex.value.get(id);
    if (a && kinds.includes(a.kind)) return a;
  }
  return null;
}

/* The unit the category's duty rule names for a case located in unit u,
 * as the server will compute it; null when unknown here. */
export function predictDuty(cat, u) {
  if (!cat || !cat.responsible) return null;
  const r = cat.responsible;
  if (r.unit_id) return unitIndex.value.get(r.unit_id) || { id: r.unit_id, name: '#' + r.unit_id };
  if (r.unit_kind) return ancestorOfKind(u, [r.unit_kind]);
  if (r.unit_name) {
    const district = ancestorOfKind(u, ['district']);
    const deps = [...unitIndex.value.values()].filter((x) => x.kind === 'department' && x.name === r.unit_name &&
      (!district || x.path.startsWith(district.path)));
    return deps.length === 1 || (district && deps.length) ? deps[0] : null;
  }
  return null;
}

export default {
  components: { LxGridMap, ResultCard, DupeList, CallerHistory, LxPhotoPicker },
  setup() {
    const form = reactive(emptyForm());
    const showCat = ref(false);
    const showUnit = ref(false);
    const showMap = ref(false);
    const busy = ref(false);
    const locating = ref(false);
    const locateMsg = ref('');
    const mapRoot = ref(0);
    const crumbs = ref([]);
    const dupes = ref([]);
    const dupesLoading = ref(false);
    const result = ref(null);
    const masterNumber = ref('');
    const showDispatch = ref(false);
    const filedToday = ref([]);
    const wide = ref(isWide());
    const errors = reactive({});
    const fieldRole = computed(() => !hasRole('dispatcher', 'admin'));
    const photos = ref([]); // the picker's items, sent once the case exists
    const uploads = ref([]); // the items going up to the last filed case
    let uploadCase = 0;

    onMounted(() => {
      loadUnits().then(() => { if (!mapRoot.value) crumbTo(null); }).catch(toastError);
      loadCategories().catch(toastError);
      loadWorkflows().catch(toastError);
    });
    const onResize = () => { wide.value = isWide(); };
    window.addEventListener('resize', onResize);
    const onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); submit(); }
    };
    window.addEventListener('keydown', onKey);
    onBeforeUnmount(() => {
      window.removeEventListener('resize', onResize);
      window.removeEventListener('keydown', onKey);
      releaseItems(photos.value);
      releaseItems(uploads.value);
    });

    /* The photos picked go up to case id (created first) as stage intake;
     * the result card shows their progress and offers a retry. */
    async function sendPhotos(id) {
      releaseItems(uploads.value);
      uploads.value = photos.value;
      photos.value = [];
      uploadCase = id;
      if (!uploads.value.length) return;
      const ok = await uploadAll(id, uploads.value, 'intake');
      if (!ok) showNotify({ type: 'danger', message: t('photo.some_failed_filed'), duration: 4000 });
    }
    async function retryPhotos() {
      if (!uploadCase) return;
      const ok = await uploadAll(uploadCase, uploads.value, 'intake');
      if (ok) showSuccessToast(t('photo.result_done', { n: uploads.value.length }));
    }
    function spot() { if (result.value) go('/case/' + result.value.id, { act: 'resolve' }); }

    const unit = computed(() => (form.unitId ? unitIndex.value.get(form.unitId) : null));
    const unitLabel = computed(() => (form.unitId ? unitPathNames(form.unitId) : ''));
    const duty = computed(() => predictDuty(form.category, unit.value));
    const hours = computed(() => {
      const c = form.category;
      if (!c) return '';
      const a = form.urgent ? Math.min(c.accept_hours, 0.5) : c.accept_hours;
      const r = form.urgent ? Math.min(c.resolve_hours, 2) : c.resolve_hours;
      /* a clock counted in working days says so */
      const clock = (wd, h) => (wd ? t('time.workdays', { n: wd }) : t('time.hours', { n: +h.toFixed(3) }));
      return t('desk.hours', { a: clock(c.accept_workdays, a), r: clock(c.resolve_workdays, r) })
        + (c.verify ? ' · ' + t('desk.verify_on') : '');
    });

    function pickCategory(c) {
      form.category = c;
      if (c.case_type) form.type = c.case_type;
      if (!form.title.trim()) form.title = c.name.split('/')[0];
      delete errors.category;
    }

    /* ---- location ---- */
    async function setCrumbs(u) {
      const out = [];
      if (u) {
        const ids = u.path.split('/').filter(Boolean).map(Number);
        for (const id of ids) {
          const x = unitIndex.value.get(id);
          if (x) out.push(x);
        }
      }
      crumbs.value = out;
    }
    async function locateAt(lat, lon) {
      form.lat = lat;
      form.lon = lon;
      locating.value = true;
      locateMsg.value = '';
      try {
        const r = await api.get('/locate', { lat, lon });
        await loadUnits();
        form.unitId = r.unit.id;
        form.unitSource = 'point';
        const loc = unitIndex.value.get(r.unit.id) || r.unit;
        const parent = loc.parent_id && unitIndex.value.get(loc.parent_id);
        mapRoot.value = parent ? parent.id : mapRoot.value;
        setCrumbs(parent || null);
      } catch (e) {
        form.unitId = null;
        form.unitSource = 'point';
        locateMsg.value = e instanceof ApiError && e.status === 404 ? t('desk.outside') : e.message;
      } finally {
        locating.value = false;
      }
    }
    function onMapPick(p) {
      delete errors.location;
      locateAt(p.lat, p.lon);
    }
    function onDrill(u) {
      mapRoot.value = u.id;
      setCrumbs(unitIndex.value.get(u.id) || u);
    }
    function crumbTo(u) {
      mapRoot.value = u ? u.id : mapTop();
      setCrumbs(u || unitIndex.value.get(mapRoot.value) || null);
    }
    function myPosition() {
      if (!navigator.geolocation) {
        showNotify({ type: 'warning', message: t('desk.no_geo') });
        return;
      }
      locating.value = true;
      navigator.geolocation.getCurrentPosition(
        (pos) => locateAt(+pos.coords.latitude.toFixed(6), +pos.coords.longitude.toFixed(6)),
        (err) => { locating.value = false; showNotify({ type: 'warning', message: t('desk.geo_failed', { m: err.message }) }); },
        { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    }
    function pickUnit(u) {
      form.unitId = u.id;
      form.unitSource = 'picked';
      form.lat = form.lon = null;
      delete errors.location;
      const parent = u.parent_id && unitIndex.value.get(u.parent_id);
      mapRoot.value = u.kind === 'grid' && parent ? parent.id : u.id;
      setCrumbs(unitIndex.value.get(mapRoot.value) || null);
    }
    function clearLocation() {
      form.lat = form.lon = null;
      form.unitId = null;
      form.unitSource = '';
      locateMsg.value = '';
    }

    /* The address names a street, community or village: use it when no
     * point or picked unit says better. */
    const matchAddress = debounce(() => {
      if (form.unitSource === 'point' || form.unitSource === 'picked') return;
      const text = form.address.trim();
      if (!text) {
        if (form.unitSource === 'address') { form.unitId = null; form.unitSource = ''; }
        return;
      }
      let best = null, bestScore = 0;
      for (const u of unitIndex.value.values()) {
        if (!['street', 'community', 'village'].includes(u.kind)) continue;
        const stem = u.name.replace(/(街道|社区|村|网格)$/, '');
        const hit = text.includes(u.name) ? u.name.length + 1 : stem.length >= 2 && text.includes(stem) ? stem.length : 0;
        if (!hit) continue;
        const score = hit * 10 + (u.kind === 'street' ? 0 : 5);
        if (score > bestScore) { best = u; bestScore = score; }
      }
      if (best) {
        form.unitId = best.id;
        form.unitSource = 'address';
        delete errors.location;
      } else if (form.unitSource === 'address') {
        form.unitId = null;
        form.unitSource = '';
      }
    }, 300);
    watch(() => form.address, matchAddress);

    /* ---- duplicate hints ---- */
    let dupeSeq = 0;
    const findDupes = debounce(async () => {
      const seq = ++dupeSeq;
      const cat = form.category;
      const u = unit.value;
      if (!cat || (!u && form.lat == null)) { dupes.value = []; return; }
      const area = ancestorOfKind(u, ['community', 'village']) || ancestorOfKind(u, ['street']) || u;
      const from = new Date(Date.now() - 30 * 86400e3);
      dupesLoading.value = true;
      try {
        const r = await api.get('/cases', {
          category_code: cat.code, unit_id: area ? area.id : undefined, from: ymd(from), limit: 100,
        });
        if (seq !== dupeSeq) return;
        const open = openStatuses();
        const list = r.items.filter((c) => open.includes(c.status)).map((c) => ({
          c,
          d: form.lat != null && c.lat != null ? distance(form.lat, form.lon, c.lat, c.lon) : null,
        })).filter((x) => x.d === null || x.d <= 1500);
        list.sort((a, b) => (a.d ?? 1e9) - (b.d ?? 1e9) || b.c.id - a.c.id);
        dupes.value = list.slice(0, 5);
      } catch (e) {
        if (seq === dupeSeq) dupes.value = [];
      } finally {
        if (seq === dupeSeq) dupesLoading.value = false;
      }
    }, 400);
    watch(() => [form.category && form.category.code, form.unitId, form.lat, form.lon], findDupes);

    /* 记为重复来电: the call is recorded as a case of its own and merged
     * into the open one at once (POST /cases with repeat_of). */
    async function markRepeat(x) {
      if (!validate(false)) return;
      try {
        await showConfirmDialog({ title: t('desk.repeat_title'), message: t('desk.repeat_msg', { n: x.c.number }) });
      } catch { return; }
      const body = intakeBody();
      body.repeat_of = x.c.id;
      if (!body.title) body.title = x.c.title;
      if (!body.category_code && x.c.category_code) body.category_code = x.c.category_code;
      busy.value = true;
      try {
        const c = await api.post('/cases', body);
        result.value = c;
        masterNumber.value = x.c.number;
        filedToday.value.unshift(c);
        showSuccessToast({ message: t('desk.repeat_done', { n: x.c.number }), className: 'lx-toast-filed' });
        /* the caller's photos belong to the open case the call repeats */
        sendPhotos(x.c.id);
        reset(true);
      } catch (e) {
        if (e.field) errors[e.field.startsWith('reporter') ? 'phone' : e.field] = e.message;
        toastError(e);
      } finally {
        busy.value = false;
      }
    }

    /* ---- submit ---- */
    function validate(full = true) {
      for (const k of Object.keys(errors)) delete errors[k];
      if (full && !form.category) errors.category = t('desk.need_category');
      if (full && !form.title.trim()) errors.title = t('desk.need_title');
      if (!form.description.trim()) errors.description = t('desk.need_description');
      if (full && !form.unitId && form.lat == null && !fieldRoleHasUnit()) errors.location = t('desk.need_location');
      if (form.phone && !/^[0-9+\- ]{3,20}$/.test(form.phone.trim())) errors.phone = t('desk.bad_phone');
      const bad = Object.keys(errors);
      if (bad.length) {
        showNotify({ type: 'warning', message: errors[bad[0]] });
        return false;
      }
      return true;
    }
    function fieldRoleHasUnit() {
      return fieldRole.value && session.user && session.user.unit_id;
    }

    function intakeBody() {
      const body = {
        type: form.type, channel: form.channel, category_code: form.category ? form.category.code : undefined,
        title: form.title.trim(), description: form.description.trim(),
        address: form.address.trim() || undefined, urgent: form.urgent,
        reporter: { name: form.name.trim() || undefined, phone: form.phone.trim() || undefined, anonymous: form.anonymous },
      };
      if (form.lat != null) { body.lat = form.lat; body.lon = form.lon; } else if (form.unitId) body.unit_id = form.unitId;
      return body;
    }

    async function submit() {
      if (busy.value || !validate()) return;
      const body = intakeBody();
      busy.value = true;
      try {
        const c = await api.post('/cases', body);
        result.value = c;
        masterNumber.value = '';
        filedToday.value.unshift(c);
        if (!c.handler_unit_id && (c.allowed_actions || []).includes('dispatch')) {
          showNotify({ type: 'warning', message: t('desk.no_duty') });
          showDispatch.value = true;
        } else {
          showSuccessToast({ message: t('desk.filed', { n: c.number }), className: 'lx-toast-filed' });
        }
        sendPhotos(c.id);
        reset(true);
        if (!wide.value) window.scrollTo({ top: 0, behavior: 'smooth' });
      } catch (e) {
        if (e.field) errors[e.field.startsWith('reporter') ? 'phone' : e.field] = e.message;
        toastError(e);
      } finally {
        busy.value = false;
      }
    }

    async function dispatchTo(u) {
      const c = result.value;
      if (!c) return;
      try {
        const r = await api.post('/cases/' + c.id + '/dispatch', { unit_id: u.id, version: c.version });
        result.value = r;
        filedToday.value = filedToday.value.map((x) => (x.id === r.id ? r : x));
        showSuccessToast(t('desk.dispatched', { u: u.name }));
      } catch (e) { toastError(e); }
    }

    function reset(keepChannel = false) {
      const ch = form.channel;
      Object.assign(form, emptyForm());
      if (keepChannel) form.channel = ch;
      for (const k of Object.keys(errors)) delete errors[k];
      dupes.value = [];
      locateMsg.value = '';
      crumbTo(null); // the next call may come from anywhere
    }
    async function confirmReset() {
      try { await showConfirmDialog({ message: t('desk.reset_confirm') }); } catch { return; }
      releaseItems(photos.value);
      photos.value = [];
      reset(true);
    }

    const resultHandler = computed(() => {
      const c = result.value;
      if (!c) return '';
      const ev = [...(c.timeline || [])].reverse().find((e) => e.action === 'dispatch');
      return ev ? ev.unit_name : '';
    });

    return {
      form, showCat, showUnit, showMap, busy, locating, locateMsg, mapRoot, crumbs, dupes, dupesLoading, result,
      showDispatch, filedToday, masterNumber, wide, errors, fieldRole, unitLabel, duty, hours, resultHandler,
      pickCategory, onMapPick, onDrill, crumbTo, myPosition, pickUnit, clearLocation, markRepeat, submit, reset,
      confirmReset, dispatchTo, photos, uploads, retryPhotos, spot, categoryFullName, fmtDistance, fmtShort, fmtTime, label, t, go, now, countdown,
      CHANNELS: channelsFor(), TYPES,
    };
  },
  template: `
  <div class="lx-desk" :class="{ 'lx-desk-wide': wide }">
    <section class="lx-desk-form">
      <ResultCard v-if="result && !wide" :result="result" :handler="resultHandler" :field-role="fieldRole" :master="masterNumber" @dispatch="showDispatch = true" :uploads="uploads" @retry="retryPhotos" @spot="spot" @open="go('/case/' + result.id)" />
      <div class="lx-block">
        <div class="lx-block-title">{{ t('desk.channel') }}</div>
        <div class="lx-chips" role="radiogroup" :aria-label="t('desk.channel')">
          <button v-for="ch in CHANNELS" :key="ch" type="button" class="lx-chip" :class="{ on: form.channel === ch }"
                  role="radio" :aria-checked="form.channel === ch" @click="form.channel = ch" :data-channel="ch">{{ label('channel', ch) }}</button>
        </div>
      </div>

      <van-cell-group inset class="lx-group">
        <van-field :model-value="form.category ? categoryFullName(form.category.code) : ''" is-link readonly required
                   :label="t('desk.category')" :placeholder="t('desk.category_ph')" @click="showCat = true"
                   :error-message="errors.category" data-test="category" />
        <div v-if="form.category" class="lx-duty" data-test="duty-preview">
          <van-icon name="guide-o" />
          <span v-if="duty">{{ t('desk.duty_to', { u: duty.name }) }}</span>
          <span v-else-if="form.category.responsible">{{ t('desk.duty_rule') }}</span>
          <span v-else>{{ t('desk.duty_none') }}</span>
          <span class="lx-muted">· {{ hours }}</span>
        </div>
        <div class="lx-field-chips">
          <span class="lx-muted">{{ t('desk.type') }}</span>
          <button v-for="ty in TYPES" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: form.type === ty }" @click="form.type = ty" :data-type="ty">{{ label('type', ty) }}</button>
        </div>
        <van-field v-model="form.title" :label="t('desk.title')" :placeholder="t('desk.title_ph')" required maxlength="100"
                   :error-message="errors.title" clearable data-test="title" />
        <van-field v-model="form.description" type="textarea" :label="t('desk.description')" :placeholder="t('desk.description_ph')"
                   required rows="4" autosize maxlength="4000" show-word-limit :error-message="errors.description" data-test="description" />
        <lx-photo-picker v-model="photos" name="intake-photos" :docs="!fieldRole" :title="t('photo.intake')" :hint="t('photo.intake_hint')" />
      </van-cell-group>

      <van-cell-group inset class="lx-group">
        <van-field v-model="form.address" :label="t('desk.address')" :placeholder="t('desk.address_ph')" clearable maxlength="200" data-test="address" />
        <van-cell :title="t('desk.location')" :class="{ 'lx-cell-error': errors.location }" data-test="location">
          <template #label>
            <div v-if="locating" class="lx-muted"><van-loading size="14" /> {{ t('desk.locating') }}</div>
            <div v-else-if="unitLabel" class="lx-located" data-test="located">{{ unitLabel }}
              <span class="lx-muted">（{{ t('desk.by_' + form.unitSource) }}<template v-if="form.lat != null"> {{ form.lat }}, {{ form.lon }}</template>）</span></div>
            <div v-else-if="locateMsg" class="lx-warn">{{ locateMsg }}</div>
            <div v-else class="lx-muted">{{ errors.location || t('desk.location_ph') }}</div>
          </template>
        </van-cell>
        <div class="lx-loc-actions">
          <van-button v-if="!wide" size="small" icon="location-o" @click="showMap = true" data-test="open-map">{{ t('desk.map_pick') }}</van-button>
          <van-button size="small" icon="aim" @click="myPosition" v-if="fieldRole || !wide">{{ t('desk.my_position') }}</van-button>
          <van-button size="small" icon="cluster-o" @click="showUnit = true" data-test="pick-grid">{{ t('desk.pick_grid') }}</van-button>
          <van-button v-if="form.unitId || form.lat != null" size="small" icon="cross" @click="clearLocation">{{ t('common.clear') }}</van-button>
        </div>
      </van-cell-group>
      <DupeList v-if="!wide && form.category && (dupes.length || dupesLoading)" :dupes="dupes" :loading="dupesLoading" :can-repeat="!fieldRole" @repeat="markRepeat" />

      <van-cell-group inset class="lx-group">
        <van-cell center :title="t('desk.urgent')" :label="t('desk.urgent_hint')">
          <template #right-icon><van-switch v-model="form.urgent" size="22" data-test="urgent" /></template>
        </van-cell>
        <van-field v-model="form.name" :label="t('desk.reporter')" :placeholder="t('desk.reporter_ph')" maxlength="32" clearable :disabled="form.anonymous" data-test="reporter-name" />
        <van-field v-model="form.phone" type="tel" :label="t('desk.phone')" :placeholder="t('desk.phone_ph')" maxlength="20" clearable
                   :error-message="errors.phone" :disabled="form.anonymous" data-test="reporter-phone" />
        <van-cell center :title="t('desk.anonymous')">
          <template #right-icon><van-switch v-model="form.anonymous" size="22" /></template>
        </van-cell>
      </van-cell-group>
      <CallerHistory v-if="!wide" :phone="form.anonymous ? '' : form.phone" @repeat="markRepeat" />

      <div class="lx-submit-bar">
        <van-button plain @click="confirmReset">{{ t('desk.reset') }}</van-button>
        <van-button type="primary" class="lx-submit" :loading="busy" :loading-text="t('desk.submitting')" @click="submit" data-test="submit">
          {{ fieldRole ? t('desk.submit_report') : t('desk.submit') }}
        </van-button>
      </div>
      <div v-if="wide" class="lx-muted lx-kbd-hint">{{ t('desk.kbd') }}</div>
    </section>

    <aside class="lx-desk-side">
      <ResultCard v-if="result && wide" :result="result" :handler="resultHandler" :field-role="fieldRole" :master="masterNumber" @dispatch="showDispatch = true" :uploads="uploads" @retry="retryPhotos" @spot="spot" @open="go('/case/' + result.id)" />

      <div v-if="wide" class="lx-card lx-desk-map">
        <div class="lx-crumbs">
          <template v-for="(c, i) in crumbs" :key="c.id"><template v-if="i"> › </template><a href="javascript:void 0" @click="crumbTo(c)">{{ c.name }}</a></template>
          <span class="lx-flex1"></span><span class="lx-muted">{{ t('desk.map_hint') }}</span>
        </div>
        <lx-grid-map :root="mapRoot" pick :pin="form.lat != null ? { lat: form.lat, lon: form.lon } : null" @pick="onMapPick" @drill="onDrill" height="360px" />
      </div>

      <CallerHistory v-if="wide" :phone="form.anonymous ? '' : form.phone" @repeat="markRepeat" />
      <DupeList v-if="wide && form.category && (dupes.length || dupesLoading)" :dupes="dupes" :loading="dupesLoading" :can-repeat="!fieldRole" @repeat="markRepeat" />

      <div class="lx-card" v-if="filedToday.length">
        <div class="lx-card-head"><b>{{ t('desk.session_list') }}</b></div>
        <a v-for="c in filedToday" :key="c.id" class="lx-mini-row" :href="'#/case/' + c.id">
          <span class="lx-num">{{ c.number }}</span><span class="lx-ellipsis">{{ c.title }}</span><lx-status :status="c.status" :type="c.type" />
        </a>
      </div>
    </aside>

    <lx-category-picker v-model:show="showCat" @pick="pickCategory" />
    <lx-unit-picker v-model:show="showUnit" :kinds="['street', 'community', 'village', 'grid', 'microgrid']" :title="t('desk.pick_grid')" @pick="pickUnit" />
    <lx-unit-picker v-model:show="showDispatch" :title="t('action.dispatch')" @pick="dispatchTo" :kinds="['department', 'street', 'community', 'village', 'grid', 'district']" />
    <van-popup v-if="!wide" v-model:show="showMap" position="bottom" round closeable :style="{ height: '86%' }" teleport="body" class="lx-map-popup">
      <div class="lx-picker-title">{{ t('desk.map_pick') }}</div>
      <div class="lx-crumbs lx-pad-x">
        <template v-for="(c, i) in crumbs" :key="c.id"><template v-if="i"> › </template><a href="javascript:void 0" @click="crumbTo(c)">{{ c.name }}</a></template>
      </div>
      <div class="lx-pad-x lx-muted">{{ t('desk.map_hint') }}</div>
      <lx-grid-map :root="mapRoot" pick :pin="form.lat != null ? { lat: form.lat, lon: form.lon } : null" @pick="onMapPick" @drill="onDrill" height="calc(100% - 150px)" />
      <div class="lx-pad">
        <div class="lx-located" v-if="unitLabel">{{ unitLabel }}</div>
        <van-button block round type="primary" @click="showMap = false" :disabled="locating">{{ t('common.done') }}</van-button>
      </div>
    </van-popup>
  </div>`,
};
