/*
 * cases.js - 我的诉求: every case filed with the resident's number, from
 * any channel (GET /resident/cases, page by page by next_cursor), and one
 * case (GET /resident/cases/{id}): what was reported, the answer, the
 * photos, the steps in plain words, and, once answered, the resident's
 * rating (POST /resident/cases/{id}/rate). CaseBody shows a case; the
 * lookup without login (lookup.js) uses it too, without photos.
 */
import { ref, reactive, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { api, imageUrl, forgetImages, say } from './api.js';
import { route, go } from './router.js';
import { showImagePreview, showSuccessToast, showToast, showNotify } from './vant.js';
import { copyText, fmtTime, statusType, CHANNELS, RATINGS } from './util.js';

const STAGES = { intake: '反映时的照片', handling: '办理中的照片', resolve: '办结后的照片', verify: '核查时的照片' };

/* A photo the API serves only with the token: fetched as a blob. */
const Thumb = {
  props: { a: Object, all: Array },
  setup(props) {
    const src = ref('');
    const failed = ref(false);
    onMounted(() => {
      imageUrl(props.a.thumb_url || props.a.url).then((u) => { src.value = u; }, () => { failed.value = true; });
    });
    async function open() {
      const imgs = props.all.filter((x) => (x.content_type || '').startsWith('image/'));
      try {
        const urls = await Promise.all(imgs.map((x) => imageUrl(x.url)));
        showImagePreview({ images: urls, startPosition: Math.max(0, imgs.indexOf(props.a)), closeable: true });
      } catch (e) {
        showNotify({ type: 'danger', message: '照片打不开：' + say(e) });
      }
    }
    async function openDoc() {
      try { window.open(await imageUrl(props.a.url), '_blank', 'noopener'); } catch (e) { showNotify({ type: 'danger', message: say(e) }); }
    }
    const isImage = computed(() => (props.a.content_type || 'image/').startsWith('image/'));
    return { src, failed, open, openDoc, isImage };
  },
  template: `
  <div class="r-thumb" :data-attachment-id="a.id">
    <template v-if="isImage">
      <img v-if="src" :src="src" alt="照片" @click="open" data-test="thumb" />
      <div v-else-if="failed" class="r-thumb-fail">加载失败</div>
      <van-loading v-else size="18" />
    </template>
    <button v-else type="button" class="r-thumb-doc" @click="openDoc"><van-icon name="description" size="22" /><span>文件</span></button>
  </div>`,
};

export const CaseBody = {
  components: { Thumb },
  props: { c: Object, photos: Boolean },
  setup(props) {
    const steps = computed(() => [...(props.c.timeline || [])].reverse());
    const groups = computed(() => {
      const list = props.c.attachments || [];
      const out = [];
      for (const s of [...Object.keys(STAGES), '']) {
        const items = list.filter((a) => (s ? a.stage === s : !STAGES[a.stage]));
        if (items.length) out.push({ stage: s || 'other', title: STAGES[s] || '其他照片', items });
      }
      return out;
    });
    async function copy() {
      if (await copyText(props.c.number)) showSuccessToast('编号已复制');
      else showToast('请长按编号复制');
    }
    return { steps, groups, copy, fmtTime, statusType, CHANNELS, RATINGS };
  },
  template: `
  <div class="r-case" data-test="case" :data-case-id="c.id" :data-status="c.status">
    <div class="r-card">
      <div class="r-case-head">
        <h2 data-test="case-title">{{ c.title }}</h2>
        <van-tag :type="statusType(c)" size="large" round data-test="case-status">{{ c.status_label }}</van-tag>
      </div>
      <div class="r-kv"><span>诉求编号</span><b class="r-mono" data-test="case-number">{{ c.number }}</b>
        <button type="button" class="r-link" @click="copy" data-test="case-copy">复制</button></div>
      <div class="r-kv"><span>反映时间</span>{{ fmtTime(c.created_at) }}</div>
      <div v-if="c.channel" class="r-kv"><span>反映渠道</span>{{ CHANNELS[c.channel] || c.channel }}</div>
      <div v-if="c.address" class="r-kv"><span>地址</span>{{ c.address }}</div>
      <div v-if="c.description" class="r-desc" data-test="case-description">{{ c.description }}</div>
    </div>

    <div v-if="c.reply" class="r-card r-reply" data-test="reply">
      <div class="r-section-title"><van-icon name="chat-o" /> 办理答复</div>
      <div class="r-reply-text">{{ c.reply }}</div>
    </div>
    <div v-else class="r-card r-muted" data-test="no-reply">还没有答复，承办单位正在处理，请耐心等待。</div>

    <div v-if="c.rating" class="r-card" data-test="rated">
      <div class="r-section-title">您的评价</div>
      <div>{{ RATINGS[c.rating] || c.rating }}</div>
    </div>

    <div v-if="photos && groups.length" class="r-card" data-test="attachments">
      <div v-for="g in groups" :key="g.stage" class="r-att-group" :data-stage="g.stage">
        <div class="r-section-title">{{ g.title }}</div>
        <div class="r-thumbs"><Thumb v-for="a in g.items" :key="a.id" :a="a" :all="c.attachments" /></div>
      </div>
    </div>

    <slot />

    <div v-if="steps.length" class="r-card" data-test="timeline">
      <div class="r-section-title">办理进度</div>
      <van-steps direction="vertical" :active="0" active-color="#c8161d">
        <van-step v-for="(s, i) in steps" :key="i">
          <div class="r-step-text">{{ s.text }}</div>
          <div class="r-muted">{{ fmtTime(s.at) }}</div>
        </van-step>
      </van-steps>
    </div>
  </div>`,
};

/* The resident's rating of an answer: how satisfied, whether it is solved,
 * and why (required when not satisfied). Emits rated(case). */
const RateForm = {
  props: { c: Object },
  emits: ['rated'],
  setup(props, { emit }) {
    const f = reactive({ rating: '', solved: null, comment: '' });
    const errors = reactive({ rating: '', solved: '', comment: '' });
    const busy = ref(false);
    const unhappy = computed(() => f.rating === 'unsatisfied');
    watch(() => [f.comment, f.rating], () => { errors.comment = ''; });
    async function submit() {
      errors.rating = f.rating ? '' : '请选择您是否满意';
      errors.solved = f.solved === null ? '请选择问题是否解决了' : '';
      errors.comment = unhappy.value && !f.comment.trim() ? '请告诉我们不满意的原因' : '';
      if (errors.rating || errors.solved || errors.comment) return;
      const body = { rating: f.rating, solved: f.solved };
      if (f.comment.trim()) body.comment = f.comment.trim();
      busy.value = true;
      try {
        const c = await api.post('/resident/cases/' + props.c.id + '/rate', body);
        showSuccessToast('感谢您的评价');
        emit('rated', c);
      } catch (e) {
        if (e.field && errors[e.field] !== undefined) errors[e.field] = say(e);
        showNotify({ type: 'danger', message: say(e), duration: 4000 });
      } finally {
        busy.value = false;
      }
    }
    return { f, errors, busy, unhappy, submit, RATINGS };
  },
  template: `
  <div class="r-card r-rate" data-test="rate">
    <div class="r-section-title">请您评价这次办理</div>
    <div class="r-q">您对办理结果满意吗？</div>
    <div class="r-choices" data-test="rate-rating">
      <button v-for="(label, k) in RATINGS" :key="k" type="button" class="r-choice" :class="{ on: f.rating === k, bad: k === 'unsatisfied' }"
              :aria-pressed="f.rating === k" @click="f.rating = k; errors.rating = ''" :data-rating="k">{{ label }}</button>
    </div>
    <div v-if="errors.rating" class="r-error-inline">{{ errors.rating }}</div>
    <div class="r-q">您的问题解决了吗？</div>
    <div class="r-choices" data-test="rate-solved">
      <button type="button" class="r-choice" :class="{ on: f.solved === true }" :aria-pressed="f.solved === true" @click="f.solved = true; errors.solved = ''" data-solved="true">已解决</button>
      <button type="button" class="r-choice bad" :class="{ on: f.solved === false }" :aria-pressed="f.solved === false" @click="f.solved = false; errors.solved = ''" data-solved="false">未解决</button>
    </div>
    <div v-if="errors.solved" class="r-error-inline">{{ errors.solved }}</div>
    <div class="r-q" :class="{ 'r-required': unhappy }">{{ unhappy ? '请告诉我们不满意的原因' : '还有什么想说的（可不填）' }}</div>
    <van-field v-model="f.comment" type="textarea" rows="3" autosize maxlength="500" show-word-limit class="r-boxed"
               :placeholder="unhappy ? '比如：问题还没解决、态度不好、没人联系我……' : '您的意见和建议'" :error-message="errors.comment" data-test="rate-comment" />
    <van-button round block type="primary" size="large" :loading="busy" loading-text="正在提交…" @click="submit" data-test="rate-submit">提交评价</van-button>
  </div>`,
};

export const CaseView = {
  components: { CaseBody, RateForm },
  setup() {
    const c = ref(null);
    const error = ref(null);
    async function load() {
      error.value = null;
      try {
        c.value = await api.get('/resident/cases/' + route.params.id);
      } catch (e) {
        if (e.status !== 401) error.value = e;
      }
    }
    onMounted(load);
    onBeforeUnmount(forgetImages);
    function rated() { load(); window.scrollTo(0, 0); }
    return { c, error, load, rated, say, go };
  },
  template: `
  <div class="r-page">
    <van-empty v-if="error" :image="error.status === 404 ? 'search' : 'error'" :description="error.status === 404 ? '没有找到这件诉求' : say(error)" data-test="case-error">
      <van-button v-if="error.status !== 404" round type="primary" @click="load">重试</van-button>
      <van-button v-else round type="primary" @click="go('/cases')">看我的诉求</van-button>
    </van-empty>
    <div v-else-if="!c" class="r-loading"><van-loading size="28" vertical>加载中…</van-loading></div>
    <CaseBody v-else :c="c" photos>
      <RateForm v-if="c.can_rate" :c="c" @rated="rated" />
    </CaseBody>
  </div>`,
};

export const CasesView = {
  setup() {
    const items = ref([]);
    const loading = ref(false);
    const finished = ref(false);
    const error = ref(null);
    let cursor = '';
    async function page(reset) {
      if (reset) { items.value = []; cursor = ''; }
      if (reset || error.value) { finished.value = false; error.value = null; }
      loading.value = true;
      try {
        const r = await api.get('/resident/cases', { limit: 20, cursor: cursor || undefined });
        items.value = items.value.concat(r.items || []);
        cursor = r.next_cursor ? String(r.next_cursor) : '';
        finished.value = !cursor;
      } catch (e) {
        error.value = e;
        finished.value = true;
      } finally {
        loading.value = false;
      }
    }
    onMounted(() => page(true));
    return { items, loading, finished, error, page, go, say, fmtTime, statusType, CHANNELS };
  },
  template: `
  <div class="r-page" data-test="cases">
    <van-list :loading="loading" :finished="finished" :finished-text="items.length ? '没有更多了' : ''" :immediate-check="false" @load="page(false)"
              :error="!!error && items.length > 0" :error-text="error ? say(error) + ' 点此重试' : ''" @update:error="page(false)" loading-text="加载中…">
      <van-empty v-if="error && !items.length" image="error" :description="say(error)">
        <van-button round type="primary" @click="page(true)">重试</van-button>
      </van-empty>
      <van-empty v-else-if="!loading && !items.length" image="search" description="您还没有反映过问题" data-test="cases-empty">
        <van-button round type="primary" @click="go('/new')">我要反映</van-button>
      </van-empty>
      <div class="r-list" data-test="cases-list">
        <button v-for="c in items" :key="c.id" type="button" class="r-item" @click="go('/cases/' + c.id)" :data-case-id="c.id" :data-number="c.number">
          <div class="r-item-head"><b class="r-item-title">{{ c.title }}</b>
            <van-tag :type="statusType(c)" round>{{ c.status_label }}</van-tag></div>
          <div class="r-muted">{{ fmtTime(c.created_at) }} · {{ CHANNELS[c.channel] || c.channel }} · 编号 {{ c.number }}</div>
          <div v-if="c.can_rate" class="r-item-todo">已答复，请您评价</div>
          <div v-else-if="c.reply" class="r-item-reply">答复：{{ c.reply }}</div>
        </button>
      </div>
    </van-list>
    <div class="r-pad"><van-button round block plain type="primary" icon="edit" @click="go('/new')">我要反映新问题</van-button></div>
  </div>`,
};
