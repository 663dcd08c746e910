/*
 * engine.test.mjs - the workflow engine through the screens, in a real
 * browser against a real server on a fresh demo database. The handler's
 * whole path on a phone (390x844) for a 路灯不亮 case (category 0201 is
 * verified, handled by 城管局): accept, suspend (the clock stops), resume,
 * ask for more time, the desk approves it on its board, resolve, the desk's
 * verification fails, resolve again, it passes, and the call-back rating
 * closes the case; the visible state and the API's after every step. Also
 * the admin's working-day calendar (one day set and restored, open
 * working-day deadlines moving with it), the board's returned case with
 * its reason and unit, a repeat call at the desk, merge and invalid on the
 * case page, an appeal decided, and status lists that come from
 * GET /workflows. Screenshots go to tests/artifacts/ as engine-*.png.
 *
 * Run: node --test tests/e2e/   (make test-e2e)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, unitIdLookup, quotedWords, jsFiles, PHONE, DESKTOP, ROOT,
} from './harness.mjs';

let server, browser, page, api, ui, unitId;
const H = 'handler_cg', DESK = 'dispatcher';

before(async () => {
  server = await startServer();
  api = apiClient(server.base);
  browser = await startBrowser();
  page = browser.page;
  ui = uiHelpers(page, server.base);
  unitId = unitIdLookup(api);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const GRID = '桥头社区第1网格';
async function fileCase(title, code, extra = {}) {
  return api.post('/cases', {
    type: 'request', channel: 'hotline', category_code: code, title, description: title + '，请尽快处理。',
    unit_id: await unitId(GRID), reporter: { name: '赵先生', phone: '13700001234' }, ...extra,
  }, DESK);
}
const get = (id, who = DESK) => api.get('/cases/' + id, who);
/* "YYYY-MM-DD" plus n days. */
const shiftDay = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400e3).toISOString().slice(0, 10);
const status = () => page.locator('[data-test=case-page] [data-test=case-status]');

const uiTest = screenshotOnFailure(test, () => page, 'engine-');

/* ---------------- the machines behind the screens ---------------- */

test('every status, action and event of the machines has its words in zh-CN and en', async () => {
  const zh = (await import(path.join(ROOT, 'web/js/i18n/zh-CN.js'))).default;
  const en = (await import(path.join(ROOT, 'web/js/i18n/en.js'))).default;
  const machines = await api.get('/workflows', DESK);
  assert.ok(machines.length >= 7);
  const missing = [];
  for (const m of machines) {
    for (const s of m.states) {
      assert.ok(s.label, 'the machine labels ' + s.name);
      if (!en.status[s.name]) missing.push('en status.' + s.name);
    }
    for (const x of m.transitions) {
      for (const [n, d] of [['zh', zh], ['en', en]]) {
        if (!d.event[x.action]) missing.push(n + ' event.' + x.action);
        if (x.roles.length && !d.action[x.action]) missing.push(n + ' action.' + x.action);
        if (x.roles.length && !d.done[x.action]) missing.push(n + ' done.' + x.action);
      }
    }
  }
  assert.deepEqual([...new Set(missing)], []);
});

/* The words of a status that the UI's script may quote for something that
 * is not a status, each with its file, its line and why. Keep it short: a
 * status name, a list or a comparison belongs to GET /workflows. */
const NOT_STATUSES = [
  /* the board's queues (its ?kind=, data-kind and the board.* words): new
   * and returned are the queues' names; the statuses feeding each come
   * from the machines (deskStatuses, initialStatuses, handedBack) */
  { file: 'views/board.js', line: /^const DISPATCH = \['new', 'returned', 'escalated'\];$/, words: ['new', 'returned'] },
];

test('no status name is spelled out in the UI\'s script: every one comes from GET /workflows', async () => {
  const machines = await api.get('/workflows', DESK);
  const names = new Set(machines.flatMap((m) => m.states.map((s) => s.name)));
  // the guard itself sees a status compared in the script, in any quotes
  assert.deepEqual(quotedWords("if (c.status === 'dispatched') x = [\"new\", `closed`];", names).map((q) => q.word), ['dispatched', 'new', 'closed']);
  const dir = path.join(ROOT, 'web/js');
  const offenders = [], used = new Set();
  for (const file of jsFiles(dir, ['i18n'])) {
    for (const q of quotedWords(fs.readFileSync(path.join(dir, file), 'utf8'), names)) {
      const ok = NOT_STATUSES.find((a) => a.file === file && a.line.test(q.text) && a.words.includes(q.word));
      if (ok) used.add(ok); else offenders.push(`web/js/${file}:${q.line}: '${q.word}' in ${q.text.slice(0, 100)}`);
    }
  }
  assert.deepEqual(offenders, [], 'status names quoted in the UI\'s script');
  assert.deepEqual(NOT_STATUSES.filter((a) => !used.has(a)).map((a) => a.file + ' ' + a.line), [], 'every exception is still needed');
});

uiTest('status lists come from /workflows: the case filter offers 已挂起 and 待核查', async () => {
  const machines = await api.get('/workflows', DESK);
  const label = (n) => machines[0].states.find((s) => s.name === n).label;
  // one case surely waits for verification: the demo's year ends with a handful or none,
  // depending on the hour it was built (0201 is verified, dispatched to 城管局 at intake)
  const v = await fileCase('路灯待核查E2E' + Date.now().toString(36), '0201');
  await api.post(`/cases/${v.id}/accept`, {}, H);
  const resolved = await api.post(`/cases/${v.id}/resolve`, { reply: '已更换灯泡' }, H);
  assert.equal(resolved.status, 'verifying');
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/cases');
  const row = page.locator('[data-test=status-filter]');
  await row.locator('[data-status=suspended]').waitFor();
  assert.equal((await row.locator('[data-status=suspended]').textContent()).trim(), label('suspended'));
  assert.equal((await row.locator('[data-status=verifying]').textContent()).trim(), '待核查');
  const offered = await row.locator('[data-status]').evaluateAll((els) => els.map((e) => e.dataset.status));
  // every machine's statuses, each once, in the machines' order (the press-9 call's after the hotline's)
  assert.deepEqual(offered, ['all', ...new Set(machines.flatMap((m) => m.states.map((s) => s.name)))]);
  // choosing 待核查 lists only cases in verification, as the API does
  await row.locator('[data-status=verifying]').click();
  await page.waitForFunction(() => location.hash.includes('status=verifying'));
  const cards = page.locator('[data-test=cases-list] .lx-case-card');
  await cards.first().waitFor();
  const shown = await cards.locator('[data-test=case-status], .lx-status').evaluateAll((els) => [...new Set(els.map((e) => e.dataset.status))]);
  assert.deepEqual(shown, ['verifying']);
  const viaApi = await api.get('/cases?status=verifying&limit=1', DESK);
  assert.equal(await cards.first().getAttribute('data-case-id'), String(viaApi.items[0].id));
  await shot(page, 'engine-cases-verifying-desktop');
  // the English switch takes its words from the dictionary, keyed by state name
  await page.locator('[data-test=lang-switch]').click();
  await row.locator('[data-status=verifying]', { hasText: 'To verify' }).waitFor();
  await page.locator('[data-test=lang-switch]').click();
  await row.locator('[data-status=verifying]', { hasText: '待核查' }).waitFor();
});

/* ---------------- the handler's whole path on a phone ---------------- */

uiTest('handler on a phone: accept, suspend, resume, extend (the desk approves), resolve, verify fails, resolve, verify passes, rate', async () => {
  const c0 = await fileCase('路灯不亮全流程E2E' + Date.now().toString(36), '0201');
  assert.equal(c0.status, 'dispatched');
  assert.equal(c0.handler_unit_id, await unitId('城管局'));
  const id = c0.id;

  // 1. accept from the phone's work list, one tap
  await ui.login(H, PHONE);
  await ui.gotoHash('/work');
  const card = page.locator(`[data-list=accept] [data-case-id="${id}"]`);
  await card.waitFor();
  await card.locator('[data-test=quick-accept]').click();
  await ui.toast('已签收');
  let c = await ui.until(async () => { const x = await get(id, H); return x.status === 'accepted' && x; }, 'accepted');
  const dueAccepted = c.resolve_due_at;

  // 2. suspend: 办理中 tab, the card's 挂起 opens the case page with the form
  await page.locator('.van-tabs__nav .van-tab', { hasText: '办理中' }).click();
  const doing = page.locator(`[data-list=doing] [data-case-id="${id}"]`);
  await doing.waitFor();
  await shot(page, 'engine-work-doing-phone');
  await doing.locator('[data-test=quick-suspend]').click();
  await page.locator('[data-test=action-popup][data-act=suspend]').waitFor();
  await page.locator('[data-test=action-quick] .lx-chip', { hasText: '等待配件' }).click();
  const until = new Date(Date.now() + 3 * 86400e3 + 8 * 3600e3).toISOString().slice(0, 11) + '10:00';
  await page.locator('[data-test=action-until] input[type=datetime-local]').fill(until);
  await shot(page, 'engine-suspend-form-phone');
  await ui.submitAction();
  await status().filter({ hasText: '已挂起' }).waitFor();
  await page.locator('[data-test=suspended-banner]', { hasText: '等待配件' }).waitFor();
  assert.match(await page.locator('[data-test=case-clock] [data-test=countdown]').textContent(), /已挂起\s*·\s*计时暂停/);
  assert.match(await page.locator('[data-test=suspended-banner]').textContent(), new RegExp('挂起至 ' + until.replace('T', ' ')));
  c = await get(id, H);
  assert.equal(c.status, 'suspended');
  assert.ok(c.suspended_at);
  assert.equal(c.suspended_until.slice(0, 16), until);
  assert.equal(c.suspensions.at(-1).status, 'active');
  assert.equal(c.suspensions.at(-1).reason, '等待配件/材料到货。');
  await shot(page, 'engine-suspended-phone');
  // the work list has it under 已挂起, without a countdown
  await ui.gotoHash('/work?tab=paused');
  const paused = page.locator(`[data-list=paused] [data-case-id="${id}"]`);
  await paused.waitFor();
  assert.equal(await paused.locator('[data-test=countdown]').getAttribute('data-paused'), 'true');

  // 3. resume: one tap from the list (and a confirmation)
  await paused.locator('[data-test=quick-resume]').click();
  await ui.confirmDialog();
  await ui.toast('已恢复办理');
  c = await ui.until(async () => { const x = await get(id, H); return x.status === 'accepted' && x; }, 'resumed');
  assert.equal(c.suspensions.at(-1).status, 'ended');
  assert.ok(c.suspended_ms > 0);
  // 0201's clock counts hours: the deadline moves by the time suspended
  // exactly (the API's times carry whole seconds, hence the second)
  const shifted = Date.parse(c.resolve_due_at) - Date.parse(dueAccepted);
  assert.ok(Math.abs(shifted - c.suspended_ms) < 1000, `the deadline moved by the time suspended: ${shifted} ms, suspended ${c.suspended_ms} ms`);
  const dueResumed = c.resolve_due_at;

  // 4. extend: asked on the case page in hours (the category's clock counts hours)
  await ui.gotoHash('/case/' + id);
  await status().filter({ hasText: '办理中' }).waitFor();
  assert.match(await page.locator('[data-test=case-clock]').textContent(), /办结时限\s*剩余/);
  await ui.action('extend');
  assert.equal(await page.locator('[data-test=action-amount]').getAttribute('data-unit'), 'hours');
  await page.locator('[data-test=action-popup] [data-amount="24"]').click();
  await page.locator('[data-test=action-reason] textarea').fill('配件厂家周末不发货，需延长一天。');
  await ui.submitAction();
  await ui.toast('已提交延期申请');
  const banner = page.locator('[data-test=pending-banner][data-pending=extension]');
  await banner.waitFor();
  assert.match(await banner.textContent(), /申请延期 24小时/);
  assert.match(await banner.textContent(), /等待调度员审批/);
  c = await get(id, H);
  assert.equal(c.pending, 'extension');
  assert.equal(c.extensions.at(-1).status, 'pending');
  assert.equal(c.extensions.at(-1).hours, 24);
  await shot(page, 'engine-extension-asked-phone');

  // 5. the desk approves it on its board's 待审批 queue (desktop)
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/board?kind=approval');
  const ask = page.locator(`[data-test=board-list][data-kind=approval] [data-case-id="${id}"]`);
  await ask.waitFor();
  assert.match(await ask.locator('[data-test=request-info]').textContent(), /\+24小时/);
  await shot(page, 'engine-board-approval-desktop');
  await ask.locator('[data-test=approve]').click();
  await page.locator('[data-test=decision-text] textarea').fill('同意延期。');
  await ui.confirmDialog();
  await ui.toast('已批准延期');
  await ask.waitFor({ state: 'detached' });
  c = await get(id, DESK);
  assert.equal(c.pending, null);
  assert.equal(c.extensions.at(-1).status, 'approved');
  assert.equal(Date.parse(c.resolve_due_at) - Date.parse(dueResumed), 24 * 3600e3);

  // 6. the handler resolves on the phone: to 待核查 (0201 is verified)
  await ui.login(H, PHONE);
  await ui.gotoHash('/case/' + id);
  await page.locator('[data-test=extension-row][data-status=approved]').waitFor();
  assert.equal(await page.locator('[data-test=pending-banner]').count(), 0);
  await ui.action('resolve');
  await page.locator('[data-test=action-reply] textarea').fill('已更换灯泡，路灯恢复照明。');
  await ui.submitAction();
  await status().filter({ hasText: '待核查' }).waitFor();
  await page.locator('[data-test=verifying-banner]').waitFor();
  assert.equal(await page.locator('[data-test=case-clock] [data-test=countdown]').count(), 0, 'no clock runs while verified');
  c = await get(id, H);
  assert.equal(c.status, 'verifying');
  await shot(page, 'engine-verifying-phone');

  // 7. the desk's verification fails, from the board's 待核查 queue
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/board?kind=verify');
  const check = page.locator(`[data-test=board-list][data-kind=verify] [data-case-id="${id}"]`);
  await check.waitFor();
  assert.match(await check.locator('[data-test=verify-reply]').textContent(), /已更换灯泡/);
  await check.locator('[data-test=verify-fail]').click();
  await page.locator('[data-test=decision-text] textarea').fill('夜间复查仍有两盏不亮。');
  await ui.confirmDialog();
  await ui.toast('已记录核查结果');
  await check.waitFor({ state: 'detached' });
  c = await get(id, DESK);
  assert.equal(c.status, 'accepted');
  assert.equal(c.verifications.length, 1);
  assert.equal(c.verifications[0].passed, false);

  // 8. the handler sees why, with a fresh deadline, and resolves again
  await ui.login(H, PHONE);
  await ui.gotoHash('/work');
  await page.locator('.van-tabs__nav .van-tab', { hasText: '办理中' }).click();
  await page.locator(`[data-list=doing] [data-case-id="${id}"] [data-test=quick-resolve]`).click();
  await page.locator('[data-test=action-popup][data-act=resolve]').waitFor();
  await page.locator('[data-test=verify-failed-banner]', { hasText: '仍有两盏不亮' }).waitFor();
  await page.locator('[data-test=verification-row][data-passed=false]').waitFor();
  await page.locator('[data-test=action-reply] textarea').fill('已更换全部灯具并夜间复查。');
  await ui.submitAction();
  await status().filter({ hasText: '待核查' }).waitFor();
  c = await get(id, H);
  assert.equal(c.status, 'verifying');

  // 9. the desk verifies on the case page: passed, to 已办结
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/case/' + id);
  await page.locator('[data-test=banner-verify-pass]').click();
  await page.locator('[data-test=action-popup][data-act=verify]').waitFor();
  assert.match(await page.locator('[data-test=verify-hint]').textContent(), /通过/);
  await page.locator('[data-test=action-note] textarea').fill('夜间复查，全部恢复。');
  await ui.submitAction();
  await status().filter({ hasText: '已办结' }).waitFor();
  c = await get(id, DESK);
  assert.equal(c.status, 'resolved');
  assert.deepEqual(c.verifications.map((v) => v.passed), [false, true]);

  // 10. the call-back: satisfied and solved closes it
  await ui.action('rate');
  await page.locator('[data-rating=satisfied]').click();
  await ui.submitAction();
  await status().filter({ hasText: '已结案' }).waitFor();
  c = await get(id, DESK);
  assert.equal(c.status, 'closed');
  assert.equal(c.rating, 'satisfied');
  // the records tell the whole story
  assert.equal(await page.locator('[data-test=suspension-row][data-status=ended]').count(), 1);
  assert.equal(await page.locator('[data-test=extension-row][data-status=approved]').count(), 1);
  assert.equal(await page.locator('[data-test=verification-row]').count(), 2);
  const tl = await page.locator('[data-test=timeline]').textContent();
  for (const w of ['挂起', '恢复办理', '申请延期', '批准延期', '核查']) assert.ok(tl.includes(w), 'timeline shows ' + w);
  await shot(page, 'engine-closed-desktop');
  await page.setViewportSize(PHONE);
  await page.locator('[data-test=engine-records]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await shot(page, 'engine-records-phone');
});

/* ---------------- the calendar ---------------- */

uiTest('admin calendar: one workday set to a rest day moves a working-day deadline, and is restored', async () => {
  // an open case counted in working days (0401 物业服务: 5 working days)
  const wd = await fileCase('物业服务工作日E2E' + Date.now().toString(36), '0401');
  assert.equal(wd.resolve_workdays, 5);
  const dueBefore = wd.resolve_due_at;
  // the second workday after today, not set by the calendar: inside the case's 5 days
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const far = new Date(Date.parse(today) + 20 * 86400e3).toISOString().slice(0, 10);
  const days = await api.get(`/calendar?from=${today}&to=${far}`, 'admin');
  const day = days.filter((d) => d.date > today && d.workday)[1];
  assert.ok(day && !day.set, 'a plain workday ahead');
  await ui.login('admin', DESKTOP);
  await ui.gotoHash('/admin?tab=calendar&month=' + day.date.slice(0, 7));
  const grid = page.locator('[data-test=calendar-grid]');
  const cell = grid.locator(`[data-date="${day.date}"]`);
  await cell.waitFor();
  assert.equal(await cell.getAttribute('data-workday'), 'true');
  // the month grid starts on Monday; weekends are red rest days
  assert.match(await grid.locator('.lx-cal-head div').first().textContent(), /周一/);
  const restDays = await grid.locator('[data-kind=rest]').count();
  assert.ok(restDays >= 4, 'the weekends are rest days');
  await shot(page, 'engine-calendar-desktop');
  // prev / next month
  const title = await page.locator('[data-test=cal-title]').textContent();
  await page.locator('[data-test=cal-next]').click();
  await page.waitForFunction((t) => document.querySelector('[data-test=cal-title]').textContent !== t, title);
  await page.locator('[data-test=cal-prev]').click();
  await page.locator('[data-test=cal-title]', { hasText: title }).waitFor();
  // whatever happens below, the day ends back on the weekday rule: the
  // other tests' working-day deadlines count on the calendar as it was
  let restored = false;
  try {
    // set the day to a rest day with a note
    await cell.click();
    await page.locator('[data-test=calendar-day] [data-workday=false]').click();
    await page.locator('[data-test=calendar-note] input').fill('E2E临时调休');
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/calendar') && r.request().method() === 'PUT'),
      page.locator('[data-test=calendar-save]').click(),
    ]);
    const res = await put.json();
    assert.equal(res.updated, 1);
    assert.ok(res.cases_rescheduled >= 1, 'the working-day case moved');
    await page.locator('[data-test=calendar-result]', { hasText: res.cases_rescheduled + ' 件' }).waitFor();
    await grid.locator(`[data-date="${day.date}"][data-workday=false][data-kind=holiday]`, { hasText: 'E2E临时调休' }).waitFor();
    let cal = (await api.get(`/calendar?from=${day.date}&to=${day.date}`, 'admin'))[0];
    assert.equal(cal.workday, false);
    assert.equal(cal.note, 'E2E临时调休');
    // the deadline ends one working day later: 24:00 of the next workday after its old last day
    const lastDay = shiftDay(dueBefore.slice(0, 10), -1);
    const next = days.find((d) => d.date > lastDay && d.workday && d.date !== day.date);
    const moved = await get(wd.id);
    assert.equal(moved.resolve_due_at.slice(0, 10), shiftDay(next.date, 1), 'one working day later');
    assert.equal(moved.resolve_due_at.slice(10), dueBefore.slice(10));
    await shot(page, 'engine-calendar-set-desktop');
    await page.setViewportSize(PHONE);
    await shot(page, 'engine-calendar-phone');
    await page.setViewportSize(DESKTOP);
    // restore it: the weekday rule, no note
    await grid.locator(`[data-date="${day.date}"]`).click();
    await page.locator('[data-test=calendar-rule]').click();
    await page.locator('[data-test=calendar-save]').click();
    await grid.locator(`[data-date="${day.date}"][data-workday=true][data-kind=work]`).waitFor();
    cal = (await api.get(`/calendar?from=${day.date}&to=${day.date}`, 'admin'))[0];
    assert.equal(cal.workday, true);
    assert.equal(cal.note, null);
    assert.equal((await get(wd.id)).resolve_due_at, dueBefore);
    restored = true;
  } finally {
    if (!restored) await api.put('/calendar', { days: [{ date: day.date, workday: null }] }, 'admin');
  }
  // the case page says "5个工作日" and ends at 24:00 of the last one (in hand: the resolve clock runs)
  await api.post('/cases/' + wd.id + '/accept', {}, 'handler_qiaotou');
  await ui.gotoHash('/case/' + wd.id);
  await page.locator('[data-test=resolve-workdays]', { hasText: '5个工作日' }).waitFor();
  assert.match(await page.locator('[data-test=resolve-due]').textContent(), /24:00/);
  assert.match(await page.locator('[data-test=case-clock]').textContent(), /5个工作日/);
});

uiTest('admin category editor: working days, verification, suspension approval and extensions', async () => {
  // 0303 is shared with the other tests: put back as it was, whatever happens
  const before = (await api.get('/categories', 'admin')).find((x) => x.code === '0303');
  try {
    await ui.login('admin', DESKTOP);
    await ui.gotoHash('/admin?tab=categories');
    const row = page.locator('[data-test=admin-categories] tr[data-code="0303"]');
    await row.waitFor();
    await row.click();
    await page.locator('[data-test=cat-resolve-unit] [data-unit=workdays]').click();
    await page.locator('[data-test=cat-resolve-workdays] input').fill('3');
    await page.locator('[data-test=cat-verify]').click();
    await page.locator('[data-test=cat-suspend-approval]').click();
    await page.locator('[data-test=cat-max-extensions] input').fill('2');
    await page.locator('[data-test=cat-save]').click();
    await ui.toast('已保存');
    await page.locator('[data-test=admin-categories] tr[data-code="0303"] [data-col=resolve]', { hasText: '3个工作日' }).waitFor();
    let cat = (await api.get('/categories', 'admin')).find((x) => x.code === '0303');
    assert.equal(cat.resolve_workdays, 3);
    assert.equal(cat.verify, true);
    assert.equal(cat.suspend_approval, true);
    assert.equal(cat.max_extensions, 2);
    await shot(page, 'engine-categories-desktop');
    // a handler's suspension in this category waits for the desk, who approves it on the case page
    const c0 = await fileCase('噪音扰民挂起审批E2E' + Date.now().toString(36), '0303');
    const h = 'handler_qiaotou';
    await api.post('/cases/' + c0.id + '/accept', {}, h);
    await ui.login(h, PHONE);
    await ui.gotoHash('/case/' + c0.id);
    await ui.action('extend');
    assert.equal(await page.locator('[data-test=action-amount]').getAttribute('data-unit'), 'workdays', 'a working-day clock extends in working days');
    await page.locator('[data-test=action-popup] .van-popup__close-icon').click();
    await page.locator('[data-test=action-popup]').waitFor({ state: 'hidden' });
    await ui.action('suspend');
    await page.locator('[data-test=action-reason] textarea').fill('等待环保部门出具检测报告。');
    await ui.submitAction();
    await ui.toast('已提交挂起申请');
    await page.locator('[data-test=pending-banner][data-pending=suspension]').waitFor();
    let c = await get(c0.id, h);
    assert.equal(c.status, 'accepted');
    assert.equal(c.pending, 'suspension');
    await ui.login(DESK, DESKTOP);
    await ui.gotoHash('/case/' + c0.id);
    await page.locator('[data-test=pending-banner][data-pending=suspension] [data-test=pending-approve]').click();
    await page.locator('[data-test=action-popup][data-act=suspend_approve]').waitFor();
    await ui.submitAction();
    await status().filter({ hasText: '已挂起' }).waitFor();
    c = await get(c0.id);
    assert.equal(c.status, 'suspended');
    assert.equal(c.pending, null);
  } finally {
    const { resolve_workdays = null, verify, suspend_approval, max_extensions } = before;
    await api.patch('/categories/0303', { resolve_workdays, verify, suspend_approval, max_extensions }, 'admin');
  }
});

/* ---------------- the board, the desk, the case page ---------------- */

uiTest('board: a returned case shows its reason and the unit; the duty list does not propose that unit again', async () => {
  const c0 = await fileCase('路灯不亮退回原因E2E' + Date.now().toString(36), '0201');
  await api.post('/cases/' + c0.id + '/return', { reason: '该路段路灯属供电公司资产，请改派。' }, H);
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/board?kind=returned');
  const card = page.locator(`[data-test=board-list] [data-case-id="${c0.id}"]`);
  await card.waitFor();
  assert.match(await card.locator('[data-test=returned-reason]').textContent(), /属供电公司资产/);
  assert.match(await card.locator('[data-test=returned-info]').textContent(), /退回单位：城管局/);
  assert.equal(await card.locator('[data-test=duty-name]').count(), 0, 'no duty suggestion of the unit that returned it');
  await shot(page, 'engine-board-returned-desktop');
  await card.locator('[data-test=dispatch-one]').click();
  await page.locator('[data-test=unit-picker]').waitFor();
  assert.equal(await page.locator('[data-test=unit-picker] .lx-suggest').count(), 0);
  await page.locator('[data-test=unit-search] input').fill('供电公司');
  await page.locator('[data-test=unit-picker] [data-unit-name="供电公司"]').click();
  await page.locator('.van-dialog', { hasText: '成功 1 件' }).waitFor();
  await ui.confirmDialog();
  const c = await get(c0.id);
  assert.equal(c.status, 'dispatched');
  assert.equal(c.handler_unit_id, await unitId('供电公司'));
  await page.setViewportSize(PHONE);
  await ui.gotoHash('/board?kind=returned');
  await page.locator('.lx-board').waitFor();
  await shot(page, 'engine-board-phone');
});

uiTest('desk: a duplicate hint is recorded as a repeat call (repeat_of) and merged into its case', async () => {
  const master = await fileCase('路灯不亮重复来电主件E2E' + Date.now().toString(36), '0201');
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/desk');
  await page.locator('[data-test=category]').click();
  await page.locator('[data-test=category-search] input').fill('路灯');
  await page.locator('[data-test=category-picker] [data-code="0201"]').click();
  await page.locator('.van-overlay').first().waitFor({ state: 'hidden' });
  await page.locator('[data-test=pick-grid]').click();
  await page.locator('[data-test=unit-search] input').fill(GRID);
  await page.locator(`[data-test=unit-picker] [data-unit-name="${GRID}"]`).click();
  await page.locator('[data-test=description] textarea').fill('又打来电话：桥头街路灯还是不亮。');
  await page.locator('[data-test=reporter-name] input').fill('钱女士');
  await page.locator('[data-test=reporter-phone] input').fill('13611112222');
  const hint = page.locator(`[data-test=dupes] .lx-dupe[data-case-id="${master.id}"]`);
  await hint.waitFor();
  await shot(page, 'engine-desk-dupes-desktop');
  await hint.locator('[data-test=repeat]').click();
  await ui.confirmDialog();
  await page.locator('[data-test=result-merged]', { hasText: master.number }).waitFor();
  const m = await get(master.id);
  assert.equal(m.merged_cases.length, 1);
  const dup = await get(m.merged_cases[0].id);
  assert.equal(dup.status, 'merged');
  assert.equal(dup.merged_into, master.id);
  assert.equal(dup.channel, 'hotline');
  // the master lists its repeat callers; the duplicate links to its master
  await ui.gotoHash('/case/' + master.id);
  await page.locator(`[data-test=merged-cases] [data-case-id="${dup.id}"]`).waitFor();
  assert.match(await page.locator('[data-test=merged-cases]').textContent(), /钱女士/);
  await ui.gotoHash('/case/' + dup.id);
  await page.locator('[data-test=merged-into]', { hasText: master.number }).waitFor();
  await page.locator('[data-test=badge-merged]').waitFor();
});

uiTest('case page: merge a duplicate by its master number; an invalid call with a quick reason', async () => {
  const master = await fileCase('井盖缺失主件E2E' + Date.now().toString(36), '0202');
  const dup = await fileCase('井盖缺失重复E2E' + Date.now().toString(36), '0202');
  await ui.login(DESK, DESKTOP);
  await ui.gotoHash('/case/' + dup.id);
  await ui.action('merge');
  await page.locator('[data-test=action-into] input').fill(master.number);
  await page.locator('[data-test=merge-target]', { hasText: master.title }).waitFor();
  await shot(page, 'engine-merge-form-desktop');
  await ui.submitAction();
  await status().filter({ hasText: '已合并' }).waitFor();
  await page.locator('[data-test=merged-into]', { hasText: master.number }).waitFor();
  let c = await get(dup.id);
  assert.equal(c.status, 'merged');
  assert.equal(c.merged_into, master.id);
  // 无效诉求 with the quick reason 恶意骚扰
  const junk = await fileCase('骚扰电话E2E' + Date.now().toString(36), '0301');
  await ui.gotoHash('/case/' + junk.id);
  await ui.action('invalid');
  const quick = await page.locator('[data-test=action-quick] .lx-chip').allTextContents();
  assert.deepEqual(quick.map((x) => x.trim()), ['与政府职能无关', '恶意骚扰', '重复诉求']);
  await page.locator('[data-test=action-quick] .lx-chip', { hasText: '恶意骚扰' }).click();
  assert.equal(await page.locator('[data-test=action-reason] textarea').inputValue(), '恶意骚扰');
  await ui.submitAction();
  await status().filter({ hasText: '已结案' }).waitFor();
  await page.locator('[data-test=badge-excluded]').waitFor();
  c = await get(junk.id);
  assert.equal(c.status, 'closed');
  assert.equal(c.excluded, true);
});

uiTest('appeal: the handler appeals an unsatisfied rating on the phone; the leader upholds it', async () => {
  const c0 = await fileCase('垃圾清运申诉E2E' + Date.now().toString(36), '0301');
  const h = 'handler_qiaotou';
  await api.post('/cases/' + c0.id + '/accept', {}, h);
  await api.post('/cases/' + c0.id + '/resolve', { reply: '已清运。' }, h);
  await api.post('/cases/' + c0.id + '/rate', { rating: 'unsatisfied', solved: true }, DESK);
  await ui.login(h, PHONE);
  await ui.gotoHash('/case/' + c0.id);
  await ui.action('appeal');
  await page.locator('[data-test=action-quick] .lx-chip', { hasText: '恶意差评' }).click();
  await ui.submitAction();
  await ui.toast('已提交申诉');
  await page.locator('[data-test=pending-banner][data-pending=appeal]').waitFor();
  assert.equal((await get(c0.id, h)).pending, 'appeal');
  await shot(page, 'engine-appeal-phone');
  await ui.login('leader', DESKTOP);
  await ui.gotoHash('/case/' + c0.id);
  await page.locator('[data-test=pending-banner] [data-test=pending-approve]').click();
  await page.locator('[data-test=action-popup][data-act=appeal_decide]').waitFor();
  await ui.submitAction();
  await page.locator('[data-test=appeal-row][data-status=upheld]').waitFor();
  const c = await get(c0.id);
  assert.equal(c.pending, null);
  assert.equal(c.appeals.at(-1).status, 'upheld');
  assert.equal(c.excluded, true);
  await page.locator('[data-test=badge-excluded]').waitFor();
});

uiTest('no script errors on any page', async () => {
  assert.deepEqual(browser.problems, []);
});
