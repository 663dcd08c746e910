/*
 * admin/audit.js - 审计日志: GET /api/v1/audit, newest first, filtered by
 * kind and by login (exact), a page at a time (next_before). Logins and
 * their failures, lockouts and unlocks, password and role changes, second
 * factors, unmasked reads, exports and API keys. Cards on a phone, a table
 * from 960px up; the server's English details get Chinese words where known.
 */
import { ref, onMounted } from 'vue';
import { t, label, has } from '../../i18n.js';
import { api } from '../../api.js';
import { route, setQuery } from '../../router.js';
import { fmtTime } from '../../util.js';

export const AUDIT_KINDS = [
  'login', 'login_failed', 'login_locked', 'unlock', 'logout', 'password_changed', 'password_set', 'user_created',
  'roles_changed', 'totp_enrolled', 'totp_removed', 'unmasked_read', 'export', 'apikey_used',
];
const ALERT = ['login_failed', 'login_locked'];
const ADMIN_ACT = ['unlock', 'totp_removed', 'password_set', 'roles_changed', 'user_created'];
const READS = ['unmasked_read', 'export', 'apikey_used'];
const PAGE = 50;

/* The server writes its details in English; the known ones have their
 * words in the dictionary (audit_detail.*). */
const DETAILS = {
  password: 'password',
  'second factor': 'second_factor',
  'the failures of this login or address reached the throttle': 'throttle',
  'old password, changing it': 'old_password',
  'by the user': 'by_user',
  'by an admin: to be changed at the next login': 'by_admin',
  "the login's failed attempts forgiven": 'forgiven',
  'reset by an admin': 'reset_by_admin',
  "the reporter's phone": 'reporter_phone',
  GB18030: 'gbk',
};
export function detailText(d) {
  if (!d) return '';
  const k = DETAILS[d];
  return k && has('audit_detail.' + k) ? t('audit_detail.' + k) : d;
}

/* "user:12" -> {text: "用户 #12"}; "case:42" -> a link to the case. */
export function targetOf(s) {
  if (!s) return null;
  const m = /^(user|case|apikey):(\d+)$/.exec(s);
  if (!m) return { text: s };
  const text = t('audit.target_' + m[1], { n: m[2] });
  return m[1] === 'case' ? { text, href: '#/case/' + m[2] } : { text };
}

export function kindTone(k) {
  if (ALERT.includes(k)) return 'alert';
  if (ADMIN_ACT.includes(k)) return 'admin';
  if (READS.includes(k)) return 'read';
  return 'plain';
}

export const AuditTab = {
  setup() {
    const kind = ref(AUDIT_KINDS.includes(route.query.kind) ? route.query.kind : '');
    const login = ref(route.query.login || '');
    const items = ref([]);
    const next = ref(null);
    const loading = ref(false);
    const error = ref(null);
    let seq = 0;
    async function load(more = false) {
      const my = ++seq;
      loading.value = true;
      error.value = null;
      try {
        const r = await api.get('/audit', { kind: kind.value, login: login.value.trim(), before: more ? next.value : undefined, limit: PAGE });
        if (my !== seq) return;
        items.value = more ? [...items.value, ...r.items] : r.items;
        next.value = r.next_before || null;
      } catch (e) { if (my === seq) error.value = e; } finally { if (my === seq) loading.value = false; }
    }
    function apply() {
      setQuery({ tab: 'audit', kind: kind.value || undefined, login: login.value.trim() || undefined });
      load(false);
    }
    function pickKind(k) { kind.value = kind.value === k ? '' : k; apply(); }
    function byLogin(l) { login.value = l || ''; apply(); }
    onMounted(() => load(false));
    return {
      kind, login, items, next, loading, error, load, apply, pickKind, byLogin, AUDIT_KINDS,
      fmtTime, label, detailText, targetOf, kindTone, t,
    };
  },
  template: `
  <div data-test="admin-audit" class="lx-audit">
    <div class="lx-toolbar">
      <van-search v-model="login" :placeholder="t('audit.login_ph')" shape="round" @search="apply" @clear="byLogin('')" data-test="audit-login" />
      <van-button size="small" type="primary" plain icon="search" @click="apply" data-test="audit-search">{{ t('common.search') }}</van-button>
    </div>
    <div class="lx-chips lx-audit-kinds" data-test="audit-kinds">
      <button type="button" class="lx-chip lx-chip-sm" :class="{ on: !kind }" @click="pickKind('')" data-kind="">{{ t('common.all') }}</button>
      <button v-for="k in AUDIT_KINDS" :key="k" type="button" class="lx-chip lx-chip-sm" :class="{ on: kind === k }" @click="pickKind(k)" :data-kind="k">{{ label('audit_kind', k) }}</button>
    </div>
    <lx-error v-if="error" :error="error" @retry="load(false)" />
    <div v-else class="lx-audit-list" data-test="audit-list">
      <div class="lx-audit-row lx-audit-head" aria-hidden="true">
        <span>{{ t('audit.at') }}</span><span>{{ t('audit.kind') }}</span><span>{{ t('audit.login') }}</span>
        <span>{{ t('audit.actor') }}</span><span>{{ t('audit.addr') }}</span><span>{{ t('audit.detail') }}</span>
      </div>
      <div v-for="a in items" :key="a.id" class="lx-audit-row" :class="'lx-tone-' + kindTone(a.kind)" :data-audit-id="a.id" :data-kind="a.kind" :data-login="a.login || ''">
        <span class="lx-audit-at">{{ fmtTime(a.at, true) }}</span>
        <span class="lx-audit-kind"><span class="lx-audit-tag">{{ label('audit_kind', a.kind) }}</span></span>
        <span class="lx-audit-login"><button v-if="a.login" type="button" class="lx-link" @click="byLogin(a.login)" :title="t('audit.filter_login')">{{ a.login }}</button></span>
        <span class="lx-audit-actor"><template v-if="a.actor_name">{{ a.actor_name }}</template></span>
        <span class="lx-audit-addr">{{ a.addr }}</span>
        <span class="lx-audit-detail">
          <template v-if="targetOf(a.target)">
            <a v-if="targetOf(a.target).href" :href="targetOf(a.target).href" class="lx-link lx-audit-target">{{ targetOf(a.target).text }}</a>
            <span v-else class="lx-audit-target">{{ targetOf(a.target).text }}</span>
          </template>
          {{ detailText(a.detail) }}</span>
      </div>
      <van-empty v-if="!loading && !items.length" :description="t('audit.empty')" image-size="60" />
      <div v-if="loading" class="lx-page-loading"><van-loading /></div>
      <div class="lx-pad lx-audit-foot">
        <span class="lx-muted">{{ t('audit.count', { n: items.length }) }}</span>
        <van-button v-if="next && !loading" size="small" round plain @click="load(true)" data-test="audit-more">{{ t('audit.more') }}</van-button>
      </div>
    </div>
  </div>`,
};
