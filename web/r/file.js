/*
 * file.js - 我要反映: what it is about (the categories in plain words,
 * grouped by their parent: GET /resident/categories), where (the phone's
 * position and/or an address), a title (the category's name until the
 * resident writes their own), what happened, how to address them or 匿名
 * (name and number hidden from the handlers, no call back), up to 9
 * photos. POST /resident/cases, then each photo on its own; then the case
 * number, big, with a copy button, and the way to follow it.
 */
import { ref, reactive, computed, watch, onMounted } from 'vue';
import { api, auth, say } from './api.js';
import { go } from './router.js';
import { showNotify, showSuccessToast, showToast } from './vant.js';
import { MAX_PHOTOS, sendPhoto, sendPhotos } from './photos.js';
import { copyText } from './util.js';

const TITLE_MAX = 100;
const TEXT_MAX = 4000;

export default {
  setup() {
    const cats = ref([]);
    const catsError = ref(null);
    const catsLoading = ref(true);
    const showCats = ref(false);
    const catQuery = ref('');
    const f = reactive({ category: null, title: '', description: '', address: '', name: '', anonymous: false, lat: null, lon: null, accuracy: null });
    const errors = reactive({});
    const photos = ref([]);
    const busy = ref(false);
    const locating = ref(false);
    const created = ref(null);
    const sentPhotos = ref(0);
    let suggested = '';
    /* a field's complaint goes once it is changed */
    for (const k of ['title', 'description', 'address', 'name']) watch(() => f[k], () => { errors[k] = ''; });

    async function loadCats() {
      catsLoading.value = true;
      catsError.value = null;
      try {
        cats.value = (await api.get('/resident/categories')).items || [];
      } catch (e) {
        catsError.value = e;
      } finally {
        catsLoading.value = false;
      }
    }
    onMounted(loadCats);

    /* [{group, items}] in the server's order, narrowed by the search words */
    const groups = computed(() => {
      const q = catQuery.value.trim();
      const out = [];
      const at = new Map();
      for (const c of cats.value) {
        if (q && !(c.name.includes(q) || (c.group || '').includes(q))) continue;
        const g = c.group || '其他';
        if (!at.has(g)) { at.set(g, out.length); out.push({ group: g, items: [] }); }
        out[at.get(g)].items.push(c);
      }
      return out;
    });

    function pickCat(c) {
      f.category = c;
      errors.category = '';
      showCats.value = false;
      catQuery.value = '';
      if (!f.title.trim() || f.title === suggested) {
        suggested = c.name.slice(0, TITLE_MAX);
        f.title = suggested;
      }
      if (c.anonymous_ok === false) f.anonymous = false;
    }
    const anonAllowed = computed(() => !f.category || f.category.anonymous_ok !== false);

    const canLocate = !!(navigator.geolocation && window.isSecureContext);
    function locate() {
      if (!canLocate) return;
      locating.value = true;
      navigator.geolocation.getCurrentPosition((pos) => {
        locating.value = false;
        f.lat = Math.round(pos.coords.latitude * 1e6) / 1e6;
        f.lon = Math.round(pos.coords.longitude * 1e6) / 1e6;
        f.accuracy = pos.coords.accuracy ? Math.round(pos.coords.accuracy) : null;
        showSuccessToast('已获取当前位置');
      }, (err) => {
        locating.value = false;
        showNotify({
          type: 'warning', duration: 4000,
          message: err && err.code === 1 ? '没有得到位置权限。请在手机设置里允许浏览器使用位置，或直接填写地址。' : '暂时无法获取位置，请直接填写地址。',
        });
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
    function clearLocation() { f.lat = null; f.lon = null; f.accuracy = null; }

    function onOversize() { showNotify({ type: 'warning', message: '照片太大了，请换一张。' }); }
    function beforeRead(file) {
      const list = Array.isArray(file) ? file : [file];
      if (list.some((x) => x.type && !x.type.startsWith('image/'))) {
        showNotify({ type: 'warning', message: '只能上传照片。' });
        return false;
      }
      return true;
    }

    function check() {
      for (const k of Object.keys(errors)) errors[k] = '';
      if (!f.category) errors.category = '请选择问题类型';
      if (!f.title.trim()) errors.title = '请填写标题';
      else if (f.title.trim().length > TITLE_MAX) errors.title = '标题不超过100个字';
      if (!f.description.trim()) errors.description = '请说一说遇到了什么问题';
      else if (f.description.trim().length > TEXT_MAX) errors.description = '问题描述不超过4000个字';
      return !Object.values(errors).some(Boolean);
    }

    async function submit() {
      if (busy.value) return;
      if (!check()) {
        showToast('还有必填的内容没有填写');
        return;
      }
      const body = {
        category_code: f.category.code,
        title: f.title.trim(),
        description: f.description.trim(),
      };
      if (f.address.trim()) body.address = f.address.trim();
      if (f.lat !== null && f.lon !== null) { body.lat = f.lat; body.lon = f.lon; }
      if (f.anonymous) body.anonymous = true;
      else if (f.name.trim()) body.name = f.name.trim();
      busy.value = true;
      try {
        created.value = await api.post('/resident/cases', body);
      } catch (e) {
        const field = { category_code: 'category', title: 'title', description: 'description', address: 'address', name: 'name' }[e.field];
        if (field) errors[field] = say(e);
        showNotify({ type: 'danger', message: say(e), duration: 4000 });
        busy.value = false;
        return;
      }
      window.scrollTo(0, 0);
      try {
        sentPhotos.value = await sendPhotos(created.value.id, photos.value);
      } finally {
        busy.value = false;
      }
    }

    const failed = computed(() => photos.value.filter((it) => it.error && it.status !== 'done'));
    async function retry(it) {
      if (await sendPhoto(created.value.id, it)) {
        sentPhotos.value++;
        showSuccessToast('照片已上传');
      }
    }
    function drop(it) { photos.value = photos.value.filter((x) => x !== it); }
    async function copy() {
      if (await copyText(created.value.number)) showSuccessToast('编号已复制');
      else showToast('请长按编号复制');
    }
    return {
      cats, catsError, catsLoading, loadCats, showCats, catQuery, groups, pickCat, f, errors, anonAllowed, canLocate, locate, locating,
      clearLocation, photos, MAX_PHOTOS, onOversize, beforeRead, busy, submit, created, sentPhotos, failed, retry, drop, copy, go, say, auth,
      TITLE_MAX, TEXT_MAX,
    };
  },
  template: `
  <div v-if="created" class="r-done" data-test="done">
    <van-icon name="checked" class="r-done-icon" />
    <h2>提交成功</h2>
    <p class="r-muted">我们已收到您的诉求，会尽快转给承办单位办理。</p>
    <div class="r-number-box">
      <div class="r-muted">诉求编号（查询进度时要用）</div>
      <div class="r-number" data-test="done-number">{{ created.number }}</div>
      <van-button size="small" round plain type="primary" icon="description" @click="copy" data-test="copy-number">复制编号</van-button>
    </div>
    <div v-if="photos.length" class="r-done-photos" data-test="done-photos" :data-done="sentPhotos" :data-failed="failed.length" :data-busy="busy ? 'true' : 'false'">
      <div class="r-section-title">照片</div>
      <div v-if="busy" class="r-muted"><van-loading size="14" /> 正在上传照片…</div>
      <div v-else :class="failed.length ? 'r-muted' : 'r-ok'">已上传 {{ sentPhotos }} 张照片<template v-if="failed.length">，{{ failed.length }} 张没有传上</template></div>
      <van-uploader :model-value="photos" :deletable="false" :show-upload="false" preview-size="76" />
      <div v-for="(it, i) in failed" :key="i" class="r-photo-failed" data-test="photo-failed">
        <div>{{ it.file && it.file.name }}：{{ it.error }}</div>
        <div class="r-row">
          <van-button type="primary" :loading="it.status === 'uploading'" @click="retry(it)" data-test="photo-retry">重新上传</van-button>
          <van-button @click="drop(it)" data-test="photo-drop">不传这张了</van-button>
        </div>
      </div>
    </div>
    <div class="r-pad r-stack">
      <van-button round block type="primary" size="large" @click="go('/cases/' + created.id)" data-test="done-open">查看办理进度</van-button>
      <van-button round block size="large" @click="go('/')" data-test="done-home">返回首页</van-button>
    </div>
  </div>

  <div v-else class="r-file" data-test="file">
    <div class="r-note">紧急情况（火灾、治安、急病）请直接拨打 119、110、120。</div>
    <van-form @submit="submit">
      <van-cell-group inset title="反映什么问题">
        <van-field :model-value="f.category ? f.category.name : ''" label="问题类型" placeholder="请选择"
                   readonly is-link required :error-message="errors.category" @click="showCats = true" data-test="category" />
        <van-field v-model="f.title" label="标题" placeholder="一句话说明问题" :maxlength="TITLE_MAX" required show-word-limit
                   :error-message="errors.title" data-test="title" />
        <van-field v-model="f.description" type="textarea" label="问题描述" placeholder="请说一说发生了什么、在哪里、持续多久了"
                   rows="4" autosize :maxlength="TEXT_MAX" show-word-limit required :error-message="errors.description" data-test="description" />
      </van-cell-group>

      <van-cell-group inset title="在哪里">
        <van-cell v-if="canLocate" center data-test="location" :data-located="f.lat !== null ? 'true' : 'false'">
          <template #title>
            <span v-if="f.lat !== null">已获取当前位置<span v-if="f.accuracy" class="r-muted">（误差约{{ f.accuracy }}米）</span></span>
            <span v-else class="r-muted">可以用手机定位告诉我们位置</span>
          </template>
          <template #right-icon>
            <van-button v-if="f.lat === null" size="small" type="primary" plain icon="location-o" :loading="locating" loading-text="定位中" native-type="button" @click="locate" data-test="locate">使用当前位置</van-button>
            <van-button v-else size="small" native-type="button" @click="clearLocation" data-test="clear-location">清除</van-button>
          </template>
        </van-cell>
        <van-field v-model="f.address" label="地址" placeholder="如：某某小区3号楼2单元门口" maxlength="200" :error-message="errors.address" data-test="address" />
      </van-cell-group>

      <van-cell-group inset title="照片（可不传，最多9张）">
        <div class="r-uploader" data-test="photos" :data-count="photos.length">
          <van-uploader v-model="photos" multiple :max-count="MAX_PHOTOS" accept="image/*" :max-size="30 * 1024 * 1024"
                        :before-read="beforeRead" @oversize="onOversize" preview-size="76" upload-text="拍照/相册" />
        </div>
      </van-cell-group>

      <van-cell-group inset title="怎么称呼您">
        <van-field v-if="!f.anonymous" v-model="f.name" label="称呼" placeholder="如：李阿姨、王先生（可不填）" maxlength="32" :error-message="errors.name" data-test="name" />
        <van-cell center title="匿名反映" :label="anonAllowed ? '承办人员看不到您的称呼和手机号，也不会回访您' : '这类问题需要实名反映，不能匿名'" data-test="anonymous-cell">
          <template #right-icon>
            <van-switch v-model="f.anonymous" :disabled="!anonAllowed" size="24" data-test="anonymous" />
          </template>
        </van-cell>
      </van-cell-group>
      <p class="r-hint r-pad-x" data-test="anon-note">
        <template v-if="f.anonymous">匿名反映也要先验证手机号，这样只有您自己能在“我的诉求”里看到进度和答复；承办人员看不到您的手机号，不会给您回电话。</template>
        <template v-else>承办人员可能会拨打您验证的手机号{{ auth.phone.value ? '（' + auth.phone.value + '）' : '' }}了解情况。</template>
      </p>
      <div class="r-pad">
        <van-button round block type="primary" size="large" native-type="submit" :loading="busy" loading-text="正在提交…" data-test="submit">提 交</van-button>
      </div>
    </van-form>

    <van-popup v-model:show="showCats" position="bottom" round closeable teleport="body" class="r-cat-popup" data-test="category-picker">
      <div class="r-popup-title">选择问题类型</div>
      <van-search v-model="catQuery" placeholder="输入关键字，如：暖气、路灯" data-test="category-search" />
      <div class="r-cat-list">
        <van-loading v-if="catsLoading" class="r-pad" size="20">加载中…</van-loading>
        <van-empty v-else-if="catsError" image="error" :description="say(catsError)">
          <van-button size="small" type="primary" @click="loadCats">重试</van-button>
        </van-empty>
        <van-empty v-else-if="!groups.length" description="没有找到，换个词试试" />
        <van-cell-group v-for="g in groups" :key="g.group" :title="g.group">
          <van-cell v-for="c in g.items" :key="c.code" :title="c.name" is-link clickable @click="pickCat(c)" :data-code="c.code"
                    :class="{ 'r-picked': f.category && f.category.code === c.code }" />
        </van-cell-group>
      </div>
    </van-popup>
  </div>`,
};
