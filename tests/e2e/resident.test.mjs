/*
 * resident.test.mjs - the residents' page (/r/) in a real browser on a
 * phone (390x844, touch): a resident with a number not in the demo asks
 * for a code (texted to a gateway this test runs), logs in with it, files
 * a heating complaint with their position and one photo, and reads the
 * case number off the success page; the staff see it (channel web, the
 * photo at intake); the heating company accepts and answers it; the
 * resident finds the answer under 我的诉求, rates it 不满意 (the reason
 * asked for first) and 未解决, and the staff see the rating (the case
 * goes back to the unit). Without a login, another browser finds the case
 * by its number and the phone's last 4 digits, and wrong digits find
 * nothing. Logging out drops the token.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, smsGateway, ROOT } from './harness.mjs';

const PHONE_NO = '13700001234'; // not in the demo
const PHOTO = path.join(ROOT, 'tests/e2e/fixtures/before.jpg');
const HERE = { latitude: 37.8608, longitude: 113.5632 }; // 桥头社区
const CATEGORY = '0101'; // 暖气不热/停暖 → 供热公司 by the duty list
const NAMED = '0802'; // 劳资纠纷/欠薪: not to be filed anonymously
const HANDLER = 'handler_heat';
const REPLY = '已更换3号楼2单元暖气阀门，经测温室温恢复到20度。';
const REASON = '换了阀门还是不热，家里只有15度。';

let server, gateway, browser, page, api, base, ui, stranger;
const state = {};

before(async () => {
  gateway = await smsGateway();
  server = await startServer({ env: gateway.env() });
  base = server.base;
  api = apiClient(base);
  browser = await startBrowser({ context: { isMobile: true, hasTouch: true, geolocation: HERE, permissions: ['geolocation'] } });
  page = browser.page;
  ui = uiHelpers(page, base);
});

after(async () => {
  if (stranger) await stranger.close();
  if (browser) await browser.close();
  if (server) await server.stop();
  if (gateway) await gateway.close();
});

const uiTest = screenshotOnFailure(test, () => page, 'resident-');
const R = () => base + 'r/';

uiTest('the page opens at /r/ with the three big buttons, under the CSP', async () => {
  const res = await page.goto(R());
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'] || '', /script-src 'self'/);
  await page.locator('[data-test=home]').waitFor();
  for (const [sel, text] of [['home-new', '我要反映'], ['home-cases', '我的诉求'], ['home-lookup', '查询办理进度']]) {
    const b = page.locator(`[data-test=${sel}]`);
    assert.match(await b.textContent(), new RegExp(text));
    const box = await b.boundingBox();
    assert.ok(box.height >= 64 && box.width >= 300, sel + ' is a big button: ' + JSON.stringify(box));
  }
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await shot(page, 'resident-home-phone');
});

uiTest('我的诉求 without a login asks for the phone; a texted code logs in and comes back', async () => {
  await page.locator('[data-test=home-cases]').click();
  await page.locator('[data-test=login]').waitFor();
  assert.match(page.url(), /#\/login\?next=%2Fcases$/);
  // a wrong number is refused in the page
  await page.locator('[data-test=login-phone] input').fill('12345');
  await page.locator('[data-test=send-code]').click();
  await page.locator('[data-test=login-phone] .van-field__error-message', { hasText: '11位手机号' }).waitFor();
  await page.locator('[data-test=login-phone] input').fill(PHONE_NO);
  const before = gateway.to(PHONE_NO).length;
  await page.locator('[data-test=send-code]').click();
  await page.locator('[data-test=code-sent]').waitFor();
  // the button counts down to the next code
  await page.locator('[data-test=send-code]', { hasText: /\d+ 秒后可重新获取/ }).waitFor();
  assert.equal(await page.locator('[data-test=send-code]').isDisabled(), true);
  const code = await gateway.codeFor(PHONE_NO, before);
  // a wrong code says so by the field
  await page.locator('[data-test=login-code] input').fill(String((Number(code) + 1) % 1e6).padStart(6, '0'));
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=login-code] .van-field__error-message', { hasText: '验证码不对' }).waitFor();
  await shot(page, 'resident-login-phone');
  await page.locator('[data-test=login-code] input').fill(code);
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=cases]').waitFor();
  assert.match(page.url(), /#\/cases$/);
  await page.locator('[data-test=cases-empty]').waitFor();
  state.token = await page.evaluate(() => localStorage.getItem('lx_resident_token'));
  assert.match(state.token, /^[0-9a-f]{64}$/);
});

uiTest('a resident files a heating complaint with their position and a photo', async () => {
  await page.goto(R() + '#/new');
  await page.locator('[data-test=file]').waitFor();
  const picker = page.locator('[data-test=category-picker]');
  // a matter handled only for a named reporter: no anonymous switch, and the page says why
  await page.locator('[data-test=category]').click();
  await picker.locator(`[data-code="${NAMED}"]`).click();
  await picker.waitFor({ state: 'hidden' });
  assert.equal(await page.locator('[data-test=title] input').inputValue(), '劳资纠纷/欠薪');
  assert.match(await page.locator('[data-test=anonymous-cell]').textContent(), /需要实名反映/);
  assert.match(await page.locator('[data-test=anonymous]').getAttribute('class'), /van-switch--disabled/);
  await page.locator('[data-test=category]').click();
  await picker.locator(`[data-code="${CATEGORY}"]`).waitFor();
  assert.match(await picker.textContent(), /供暖供水供电燃气[\s\S]*暖气不热\/停暖/, 'grouped under the parent category');
  await picker.locator('[data-test=category-search] input').fill('暖气');
  await picker.locator(`[data-code="${CATEGORY}"]`).click();
  await picker.waitFor({ state: 'hidden' });
  // the title is suggested from the category (the new one's, as it was not changed), and may be changed
  assert.equal(await page.locator('[data-test=title] input').inputValue(), '暖气不热/停暖');
  state.title = '3号楼暖气不热E2E' + Date.now().toString(36);
  await page.locator('[data-test=title] input').fill(state.title);
  // without a description it does not go
  await page.locator('[data-test=submit]').click();
  await page.locator('[data-test=description] .van-field__error-message', { hasText: '请说一说' }).waitFor();
  await page.locator('[data-test=description] textarea').fill('矿区桥头街道3号楼2单元暖气从前天开始就不热了，家里有老人。');
  await page.locator('[data-test=locate]').click();
  await page.locator('[data-test=location][data-located=true]').waitFor();
  await page.locator('.van-toast', { hasText: '已获取当前位置' }).waitFor({ state: 'hidden' });
  assert.doesNotMatch(await page.locator('[data-test=anonymous]').getAttribute('class'), /van-switch--disabled/);
  await page.locator('[data-test=address] input').fill('桥头社区3号楼2单元');
  await page.locator('[data-test=name] input').fill('李阿姨');
  // the anonymous switch explains itself
  await page.locator('[data-test=anonymous]').click();
  assert.match(await page.locator('[data-test=anon-note]').textContent(), /匿名反映也要先验证手机号[\s\S]*不会给您回电话/);
  assert.equal(await page.locator('[data-test=name]').count(), 0, 'no name when anonymous');
  await page.locator('[data-test=anonymous]').click();
  await page.locator('[data-test=name] input').waitFor();
  await page.locator('[data-test=photos] input[type=file]').setInputFiles(PHOTO);
  await page.locator('[data-test=photos][data-count="1"] .van-uploader__preview-image img').waitFor();
  await shot(page, 'resident-file-phone', { fullPage: true });
  await page.locator('[data-test=submit]').click();
  const done = page.locator('[data-test=done]');
  await done.waitFor();
  await done.locator('[data-test=done-photos][data-done="1"][data-busy=false]').waitFor();
  assert.match(await done.locator('[data-test=done-photos]').textContent(), /已上传 1 张照片/);
  state.number = (await done.locator('[data-test=done-number]').textContent()).trim();
  assert.match(state.number, /^\d{14,}$/);
  await shot(page, 'resident-done-phone');
});

uiTest('the staff see it: channel web, the position, the photo at intake', async () => {
  const found = await api.get('/cases?q=' + state.number, 'dispatcher');
  assert.equal(found.items.length, 1, JSON.stringify(found.items.map((c) => c.number)));
  state.caseId = found.items[0].id;
  const c = await api.get('/cases/' + state.caseId, 'dispatcher');
  assert.equal(c.number, state.number);
  assert.equal(c.channel, 'web');
  assert.equal(c.title, state.title);
  assert.equal(c.category_code, CATEGORY);
  assert.equal(c.address, '桥头社区3号楼2单元');
  assert.ok(Math.abs(c.lat - HERE.latitude) < 1e-4 && Math.abs(c.lon - HERE.longitude) < 1e-4, c.lat + ',' + c.lon);
  assert.deepEqual(c.attachments.map((a) => a.stage), ['intake']);
  assert.equal(c.status, 'dispatched');
});

uiTest('the heating company accepts and answers it', async () => {
  let c = await api.get('/cases/' + state.caseId, HANDLER);
  assert.ok(c.allowed_actions.includes('accept'), JSON.stringify(c.allowed_actions));
  await api.post('/cases/' + state.caseId + '/accept', {}, HANDLER);
  c = await api.get('/cases/' + state.caseId, HANDLER);
  assert.ok(c.allowed_actions.includes('resolve'), JSON.stringify(c.allowed_actions));
  await api.post('/cases/' + state.caseId + '/resolve', { reply: REPLY }, HANDLER);
  c = await api.get('/cases/' + state.caseId, 'dispatcher');
  assert.equal(c.status, 'resolved');
});

uiTest('the resident sees the answer under 我的诉求 and rates it 不满意, 未解决', async () => {
  await page.locator('[data-test=done-open]').click();
  await page.locator(`[data-test=case][data-case-id="${state.caseId}"]`).waitFor();
  // the page opened right after filing shows the answer once opened again from the list
  await page.goto(R() + '#/cases');
  const item = page.locator(`[data-test=cases-list] [data-case-id="${state.caseId}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /已办结/);
  assert.match(await item.textContent(), /请您评价/);
  await shot(page, 'resident-cases-phone');
  await item.click();
  const cp = page.locator(`[data-test=case][data-case-id="${state.caseId}"]`);
  await cp.waitFor();
  assert.equal((await cp.locator('[data-test=case-number]').textContent()).trim(), state.number);
  assert.match(await cp.locator('[data-test=reply]').textContent(), new RegExp(REPLY.slice(0, 10)));
  assert.match(await cp.locator('[data-test=timeline]').textContent(), /已办结[\s\S]*已收到您的诉求/);
  // the photo loads with the token (a blob URL: <img> sends no header)
  const img = cp.locator('[data-test=attachments] [data-stage=intake] img[data-test=thumb]');
  await img.waitFor();
  await ui.until(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the thumbnail loaded');
  assert.match(await img.getAttribute('src'), /^blob:/);
  const rate = cp.locator('[data-test=rate]');
  await rate.locator('[data-rating=unsatisfied]').click();
  await rate.locator('[data-solved=false]').click();
  assert.match(await rate.textContent(), /请告诉我们不满意的原因/);
  await rate.locator('[data-test=rate-submit]').click();
  await rate.locator('[data-test=rate-comment] .van-field__error-message', { hasText: '请告诉我们不满意的原因' }).waitFor();
  assert.equal((await api.get('/cases/' + state.caseId, 'dispatcher')).rating, null, 'nothing sent without the reason');
  await rate.locator('[data-test=rate-comment] textarea').fill(REASON);
  await shot(page, 'resident-rate-phone', { fullPage: true });
  await rate.locator('[data-test=rate-submit]').click();
  await cp.locator('[data-test=rated]', { hasText: '不满意' }).waitFor();
  await rate.waitFor({ state: 'detached' });
  await shot(page, 'resident-rated-phone', { fullPage: true });
});

uiTest('the staff see the rating, and the case goes back to the unit', async () => {
  const c = await api.get('/cases/' + state.caseId, 'dispatcher');
  assert.equal(c.rating, 'unsatisfied');
  assert.equal(c.solved, false);
  assert.equal(c.status, 'reopened');
  const rated = c.timeline.filter((e) => e.action === 'rate');
  assert.equal(rated.length, 1);
  assert.match(rated[0].note, /反映人本人评价/);
  assert.ok(rated[0].note.includes(REASON), rated[0].note);
});

uiTest('without a login, the case number and the last 4 digits show its progress; wrong digits find nothing', async () => {
  stranger = await startBrowser({ context: { isMobile: true, hasTouch: true } });
  const p = stranger.page;
  await p.goto(R());
  await p.locator('[data-test=home-lookup]').click();
  await p.locator('[data-test=lookup]').waitFor();
  assert.equal(await p.evaluate(() => localStorage.getItem('lx_resident_token')), null);
  await p.locator('[data-test=lookup-number] input').fill(state.number);
  await p.locator('[data-test=lookup-digits] input').fill(PHONE_NO.slice(-4) === '0000' ? '1111' : '0000');
  await p.locator('[data-test=lookup-submit]').click();
  await p.locator('[data-test=lookup-error]', { hasText: '没有查到这件诉求' }).waitFor();
  assert.equal(await p.locator('[data-test=case]').count(), 0);
  await shot(p, 'resident-lookup-miss-phone');
  await p.locator('[data-test=lookup-digits] input').fill(PHONE_NO.slice(-4));
  await p.locator('[data-test=lookup-submit]').click();
  const c = p.locator(`[data-test=case][data-case-id="${state.caseId}"]`);
  await c.waitFor();
  assert.equal(await p.locator('[data-test=lookup-error]').count(), 0);
  assert.equal((await c.locator('[data-test=case-number]').textContent()).trim(), state.number);
  assert.match(await c.locator('[data-test=timeline]').textContent(), /已评价[\s\S]*已收到您的诉求/);
  assert.match(await c.locator('[data-test=reply]').textContent(), new RegExp(REPLY.slice(0, 10)));
  assert.equal(await c.locator('[data-test=attachments]').count(), 0, 'no photos without a login');
  assert.equal(await c.locator('[data-test=rate]').count(), 0);
  await shot(p, 'resident-lookup-phone', { fullPage: true });
  assert.deepEqual(stranger.problems.filter((x) => !/Failed to load resource/.test(x)), []);
});

uiTest('我的诉求 reads on page by page as the resident scrolls', async () => {
  for (let i = 0; i < 21; i++) {
    const r = await fetch(base + 'api/v1/resident/cases', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + state.token },
      body: JSON.stringify({ category_code: '0201', title: '路灯不亮' + i, description: '小区门口路灯不亮第' + i + '天' }),
    });
    assert.equal(r.status, 201, await r.text());
  }
  await page.goto(R() + '#/cases');
  const items = page.locator('[data-test=cases-list] .r-item');
  await ui.until(async () => (await items.count()) === 20, 'the first 20');
  assert.match(await items.first().textContent(), /路灯不亮20/, 'newest first');
  await ui.until(async () => {
    await page.mouse.wheel(0, 3000);
    return (await items.count()) === 22;
  }, 'the next page on scrolling');
  await page.locator('.van-list__finished-text', { hasText: '没有更多了' }).waitFor();
  assert.equal(await items.last().getAttribute('data-case-id'), String(state.caseId), 'the first case last');
});

uiTest('a photo the server refuses says why on the success page; it may be sent again or left out', async () => {
  await page.goto(R() + '#/new');
  await page.locator('[data-test=category]').click();
  await page.locator('[data-test=category-picker] [data-code="0201"]').click();
  await page.locator('[data-test=category-picker]').waitFor({ state: 'hidden' });
  await page.locator('[data-test=description] textarea').fill('小区门口路灯不亮，晚上看不清路。');
  const input = page.locator('[data-test=photos] input[type=file]');
  await input.setInputFiles([{ name: 'before.jpg', mimeType: 'image/jpeg', buffer: fs.readFileSync(PHOTO) }, { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') }]);
  await page.locator('[data-test=photos][data-count="2"]').waitFor();
  await page.locator('[data-test=submit]').click();
  const done = page.locator('[data-test=done]');
  const photos = done.locator('[data-test=done-photos][data-busy=false]');
  await photos.waitFor();
  assert.equal(await photos.getAttribute('data-done'), '1');
  assert.equal(await photos.getAttribute('data-failed'), '1');
  const failed = done.locator('[data-test=photo-failed]');
  assert.match(await failed.textContent(), /broken\.jpg：只能上传照片/);
  await shot(page, 'resident-photo-failed-phone');
  const sent = page.waitForResponse((r) => r.request().method() === 'POST' && /\/resident\/cases\/\d+\/attachments\?name=broken\.jpg$/.test(r.url()));
  await failed.locator('[data-test=photo-retry]').click();
  assert.equal((await sent).status(), 415, 'sent again, refused again');
  await done.locator('[data-test=done-photos][data-done="1"][data-failed="1"]').waitFor();
  await done.locator('.van-uploader__mask', { hasText: '上传失败' }).waitFor();
  await failed.locator('[data-test=photo-drop]').click();
  await done.locator('[data-test=done-photos][data-failed="0"]').waitFor();
  assert.equal(await failed.count(), 0);
  const number = (await done.locator('[data-test=done-number]').textContent()).trim();
  const found = await api.get('/cases?q=' + number, 'dispatcher');
  const c = await api.get('/cases/' + found.items[0].id, 'dispatcher');
  assert.equal(c.attachments.length, 1, 'only the good photo is on the case');
});

uiTest('退出 ends the session: the token is dead and 我的诉求 asks for the phone again', async () => {
  await page.goto(R());
  await page.locator('[data-test=home-phone]', { hasText: '137****1234' }).waitFor();
  await page.locator('[data-test=logout]').click();
  await page.locator('[data-test=logout]').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => localStorage.getItem('lx_resident_token')), null);
  const r = await fetch(base + 'api/v1/resident/cases', { headers: { Authorization: 'Bearer ' + state.token } });
  assert.equal(r.status, 401);
  await page.locator('[data-test=home-cases]').click();
  await page.locator('[data-test=login]').waitFor();
});

uiTest('a token the server no longer knows sends the resident to the login', async () => {
  await page.evaluate(() => localStorage.setItem('lx_resident_token', 'f'.repeat(64)));
  await page.goto('about:blank');
  await page.goto(R() + '#/cases');
  await page.locator('[data-test=login]').waitFor();
  await page.locator('.van-notify', { hasText: '登录已过期' }).waitFor();
  assert.equal(await page.evaluate(() => localStorage.getItem('lx_resident_token')), null);
});

test('no page error in the browser', () => {
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
