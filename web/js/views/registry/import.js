/*
 * registry/import.js - 批量导入 (#/registry-import): households, residents
 * or places from a spreadsheet (CSV in UTF-8 or GBK, or XLSX, as offices
 * keep them). 预检 sends the file with dry_run=true: the server checks
 * every row and writes nothing, answering how many it would create and
 * update and every bad row by its line (line 1 is the header); 导入 then
 * sends it for real, all or nothing. The file goes up as the raw body
 * through XMLHttpRequest, so a big one shows its progress.
 */
import { ref, computed } from 'vue';
import { t, label } from '../../i18n.js';
import { upload } from '../../api.js';
import { route, go } from '../../router.js';
import { toastError } from '../../util.js';
import { showSuccessToast, showConfirmDialog } from '../../vant.js';

const KINDS = ['households', 'residents', 'places'];
/* The columns of each kind (English names; the Chinese ones work too). */
const COLUMNS = {
  households: ['address', 'members', 'unit_code'],
  residents: ['name', 'gender', 'birth_date', 'phone', 'id_number', 'tags', 'household_address', 'unit_code'],
  places: ['name', 'type', 'address', 'lat', 'lon', 'contact', 'phone', 'unit_code'],
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export default {
  setup() {
    const kind = ref(KINDS.includes(route.query.kind) ? route.query.kind : 'residents');
    const file = ref(null);
    const busy = ref('');           // '' | 'check' | 'import'
    const progress = ref(0);
    const result = ref(null);       // the server's answer
    const checked = ref(false);     // a dry run of this file and kind passed
    const input = ref(null);

    function onFile(ev) {
      const f = ev.target.files && ev.target.files[0];
      ev.target.value = '';
      if (!f) return;
      file.value = f;
      result.value = null;
      checked.value = false;
    }
    function pickKind(k) {
      kind.value = k;
      result.value = null;
      checked.value = false;
    }
    /* The file with the Content-Type the server reads it by (a .csv from
     * Windows often comes as application/vnd.ms-excel, or as nothing). */
    function body() {
      const f = file.value;
      const type = /\.xlsx$/i.test(f.name) ? XLSX : 'text/csv';
      return new Blob([f], { type });
    }
    async function send(dry) {
      busy.value = dry ? 'check' : 'import';
      progress.value = 0;
      try {
        const r = await upload('/registry/import', body(), {
          params: { kind: kind.value, dry_run: dry ? 'true' : 'false' }, onProgress: (p) => { progress.value = p; },
        });
        result.value = r;
        checked.value = dry && !r.errors.length;
        if (!dry) {
          showSuccessToast(t('imp.done', { c: r.created, u: r.updated }));
          checked.value = false;
        }
      } catch (e) {
        /* bad rows: the same answer with "error"; nothing was written */
        if (e.body && Array.isArray(e.body.errors)) {
          result.value = e.body;
          checked.value = false;
        } else toastError(e);
      } finally {
        busy.value = '';
      }
    }
    async function commit() {
      try {
        await showConfirmDialog({ message: t('imp.confirm', { c: result.value.created, u: result.value.updated, k: t('imp.kind_' + kind.value) }) });
      } catch { return; }
      send(false);
    }
    /* A template with the header row, for Excel (UTF-8 with a BOM). */
    const template = computed(() => {
      const csv = '\ufeff' + COLUMNS[kind.value].map((c) => t('imp.col_' + c)).join(',') + '\r\n';
      return URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    });
    const size = computed(() => (file.value ? (file.value.size / 1024).toFixed(file.value.size < 10240 ? 1 : 0) + ' KB' : ''));
    return { KINDS, COLUMNS, kind, file, busy, progress, result, checked, input, onFile, pickKind, send, commit, template, size, label, t, go };
  },
  template: `
  <div class="lx-import" data-test="import-page">
    <van-cell-group inset class="lx-group" :title="t('imp.step1')">
      <van-cell>
        <template #title>
          <div class="lx-chips" data-test="import-kind">
            <button v-for="k in KINDS" :key="k" type="button" class="lx-chip" :class="{ on: kind === k }" @click="pickKind(k)" :data-kind="k">{{ t('imp.kind_' + k) }}</button>
          </div>
        </template>
      </van-cell>
      <div class="lx-field-note lx-muted">
        {{ t('imp.columns') }}<span v-for="c in COLUMNS[kind]" :key="c" class="lx-col-name">{{ t('imp.col_' + c) }}<template v-if="t('imp.col_' + c) !== c">（{{ c }}）</template></span>
        <div>{{ t('imp.hint_' + kind) }}</div>
        <a :href="template" :download="t('imp.template_name', { k: t('imp.kind_' + kind) })" class="lx-link-text" data-test="import-template"><van-icon name="down" /> {{ t('imp.template') }}</a>
      </div>
    </van-cell-group>
    <van-cell-group inset class="lx-group" :title="t('imp.step2')">
      <van-cell :title="file ? file.name : t('imp.choose')" :label="file ? size : t('imp.formats')" is-link center>
        <template #right-icon>
          <label class="lx-link lx-file-label" data-test="import-file">{{ file ? t('imp.another') : t('imp.choose_btn') }}
            <input ref="input" type="file" class="lx-file-input" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" @change="onFile" data-test="import-input" /></label>
        </template>
      </van-cell>
    </van-cell-group>
    <div class="lx-pad lx-chips">
      <van-button round plain type="primary" :disabled="!file || !!busy" :loading="busy === 'check'" :loading-text="t('imp.uploading', { p: Math.round(progress * 100) })"
                  @click="send(true)" data-test="import-check">{{ t('imp.check') }}</van-button>
      <van-button round type="primary" class="lx-flex1" :disabled="!checked || !!busy" :loading="busy === 'import'" :loading-text="t('imp.uploading', { p: Math.round(progress * 100) })"
                  @click="commit" data-test="import-commit">{{ t('imp.commit') }}</van-button>
    </div>
    <van-progress v-if="busy" :percentage="Math.round(progress * 100)" class="lx-pad-x" data-test="import-progress" />

    <div v-if="result" class="lx-card" data-test="import-result" :data-dry="result.dry_run" :data-errors="result.errors.length">
      <div class="lx-card-head">
        <b>{{ result.dry_run ? t('imp.checked') : (result.errors.length ? t('imp.failed') : t('imp.imported')) }}</b>
      </div>
      <div class="lx-kpis lx-imp-kpis">
        <div class="lx-kpi"><div class="lx-kpi-label">{{ result.dry_run ? t('imp.will_create') : t('imp.created') }}</div><div class="lx-kpi-value" data-test="import-created">{{ result.created }}</div></div>
        <div class="lx-kpi"><div class="lx-kpi-label">{{ result.dry_run ? t('imp.will_update') : t('imp.updated') }}</div><div class="lx-kpi-value" data-test="import-updated">{{ result.updated }}</div></div>
        <div class="lx-kpi" :class="{ 'lx-kpi-danger': result.errors.length }"><div class="lx-kpi-label">{{ t('imp.bad_rows') }}</div><div class="lx-kpi-value">{{ result.errors.length }}</div></div>
      </div>
      <template v-if="result.errors.length">
        <div class="lx-warn lx-pad-y">{{ t('imp.fix_hint') }}</div>
        <div class="lx-import-errors lx-scroll-x">
          <table class="lx-rank" data-test="import-errors">
            <thead><tr><th>{{ t('imp.line') }}</th><th>{{ t('imp.reason') }}</th></tr></thead>
            <tbody><tr v-for="(e, i) in result.errors" :key="i" :data-line="e.line"><td class="lx-num">{{ e.line }}</td><td class="lx-rank-name">{{ e.message }}</td></tr></tbody>
          </table>
        </div>
      </template>
      <div v-else-if="result.dry_run" class="lx-ok-text lx-pad-y">{{ t('imp.ready') }}</div>
      <div v-else class="lx-row-actions"><van-button size="small" round plain @click="go('/registry', { tab: kind === 'residents' ? undefined : kind })">{{ t('imp.to_list') }}</van-button></div>
    </div>
  </div>`,
};
