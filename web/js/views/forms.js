/*
 * forms.js - 表单 (#/forms, admins): the checklist forms visits fill in
 * (GET /forms, the current version of each), and 新建表单; a tap opens the
 * editor (form.js).
 */
import { ref, onMounted } from 'vue';
import { t } from '../i18n.js';
import { api } from '../api.js';
import { go } from '../router.js';
import { fmtTime } from '../util.js';
import { hazardRules } from '../components/formlogic.js';

export default {
  setup() {
    const forms = ref([]);
    const loading = ref(true);
    const error = ref(null);
    async function load() {
      loading.value = true;
      error.value = null;
      try { forms.value = await api.get('/forms'); } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    onMounted(load);
    const rules = (f) => f.questions.reduce((n, q) => n + hazardRules(q).length, 0);
    return { forms, loading, error, load, rules, fmtTime, t, go };
  },
  template: `
  <div class="lx-forms">
    <div class="lx-toolbar"><span class="lx-muted lx-flex1">{{ t('fe.list_hint') }}</span>
      <van-button size="small" type="primary" icon="plus" @click="go('/form/create')" data-test="form-create">{{ t('fe.create') }}</van-button></div>
    <div v-if="loading" class="lx-page-loading"><van-loading vertical>{{ t('common.loading') }}</van-loading></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <div v-else class="lx-grid-list" data-test="forms-list">
      <a v-for="f in forms" :key="f.id" :href="'#/form/' + f.id" class="lx-card" :data-form-id="f.id">
        <div class="lx-card-head"><span class="lx-card-title">{{ f.name }}</span><span class="lx-flex1"></span>
          <van-tag type="primary" plain>{{ t('visit.form_version', { n: f.version }) }}</van-tag></div>
        <div class="lx-card-meta"><span v-if="f.code" class="lx-num">{{ f.code }}</span>
          <span>{{ t('fe.questions_n', { n: f.questions.length }) }}</span><span>{{ t('fe.rules_n', { n: rules(f) }) }}</span></div>
        <div class="lx-card-foot"><span>{{ t('fe.updated', { t: fmtTime(f.updated_at) }) }}</span></div>
      </a>
    </div>
  </div>`,
};
