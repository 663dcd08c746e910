/*
 * components/photos.js - photos and documents of a case.
 *
 * Taking them: LxPhotoPicker (v-model: a list of items) takes pictures with
 * the phone's camera (<input capture="environment">) or from the album
 * (on a desk: any image or PDF), shrinks each in the browser before it goes
 * anywhere (decoded upright, longest edge 1600 px, JPEG quality 0.85; a PDF
 * goes as it is), and shows each one's upload progress or error.
 * uploadAll(caseId, items, stage) sends them one by one as raw bodies
 * (POST /cases/{id}/attachments?stage=&name=, the blob's own Content-Type);
 * an item already sent is not sent again, so a retry sends only what failed.
 *
 * Showing them: LxAttachments, the strip of a case page: thumbnails by
 * stage (受理 / 办理 / 办结 / 核查), a viewer (Vant ImagePreview), PDFs as
 * links, and for the uploader the delete button of the first 10 minutes.
 * Images load by plain URLs: the API authenticates the browser by its
 * same-origin HttpOnly session cookie (api.js), which <img> sends too, and
 * the server marks the bytes immutable, so the browser caches them.
 */
import { ref, reactive, computed, onBeforeUnmount } from 'vue';
import { t, has } from '../i18n.js';
import { api, upload, serverUrl } from '../api.js';
import { session, hasRole, stateInfo } from '../session.js';
import { isWide, now, fmtTime, toastError } from '../util.js';
import { showImagePreview, showConfirmDialog, showSuccessToast, showNotify } from '../vant.js';
import { shrinkImage } from '../image.js';

export { shrinkImage };

export const MAX_PHOTOS = 9;
/* The stages of the attachment API, in the order a case page lists them. */
export const STAGES = ['intake', 'handling', 'resolve', 'verify'];
const DELETE_MS = 10 * 60e3;

/* The Chinese (or English) sentence for a failed upload. */
export function uploadError(e) {
  if (e && e.code && has('photo.err_' + e.code)) return t('photo.err_' + e.code);
  if (e && e.status === 413) return t('photo.err_too_large');
  if (e && e.status === 415) return t('photo.err_unsupported_media_type');
  if (e && e.status === 422) return t('photo.err_bad_image');
  return (e && e.message) || t('err.unknown');
}

let itemSeq = 0;
/* A picked file, being prepared (state shrinking → ready → uploading →
 * done | failed), with a preview URL of what will be sent. */
function newItem(file) {
  const it = reactive({
    key: ++itemSeq, name: file.name || 'photo.jpg', blob: null, type: file.type, url: '', state: 'shrinking',
    progress: 0, error: '', att: null, ready: null,
  });
  it.ready = shrinkImage(file).then((blob) => {
    it.blob = blob;
    it.type = blob.type || file.type || 'application/octet-stream';
    if (blob !== file && it.type === 'image/jpeg') it.name = it.name.replace(/\.[^.]*$/, '') + '.jpg';
    if (it.type.startsWith('image/')) it.url = URL.createObjectURL(blob);
    it.state = 'ready';
  });
  return it;
}

/* Frees the previews of items (on removal, after filing, on unmount). */
export function releaseItems(items) {
  for (const it of items || []) if (it.url) { URL.revokeObjectURL(it.url); it.url = ''; }
}

/* Sends one item (unless already sent); true when it is on the case. */
export async function uploadItem(caseId, it, stage) {
  if (it.state === 'done') return true;
  await it.ready;
  it.state = 'uploading';
  it.progress = 0;
  it.error = '';
  try {
    it.att = await upload('/cases/' + caseId + '/attachments', it.blob, {
      params: { stage: stage || undefined, name: it.name }, onProgress: (p) => { it.progress = p; },
    });
    it.state = 'done';
    it.progress = 1;
    return true;
  } catch (e) {
    it.state = 'failed';
    it.error = uploadError(e);
    return false;
  }
}

/* Sends the items one after the other; true when all are on the case. */
export async function uploadAll(caseId, items, stage) {
  let ok = true;
  for (const it of items || []) ok = (await uploadItem(caseId, it, stage)) && ok;
  return ok;
}

/* Items still to be sent, or that failed (the form says so before it goes). */
export const pendingItems = (items) => (items || []).filter((it) => it.state !== 'done');

/*
 * The picker. v-model: the item list. max: how many (9). required: the
 * form needs one (shown with the title). docs: a PDF may be picked too.
 */
export const LxPhotoPicker = {
  props: {
    modelValue: { type: Array, default: () => [] }, max: { type: Number, default: MAX_PHOTOS }, required: Boolean,
    title: String, hint: String, docs: Boolean, name: { type: String, default: 'photos' },
  },
  emits: ['update:modelValue'],
  setup(props, { emit }) {
    const wide = ref(isWide());
    const accept = computed(() => (props.docs && wide.value ? 'image/*,application/pdf' : 'image/*'));
    function onFiles(ev) {
      const files = [...(ev.target.files || [])];
      ev.target.value = '';
      const room = props.max - props.modelValue.length;
      if (files.length > room) showNotify({ type: 'warning', message: t('photo.too_many', { n: props.max }) });
      const add = files.slice(0, Math.max(0, room)).map(newItem);
      if (add.length) emit('update:modelValue', [...props.modelValue, ...add]);
    }
    function remove(it) {
      releaseItems([it]);
      emit('update:modelValue', props.modelValue.filter((x) => x !== it));
    }
    function preview(it) {
      const imgs = props.modelValue.filter((x) => x.url);
      showImagePreview({ images: imgs.map((x) => x.url), startPosition: Math.max(0, imgs.indexOf(it)), closeable: true });
    }
    /* what is still in the picker when it goes away frees its previews
     * (a form that takes the items over removes them from the list first) */
    onBeforeUnmount(() => releaseItems(props.modelValue));
    return { wide, accept, onFiles, remove, preview, t };
  },
  template: `
  <div class="lx-photo-pick" :data-test="name" :data-count="modelValue.length">
    <div class="lx-photo-head"><span :class="{ 'lx-required': required }">{{ title || t('photo.title') }}</span>
      <span class="lx-muted">{{ modelValue.length }}/{{ max }}</span></div>
    <div class="lx-thumbs">
      <div v-for="it in modelValue" :key="it.key" class="lx-thumb" :data-state="it.state">
        <img v-if="it.url" :src="it.url" alt="" @click="preview(it)" />
        <div v-else class="lx-thumb-doc"><van-icon name="description" size="22" /><span>{{ it.name }}</span></div>
        <div v-if="it.state === 'shrinking' || it.state === 'uploading'" class="lx-thumb-mask">
          <van-loading size="18" color="#fff" /><span v-if="it.state === 'uploading'">{{ Math.round(it.progress * 100) }}%</span></div>
        <div v-else-if="it.state === 'failed'" class="lx-thumb-mask lx-thumb-failed" data-test="photo-error">{{ it.error }}</div>
        <van-icon v-else-if="it.state === 'done'" name="checked" class="lx-thumb-ok" />
        <button v-if="it.state !== 'uploading' && it.state !== 'done'" type="button" class="lx-thumb-del" @click="remove(it)" :aria-label="t('photo.remove')"><van-icon name="cross" /></button>
      </div>
      <label v-if="modelValue.length < max" class="lx-thumb lx-thumb-add" data-test="photo-camera">
        <van-icon :name="wide ? 'photo-o' : 'photograph'" size="24" /><span>{{ wide ? t('photo.pick') : t('photo.camera') }}</span>
        <input type="file" class="lx-file-input" :accept="accept" :capture="wide ? undefined : 'environment'" multiple @change="onFiles" data-test="photo-input" />
      </label>
      <label v-if="!wide && modelValue.length < max" class="lx-thumb lx-thumb-add" data-test="photo-album">
        <van-icon name="photo-o" size="24" /><span>{{ t('photo.album') }}</span>
        <input type="file" class="lx-file-input" :accept="accept" multiple @change="onFiles" data-test="photo-input-album" />
      </label>
    </div>
    <div v-if="hint" class="lx-muted lx-photo-hint">{{ hint }}</div>
  </div>`,
};

/* May the caller add files to case c (the API's roles, an open case)? */
export function mayAttach(c) {
  const s = c && stateInfo(c.status, c.type);
  return !!s && s.open && hasRole('admin', 'dispatcher', 'handler', 'grid_worker', 'deputy');
}

/*
 * The case page's strip: c.attachments by stage; emits changed(case or
 * null) after a delete or an added file, for the page to reload.
 */
export const LxAttachments = {
  props: { c: Object },
  emits: ['changed'],
  setup(props, { emit }) {
    const list = computed(() => props.c.attachments || []);
    const groups = computed(() => {
      const known = STAGES.map((s) => ({ stage: s, items: list.value.filter((a) => a.stage === s) }));
      const other = list.value.filter((a) => !STAGES.includes(a.stage));
      return [...known, { stage: '', items: other }].filter((g) => g.items.length);
    });
    const images = computed(() => list.value.filter((a) => a.thumb_url));
    const stageName = (s) => (s && has('photo.stage_' + s) ? t('photo.stage_' + s) : t('photo.stage_other'));
    function preview(a) {
      const imgs = images.value;
      showImagePreview({ images: imgs.map((x) => serverUrl(x.url)), startPosition: Math.max(0, imgs.indexOf(a)), closeable: true });
    }
    const uid = () => (session.user ? session.user.id : 0);
    const canDelete = (a) => a.created_by === uid() && now.value - Date.parse(a.created_at) < DELETE_MS;
    async function del(a) {
      try { await showConfirmDialog({ message: t('photo.delete_confirm') }); } catch { return; }
      try {
        await api.del('/attachments/' + a.id);
        showSuccessToast(t('photo.deleted'));
        emit('changed');
      } catch (e) { toastError(e.code && has('photo.err_' + e.code) ? { message: t('photo.err_' + e.code) } : e); emit('changed'); }
    }
    /* 补充照片: straight onto the case, at the stage the server picks */
    const adding = ref(null);
    const canAdd = computed(() => mayAttach(props.c));
    async function onAdd(ev) {
      const files = [...(ev.target.files || [])].slice(0, MAX_PHOTOS);
      ev.target.value = '';
      if (!files.length) return;
      const items = files.map(newItem);
      adding.value = items;
      const ok = await uploadAll(props.c.id, items);
      if (!ok) showNotify({ type: 'danger', message: items.filter((i) => i.error).map((i) => i.name + '：' + i.error).join('\n'), duration: 5000 });
      else showSuccessToast(t('photo.added', { n: items.length }));
      releaseItems(items);
      adding.value = null;
      emit('changed');
    }
    const progress = computed(() => {
      const a = adding.value;
      return a ? Math.round((a.reduce((n, i) => n + i.progress, 0) / a.length) * 100) : 0;
    });
    return { list, groups, stageName, preview, canDelete, del, canAdd, onAdd, adding, progress, serverUrl, fmtTime, t, wide: isWide() };
  },
  template: `
  <div v-if="list.length || canAdd" class="lx-card lx-attachments" data-test="attachments" :data-count="list.length">
    <div class="lx-card-head"><b>{{ t('photo.case_title') }}</b><span class="lx-muted">（{{ list.length }}）</span><span class="lx-flex1"></span>
      <van-loading v-if="adding" size="14">{{ progress }}%</van-loading>
      <label v-else-if="canAdd" class="lx-link lx-no-print" data-test="photo-add"><van-icon name="photograph" /> {{ t('photo.add') }}
        <input type="file" class="lx-file-input" :accept="wide ? 'image/*,application/pdf' : 'image/*'" multiple @change="onAdd" data-test="photo-add-input" /></label>
    </div>
    <div v-if="!list.length" class="lx-muted">{{ t('photo.none') }}</div>
    <div v-for="g in groups" :key="g.stage" class="lx-att-group" :data-stage="g.stage">
      <div class="lx-att-stage">{{ stageName(g.stage) }}</div>
      <div class="lx-thumbs">
        <div v-for="a in g.items" :key="a.id" class="lx-thumb" :data-attachment-id="a.id" :title="a.name + ' · ' + fmtTime(a.created_at)">
          <img v-if="a.thumb_url" :src="serverUrl(a.thumb_url)" :alt="a.name || ''" loading="lazy" @click="preview(a)" data-test="thumb" />
          <a v-else :href="serverUrl(a.url)" target="_blank" rel="noopener" class="lx-thumb-doc" data-test="doc"><van-icon name="description" size="22" /><span>{{ a.name || 'PDF' }}</span></a>
          <button v-if="canDelete(a)" type="button" class="lx-thumb-del lx-no-print" @click="del(a)" :aria-label="t('photo.delete')" data-test="photo-delete"><van-icon name="cross" /></button>
        </div>
      </div>
    </div>
  </div>`,
};
