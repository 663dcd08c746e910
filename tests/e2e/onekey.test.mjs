/*
 * onekey.test.mjs - the staff's screens for press-9 calls (一键呼叫) in a
 * real browser, the ladder's steps three seconds long
 * (LIANXIN_ONEKEY_STEP_MINUTES=0.05): a resident living alone is registered
 * with the demo's volunteer as her 代理儿女, the telephony gateway posts her
 * call (an emergency); on a desk (1366x900) the dispatcher sees it red at the
 * top of #/onekey, waiting by the second, and watches it climb a step; on a
 * phone (390x844, touch) the volunteer opens it from the list and answers
 * 我来处理, and the dispatcher's row stops being red at the next read;
 * 已到达 and 结束 with a note (refused without one) follow; the call shows
 * every step told with its time and the note; the figures show the
 * community with one call and none left unanswered, in green. A leader only
 * watches; a handler of the street the call never reached is refused by the
 * server (403 not_told, shown); a volunteer's figures are a 403, shown as a
 * message; the volunteer's inbox entry opens the call. No page errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, quotedWords, PHONE, DESKTOP, ROOT } from './harness.mjs';

const STAMP = Date.now().toString(36);
const PHONE_NO = '139' + String(Date.now()).slice(-8);
const NAME = '王秀兰';
const ADDRESS = '桥头社区南大街8号2单元301';
const DEVICE = 'K9-' + STAMP;
const NOTE = '已上门查看，老人在卫生间滑倒，无外伤，已通知女儿回家陪护';

let server, api, base, desk, phone, dui, pui, key;
const state = {};

before(async () => {
  server = await startServer({ env: { LIANXIN_ONEKEY_STEP_MINUTES: '0.05', LIANXIN_SWEEP_MS: '200' } });
  base = server.base;
  api = apiClient(base);
  desk = await startBrowser({ context: { viewport: DESKTOP } });
  phone = await startBrowser({ context: { isMobile: true, hasTouch: true } });
  dui = uiHelpers(desk.page, base);
  pui = uiHelpers(phone.page, base);
});

after(async () => {
  if (desk) await desk.close();
  if (phone) await phone.close();
  if (server) await server.stop();
});

const deskTest = screenshotOnFailure(test, () => desk && desk.page, 'onekey-desk-');
const phoneTest = screenshotOnFailure(test, () => phone && phone.page, 'onekey-phone-');
const row = (page, id) => page.locator(`[data-test=call-row][data-id="${id}"]`);

const FILES = ['onekey.js', 'views/onekey.js', 'views/onekey/call.js', 'views/onekey/stats.js'];

test('the screens\' words exist in zh-CN and en, and no status name is spelled out in them', async () => {
  const zh = (await import(path.join(ROOT, 'web/js/i18n/zh-CN.js'))).default;
  const en = (await import(path.join(ROOT, 'web/js/i18n/en.js'))).default;
  const get = (d, k) => k.split('.').reduce((o, p) => (o == null ? undefined : o[p]), d);
  const missing = [];
  const walk = (zo, prefix) => Object.entries(zo).forEach(([k, v]) => {
    if (v && typeof v === 'object') walk(v, prefix + k + '.');
    else if (get(en, prefix + k) === undefined) missing.push('en: ' + prefix + k);
  });
  walk(zh.onekey, 'onekey.');
  const names = new Set((await api.get('/workflows', 'dispatcher')).flatMap((m) => m.states.map((x) => x.name)));
  const quoted = [];
  for (const f of FILES) {
    const src = fs.readFileSync(path.join(ROOT, 'web/js', f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_]+\.[a-zA-Z0-9_.]+)'\s*[,)]/g))
      for (const [n, d] of [['zh-CN', zh], ['en', en]]) if (get(d, m[1]) === undefined) missing.push(n + ': ' + m[1] + ' (' + f + ')');
    for (const q of quotedWords(src, names)) quoted.push(f + ':' + q.line + ': ' + q.word);
  }
  assert.deepEqual(missing, []);
  assert.deepEqual(quoted, [], 'the buttons follow the call\'s times, not its status');
});

/* The gateway's post of a press-9 call from the resident's phone. */
async function pressNine(emergency) {
  const r = await fetch(base + 'api/v1/onekey/calls', {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Api-Key': key }, body: JSON.stringify({ caller: PHONE_NO, emergency, device_id: DEVICE }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return r.json();
}

test('set-up: a telephony key, a resident with the volunteer as her carer, a press-9 call', async () => {
  key = (await api.post('/api-keys', { name: 'e2e 一键呼叫网关 ' + STAMP, kind: 'telephony' }, 'admin')).api_key;
  assert.ok(key);
  const users = (await api.get('/users?limit=500', 'admin')).items;
  state.volunteer = users.find((u) => u.login === 'volunteer');
  state.gw = users.find((u) => u.login === 'gw_qiaotou');
  assert.ok(state.volunteer && state.gw && state.volunteer.unit_id === state.gw.unit_id, 'the volunteer and gw_qiaotou share a community');
  state.community = state.volunteer.unit_id;
  const hh = await api.post('/registry/households', { unit_id: state.community, address: ADDRESS }, 'admin');
  const res = await api.post('/registry/residents', {
    unit_id: state.community, household_id: hh.id, name: NAME, phone: PHONE_NO, carers: [state.volunteer.id], device_id: DEVICE,
  }, 'admin');
  assert.deepEqual(res.carers, [state.volunteer.id]);
});

deskTest('the dispatcher sees the fresh call red at the top, waiting by the second, climbing a step', async () => {
  const page = desk.page;
  await dui.login('dispatcher', DESKTOP);
  await dui.gotoHash('/onekey');
  await page.locator('[data-test=onekey-page]').waitFor();
  const call = await pressNine(true);
  state.call = call;
  assert.equal(call.step, 0);
  // the inbox does not tell the desk of step 1 (it tells the carer): the list's own 10 s read finds it
  const r = row(page, call.id);
  await r.waitFor({ timeout: 15000 });
  assert.equal(await r.getAttribute('data-red'), 'true');
  assert.equal(await page.locator('[data-test=onekey-red] [data-test=call-row]').first().getAttribute('data-id'), String(call.id), 'the red one leads');
  const text = await r.textContent();
  assert.match(text, new RegExp(NAME));
  assert.match(text, /无人响应/);
  assert.match(text, new RegExp(ADDRESS));
  assert.match(text, /情况紧急请立即拨打120（急救）或119（消防）/, 'an emergency shows the advice');
  // the wait counts up by itself, every second
  const w1 = (await r.locator('[data-test=call-wait]').textContent()).trim();
  assert.match(w1, /^已等待 \d+(秒|分\d\d秒)$/);
  await page.waitForFunction(([id, w]) => {
    const el = document.querySelector(`[data-test=call-row][data-id="${id}"] [data-test=call-wait]`);
    return el && el.textContent.trim() !== w;
  }, [call.id, w1], { timeout: 3000 });
  // the call moves on (3 s a step) and the row says to whom: 第2步 网格员, or 第3步 区热线值班台 already
  await page.waitForFunction((id) => {
    const el = document.querySelector(`[data-test=call-row][data-id="${id}"]`);
    return el && Number(el.dataset.step) >= 1 && /第[23]步 (网格员|区热线值班台)/.test(el.querySelector('[data-test=call-step]').textContent);
  }, call.id, { timeout: 15000 });
  assert.equal(await r.getAttribute('data-red'), 'true');
  // the nav's red dot counts it
  const dot = page.locator('.lx-side [data-nav=onekey] [data-test=onekey-count]');
  await dot.waitFor();
  assert.equal((await dot.textContent()).trim(), '1');
  await shot(page, 'onekey-desk-red');
});

phoneTest('the volunteer (a phone) opens the call from the list and answers 我来处理', async () => {
  const page = phone.page;
  // let the ladder reach its last step first, so every step has been told
  await pui.until(async () => {
    const k = await api.get('/onekey/calls/' + state.call.id, 'dispatcher');
    return k.step === k.nsteps - 1 && k.steps.every((s) => s.notified_at);
  }, 'the ladder to reach the desk', 15000);
  await pui.login('volunteer', PHONE);
  await page.locator('.lx-tabbar [data-tab=onekey]').click();
  await page.waitForFunction(() => location.hash.startsWith('#/onekey'));
  const r = row(page, state.call.id);
  await r.waitFor();
  assert.equal(await r.getAttribute('data-red'), 'true');
  assert.equal(await page.locator('[data-test=onekey-stats-link]').count(), 0, 'no figures for a volunteer');
  await shot(page, 'onekey-phone-list');
  await r.click();
  await page.waitForFunction((id) => location.hash === '#/onekey/' + id, state.call.id);
  await page.locator('[data-test=call-page] [data-test=call-who]', { hasText: NAME }).waitFor();
  assert.equal(await page.locator('[data-test=call-head]').getAttribute('data-red'), 'true');
  assert.match(await page.locator('[data-test=call-advice]').textContent(), /120/);
  assert.equal(await page.locator('[data-test=tel-120]').getAttribute('href'), 'tel:120');
  assert.match(await page.locator('[data-test=call-caller]').textContent(), /^\d{3}\*{4}\d{4}$/, 'the caller masked');
  assert.equal((await page.locator('[data-test=call-address]').textContent()).trim(), ADDRESS);
  assert.equal((await page.locator('[data-test=call-device]').textContent()).trim(), DEVICE);
  assert.equal(await page.locator('[data-test=call-step][data-current=true]').getAttribute('data-n'), '2', 'the desk\'s step is current');
  // before an answer only 我来处理
  assert.equal(await page.locator('[data-test=call-ack]').count(), 1);
  assert.equal(await page.locator('[data-test=call-arrive]').count(), 0);
  assert.equal(await page.locator('[data-test=call-close]').count(), 0);
  await shot(page, 'onekey-phone-call-red');
  await page.locator('[data-test=call-ack]').click();
  await pui.toast('已响应');
  await page.locator('[data-test=call-head][data-red=false]').waitFor();
  assert.match(await page.locator('[data-test=call-acked]').textContent(), /代理儿女志愿者/);
  assert.equal(await page.locator('[data-test=call-ack]').count(), 0);
  await page.locator('[data-test=call-arrive]').waitFor();
  await page.locator('[data-test=call-close]').waitFor();
  // the volunteer's step is the one that answered; the tab's red dot goes
  assert.match(await page.locator('[data-test=call-step][data-n="0"] [data-test=step-answered]').textContent(), /代理儿女志愿者 响应/);
  await page.locator('.lx-tabbar [data-tab=onekey] .van-badge').waitFor({ state: 'detached' });
});

deskTest('the dispatcher\'s row stops being red at the next read, and the dot goes', async () => {
  const page = desk.page;
  const r = row(page, state.call.id);
  await page.locator(`[data-test=call-row][data-id="${state.call.id}"][data-red=false]`).waitFor({ timeout: 15000 });
  assert.match(await r.textContent(), /代理儿女志愿者 响应（用时/);
  assert.equal(await page.locator('[data-test=onekey-red]').count(), 0);
  await page.locator('.lx-side [data-nav=onekey] [data-test=onekey-count]').waitFor({ state: 'detached' });
  await shot(page, 'onekey-desk-answered');
});

phoneTest('the volunteer arrives, then ends the call with a note (none: refused)', async () => {
  const page = phone.page;
  await page.locator('[data-test=call-arrive]').click();
  await pui.toast('已记录到场');
  await page.locator('[data-test=call-arrive]').waitFor({ state: 'detached' });
  assert.match(await page.locator('[data-test=call-arrived]').textContent(), /代理儿女志愿者/);
  await page.locator('[data-test=call-close]').click();
  const dlg = page.locator('[data-test=close-dialog]');
  await dlg.waitFor();
  await pui.confirmDialog();
  await dlg.locator('.van-field__error-message', { hasText: '请填写处理情况' }).waitFor();
  await dlg.locator('[data-test=close-note] textarea').fill(NOTE);
  await pui.confirmDialog();
  await pui.toast('呼叫已结束');
  await dlg.waitFor({ state: 'hidden' });
  assert.equal((await page.locator('[data-test=call-close-note]').textContent()).trim(), NOTE);
  assert.equal(await page.locator('[data-test=call-actions]').count(), 0, 'nothing left to do');
  // every step of the ladder, each told at a time, the last one current
  const steps = page.locator('[data-test=call-steps] [data-test=call-step]');
  const n = await steps.count();
  assert.ok(n >= 2, 'carer, grid workers, …, the desk: ' + n);
  for (let i = 0; i < n; i++) {
    assert.equal(await steps.nth(i).getAttribute('data-notified'), 'true');
    assert.match(await steps.nth(i).locator('[data-test=step-time]').textContent(), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 已通知/);
  }
  assert.match(await steps.nth(0).textContent(), /第1步 代理儿女.*代理儿女志愿者/s);
  assert.match(await steps.nth(n - 1).textContent(), /区热线值班台/);
  assert.equal(await steps.nth(n - 1).getAttribute('data-current'), 'true');
  const tl = await page.locator('[data-test=call-timeline]').textContent();
  for (const w of ['逐级通知', '响应', '到场', '结束', NOTE]) assert.ok(tl.includes(w), 'the timeline has ' + w);
  assert.equal(await page.locator('[data-test=call-case-link]').getAttribute('href'), '#/case/' + state.call.case_id);
  await shot(page, 'onekey-phone-call-closed', { fullPage: true });
  const k = await api.get('/onekey/calls/' + state.call.id, 'dispatcher');
  assert.ok(k.acked_at && k.arrived_at && k.closed_at);
  assert.equal(k.close_note, NOTE);
});

deskTest('the ended call shows with 只看未结束 off; the figures: the community with one call, none left unanswered (green)', async () => {
  const page = desk.page;
  await dui.gotoHash('/onekey');
  // 只看未结束 off: the ended call below, with its note
  await page.locator('[data-test=onekey-page]').waitFor();
  await row(page, state.call.id).waitFor({ state: 'detached', timeout: 15000 }); // the ended call leaves the open ones at the next read
  await page.locator('[data-test=onekey-only-open]').click();
  const ended = page.locator(`[data-test=onekey-ended] [data-test=call-row][data-id="${state.call.id}"]`);
  await ended.waitFor();
  assert.match(await ended.textContent(), new RegExp(NOTE));
  await page.waitForFunction(() => location.hash === '#/onekey?all=true');
  await page.locator('[data-test=onekey-stats-link]').click();
  await page.waitForFunction(() => location.hash.startsWith('#/onekey/stats'));
  const s = await api.get('/onekey/stats', 'dispatcher');
  const g = s.by_community.find((x) => x.unit_id === state.community); // this month's: the newest first
  const tr = page.locator(`[data-test=stats-row][data-unit-id="${state.community}"][data-month="${g.month}"]`);
  await tr.waitFor();
  assert.match(g.month, /^\d{4}-\d\d$/);
  // the demo's year has calls of its own in the community: the row is the server's figures
  assert.equal((await tr.locator('[data-col=calls]').textContent()).replace(/\s/g, ''), `${g.calls}/${g.acked}/${g.arrived}`);
  assert.ok(g.calls >= 1);
  const never = tr.locator('[data-col=never_acked]');
  assert.equal((await never.textContent()).trim(), '0');
  assert.equal(await never.getAttribute('data-zero'), 'true');
  assert.equal(await never.evaluate((el) => getComputedStyle(el).color), 'rgb(7, 163, 90)', 'green');
  assert.match(await tr.locator('[data-col=ack_median]').textContent(), /^\d+秒$|^\d+分\d\d秒$/);
  assert.equal(g.never_acked, 0);
  // the total: the demo's other calls (if any) count too; its colour follows its number
  const kpi = page.locator('[data-test=stats-total] [data-kpi=never_acked]');
  assert.equal((await kpi.locator('[data-value]').textContent()).trim(), String(s.total.never_acked));
  assert.equal(await kpi.getAttribute('data-zero'), String(s.total.never_acked === 0));
  await page.locator('[data-test=stats-chart] canvas').first().waitFor();
  await shot(page, 'onekey-desk-stats');
});

phoneTest('a volunteer\'s figures are the server\'s 403, shown as a message', async () => {
  const page = phone.page;
  await pui.gotoHash('/onekey/stats');
  await page.locator('[data-test=stats-forbidden]').waitFor();
  assert.match(await page.locator('[data-test=stats-forbidden]').textContent(), /您的角色不能查看一键呼叫统计/);
  assert.match(await page.locator('[data-test=stats-forbidden-detail]').textContent(), /roles/);
  await shot(page, 'onekey-phone-stats-403');
});

phoneTest('the volunteer\'s inbox entry of a call opens the call; the call and its case link each other', async () => {
  const page = phone.page;
  await pui.gotoHash('/inbox');
  const item = page.locator(`[data-test=inbox-item][data-case-id="${state.call.case_id}"]`).first();
  await item.waitFor();
  assert.match(await item.textContent(), /一键呼叫/);
  await item.click();
  await page.waitForFunction((id) => location.hash === '#/onekey/' + id, state.call.id);
  await page.locator('[data-test=call-close-note]').waitFor();
  // the call's case, and back to the call from it
  await page.locator('[data-test=call-case-link]').click();
  await page.waitForFunction((id) => location.hash === '#/case/' + id, state.call.case_id);
  await page.locator('[data-test=case-page] [data-test=onekey-call-link]').click();
  await page.waitForFunction((id) => location.hash === '#/onekey/' + id, state.call.id);
  await page.locator('[data-test=call-close-note]').waitFor();
});

phoneTest('a leader only watches; a handler the call never reached is refused by the server (403, shown)', async () => {
  const page = phone.page;
  const call = await pressNine(false);
  state.second = call;
  await pui.login('leader', PHONE);
  await pui.gotoHash('/onekey/' + call.id);
  await page.locator('[data-test=call-who]', { hasText: NAME }).waitFor();
  await page.locator('[data-test=call-watch-only]').waitFor();
  assert.equal(await page.locator('[data-test=call-ack]').count(), 0);
  assert.equal(await page.locator('[data-test=call-advice]').count(), 0, 'not an emergency: no advice');
  await shot(page, 'onekey-phone-leader');
  // in English too
  await page.locator('.lx-topbar .lx-lang').click();
  await page.locator('[data-test=call-head]', { hasText: 'Nobody answered' }).waitFor();
  assert.match(await page.locator('[data-test=call-watch-only]').textContent(), /only watches/);
  await page.locator('.lx-topbar .lx-lang').click();
  await page.locator('[data-test=call-head]', { hasText: '无人响应' }).waitFor();
  // 桥头街道's handler sees the street's calls, but none of its steps named him
  await pui.login('handler_qiaotou', PHONE);
  await pui.gotoHash('/onekey');
  await row(page, call.id).click();
  await page.waitForFunction((id) => location.hash === '#/onekey/' + id, call.id);
  await page.locator('[data-test=call-ack]').click();
  const err = page.locator('[data-test=call-error]');
  await err.waitFor();
  assert.equal(await err.getAttribute('data-status'), '403');
  assert.equal(await err.getAttribute('data-code'), 'not_told');
  assert.match(await err.textContent(), /没有通知到您/);
  await page.locator('.van-notify', { hasText: '没有通知到您' }).waitFor();
  assert.equal(await page.locator('[data-test=call-head]').getAttribute('data-red'), 'true', 'still nobody answered');
  await shot(page, 'onekey-phone-not-told');
  const k = await api.get('/onekey/calls/' + call.id, 'dispatcher');
  assert.equal(k.acked_at, null);
});

test('no page error in either browser', () => {
  const bad = (b) => b.problems.filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(bad(desk), []);
  assert.deepEqual(bad(phone), []);
});
