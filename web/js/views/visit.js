/*
 * visit.js - one visit on the phone (#/visit/:plan/:kind/:id): who is
 * visited, the outcome (在家 / 不在家 / 拒绝入户; only 在家 shows the
 * questions), the plan's form question by question, hiding those whose
 * relevant is false (components/formlogic.js), marking the required ones
 * and saying at once what an answer breaks or which hazard it raises; the
 * phone's position; and 提交.
 *
 * A submitted visit goes into the outbox first (field.js) with its
 * client_uuid, then up at once: sent, it shows the hazard cases it raised;
 * without a network it says 待上传 and goes up later by itself; refused by
 * the server (422 naming a question) it shows the error on that question
 * and stays in the outbox, marked, until fixed here (?edit=client_uuid
 * opens it again) or discarded.
 */
import { ref, reactive, computed, onMounted, onBeforeUnmount, nextTick } from 'vue';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import { route, go } from '../router.js';
import { toastError, fmtTime } from '../util.js';
import { showNotify, showConfirmDialog } from '../vant.js';
import { walk } from '../components/formlogic.js';
import { LxQuestion } from '../components/questions.js';
import {
  field, newUuid, rfc3339, locate, loadForm, loadDue, cachedDueEntry, cacheRead, queueVisit, sendVisit, outboxEntry, refreshOutbox,
  discardVisit, getBlob, refusalText,
} from '../field.js';

const OUTCOMES = ['home', 'not_home', 'refused'];

/* A photo's value before it is uploaded: a blob on the phone. */
const photoPending = (q, v) => q.type === 'photo' && !!v && typeof v === 'object' && !v.id;

export default {
  components: { LxQuestion },
  setup() {
    const planId = Number(route.params.plan);
    const kind = route.params.kind;
    const targetId = Number(route.params.id);
    const editId = route.query.edit || '';

    const loading = ref(true);
    const error = ref(null);
    const due = ref(null);          // the due-list entry (names, followup)
    const form = ref(null);
    const formCached = ref(false);
    const outcome = ref('home');
    const answers = reactive({});
    const serverErrors = reactive({});
    const showErrors = ref(false);
    const pos = ref(null);
    const locating = ref(false);
    const busy = ref(false);
    const progress = ref(0);
    const result = ref(null);       // {kind: 'sent', visit, cases} | {kind: 'queued'}
    const earlier = ref(null);      // another outbox entry for the same target
    let clientUuid = newUuid();
    let visitedAt = null;

    const target = computed(() => (due.value ? due.value.target : { kind, id: targetId, name: '#' + targetId, address: '' }));
    const planName = computed(() => (due.value && due.value.plan_name) || '');
    const questions = computed(() => (form.value ? form.value.questions : []));

    /* the answers as formlogic and the server see them: an uploaded photo is its id */
    const logicAnswers = computed(() => {
      const o = {};
      for (const q of questions.value) {
        const v = answers[q.name];
        o[q.name] = q.type === 'photo' && v && v.id ? v.id : v;
      }
      return o;
    });
    const state = computed(() => walk(questions.value, logicAnswers.value, { present: photoPending }));
    const shown = computed(() => questions.value.filter((q) => state.value.visible.has(q.name)));
    const hazardsOf = (name) => state.value.hazards.filter((h) => h.question === name);
    function errorOf(q) {
      if (serverErrors[q.name]) return serverErrors[q.name];
      const e = state.value.errors[q.name];
      if (!e) return '';
      /* "required" only once the worker tried to submit; a broken answer at once */
      return e === 'required' && !showErrors.value ? '' : e;
    }
    function setAnswer(name, v) {
      answers[name] = v;
      delete serverErrors[name];
    }

    async function load() {
      loading.value = true;
      error.value = null;
      try {
        const entry = editId ? await outboxEntry(editId) : null;
        due.value = cachedDueEntry(planId, kind, targetId);
        if (!due.value && !entry) {
          /* opened straight from a link: the due list knows the target */
          const list = await loadDue(null).catch(() => null);
          due.value = list && list.items.find((i) => i.plan_id === planId && i.target.kind === kind && i.target.id === targetId);
        }
        if (!due.value && entry) due.value = { plan_id: planId, plan_name: entry.plan_name, form_id: entry.form_id, target: entry.target, followup: entry.followup || null };
        let formId = due.value && due.value.form_id;
        if (!formId) {
          const plan = await api.get('/visit-plans/' + planId);
          formId = plan.form_id;
          due.value = { plan_id: planId, plan_name: plan.name, form_id: formId, target: { kind, id: targetId, name: '#' + targetId, address: '' }, followup: null };
        }
        const f = await loadForm(formId);
        form.value = f.form;
        formCached.value = f.cached;
        if (entry) {
          clientUuid = entry.client_uuid;
          visitedAt = entry.body.visited_at;
          outcome.value = entry.body.outcome;
          Object.assign(answers, entry.body.answers || {});
          for (const [q, p] of Object.entries(entry.photos || {})) {
            if (p.id) answers[q] = { id: p.id, thumb_url: p.thumb_url };
            else if (p.key) {
              const blob = await getBlob(p.key).catch(() => null);
              if (blob) answers[q] = { blob, url: URL.createObjectURL(blob) };
            }
          }
          if (entry.error && entry.error.field) serverErrors[entry.error.field] = entry.error.message || t('visit.err_invalid');
          showErrors.value = true;
        } else {
          await refreshOutbox();
          earlier.value = field.entries.find((e) => e.plan_id === planId && e.target.kind === kind && e.target.id === targetId) || null;
        }
      } catch (e) {
        error.value = e;
      } finally {
        loading.value = false;
      }
    }
    async function findMe() {
      locating.value = true;
      pos.value = (await locate(10000)) || pos.value;
      locating.value = false;
    }
    onMounted(() => { load(); findMe(); });
    onBeforeUnmount(() => {
      for (const v of Object.values(answers)) if (v && typeof v === 'object' && v.url) URL.revokeObjectURL(v.url);
    });

    function firstError() {
      for (const q of shown.value) if (errorOf(q)) return q;
      return null;
    }
    function scrollTo(name) {
      nextTick(() => {
        const el = document.querySelector(`[data-test=visit-form] [data-question="${name}"]`);
        if (el) el.scrollIntoView({ block: 'center', behavior: 'smooth' });
      });
    }

    /* The entry for the outbox: the kept answers (an uploaded photo as its
     * id; a photo on the phone beside them, uploaded first when sent). */
    function buildEntry() {
      const home = outcome.value === 'home';
      const kept = home ? { ...state.value.kept } : {};
      const photos = {};
      if (home) {
        for (const q of shown.value) {
          if (q.type !== 'photo') continue;
          const v = answers[q.name];
          delete kept[q.name];
          if (v && v.id) photos[q.name] = { id: v.id, thumb_url: v.thumb_url };
          else if (v && v.blob) photos[q.name] = { blob: v.blob };
        }
      }
      if (!visitedAt) visitedAt = rfc3339();
      const body = {
        plan_id: planId, target: { kind, id: targetId }, outcome: outcome.value, answers: kept, client_uuid: clientUuid,
        visited_at: visitedAt, form_version: form.value.version,
      };
      if (pos.value) { body.lat = pos.value.lat; body.lon = pos.value.lon; }
      return {
        client_uuid: clientUuid, plan_id: planId, plan_name: planName.value, form_id: form.value.id, form_name: form.value.name,
        target: { kind, id: targetId, name: target.value.name, address: target.value.address }, followup: (due.value && due.value.followup) || null,
        body, photos,
      };
    }

    async function submit() {
      if (busy.value) return;
      showErrors.value = true;
      if (outcome.value === 'home') {
        const bad = firstError();
        if (bad) {
          showNotify({ type: 'warning', message: t('visit.fix_first', { q: bad.label }) });
          scrollTo(bad.name);
          return;
        }
      }
      busy.value = true;
      progress.value = 0;
      for (const k of Object.keys(serverErrors)) delete serverErrors[k];
      try {
        await queueVisit(buildEntry());
      } catch (e) {
        busy.value = false;
        toastError(new Error(t('visit.no_storage')));
        return;
      }
      const r = await sendVisit(clientUuid, { onProgress: (f) => { progress.value = f; } });
      busy.value = false;
      if (r.status === 'sent') {
        const ids = r.visit.hazards || [];
        result.value = { kind: 'sent', visit: r.visit, cases: ids.map((id) => ({ id })) };
        /* the hazard cases by number and title (best effort) */
        Promise.all(ids.map((id) => api.get('/cases/' + id).catch(() => ({ id })))).then((cs) => {
          if (result.value && result.value.kind === 'sent') result.value = { ...result.value, cases: cs };
        });
        return;
      }
      if (r.status === 'failed') {
        const err = r.error || {};
        const q = questions.value.find((x) => x.name === err.field);
        if (q) {
          serverErrors[q.name] = err.code === 'photo_lost' ? t('visit.photo_lost') : (err.message || t('visit.err_invalid'));
          scrollTo(q.name);
          showNotify({ type: 'danger', message: t('visit.server_refused_q', { q: q.label }) });
        } else {
          toastError({ message: refusalText(err) });
        }
        return;
      }
      /* offline, busy server, or the session to renew: it waits on the phone */
      result.value = { kind: 'queued', status: r.status };
    }

    async function discard() {
      try { await showConfirmDialog({ message: t('field.discard_confirm') }); } catch { return; }
      await discardVisit(clientUuid);
      go('/visits', { tab: 'outbox' });
    }

    /* the next target on the list kept last (not this one, nothing queued for it) */
    const next = computed(() => {
      const c = cacheRead('due');
      const items = (c && c.data && c.data.items) || [];
      const queued = new Set(field.entries.map((e) => e.plan_id + '/' + e.target.kind + '/' + e.target.id));
      const sent = new Set(field.sent.filter((s) => s.sent_at >= ((c && c.at) || 0)).map((s) => s.plan_id + '/' + s.target.kind + '/' + s.target.id));
      return items.find((i) => {
        const k = i.plan_id + '/' + i.target.kind + '/' + i.target.id;
        return !(i.plan_id === planId && i.target.kind === kind && i.target.id === targetId) && !queued.has(k) && !sent.has(k);
      }) || null;
    });
    function goNext() {
      const n = next.value;
      if (n) go('/visit/' + n.plan_id + '/' + n.target.kind + '/' + n.target.id);
      else go('/visits');
    }

    return {
      loading, error, load, due, form, formCached, target, planName, outcome, OUTCOMES, answers, shown, setAnswer, errorOf, hazardsOf, state,
      pos, locating, findMe, busy, progress, submit, result, field, next, goNext, go, editId, discard, earlier, fmtTime,
      label, t,
    };
  },
  template: `
  <div class="lx-visit" data-test="visit-page">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />

    <template v-else-if="result">
      <div class="lx-card lx-visit-result" :class="'lx-result-' + result.kind" data-test="visit-result" :data-kind="result.kind">
        <template v-if="result.kind === 'sent'">
          <div class="lx-result-head"><van-icon name="checked" color="#07a35a" size="28" /><b>{{ t('visit.sent') }}</b></div>
          <div class="lx-muted">{{ target.name }} · {{ label('outcome', result.visit.outcome) }} · {{ fmtTime(result.visit.visited_at) }}</div>
          <div v-if="result.cases.length" class="lx-visit-hazards" data-test="visit-hazards">
            <div class="lx-q-hazard"><van-icon name="warning-o" /> {{ t('visit.hazards_raised', { n: result.cases.length }) }}</div>
            <a v-for="c in result.cases" :key="c.id" :href="'#/case/' + c.id" class="lx-hazard-link" :data-case-id="c.id">
              <span class="lx-num">{{ c.number || ('#' + c.id) }}</span> {{ c.title || t('visit.hazard_case') }} <van-icon name="arrow" /></a>
          </div>
          <div v-else class="lx-muted">{{ t('visit.no_hazards') }}</div>
        </template>
        <template v-else>
          <div class="lx-result-head"><van-icon name="clock-o" color="#ed6a0c" size="28" /><b>{{ t('visit.queued') }}</b></div>
          <div class="lx-muted">{{ t('visit.queued_hint', { n: field.pending }) }}</div>
        </template>
        <div class="lx-row-actions">
          <van-button v-if="next" type="primary" round block @click="goNext" data-test="visit-next">{{ t('visit.next', { name: next.target.name }) }}</van-button>
          <van-button round block plain @click="go('/visits')" data-test="visit-back">{{ t('visit.back_list') }}</van-button>
        </div>
      </div>
    </template>

    <template v-else>
      <div class="lx-card lx-visit-head">
        <div class="lx-card-head">
          <van-tag type="primary" plain>{{ label('target_kind', target.kind) }}</van-tag>
          <span class="lx-muted">{{ planName }}</span>
          <span class="lx-flex1"></span>
          <van-tag v-if="due && due.overdue" type="danger">{{ t('field.overdue') }}</van-tag>
        </div>
        <div class="lx-card-title" data-test="visit-target">{{ target.name }}</div>
        <div v-if="target.address && target.address !== target.name" class="lx-card-meta">{{ target.address }}</div>
        <div class="lx-card-foot">
          <span>{{ form.name }} · {{ t('visit.form_version', { n: form.version }) }}</span>
          <span v-if="formCached" class="lx-warn">{{ t('visit.form_cached') }}</span>
          <span class="lx-flex1"></span>
          <span class="lx-visit-gps" data-test="visit-gps" :data-located="!!pos">
            <van-loading v-if="locating" size="12" />
            <template v-else-if="pos"><van-icon name="location-o" /> {{ pos.accuracy ? t('visit.located', { m: pos.accuracy }) : t('visit.located_plain') }}</template>
            <button v-else type="button" class="lx-link" @click="findMe">{{ t('visit.locate') }}</button>
          </span>
        </div>
      </div>
      <div v-if="due && due.followup === 'written_notice'" class="lx-banner lx-banner-warn" data-test="followup-notice">
        <div class="lx-banner-head"><van-icon name="description" /> <b>{{ t('field.written_notice') }}</b></div>
        <div>{{ t('visit.written_notice_hint') }}</div>
      </div>
      <div v-if="editId" class="lx-banner lx-banner-red" data-test="edit-banner">
        <div>{{ t('visit.editing') }}</div>
        <div class="lx-row-actions"><van-button size="small" plain type="danger" @click="discard" data-test="visit-discard">{{ t('field.discard') }}</van-button></div>
      </div>
      <div v-else-if="earlier" class="lx-banner lx-banner-orange" data-test="earlier-banner">
        {{ t('visit.earlier', { t: fmtTime(earlier.body.visited_at) }) }}
      </div>

      <div class="lx-card">
        <div class="lx-block-title">{{ t('visit.outcome') }}</div>
        <div class="lx-outcomes" role="radiogroup" data-test="outcome">
          <button v-for="o in OUTCOMES" :key="o" type="button" class="lx-outcome" :class="[{ on: outcome === o }, 'lx-outcome-' + o]" :aria-pressed="outcome === o"
                  @click="outcome = o" :data-outcome="o">{{ label('outcome', o) }}</button>
        </div>
        <div v-if="outcome !== 'home'" class="lx-muted lx-pad-y">{{ t('visit.outcome_hint_' + outcome) }}</div>
      </div>

      <div v-if="outcome === 'home'" class="lx-visit-form" data-test="visit-form">
        <div v-for="(q, i) in shown" :key="q.name" class="lx-card lx-q-card">
          <lx-question :q="q" :index="i + 1" :model-value="answers[q.name]" @update:model-value="setAnswer(q.name, $event)"
                       :error="errorOf(q)" :hazards="hazardsOf(q.name)" />
        </div>
      </div>

      <div class="lx-submit-bar lx-visit-bar">
        <van-button type="primary" round class="lx-submit" :loading="busy" :loading-text="progress ? t('visit.uploading', { p: Math.round(progress * 100) }) : t('desk.submitting')"
                    @click="submit" data-test="visit-submit">{{ field.online ? t('visit.submit') : t('visit.submit_offline') }}</van-button>
      </div>
    </template>
  </div>`,
};
