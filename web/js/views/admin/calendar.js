/*
 * admin/calendar.js - the working-day calendar (工作日历) that clocks in
 * working days count on: a month grid, Monday first, rest days and
 * holidays in red, make-up workdays (调休上班) marked, each day's note;
 * an admin clicks a day to make it a workday or a rest day with a note
 * (PUT /calendar), and sees how many open cases' deadlines moved.
 */
import { ref, computed, onMounted } from 'vue';
import { t } from '../../i18n.js';
import { api } from '../../api.js';
import { hasRole } from '../../session.js';
import { route, setQuery } from '../../router.js';
import { toastError, ymd } from '../../util.js';
import { showSuccessToast } from '../../vant.js';

const pad = (n) => String(n).padStart(2, '0');
/* The local date of y-m-d shifted by n days, as "YYYY-MM-DD". */
function shift(day, n) {
  const d = new Date(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10) + n);
  return ymd(d);
}

export const CalendarTab = {
  setup() {
    const editable = computed(() => hasRole('admin'));
    const start = /^\d{4}-\d{2}$/.test(route.query.month || '') ? route.query.month : ymd(new Date()).slice(0, 7);
    const month = ref(start); // "YYYY-MM"
    const days = ref([]);
    const loading = ref(true);
    const error = ref(null);
    const edit = ref(null); // the day being set
    const form = ref({ workday: true, note: '' });
    const busy = ref(false);
    const result = ref(null);
    const today = ymd(new Date());

    /* From the Monday on or before the 1st to the Sunday on or after the last day. */
    const range = computed(() => {
      const first = month.value + '-01';
      const lead = (new Date(+first.slice(0, 4), +first.slice(5, 7) - 1, 1).getDay() + 6) % 7;
      const last = ymd(new Date(+first.slice(0, 4), +first.slice(5, 7), 0));
      const trail = (7 - new Date(+last.slice(0, 4), +last.slice(5, 7) - 1, +last.slice(8, 10)).getDay()) % 7;
      return { from: shift(first, -lead), to: shift(last, trail) };
    });
    async function load() {
      loading.value = true;
      error.value = null;
      try {
        days.value = await api.get('/calendar', range.value);
      } catch (e) { error.value = e; } finally { loading.value = false; }
    }
    onMounted(load);
    function go(n) {
      const [y, m] = month.value.split('-').map(Number);
      const d = new Date(y, m - 1 + n, 1);
      month.value = d.getFullYear() + '-' + pad(d.getMonth() + 1);
      setQuery({ tab: 'calendar', month: month.value });
      result.value = null;
      load();
    }
    function thisMonth() { month.value = today.slice(0, 7); setQuery({ tab: 'calendar', month: month.value }); load(); }
    const weekend = (d) => d.weekday === 0 || d.weekday === 6;
    /* What a day is: a rest day, a holiday (a weekday off), a make-up workday (a weekend day on). */
    function kindOf(d) {
      if (!d.workday) return !weekend(d) ? 'holiday' : 'rest';
      return weekend(d) ? 'makeup' : 'work';
    }
    const weeks = computed(() => {
      const out = [];
      for (let i = 0; i < days.value.length; i += 7) out.push(days.value.slice(i, i + 7));
      return out;
    });
    const heads = computed(() => [1, 2, 3, 4, 5, 6, 0].map((w) => t('calendar.wd_' + w)));
    const title = computed(() => t('calendar.month', { y: month.value.slice(0, 4), m: Number(month.value.slice(5, 7)) }));
    const counts = computed(() => {
      const inMonth = days.value.filter((d) => d.date.startsWith(month.value));
      return { work: inMonth.filter((d) => d.workday).length, rest: inMonth.filter((d) => !d.workday).length };
    });

    function open(d) {
      if (!editable.value) return;
      edit.value = d;
      form.value = { workday: d.workday, note: d.note || '', rule: false };
    }
    /* The weekday rule: Monday to Friday work, the weekend rests; saved as
     * workday null, the day is no longer set apart. */
    function byRule() {
      form.value = { workday: !weekend(edit.value), note: '', rule: true };
    }
    async function save() {
      busy.value = true;
      try {
        const day = { date: edit.value.date, workday: form.value.rule ? null : form.value.workday };
        if (!form.value.rule && form.value.note.trim()) day.note = form.value.note.trim();
        const r = await api.put('/calendar', { days: [day] });
        result.value = { date: edit.value.date, ...r };
        showSuccessToast(t('common.saved'));
        edit.value = null;
        await load();
      } catch (e) { toastError(e); } finally { busy.value = false; }
    }
    return {
      editable, month, days, weeks, heads, title, counts, loading, error, load, go, thisMonth, kindOf, open, edit, form, byRule, save,
      busy, result, today, t,
    };
  },
  template: `
  <div data-test="admin-calendar" :data-month="month">
    <div class="lx-toolbar">
      <van-button size="small" icon="arrow-left" plain @click="go(-1)" data-test="cal-prev" :aria-label="t('calendar.prev')" />
      <b class="lx-cal-title" data-test="cal-title">{{ title }}</b>
      <van-button size="small" icon="arrow" plain @click="go(1)" data-test="cal-next" :aria-label="t('calendar.next')" />
      <van-button size="small" plain @click="thisMonth">{{ t('calendar.this_month') }}</van-button>
      <span class="lx-flex1"></span>
      <span class="lx-muted">{{ t('calendar.counts', counts) }}</span>
    </div>
    <div class="lx-legend lx-pad-x lx-cal-legend">
      <span><i class="lx-cal-sw lx-cal-sw-rest"></i>{{ t('calendar.rest') }}</span>
      <span><i class="lx-cal-sw lx-cal-sw-holiday"></i>{{ t('calendar.holiday') }}</span>
      <span><i class="lx-cal-sw lx-cal-sw-makeup"></i>{{ t('calendar.makeup') }}</span>
      <span v-if="editable" class="lx-muted">{{ t('calendar.hint') }}</span>
      <span v-else class="lx-muted">{{ t('calendar.readonly') }}</span>
    </div>
    <div v-if="result" class="lx-card lx-result" data-test="calendar-result">
      {{ t('calendar.result', { d: result.date, n: result.cases_rescheduled }) }}
      <button class="lx-link" type="button" @click="result = null">✕</button>
    </div>
    <div v-if="loading && !days.length" class="lx-page-loading"><van-loading /></div>
    <lx-error v-else-if="error" :error="error" @retry="load" />
    <div v-else class="lx-card lx-cal" data-test="calendar-grid">
      <div class="lx-cal-row lx-cal-head"><div v-for="(h, i) in heads" :key="i" :class="{ 'lx-cal-we': i > 4 }">{{ h }}</div></div>
      <div v-for="(w, i) in weeks" :key="i" class="lx-cal-row">
        <button v-for="d in w" :key="d.date" type="button" class="lx-cal-day" :class="['lx-cal-' + kindOf(d), { 'lx-cal-out': !d.date.startsWith(month), 'lx-cal-today': d.date === today, 'lx-cal-set': d.set }]"
                :data-date="d.date" :data-workday="d.workday" :data-kind="kindOf(d)" @click="open(d)" :disabled="!editable">
          <span class="lx-cal-num">{{ +d.date.slice(8) }}</span>
          <span v-if="kindOf(d) === 'makeup'" class="lx-cal-mark lx-cal-mark-work">{{ t('calendar.mark_work') }}</span>
          <span v-else-if="kindOf(d) === 'holiday'" class="lx-cal-mark">{{ t('calendar.mark_rest') }}</span>
          <span v-if="d.note" class="lx-cal-note">{{ d.note }}</span>
        </button>
      </div>
    </div>
    <van-popup :show="!!edit" @update:show="edit = $event ? edit : null" position="bottom" round closeable teleport="body" class="lx-picker-popup" data-test="calendar-day">
      <template v-if="edit">
        <div class="lx-picker-title">{{ edit.date }} {{ t('calendar.wd_' + edit.weekday) }}</div>
        <van-cell-group inset>
          <van-cell :title="t('calendar.day_is')"><template #label>
            <van-radio-group v-model="form.workday" direction="horizontal" class="lx-pad-y" @change="form.rule = false">
              <van-radio :name="true" data-workday="true">{{ t('calendar.workday') }}</van-radio>
              <van-radio :name="false" data-workday="false">{{ t('calendar.restday') }}</van-radio>
            </van-radio-group></template></van-cell>
          <van-field v-model="form.note" :label="t('calendar.note')" :placeholder="t('calendar.note_ph')" maxlength="100" clearable data-test="calendar-note" />
        </van-cell-group>
        <div class="lx-muted lx-pad">{{ t('calendar.effect') }}</div>
        <div class="lx-pad lx-chips">
          <van-button round plain @click="byRule" data-test="calendar-rule">{{ t('calendar.by_rule') }}</van-button>
          <van-button round type="primary" class="lx-flex1" :loading="busy" @click="save" data-test="calendar-save">{{ t('common.save') }}</van-button>
        </div>
      </template>
    </van-popup>
  </div>`,
};
