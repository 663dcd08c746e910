/*
 * inbox.test.mjs - P10's live inbox in a real browser on a phone (390x844,
 * touch): the heating company's handler sees the unread count on the bell
 * and in the page title; the dispatcher files a heating case through the
 * API, the duty list sends it to 供热公司, and the count grows by one on the
 * open page without a reload (the stream pushes it); the bell opens the
 * inbox, the entry opens its case and is read, the count drops; the wide
 * side bar has the bell too; 全部已读 clears it; without EventSource, or
 * with the stream refused, the count comes by polling. And the service worker keeps the new module
 * every screen loads.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, PHONE, DESKTOP, ROOT } from './harness.mjs';

const HANDLER = 'handler_heat'; // of 供热公司, where the duty list sends 0101
const TITLE = '连心大厦暖气不热E2E' + Date.now().toString(36);

let server, browser, page, api, base, ui;
const state = {};

before(async () => {
  server = await startServer();
  base = server.base;
  api = apiClient(base);
  browser = await startBrowser({ context: { isMobile: true, hasTouch: true } });
  page = browser.page;
  ui = uiHelpers(page, base);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const uiTest = screenshotOnFailure(test, () => page, 'inbox-');
const topCount = () => page.locator('.lx-topbar [data-test=inbox-count]');
const unreadByApi = async () => (await api.get('/inbox?unread=true&limit=1', HANDLER)).unread;
/* The count the top bar's badge shows (0 when it is hidden). */
const shownCount = async () => ((await topCount().count()) ? Number((await topCount().textContent()).trim()) : 0);
const storeState = () => page.evaluate((u) => import(u).then((m) => ({ ...m.inbox })), base + 'js/inbox.js');

test('the service worker keeps every module the app starts with (inbox.js among them)', () => {
  const dir = path.join(ROOT, 'web/js');
  const seen = new Set(), todo = ['main.js'];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gm))
      todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1])));
  }
  const sw = fs.readFileSync(path.join(ROOT, 'web/sw.js'), 'utf8');
  const shell = sw.slice(sw.indexOf('const SHELL'), sw.indexOf('];', sw.indexOf('const SHELL')));
  assert.ok(seen.has('inbox.js'));
  assert.deepEqual([...seen].filter((f) => !shell.includes(`'js/${f}'`)), []);
});

uiTest('the bell in the top bar shows the unread count, and so does the title', async () => {
  state.n = await unreadByApi();
  assert.ok(state.n > 0 && state.n < 99, 'the demo leaves the handler some unread entries: ' + state.n);
  await ui.login(HANDLER, PHONE);
  await page.locator('.lx-topbar [data-test=inbox-bell]').waitFor();
  await ui.until(async () => (await shownCount()) === state.n, 'the badge to show ' + state.n);
  assert.ok((await page.title()).startsWith('(' + state.n + ') 连心'), await page.title());
  assert.equal((await storeState()).connected, true, 'the count came by the stream');
  await shot(page, 'inbox-bell-phone');
});

uiTest('a case dispatched to the unit raises the count without a reload', async () => {
  await page.evaluate(() => { window.__lxSamePage = true; });
  const c = await api.post('/cases', {
    type: 'request', channel: 'hotline', category_code: '0101', title: TITLE, description: '连心大厦3号楼暖气一直不热，已经两天了。',
  }, 'dispatcher');
  state.caseId = c.id;
  assert.equal(c.status, 'dispatched');
  await page.waitForFunction((n) => {
    const el = document.querySelector('.lx-topbar [data-test=inbox-count]');
    return el && el.textContent.trim() === String(n);
  }, state.n + 1, { timeout: 10000 });
  assert.equal(await page.evaluate(() => window.__lxSamePage), true, 'the page was not reloaded');
  assert.ok((await page.title()).startsWith('(' + (state.n + 1) + ') '), await page.title());
  assert.equal(await unreadByApi(), state.n + 1);
});

uiTest('the bell opens the inbox; the entry opens its case and is read', async () => {
  await page.locator('.lx-topbar [data-test=inbox-bell]').click();
  await page.waitForFunction(() => location.hash === '#/inbox');
  await page.locator('.lx-topbar .van-nav-bar__title', { hasText: '消息' }).waitFor();
  const item = page.locator('[data-test=inbox-item]', { hasText: TITLE });
  await item.waitFor();
  assert.equal(await page.locator('[data-test=inbox-item]').first().getAttribute('data-case-id'), String(state.caseId), 'newest first');
  assert.equal(await item.getAttribute('data-unread'), 'true');
  assert.match(await item.textContent(), /新工单/);
  assert.match(await item.textContent(), /刚刚|分钟前/);
  await shot(page, 'inbox-list-phone');
  await item.click();
  await page.waitForFunction((id) => location.hash === '#/case/' + id, state.caseId);
  await page.locator('[data-test=case-page]', { hasText: TITLE }).waitFor();
  await page.goBack();
  await page.waitForFunction(() => location.hash === '#/inbox');
  await page.locator('[data-test=inbox-item][data-unread=false]', { hasText: TITLE }).waitFor();
  await ui.until(async () => (await shownCount()) === state.n, 'the badge to drop to ' + state.n);
  assert.ok((await page.title()).startsWith('(' + state.n + ') '), await page.title());
  assert.equal(await unreadByApi(), state.n);
});

uiTest('a new entry shows in the open inbox by itself', async () => {
  const c = await api.post('/cases', {
    type: 'request', channel: 'hotline', category_code: '0101', title: TITLE + '二', description: '连心大厦5号楼暖气也不热。',
  }, 'dispatcher');
  await page.locator(`[data-test=inbox-item][data-case-id="${c.id}"][data-unread=true]`).waitFor({ timeout: 10000 });
  await ui.until(async () => (await shownCount()) === state.n + 1, 'the badge to show ' + (state.n + 1));
  state.n += 1;
});

uiTest('the wide side bar has the bell with the count', async () => {
  await page.setViewportSize(DESKTOP);
  const side = page.locator('.lx-side [data-test=inbox-bell]');
  await side.waitFor();
  assert.equal((await side.locator('[data-test=inbox-count]').textContent()).trim(), String(state.n));
  assert.match(await side.getAttribute('class'), /active/);
  assert.equal(await page.locator('.lx-topbar').isVisible(), false);
  await shot(page, 'inbox-desktop');
  await page.setViewportSize(PHONE);
});

uiTest('全部已读 clears the badge and the title', async () => {
  await page.locator('[data-test=inbox-read-all]').click();
  await ui.toast('已将 ' + state.n + ' 条标为已读');
  await ui.until(async () => (await topCount().count()) === 0, 'the badge to go');
  assert.equal(await page.title(), '连心 · 基层治理');
  assert.equal(await page.locator('[data-test=inbox-item][data-unread=true]').count(), 0);
  assert.equal(await unreadByApi(), 0);
  await page.locator('[data-test=inbox-unread]').click();
  await page.locator('.van-empty', { hasText: '没有未读消息' }).waitFor();
});

uiTest('without EventSource, or with the stream refused, the count comes by polling', async () => {
  const c = await api.post('/cases', {
    type: 'request', channel: 'hotline', category_code: '0101', title: TITLE + '三', description: '连心大厦7号楼暖气不热。',
  }, 'dispatcher');
  await ui.until(async () => (await shownCount()) === 1, 'the badge to show 1');
  const old = page;
  page = await browser.context.newPage();
  page.on('pageerror', (e) => browser.problems.push('pageerror: ' + e.message));
  await page.addInitScript(() => { delete window.EventSource; });
  await page.setViewportSize(PHONE);
  await page.goto(base + '#/work'); // not the inbox page, whose list tells the count too
  await page.locator('.lx-shell').waitFor();
  await ui.until(async () => (await page.locator('.lx-topbar [data-test=inbox-count]').count()) === 1, 'the polled badge');
  assert.equal((await page.locator('.lx-topbar [data-test=inbox-count]').textContent()).trim(), '1');
  assert.ok((await page.title()).startsWith('(1) '), await page.title());
  assert.equal((await storeState()).connected, false);
  await page.close();
  // a stream the server refuses (503: too many on the node): polled the same
  page = await browser.context.newPage();
  page.on('pageerror', (e) => browser.problems.push('pageerror: ' + e.message));
  let refused = 0;
  await page.route('**/api/v1/inbox/stream', (r) => { refused++; return r.fulfill({ status: 503, contentType: 'application/json', body: '{}' }); });
  await page.setViewportSize(PHONE);
  await page.goto(base + '#/work');
  await page.locator('.lx-shell').waitFor();
  await ui.until(async () => (await shownCount()) === 1, 'the badge polled after the refused stream');
  assert.ok(refused >= 1);
  assert.equal((await storeState()).connected, false);
  await page.close();
  page = old;
});

test('no page error in the browser', () => {
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
