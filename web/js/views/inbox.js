/*
 * inbox.js - 消息 (#/inbox): one's inbox (GET /inbox), newest first, page
 * by page: work dispatched to one's unit, supervision, requests waiting
 * for approval. Unread entries are marked; 全部已读 marks them all; a tap
 * marks one read and opens its case (a press-9 call's entry: the call's
 * page, found by its case: #/onekey?case=). When a new entry arrives (the
 * live store's newest, ../inbox.js) the list is read again.
 */
import { ref, computed, watch, onMounted } from 'vue';
import { t, label } from '../i18n.js';
import { api, cursorList } from '../api.js';
import { inbox, noteInbox } from '../inbox.js';
import { go } from '../router.js';
import { toastError, fmtAgo, fmtTime, now } from '../util.js';
import { hasRole } from '../session.js';
import { ONEKEY_ROLES } from '../onekey.js';
import { showToast } from '../vant.js';

const TAGS = { 'case.supervised': 'warning', 'case.approval': 'danger', 'case.deadline': 'danger', 'onekey.call': 'danger' };

export default {
  setup() {
    const onlyUnread = ref(false);
    const busy = ref(false);
    const { items, loading, finished, error, page } = cursorList(async (cursor) => {
      const r = await api.get('/inbox', { unread: onlyUnread.value, limit: 30, cursor });
      noteInbox(r.unread);
      return r;
    });
    onMounted(() => page(true));
    watch(onlyUnread, () => page(true));
    /* a newer entry than the list's first: read it again */
    watch(() => inbox.newest, (id) => {
      if (id > (items.value.length ? items.value[0].id : 0)) page(true);
    });

    /* "5分钟前" changes once a minute, not with every tick of the clock */
    const minute = computed(() => Math.floor(now.value / 60000));
    const ago = (s) => { void minute.value; return fmtAgo(s); };
    const eventLabel = (e) => label('inbox_event', e.event.replace(/\W/g, '_'));
    /* a press-9 call's entry opens the call (for those who may see calls) */
    const isCall = (e) => !!e.case_id && e.event.startsWith('onekey.') && hasRole(...ONEKEY_ROLES);
    const href = (e) => (isCall(e) ? '#/onekey?case=' + e.case_id : e.case_id ? '#/case/' + e.case_id : null);

    async function open(e) {
      if (!e.read_at) {
        try {
          const r = await api.post('/inbox/' + e.id + '/read');
          e.read_at = new Date().toISOString();
          noteInbox(r.unread);
        } catch (err) { toastError(err); }
      }
      if (isCall(e)) go('/onekey', { case: e.case_id });
      else if (e.case_id) go('/case/' + e.case_id);
    }
    async function readAll() {
      busy.value = true;
      try {
        const r = await api.post('/inbox/read-all');
        noteInbox(r.unread);
        if (onlyUnread.value) page(true);
        else for (const e of items.value) if (!e.read_at) e.read_at = new Date().toISOString();
        showToast(t('inbox.marked', { n: r.marked }));
      } catch (err) { toastError(err); } finally { busy.value = false; }
    }
    return { onlyUnread, busy, items, loading, finished, error, page, inbox, ago, eventLabel, href, open, readAll, fmtTime, TAGS, t };
  },
  template: `
  <div class="lx-inbox">
    <div class="lx-toolbar">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !onlyUnread }" @click="onlyUnread = false" data-test="inbox-all">{{ t('common.all') }}</button>
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: onlyUnread }" @click="onlyUnread = true" data-test="inbox-unread">
        {{ t('inbox.unread') }}<template v-if="inbox.unread"> ({{ inbox.unread }})</template></button>
      <span class="lx-flex1"></span>
      <van-button size="small" plain type="primary" icon="passed" :disabled="!inbox.unread" :loading="busy" @click="readAll" data-test="inbox-read-all">{{ t('inbox.read_all') }}</van-button>
    </div>
    <van-list :loading="loading" :finished="finished" :finished-text="items.length ? t('common.no_more') : ''" @load="page(false)" :immediate-check="false"
              :error="!!error && items.length > 0" :error-text="error ? error.message : ''" @update:error="page(false)" :loading-text="t('common.loading')">
      <lx-error v-if="error && !items.length" :error="error" @retry="page(true)" />
      <van-empty v-else-if="!loading && !items.length" image="search" :description="onlyUnread ? t('inbox.empty_unread') : t('inbox.empty')" />
      <div class="lx-grid-list" data-test="inbox-list">
        <a v-for="e in items" :key="e.id" :href="href(e)" class="lx-card lx-inbox-item" :class="{ 'lx-inbox-unread': !e.read_at }"
           @click.prevent="open(e)" data-test="inbox-item" :data-id="e.id" :data-case-id="e.case_id" :data-unread="!e.read_at">
          <div class="lx-card-head">
            <i v-if="!e.read_at" class="lx-inbox-dot" :aria-label="t('inbox.unread')"></i>
            <van-tag :type="TAGS[e.event] || 'primary'" plain>{{ eventLabel(e) }}</van-tag>
            <span class="lx-flex1"></span>
            <span class="lx-muted" :title="fmtTime(e.created_at)">{{ ago(e.created_at) }}</span>
          </div>
          <div class="lx-inbox-text" data-test="inbox-text">{{ e.text }}</div>
        </a>
      </div>
    </van-list>
  </div>`,
};
