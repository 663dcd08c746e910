/*
 * common.js - small components every screen uses: status tag, deadline
 * countdown, case card, error box, unit picker, category picker, export
 * buttons.
 */
import { computed, ref, watch, nextTick } from 'vue';
import { t, label } from '../i18n.js';
import { now, countdown, fmtShort, fmtDue } from '../util.js';
import { apiUrl } from '../api.js';
import {
  unitIndex, loadUnits, loadCategories, unitName, unitPathNames, categoryName, statusLabel, statusColor, clockPaused, runningClock,
} from '../session.js';

/* A status tag: label and colour from the case's machine (GET /workflows). */
export const LxStatus = {
  props: { status: String, type: String },
  setup(props) {
    const look = computed(() => statusColor(props.status));
    const text = computed(() => statusLabel(props.status, props.type));
    return { look, text };
  },
  template: `<van-tag :color="look.color" :plain="look.plain" class="lx-status" :data-status="status">{{ text }}</van-tag>`,
};

/* The countdown to the deadline that runs now; "已挂起 · 计时暂停" while a
 * suspension stops the clocks; nothing while no clock runs (returned,
 * verifying, done). */
export const LxCountdown = {
  props: { case: Object, due: String, kind: String },
  setup(props) {
    const d = computed(() => (props.due ? { kind: props.kind || 'resolve', due: props.due } : runningClock(props.case)));
    const cd = computed(() => (d.value ? countdown(d.value.due, now.value) : null));
    const paused = computed(() => !props.due && clockPaused(props.case));
    const title = computed(() => (d.value ? fmtDue(d.value.due, d.value.workdays) + (d.value.workdays ? ' · ' + t('time.workdays', { n: d.value.workdays }) : '') : ''));
    return { d, cd, paused, title, t };
  },
  template: `<span v-if="paused" class="lx-countdown lx-cd-paused" data-test="countdown" data-paused="true">
      <van-icon name="pause-circle-o" /> {{ t('deadline.paused') }}</span>
    <span v-else-if="cd" class="lx-countdown" :class="'lx-cd-' + cd.level" :title="title" data-test="countdown">
      <van-icon name="clock-o" /> {{ t('deadline.' + d.kind) }}<template v-if="d.workdays">{{ t('deadline.wd', { n: t('time.workdays', { n: d.workdays }) }) }}</template> {{ cd.text }}</span>`,
};

/* Badges of the engine's bookkeeping: a request awaiting the desk,
 * excluded from the rates, merged into another case. */
export const LxFlowBadges = {
  props: { c: Object },
  setup() { return { t }; },
  template: `<van-tag v-if="c.pending" type="warning" plain class="lx-badge-pending" :data-pending="c.pending">{{ t('pending.tag_' + c.pending) }}</van-tag>
    <van-tag v-if="c.excluded" color="#646566" plain data-test="badge-excluded">{{ t('case.excluded') }}</van-tag>
    <van-tag v-if="c.merged_into" color="#646566" plain data-test="badge-merged">{{ t('case.merged_badge') }}</van-tag>`,
};

export const LxCaseCard = {
  props: { c: Object, selectable: Boolean, selected: Boolean, compact: Boolean },
  emits: ['toggle', 'open'],
  setup(props, { emit }) {
    const open = () => emit('open', props.c);
    const where = computed(() => props.c.address || props.c.unit_name || unitName(props.c.unit_id));
    /* the handling unit by name, from the case or GET /units/names */
    const handler = computed(() => (props.c.handler_unit_id ? props.c.handler_unit_name || unitName(props.c.handler_unit_id) : ''));
    return { open, where, handler, categoryName, fmtShort, t, label };
  },
  template: `
  <div class="lx-card lx-case-card" :class="{ 'lx-overdue': c.overdue, 'lx-selected': selected }" :data-case-id="c.id" :data-number="c.number">
    <van-checkbox v-if="selectable" class="lx-card-check" :model-value="selected" @click.stop="$emit('toggle', c)" :aria-label="t('board.select')" />
    <a class="lx-card-body" :href="'#/case/' + c.id" @click="$emit('open', c)">
      <div class="lx-card-head">
        <span class="lx-num">{{ c.number }}</span>
        <van-tag v-if="c.urgent" type="danger" class="lx-tag-urgent">{{ t('case.urgent') }}</van-tag>
        <van-tag v-if="c.overdue" type="danger" plain>{{ t('case.overdue') }}</van-tag>
        <van-tag v-else-if="c.accept_overdue" type="warning" plain>{{ t('case.accept_overdue') }}</van-tag>
        <van-tag v-if="c.supervised" type="warning">{{ t('case.supervised', { n: c.supervised }) }}</van-tag>
        <lx-flow-badges :c="c" />
        <span class="lx-flex1"></span>
        <lx-status :status="c.status" :type="c.type" />
      </div>
      <div class="lx-card-title">{{ c.title }}</div>
      <div class="lx-card-meta">
        <span v-if="c.category_code">{{ categoryName(c.category_code) }}</span>
        <span v-if="where">{{ where }}</span>
      </div>
      <slot name="body" />
      <div class="lx-card-foot">
        <span>{{ fmtShort(c.created_at) }} · {{ label('channel', c.channel) }}</span>
        <span v-if="handler" class="lx-card-unit">→ {{ handler }}</span>
        <span class="lx-flex1"></span>
        <lx-countdown :case="c" />
      </div>
    </a>
    <div v-if="$slots.default" class="lx-card-actions"><slot /></div>
  </div>`,
};

export const LxError = {
  props: { error: Object },
  emits: ['retry'],
  setup() { return { t }; },
  template: `<van-empty image="error" class="lx-error-box" :description="error && error.message ? error.message : t('err.unknown')">
      <van-button size="small" round type="primary" @click="$emit('retry')">{{ t('common.retry') }}</van-button>
    </van-empty>`,
};

/*
 * Unit picker: a bottom sheet with a search box over the units of the
 * caller's scope. v-model:show; emits pick(unit) or, when multiple,
 * pick([units]). suggestions: [{unit, reason}] shown on top.
 */
export const LxUnitPicker = {
  props: {
    show: Boolean, title: String, multiple: Boolean, kinds: Array, suggestions: Array,
    exclude: Array, initial: Array,
  },
  emits: ['update:show', 'pick'],
  setup(props, { emit }) {
    const q = ref('');
    const chosen = ref([]);
    const loading = ref(false);
    const KIND_ORDER = ['department', 'district', 'street', 'community', 'village', 'grid', 'microgrid', 'station'];
    watch(() => props.show, async (v) => {
      if (!v) return;
      q.value = '';
      chosen.value = [...(props.initial || [])];
      loading.value = true;
      try { await loadUnits(); } finally { loading.value = false; }
    });
    const list = computed(() => {
      const all = [...unitIndex.value.values()];
      const words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      return all
        .filter((u) => !props.kinds || props.kinds.includes(u.kind))
        .filter((u) => !(props.exclude || []).includes(u.id))
        .filter((u) => {
          if (!words.length) return true;
          const hay = (unitPathNames(u.id, ' ') + ' ' + u.code).toLowerCase();
          return words.every((w) => hay.includes(w));
        })
        .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.path.localeCompare(b.path))
        .slice(0, 150);
    });
    function pick(u) {
      if (!props.multiple) {
        emit('pick', u);
        emit('update:show', false);
        return;
      }
      const i = chosen.value.indexOf(u.id);
      if (i >= 0) chosen.value.splice(i, 1);
      else chosen.value.push(u.id);
    }
    function confirm() {
      emit('pick', chosen.value.map((id) => unitIndex.value.get(id)).filter(Boolean));
      emit('update:show', false);
    }
    const close = () => emit('update:show', false);
    return { q, list, pick, confirm, close, chosen, loading, unitPathNames, t, label };
  },
  template: `
  <van-popup :show="show" @update:show="$emit('update:show', $event)" position="bottom" round closeable class="lx-picker-popup" teleport="body">
    <div class="lx-picker" data-test="unit-picker">
      <div class="lx-picker-title">{{ title || t('unit.pick') }}</div>
      <van-search v-model="q" :placeholder="t('unit.search')" shape="round" data-test="unit-search" />
      <div class="lx-picker-list">
        <template v-if="suggestions && suggestions.length && !q">
          <div class="lx-picker-section">{{ t('unit.suggested') }}</div>
          <van-cell v-for="s in suggestions" :key="'s' + s.unit.id" clickable @click="pick(s.unit)" :title="s.unit.name" :label="s.reason" class="lx-suggest" :data-unit-id="s.unit.id">
            <template #right-icon><van-icon v-if="chosen.includes(s.unit.id)" name="success" color="var(--lx-red)" /></template>
          </van-cell>
          <div class="lx-picker-section">{{ t('unit.all') }}</div>
        </template>
        <van-loading v-if="loading" class="lx-pad" />
        <van-cell v-for="u in list" :key="u.id" clickable @click="pick(u)" :title="u.name" :label="unitPathNames(u.id)" :data-unit-id="u.id" :data-unit-name="u.name">
          <template #value><span class="lx-kind">{{ label('kind', u.kind) }}</span></template>
          <template #right-icon><van-icon v-if="chosen.includes(u.id)" name="success" color="var(--lx-red)" /></template>
        </van-cell>
        <van-empty v-if="!loading && !list.length" :description="t('common.none')" image-size="60" />
      </div>
      <div v-if="multiple" class="lx-picker-foot">
        <van-button block round type="primary" :disabled="!chosen.length" @click="confirm" data-test="unit-confirm">{{ t('common.confirm') }} ({{ chosen.length }})</van-button>
      </div>
    </div>
  </van-popup>`,
};

/*
 * Category picker: 大类 as sections, 小类 as choices, one search box over
 * both names and codes (a 大类 match shows all its 小类).
 */
export const LxCategoryPicker = {
  props: { show: Boolean, caseType: String },
  emits: ['update:show', 'pick'],
  setup(props, { emit }) {
    const q = ref('');
    const cats = ref([]);
    const loading = ref(false);
    const error = ref(null);
    const search = ref(null);
    async function load() {
      loading.value = true;
      error.value = null;
      try { cats.value = await loadCategories(); } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    watch(() => props.show, (v) => {
      if (!v) return;
      q.value = '';
      load();
      nextTick(() => { const el = document.querySelector('.lx-cat-picker input'); if (el) el.focus(); });
    });
    const groups = computed(() => {
      const w = q.value.trim().toLowerCase();
      /* caseType: only the categories of that type of case (a hazard ledger) */
      const all = props.caseType ? cats.value.filter((c) => c.case_type === props.caseType) : cats.value;
      const tops = all.filter((c) => !c.parent_code || !all.some((p) => p.code === c.parent_code));
      const out = [];
      for (const top of tops) {
        const kids = all.filter((c) => c.parent_code === top.code);
        const topHit = !w || top.name.toLowerCase().includes(w) || top.code.startsWith(w);
        const items = topHit ? kids : kids.filter((c) => c.name.toLowerCase().includes(w) || c.code.startsWith(w));
        if (items.length) out.push({ top, items });
        else if (!kids.length && topHit) out.push({ top, items: [top] });
      }
      return out;
    });
    const count = computed(() => groups.value.reduce((n, g) => n + g.items.length, 0));
    function pick(c) {
      emit('pick', c);
      emit('update:show', false);
    }
    function enter() {
      const first = groups.value[0] && groups.value[0].items[0];
      if (first && count.value === 1) pick(first);
    }
    return { q, groups, pick, loading, error, load, enter, count, search, t, label };
  },
  template: `
  <van-popup :show="show" @update:show="$emit('update:show', $event)" position="bottom" round closeable class="lx-picker-popup" teleport="body">
    <div class="lx-picker lx-cat-picker" data-test="category-picker">
      <div class="lx-picker-title">{{ t('desk.category_pick') }}</div>
      <van-search v-model="q" :placeholder="t('desk.category_search')" shape="round" @search="enter" data-test="category-search" />
      <div class="lx-picker-list">
        <van-loading v-if="loading" class="lx-pad" />
        <lx-error v-else-if="error" :error="error" @retry="load" />
        <template v-else>
          <template v-for="g in groups" :key="g.top.code">
            <div class="lx-picker-section">{{ g.top.code }} {{ g.top.name }}</div>
            <van-cell v-for="c in g.items" :key="c.code" clickable @click="pick(c)" :title="c.name" :data-code="c.code">
              <template #value><span class="lx-kind">{{ c.code }} · {{ label('type', c.case_type) }}</span></template>
            </van-cell>
          </template>
          <van-empty v-if="!groups.length" :description="t('common.none')" image-size="60" />
        </template>
      </div>
    </div>
  </van-popup>`,
};

/* Export buttons for a case-list filter (the server applies the scope). */
export const LxExport = {
  props: { filters: Object },
  setup(props) {
    const show = ref(false);
    const href = (fmt, extra) => apiUrl('/cases/export.' + fmt, { ...props.filters, ...(extra || {}) });
    const actions = computed(() => [
      { name: t('export.xlsx'), fmt: 'xlsx' },
      { name: t('export.csv'), fmt: 'csv', subname: 'UTF-8' },
      { name: t('export.csv_gbk'), fmt: 'csv', extra: { encoding: 'gbk' }, subname: 'GBK' },
    ]);
    function select(a) {
      const link = document.createElement('a');
      link.href = href(a.fmt, a.extra);
      link.setAttribute('download', '');
      document.body.appendChild(link);
      link.click();
      link.remove();
    }
    return { show, actions, select, href, t };
  },
  template: `
  <span class="lx-export">
    <van-button size="small" icon="down" plain type="primary" @click="show = true" data-test="export">{{ t('export.title') }}</van-button>
    <van-action-sheet v-model:show="show" :actions="actions" :cancel-text="t('common.cancel')" close-on-click-action @select="select" :description="t('export.hint')" teleport="body" />
  </span>`,
};

export function registerCommon(app) {
  app.component('lx-status', LxStatus);
  app.component('lx-countdown', LxCountdown);
  app.component('lx-flow-badges', LxFlowBadges);
  app.component('lx-case-card', LxCaseCard);
  app.component('lx-error', LxError);
  app.component('lx-unit-picker', LxUnitPicker);
  app.component('lx-category-picker', LxCategoryPicker);
  app.component('lx-export', LxExport);
}

