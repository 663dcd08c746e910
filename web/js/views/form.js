/*
 * form.js - the form editor (#/form/:id, "create" for a new one; admins):
 * the questions as cards, each with its name, type, label, hint,
 * required, relevant and constraint (checked as typed by
 * components/formlogic.js: the grammar, and that a name is an earlier
 * question's), choices, number range and unit, and hazard rules
 * (hazard_if: equals a value or an expression on ".", a hazard category,
 * the working days to rectify, a label); added, removed, moved up and
 * down. 保存 sends PATCH /forms/{id} with the version edited: a new
 * version each time (visits keep the one they used). The server's 422
 * names the question and the key ("questions[3].relevant",
 * "questions[0].hazard_if[1].days"): shown on that card and field. 预览
 * fills the form in as a worker would.
 */
import { ref, reactive, computed, onMounted, nextTick } from 'vue';
import { t, label } from '../i18n.js';
import { api } from '../api.js';
import { loadCategories, categoryName } from '../session.js';
import { route, go } from '../router.js';
import { toastError } from '../util.js';
import { showSuccessToast, showConfirmDialog, showDialog, showNotify } from '../vant.js';
import { parse, namesIn, usesDot, walk, hazardRules, choiceList } from '../components/formlogic.js';
import { LxQuestion } from '../components/questions.js';

const TYPES = ['yes_no', 'choice', 'number', 'text', 'photo', 'geopoint'];
let keySeq = 0;

/* A question as the editor holds it (every key present, strings for inputs). */
function toEdit(q) {
  return {
    _key: ++keySeq, _open: false, name: q.name || '', type: q.type || 'yes_no', label: q.label || '', hint: q.hint || '',
    required: !!q.required, relevant: q.relevant || '', constraint: q.constraint || '',
    choices: choiceList(q).map((c) => ({ value: c.value, label: c.label === c.value ? '' : c.label })),
    min: typeof q.min === 'number' ? String(q.min) : '', max: typeof q.max === 'number' ? String(q.max) : '', unit: q.unit || '',
    rules: hazardRules(q).map((r) => ({
      mode: Object.prototype.hasOwnProperty.call(r, 'equals') ? 'equals' : 'expr',
      equals: Object.prototype.hasOwnProperty.call(r, 'equals') ? (typeof r.equals === 'string' ? r.equals : JSON.stringify(r.equals)) : '',
      expr: r.expr || '', category: r.category || '', days: r.days ? String(r.days) : '3', label: r.label || '',
    })),
  };
}

/* An "equals" value typed for question q, as the JSON the server wants. */
function equalsValue(q, s) {
  if (q.type === 'yes_no') return s === 'true';
  if (q.type === 'choice' || q.type === 'text') return s;
  if (q.type === 'number' || q.type === 'photo') return s === '' ? null : Number(s);
  try { return JSON.parse(s); } catch { return s; }
}

/* The question as the API takes it: only the keys that say something. */
function toJson(q) {
  const o = { name: q.name.trim(), type: q.type, label: q.label.trim() };
  if (q.hint.trim()) o.hint = q.hint.trim();
  if (q.required) o.required = true;
  if (q.relevant.trim()) o.relevant = q.relevant.trim();
  if (q.constraint.trim()) o.constraint = q.constraint.trim();
  if (q.type === 'choice') o.choices = q.choices.map((c) => (c.label.trim() ? { value: c.value.trim(), label: c.label.trim() } : c.value.trim()));
  if (q.type === 'number') {
    if (q.min !== '') o.min = Number(q.min);
    if (q.max !== '') o.max = Number(q.max);
    if (q.unit.trim()) o.unit = q.unit.trim();
  }
  const rules = q.rules.map((r) => {
    const x = r.mode === 'equals' ? { equals: equalsValue(q, r.equals) } : { expr: r.expr.trim() };
    x.category = r.category;
    x.days = Number(r.days);
    if (r.label.trim()) x.label = r.label.trim();
    return x;
  });
  if (rules.length) o.hazard_if = rules.length === 1 ? rules[0] : rules;
  return o;
}

/* The first problem formlogic sees in an expression of question i, or ''. */
function exprProblem(src, i, list, dotOk) {
  if (!src.trim()) return '';
  let tree;
  try { tree = parse(src); } catch (e) { return t('fe.bad_expr', { m: e.message, p: e.pos + 1 }); }
  if (!dotOk && usesDot(tree)) return t('fe.no_dot');
  const earlier = list.slice(0, i).map((q) => q.name);
  const bad = namesIn(tree).filter((n) => !earlier.includes(n));
  return bad.length ? t('fe.not_earlier', { n: bad.join(', ') }) : '';
}

export default {
  components: { LxQuestion },
  setup() {
    const creating = route.params.id === 'create';
    const id = creating ? 0 : Number(route.params.id);
    const loading = ref(!creating);
    const error = ref(null);
    const form = ref(creating ? { id: 0, name: '', version: 0, code: null } : null);
    const name = ref('');
    const qs = ref(creating ? [{ ...toEdit({ type: 'yes_no' }), _open: true }] : []);
    const busy = ref(false);
    const serverError = ref(null);   // {index, path, message} | {path, message}
    const showCat = ref(false);
    let catFor = null;
    const preview = ref(false);
    const previewAnswers = reactive({});

    async function load() {
      loading.value = true;
      error.value = null;
      try {
        const f = await api.get('/forms/' + id);
        form.value = f;
        name.value = f.name;
        qs.value = f.questions.map(toEdit);
      } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    onMounted(() => { loadCategories().catch(() => null); if (!creating) load(); });

    const json = computed(() => qs.value.map(toJson));
    const problems = computed(() => qs.value.map((q, i) => ({
      relevant: exprProblem(q.relevant, i, qs.value, false),
      constraint: exprProblem(q.constraint, i, qs.value, true),
      rules: q.rules.map((r) => (r.mode === 'expr' ? exprProblem(r.expr || '', i, qs.value, true) || (r.expr.trim() ? '' : t('fe.need_expr')) : '')),
      name: !/^[a-z_][a-z0-9_]*$/.test(q.name.trim()) ? t('fe.bad_name')
        : qs.value.some((o, j) => j !== i && o.name.trim() === q.name.trim()) ? t('fe.dup_name') : '',
    })));
    /* the server's error at question i, key path (e.g. "relevant", "hazard_if[1].days") */
    function errAt(i, path) {
      const e = serverError.value;
      if (!e || e.index !== i) return '';
      const p = e.path.replace(/^hazard_if(?=\.|$)/, 'hazard_if[0]');
      return p === path || p.startsWith(path + '[') || p.startsWith(path + '.') ? e.message : '';
    }

    function add() {
      for (const q of qs.value) q._open = false;
      qs.value.push({ ...toEdit({ type: 'yes_no', name: 'q' + (qs.value.length + 1) }), _open: true });
      scrollToQ(qs.value.length - 1);
    }
    function move(i, d) {
      const j = i + d;
      if (j < 0 || j >= qs.value.length) return;
      const list = [...qs.value];
      [list[i], list[j]] = [list[j], list[i]];
      qs.value = list;
      serverError.value = null;
    }
    async function remove(i) {
      try { await showConfirmDialog({ message: t('fe.remove_confirm', { q: qs.value[i].label || qs.value[i].name }) }); } catch { return; }
      qs.value.splice(i, 1);
      serverError.value = null;
    }
    const addChoice = (q) => q.choices.push({ value: '', label: '' });
    const addRule = (q) => q.rules.push({ mode: q.type === 'number' ? 'expr' : 'equals', equals: q.type === 'yes_no' ? 'false' : '', expr: '', category: '', days: '3', label: '' });
    function pickCat(rule) { catFor = rule; showCat.value = true; }
    function onCat(c) { if (catFor) catFor.category = c.code; }

    async function save() {
      serverError.value = null;
      const bad = problems.value.findIndex((p) => p.relevant || p.constraint || p.name || p.rules.some(Boolean));
      if (!name.value.trim()) { showNotify({ type: 'warning', message: t('fe.need_name') }); return; }
      if (bad >= 0) {
        qs.value[bad]._open = true;
        showNotify({ type: 'warning', message: t('fe.fix_q', { n: bad + 1 }) });
        scrollToQ(bad);
        return;
      }
      busy.value = true;
      try {
        const body = { name: name.value.trim(), questions: json.value };
        let f;
        if (creating) f = await api.post('/forms', body);
        else f = await api.patch('/forms/' + id, { ...body, version: form.value.version });
        showSuccessToast(t('fe.saved', { n: f.version }));
        if (creating) { go('/form/' + f.id); return; }
        const open = new Set(qs.value.filter((q) => q._open).map((q) => q.name));
        form.value = f;
        name.value = f.name;
        qs.value = f.questions.map((q) => ({ ...toEdit(q), _open: open.has(q.name) }));
      } catch (e) {
        if (e.status === 409) {
          showDialog({ title: t('reg.stale_title'), message: t('fe.stale'), showCancelButton: true, confirmButtonText: t('reg.stale_reload'), cancelButtonText: t('reg.stale_keep') })
            .then(load).catch(() => null);
          return;
        }
        const m = /^questions\[(\d+)\](?:\.(.+))?$/.exec(e.field || '');
        if (m && qs.value[Number(m[1])]) {
          const i = Number(m[1]);
          serverError.value = { index: i, path: m[2] || '', message: e.message };
          qs.value[i]._open = true;
          showNotify({ type: 'danger', message: t('fe.server_q', { n: i + 1, m: e.message }) });
          scrollToQ(i);
        } else if (e.status === 422) {
          serverError.value = { index: -1, path: e.field || '', message: e.message };
          showNotify({ type: 'danger', message: e.message });
        } else toastError(e);
      } finally {
        busy.value = false;
      }
    }
    function scrollToQ(i) {
      nextTick(() => { const el = document.querySelector(`.lx-fe-q[data-index="${i}"]`); if (el) el.scrollIntoView({ block: 'start', behavior: 'smooth' }); });
    }

    function openPreview() {
      for (const k of Object.keys(previewAnswers)) delete previewAnswers[k];
      preview.value = true;
    }
    const previewState = computed(() => walk(json.value, previewAnswers, { present: (q, v) => q.type === 'photo' && !!v && typeof v === 'object' }));
    const previewShown = computed(() => json.value.filter((q) => previewState.value.visible.has(q.name)));

    return {
      creating, loading, error, load, form, name, qs, busy, serverError, problems, errAt, add, move, remove, addChoice, addRule, pickCat, onCat,
      showCat, save, TYPES, preview, openPreview, previewAnswers, previewState, previewShown, categoryName, label, t,
    };
  },
  template: `
  <div class="lx-fe" data-test="form-editor">
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <template v-else>
      <van-cell-group inset class="lx-group">
        <van-field v-model="name" :label="t('fe.name')" required maxlength="100" :placeholder="t('fe.name_ph')" data-test="form-name"
                   :error-message="serverError && serverError.index === -1 && serverError.path === 'name' ? serverError.message : ''" />
        <van-cell :title="t('fe.version')" :value="form.version ? t('visit.form_version', { n: form.version }) : t('fe.unsaved')" data-test="form-version" :data-version="form.version" />
      </van-cell-group>
      <div v-if="serverError && serverError.index === -1 && serverError.path !== 'name'" class="lx-banner lx-banner-red">{{ serverError.message }}</div>
      <div class="lx-muted lx-pad-x">{{ t('fe.expr_help') }}</div>

      <div v-for="(q, i) in qs" :key="q._key" class="lx-card lx-fe-q" :class="{ 'lx-fe-bad': serverError && serverError.index === i }" :data-index="i" :data-name="q.name" data-test="fe-question">
        <div class="lx-card-head lx-fe-head" @click="q._open = !q._open">
          <b>{{ i + 1 }}.</b><span class="lx-ellipsis">{{ q.label || t('fe.untitled') }}</span>
          <van-tag plain>{{ label('qtype', q.type) }}</van-tag>
          <van-tag v-if="q.required" type="danger" plain>{{ t('fe.required') }}</van-tag>
          <van-tag v-if="q.relevant" plain type="primary">{{ t('fe.has_relevant') }}</van-tag>
          <van-tag v-if="q.rules.length" type="warning" plain>{{ t('fe.has_hazard') }}</van-tag>
          <van-icon :name="q._open ? 'arrow-up' : 'arrow-down'" />
        </div>
        <div v-if="serverError && serverError.index === i" class="lx-q-msg" data-test="fe-server-error">{{ serverError.message }}</div>
        <template v-if="q._open">
          <van-field v-model="q.name" :label="t('fe.q_name')" required maxlength="48" :error-message="problems[i].name || errAt(i, 'name')" data-field="name" />
          <van-field :label="t('fe.q_type')" data-field="type"><template #input><div class="lx-chips">
            <button v-for="ty in TYPES" :key="ty" type="button" class="lx-chip lx-chip-sm" :class="{ on: q.type === ty }" @click="q.type = ty" :data-type="ty">{{ label('qtype', ty) }}</button>
          </div></template></van-field>
          <van-field v-model="q.label" :label="t('fe.q_label')" required maxlength="200" :error-message="errAt(i, 'label')" data-field="label" />
          <van-field v-model="q.hint" :label="t('fe.q_hint')" maxlength="500" :error-message="errAt(i, 'hint')" data-field="hint" />
          <van-cell center :title="t('fe.required')"><template #right-icon><van-switch v-model="q.required" size="22" /></template></van-cell>
          <van-field v-model="q.relevant" :label="t('fe.relevant')" :placeholder="t('fe.relevant_ph')" class="lx-mono" :error-message="problems[i].relevant || errAt(i, 'relevant')" data-field="relevant" />
          <van-field v-model="q.constraint" :label="t('fe.constraint')" :placeholder="t('fe.constraint_ph')" class="lx-mono" :error-message="problems[i].constraint || errAt(i, 'constraint')" data-field="constraint" />
          <div v-if="q.type === 'choice'" class="lx-fe-block" data-field="choices">
            <div class="lx-block-title">{{ t('fe.choices') }}</div>
            <div v-for="(c, k) in q.choices" :key="k" class="lx-contact-row">
              <input v-model="c.value" class="lx-date lx-mono" :placeholder="t('fe.choice_value')" :aria-label="t('fe.choice_value')" />
              <input v-model="c.label" class="lx-date" :placeholder="t('fe.choice_label')" :aria-label="t('fe.choice_label')" />
              <button type="button" class="lx-link" @click="q.choices.splice(k, 1)" :aria-label="t('photo.remove')"><van-icon name="cross" /></button>
            </div>
            <div v-if="errAt(i, 'choices')" class="lx-q-msg">{{ errAt(i, 'choices') }}</div>
            <button type="button" class="lx-link" @click="addChoice(q)"><van-icon name="plus" /> {{ t('fe.choice_add') }}</button>
          </div>
          <template v-if="q.type === 'number'">
            <van-field v-model="q.min" type="number" :label="t('fe.min')" :error-message="errAt(i, 'min')" data-field="min" />
            <van-field v-model="q.max" type="number" :label="t('fe.max')" :error-message="errAt(i, 'max')" data-field="max" />
            <van-field v-model="q.unit" :label="t('fe.unit')" maxlength="32" :placeholder="t('fe.unit_ph')" :error-message="errAt(i, 'unit')" data-field="unit" />
          </template>
          <div class="lx-fe-block" data-field="hazard_if">
            <div class="lx-block-title">{{ t('fe.hazards') }}<span class="lx-muted"> {{ t('fe.hazards_hint') }}</span></div>
            <div v-for="(r, k) in q.rules" :key="k" class="lx-fe-rule" :data-rule="k">
              <div class="lx-chips">
                <button type="button" class="lx-chip lx-chip-sm" :class="{ on: r.mode === 'equals' }" @click="r.mode = 'equals'">{{ t('fe.rule_equals') }}</button>
                <button type="button" class="lx-chip lx-chip-sm" :class="{ on: r.mode === 'expr' }" @click="r.mode = 'expr'">{{ t('fe.rule_expr') }}</button>
                <span class="lx-flex1"></span>
                <button type="button" class="lx-link" @click="q.rules.splice(k, 1)"><van-icon name="delete-o" /> {{ t('fe.rule_remove') }}</button>
              </div>
              <template v-if="r.mode === 'equals'">
                <div v-if="q.type === 'yes_no'" class="lx-chips lx-pad-y">
                  <button type="button" class="lx-chip lx-chip-sm" :class="{ on: r.equals === 'true' }" @click="r.equals = 'true'">{{ t('fe.answer_is', { v: t('visit.yes') }) }}</button>
                  <button type="button" class="lx-chip lx-chip-sm" :class="{ on: r.equals === 'false' }" @click="r.equals = 'false'">{{ t('fe.answer_is', { v: t('visit.no') }) }}</button>
                </div>
                <div v-else-if="q.type === 'choice'" class="lx-chips lx-pad-y">
                  <button v-for="c in q.choices" :key="c.value" type="button" class="lx-chip lx-chip-sm" :class="{ on: r.equals === c.value }" @click="r.equals = c.value">{{ c.label || c.value }}</button>
                </div>
                <van-field v-else v-model="r.equals" :label="t('fe.equals')" :error-message="errAt(i, 'hazard_if[' + k + '].equals')" />
                <div v-if="errAt(i, 'hazard_if[' + k + '].equals')" class="lx-q-msg">{{ errAt(i, 'hazard_if[' + k + '].equals') }}</div>
              </template>
              <van-field v-else v-model="r.expr" :label="t('fe.expr')" :placeholder="t('fe.expr_ph')" class="lx-mono" :error-message="problems[i].rules[k] || errAt(i, 'hazard_if[' + k + '].expr')" data-field="expr" />
              <van-cell :title="t('fe.category')" is-link :value="r.category ? r.category + ' ' + categoryName(r.category) : t('fe.pick_category')" @click="pickCat(r)"
                        :label="errAt(i, 'hazard_if[' + k + '].category')" :class="{ 'lx-cell-error': errAt(i, 'hazard_if[' + k + '].category') }" data-field="category" />
              <van-field v-model="r.days" type="digit" :label="t('fe.days')" :error-message="errAt(i, 'hazard_if[' + k + '].days')" data-field="days">
                <template #button>{{ t('fe.workdays') }}</template></van-field>
              <van-field v-model="r.label" :label="t('fe.rule_label')" maxlength="200" :placeholder="t('fe.rule_label_ph')" :error-message="errAt(i, 'hazard_if[' + k + '].label')" data-field="rule-label" />
            </div>
            <button type="button" class="lx-link" @click="addRule(q)" data-test="fe-add-rule"><van-icon name="plus" /> {{ t('fe.rule_add') }}</button>
          </div>
          <div class="lx-row-actions">
            <van-button size="small" round plain icon="arrow-up" :disabled="i === 0" @click="move(i, -1)" data-test="fe-up">{{ t('fe.up') }}</van-button>
            <van-button size="small" round plain icon="arrow-down" :disabled="i === qs.length - 1" @click="move(i, 1)" data-test="fe-down">{{ t('fe.down') }}</van-button>
            <span class="lx-flex1"></span>
            <van-button size="small" round plain type="danger" icon="delete-o" @click="remove(i)" data-test="fe-remove">{{ t('fe.remove') }}</van-button>
          </div>
        </template>
      </div>
      <div class="lx-pad"><van-button block round plain icon="plus" @click="add" data-test="fe-add">{{ t('fe.add') }}</van-button></div>
      <div class="lx-submit-bar">
        <van-button round plain icon="eye-o" @click="openPreview" data-test="fe-preview">{{ t('fe.preview') }}</van-button>
        <van-button round type="primary" class="lx-submit" :loading="busy" @click="save" data-test="fe-save">{{ creating ? t('fe.save_new') : t('fe.save') }}</van-button>
      </div>
    </template>

    <van-popup v-model:show="preview" position="bottom" round closeable teleport="body" class="lx-picker-popup">
      <div class="lx-picker" data-test="fe-preview-popup">
        <div class="lx-picker-title">{{ t('fe.preview') }} · {{ name }}</div>
        <div class="lx-picker-list lx-fe-preview">
          <div v-for="(q, i) in previewShown" :key="q.name" class="lx-card lx-q-card">
            <lx-question :q="q" :index="i + 1" :model-value="previewAnswers[q.name]" @update:model-value="previewAnswers[q.name] = $event"
                         :error="previewState.errors[q.name] && previewState.errors[q.name] !== 'required' ? previewState.errors[q.name] : ''"
                         :hazards="previewState.hazards.filter(h => h.question === q.name)" />
          </div>
        </div>
      </div>
    </van-popup>
    <lx-category-picker v-model:show="showCat" case-type="hazard" @pick="onCat" />
  </div>`,
};
