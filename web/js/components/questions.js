/*
 * components/questions.js - one checklist question on a phone, by its type
 * (the visit form, and the form editor's preview):
 *   yes_no    two big buttons 是 / 否 (a second tap clears)
 *   choice    a button per choice, or a picker when there are many
 *   number    a number field with its unit and range
 *   text      a text area
 *   photo     one picture, from the camera or the album, shrunk in the
 *             browser (components/photos.js); the value is {blob, url}
 *             until it is uploaded, then {id, thumb_url}
 *   geopoint  the phone's position, [lat, lon]
 * v-model is the answer (null: none). error: a code of formlogic.walk
 * ('required', 'constraint', 'min', ...) or a message from the server.
 * hazards: the hazards this answer would raise, shown under it.
 */
import { computed, ref } from 'vue';
import { t } from '../i18n.js';
import { serverUrl } from '../api.js';
import { isWide } from '../util.js';
import { choiceList } from './formlogic.js';
import { shrinkImage } from './photos.js';
import { locate } from '../field.js';
import { showImagePreview } from '../vant.js';

const MANY = 8;

/* The words of an error code of formlogic.walk, or the server's message. */
export function questionError(q, code) {
  if (!code) return '';
  if (['required', 'constraint', 'type', 'expr'].includes(code)) return t('visit.err_' + code);
  if (code === 'min') return t('visit.err_min', { n: q.min });
  if (code === 'max') return t('visit.err_max', { n: q.max });
  return code;
}

export const LxQuestion = {
  props: { q: Object, modelValue: null, error: String, hazards: Array, index: Number, disabled: Boolean },
  emits: ['update:modelValue'],
  setup(props, { emit }) {
    const set = (v) => emit('update:modelValue', v);
    const choices = computed(() => choiceList(props.q));
    const many = computed(() => choices.value.length > MANY);
    const showPicker = ref(false);
    const choiceLabel = computed(() => (choices.value.find((c) => c.value === props.modelValue) || {}).label || '');
    const pickerColumns = computed(() => choices.value.map((c) => ({ text: c.label, value: c.value })));
    function pick({ selectedValues }) { set(selectedValues[0]); showPicker.value = false; }
    function yn(v) { if (!props.disabled) set(props.modelValue === v ? null : v); }
    function choose(v) { if (!props.disabled) set(props.modelValue === v ? null : v); }

    /* number: the text typed, the answer a number (or null while blank) */
    const numText = ref(typeof props.modelValue === 'number' ? String(props.modelValue) : '');
    function onNumber(s) {
      numText.value = s;
      const v = s.trim() === '' ? null : Number(s);
      set(v === null || Number.isNaN(v) ? (s.trim() === '' ? null : s) : v);
    }
    const range = computed(() => {
      const { min, max } = props.q;
      if (typeof min === 'number' && typeof max === 'number') return t('visit.range', { min, max });
      if (typeof min === 'number') return t('visit.range_min', { n: min });
      if (typeof max === 'number') return t('visit.range_max', { n: max });
      return '';
    });

    /* photo */
    const shrinking = ref(false);
    const wide = isWide();
    const thumb = computed(() => {
      const v = props.modelValue;
      if (!v || typeof v !== 'object') return '';
      return v.url || (v.thumb_url ? serverUrl(v.thumb_url) : '');
    });
    async function onFile(ev) {
      const f = ev.target.files && ev.target.files[0];
      ev.target.value = '';
      if (!f) return;
      shrinking.value = true;
      try {
        const blob = await shrinkImage(f);
        const old = props.modelValue;
        if (old && old.url) URL.revokeObjectURL(old.url);
        set({ blob, url: URL.createObjectURL(blob) });
      } finally { shrinking.value = false; }
    }
    function clearPhoto() {
      const old = props.modelValue;
      if (old && old.url) URL.revokeObjectURL(old.url);
      set(null);
    }
    const preview = () => thumb.value && showImagePreview({ images: [thumb.value], closeable: true });

    /* geopoint */
    const locating = ref(false);
    const geoFailed = ref(false);
    async function capture() {
      locating.value = true;
      geoFailed.value = false;
      const p = await locate(10000);
      locating.value = false;
      if (p) set([p.lat, p.lon]);
      else geoFailed.value = true;
    }

    const errorText = computed(() => questionError(props.q, props.error));
    return {
      set, choices, many, showPicker, choiceLabel, pickerColumns, pick, yn, choose, numText, onNumber, range, shrinking, wide, thumb,
      onFile, clearPhoto, preview, locating, geoFailed, capture, errorText, t,
    };
  },
  template: `
  <div class="lx-q" :class="{ 'lx-q-error': !!errorText }" :data-question="q.name" :data-type="q.type">
    <div class="lx-q-label"><span v-if="q.required" class="lx-q-req" aria-hidden="true">*</span><span v-if="index" class="lx-q-no">{{ index }}.</span>{{ q.label }}</div>
    <div v-if="q.hint" class="lx-q-hint">{{ q.hint }}</div>

    <div v-if="q.type === 'yes_no'" class="lx-yn" role="radiogroup">
      <button type="button" class="lx-yn-btn" :class="{ on: modelValue === true }" :aria-pressed="modelValue === true" @click="yn(true)" data-value="true">{{ t('visit.yes') }}</button>
      <button type="button" class="lx-yn-btn lx-yn-no" :class="{ on: modelValue === false }" :aria-pressed="modelValue === false" @click="yn(false)" data-value="false">{{ t('visit.no') }}</button>
    </div>

    <template v-else-if="q.type === 'choice'">
      <div v-if="!many" class="lx-choices" role="radiogroup">
        <button v-for="c in choices" :key="c.value" type="button" class="lx-choice" :class="{ on: modelValue === c.value }" :aria-pressed="modelValue === c.value"
                @click="choose(c.value)" :data-value="c.value"><van-icon :name="modelValue === c.value ? 'checked' : 'circle'" /> {{ c.label }}</button>
      </div>
      <template v-else>
        <van-field :model-value="choiceLabel" readonly is-link :placeholder="t('visit.choose')" @click="showPicker = true" data-test="choice-picker" />
        <van-popup v-model:show="showPicker" position="bottom" round teleport="body">
          <van-picker :columns="pickerColumns" @confirm="pick" @cancel="showPicker = false" :title="q.label" />
        </van-popup>
      </template>
    </template>

    <div v-else-if="q.type === 'number'" class="lx-q-num">
      <van-field :model-value="numText" @update:model-value="onNumber" type="number" inputmode="decimal" :placeholder="range || t('visit.number_ph')"
                 :aria-label="q.label" data-test="number-input">
        <template v-if="q.unit" #button><span class="lx-q-unit">{{ q.unit }}</span></template>
      </van-field>
      <div v-if="range" class="lx-muted lx-q-range">{{ range }}</div>
    </div>

    <van-field v-else-if="q.type === 'text'" :model-value="modelValue || ''" @update:model-value="set($event)" type="textarea" rows="2" autosize
               maxlength="2000" :placeholder="t('visit.text_ph')" :aria-label="q.label" data-test="text-input" class="lx-q-text" />

    <div v-else-if="q.type === 'photo'" class="lx-thumbs lx-q-photo">
      <div v-if="thumb" class="lx-thumb lx-thumb-big" data-test="photo-thumb">
        <img :src="thumb" alt="" @click="preview" />
        <van-icon v-if="modelValue && modelValue.id" name="checked" class="lx-thumb-ok" />
        <button type="button" class="lx-thumb-del" @click="clearPhoto" :aria-label="t('photo.remove')"><van-icon name="cross" /></button>
      </div>
      <div v-else-if="shrinking" class="lx-thumb lx-thumb-big lx-thumb-add"><van-loading size="20" /></div>
      <template v-else>
        <label class="lx-thumb lx-thumb-big lx-thumb-add" data-test="photo-camera">
          <van-icon :name="wide ? 'photo-o' : 'photograph'" size="28" /><span>{{ wide ? t('photo.pick') : t('photo.camera') }}</span>
          <input type="file" class="lx-file-input" accept="image/*" :capture="wide ? undefined : 'environment'" @change="onFile" data-test="photo-input" />
        </label>
        <label v-if="!wide" class="lx-thumb lx-thumb-big lx-thumb-add" data-test="photo-album">
          <van-icon name="photo-o" size="28" /><span>{{ t('photo.album') }}</span>
          <input type="file" class="lx-file-input" accept="image/*" @change="onFile" data-test="photo-input-album" />
        </label>
      </template>
    </div>

    <div v-else-if="q.type === 'geopoint'" class="lx-q-geo">
      <span v-if="Array.isArray(modelValue)" class="lx-q-geo-value" data-test="geo-value">{{ modelValue[0] }}, {{ modelValue[1] }}</span>
      <span v-else-if="geoFailed" class="lx-warn">{{ t('visit.geo_failed') }}</span>
      <van-button size="small" round plain type="primary" icon="aim" :loading="locating" @click="capture" data-test="geo-capture">
        {{ Array.isArray(modelValue) ? t('visit.geo_again') : t('visit.geo_capture') }}</van-button>
      <van-button v-if="Array.isArray(modelValue)" size="small" round plain @click="set(null)">{{ t('common.clear') }}</van-button>
    </div>

    <div v-if="errorText" class="lx-q-msg" data-test="question-error">{{ errorText }}</div>
    <div v-for="(h, i) in hazards || []" :key="i" class="lx-q-hazard" data-test="hazard-preview">
      <van-icon name="warning-o" /> {{ t('visit.hazard_preview', { label: h.label, days: h.days }) }}</div>
  </div>`,
};
