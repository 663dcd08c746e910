/*
 * photos.test.mjs - P8 in a real browser on a phone (390x844, touch): a
 * grid worker reports a broken manhole cover with a photo and sees its
 * thumbnail on the case page; the handler of the unit the duty list sent
 * it to accepts it and, the category asking for an after-photo, cannot
 * resolve without one, then resolves with one; the case shows both
 * stages' photos, and prints without its buttons. Also the desk's
 * lookups (a case number in the search box, the caller's history by
 * phone), 我上报的 with unit names, and the leaders' counting basis.
 *
 * Needs the P8 API (attachments, lookups, basis): run with the backend
 * merged. Fixture photos: tests/e2e/fixtures/{before,after}.jpg (64x48).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, PHONE, DESKTOP, ROOT } from './harness.mjs';

const BEFORE = path.join(ROOT, 'tests/e2e/fixtures/before.jpg');
const AFTER = path.join(ROOT, 'tests/e2e/fixtures/after.jpg');
const CATEGORY = '0202'; // 井盖缺失/破损 → 城管局 by the duty list
const SPOT = '0302'; // 楼道/小区卫生: made on_spot here (即知即办)
const REPORTER = 'gw_qiaotou', HANDLER = 'handler_cg';

let server, browser, page, api, base, ui;
const state = {};

before(async () => {
  server = await startServer();
  base = server.base;
  api = apiClient(base);
  browser = await startBrowser({ context: { isMobile: true, hasTouch: true } });
  page = browser.page;
  ui = uiHelpers(page, base);
  // the category asks for a photo of the finished work; another is resolved on the spot
  await api.patch('/categories/' + CATEGORY, { photo_on_resolve: true }, 'admin');
  await api.patch('/categories/' + SPOT, { on_spot: true, verify: false }, 'admin');
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const uiTest = screenshotOnFailure(test, () => page, 'photos-');
const caseStatus = () => page.locator('[data-test=case-page] [data-test=case-status]');
/* A thumbnail of stage on the case page, loaded (the browser decoded it). */
async function thumbLoaded(stage) {
  const img = page.locator(`[data-test=attachments] [data-stage=${stage}] img[data-test=thumb]`).first();
  await img.waitFor();
  await ui.until(() => img.evaluate((el) => el.complete && el.naturalWidth > 0), stage + ' thumbnail loaded');
  return img;
}

/* The machine's label of the case's status. */
const stateLabel = (machines, c) => machines.find((m) => m.type === c.type).states.find((s) => s.name === c.status).label;

uiTest('a grid worker reports with a photo on a phone and sees its thumbnail', async () => {
  await ui.login(REPORTER, PHONE);
  await ui.gotoHash('/desk');
  await page.locator('[data-test=category]').click();
  await page.locator('[data-test=category-search] input').fill('井盖');
  await page.locator(`[data-test=category-picker] [data-code="${CATEGORY}"]`).click();
  await page.locator('.van-overlay').first().waitFor({ state: 'hidden' });
  state.title = '井盖缺失照片E2E' + Date.now().toString(36);
  await page.locator('[data-test=title] input').fill(state.title);
  await page.locator('[data-test=description] textarea').fill('南大街路口井盖缺失，已设临时围挡，请尽快处理。');
  // the camera input of a phone: capture="environment"
  const input = page.locator('[data-test=intake-photos] [data-test=photo-input]');
  assert.equal(await input.getAttribute('capture'), 'environment');
  await input.setInputFiles(BEFORE);
  await page.locator('[data-test=intake-photos] .lx-thumb[data-state=ready] img').waitFor();
  assert.match(await page.locator('[data-test=intake-photos]').textContent(), /1\/9/);
  await shot(page, 'report-photo-phone');
  await page.locator('[data-test=submit]').click();
  const result = page.locator('[data-test=result]');
  await result.waitFor();
  await result.locator('[data-test=result-photos][data-done="1"]').waitFor();
  assert.match(await result.locator('[data-test=result-photos]').textContent(), /已上传 1 张照片/);
  assert.match(await result.locator('[data-test=result-unit]').textContent(), /城管局/);
  state.number = (await result.locator('[data-test=result-number]').textContent()).trim();
  await result.locator('[data-test=result-open]').click();
  await caseStatus().waitFor();
  state.caseId = Number(page.url().match(/#\/case\/(\d+)/)[1]);
  const card = page.locator('[data-test=attachments]');
  assert.match(await card.textContent(), /照片与附件（1）/);
  assert.match(await card.locator('[data-stage=intake]').textContent(), /受理时/);
  const img = await thumbLoaded('intake');
  // the uploader may still delete it (10 minutes)
  assert.equal(await card.locator('[data-test=photo-delete]').count(), 1);
  // the viewer shows the photo
  await img.click();
  await page.locator('.van-image-preview').waitFor();
  await shot(page, 'photo-viewer-phone');
  await page.locator('.van-image-preview__close-icon').click();
  await page.locator('.van-image-preview').waitFor({ state: 'hidden' });
  await shot(page, 'case-photo-phone', { fullPage: true });
  const c = await api.get('/cases/' + state.caseId, 'dispatcher');
  assert.equal(c.number, state.number);
  assert.deepEqual(c.attachments.map((a) => a.stage), ['intake']);
});

uiTest('我上报的 lists it, with the handling unit by name', async () => {
  await ui.gotoHash('/work?tab=mine');
  const card = page.locator(`[data-list=mine] [data-case-id="${state.caseId}"]`);
  await card.waitFor();
  assert.match(await card.locator('.lx-card-unit').textContent(), /→ 城管局/);
  assert.doesNotMatch(await page.locator('[data-list=mine]').textContent(), /→ #\d/);
});

uiTest('即知即办: the grid worker resolves their own report on the spot, with an after-photo', async () => {
  await ui.gotoHash('/desk');
  await page.locator('[data-test=category]').click();
  await page.locator('[data-test=category-search] input').fill('楼道');
  await page.locator(`[data-test=category-picker] [data-code="${SPOT}"]`).click();
  await page.locator('.van-overlay').first().waitFor({ state: 'hidden' });
  await page.locator('[data-test=description] textarea').fill('3号楼楼道堆放纸箱，已当场清理。');
  await page.locator('[data-test=submit]').click();
  const result = page.locator('[data-test=result]');
  await result.waitFor();
  await result.locator('[data-test=result-on-spot]').click();
  const form = page.locator('[data-test=action-popup][data-act=resolve]');
  await form.waitFor();
  assert.match(await form.locator('.lx-picker-title').textContent(), /即知即办/);
  // the case page behind it says so too, and the form asks for the after-photo
  assert.equal(await page.locator('[data-test=on-spot-banner]').count(), 1);
  assert.match(await form.locator('[data-test=action-photos]').textContent(), /须上传办结后的现场照片/);
  await form.locator('[data-test=action-reply] textarea').fill('已当场清理楼道杂物。');
  await form.locator('[data-test=action-submit]').click();
  await page.locator('.van-notify', { hasText: '请先拍一张办结后的现场照片' }).waitFor();
  await form.locator('[data-test=action-photos] [data-test=photo-input]').setInputFiles(AFTER);
  await form.locator('[data-test=action-submit]').click();
  await form.waitFor({ state: 'hidden' });
  const id = Number(page.url().match(/#\/case\/(\d+)/)[1]);
  const c = await api.get('/cases/' + id, 'dispatcher');
  assert.equal(c.status, 'resolved');
  assert.deepEqual(c.attachments.map((a) => a.stage), ['resolve']);
  await thumbLoaded('resolve');
  await caseStatus().filter({ hasText: stateLabel(await api.get('/workflows', 'dispatcher'), c) }).waitFor();
  assert.equal(await page.locator('[data-test=on-spot-banner]').count(), 0, 'resolved: no more 即知即办');
});

uiTest('the handler accepts; resolve refuses to go without an after-photo, then goes with one', async () => {
  await ui.login(HANDLER, PHONE);
  await ui.gotoHash('/case/' + state.caseId);
  await ui.action('accept');
  await ui.submitAction();
  await caseStatus().filter({ hasText: '办理中' }).waitFor();
  await ui.action('resolve');
  const form = page.locator('[data-test=action-popup][data-act=resolve]');
  await form.locator('[data-test=action-reply] textarea').fill('已补装井盖，围挡已撤除。');
  assert.match(await form.locator('[data-test=action-photos]').textContent(), /办结后照片[\s\S]*须上传办结后的现场照片/);
  // without the photo the form says so and stays open
  await form.locator('[data-test=action-submit]').click();
  await page.locator('.van-notify', { hasText: '请先拍一张办结后的现场照片' }).waitFor();
  assert.ok(await form.isVisible());
  assert.equal((await api.get('/cases/' + state.caseId, 'dispatcher')).status, 'accepted');
  await form.locator('[data-test=action-photos] [data-test=photo-input]').setInputFiles(AFTER);
  await form.locator('[data-test=action-photos] .lx-thumb[data-state=ready]').waitFor();
  await shot(page, 'resolve-photo-phone');
  await form.locator('[data-test=action-submit]').click();
  await form.waitFor({ state: 'hidden' });
  const c = await api.get('/cases/' + state.caseId, 'dispatcher');
  assert.notEqual(c.status, 'accepted');
  assert.deepEqual(c.attachments.map((a) => a.stage), ['intake', 'resolve']);
  await caseStatus().filter({ hasText: stateLabel(await api.get('/workflows', 'dispatcher'), c) }).waitFor();
  // both stages' photos on the page, each loaded
  await thumbLoaded('intake');
  await thumbLoaded('resolve');
  assert.match(await page.locator('[data-test=attachments]').textContent(), /受理时[\s\S]*办结后/);
  // the handler did not upload the intake photo: no delete button on it
  assert.equal(await page.locator('[data-test=attachments] [data-stage=intake] [data-test=photo-delete]').count(), 0);
  await shot(page, 'case-two-stages-phone', { fullPage: true });
});

uiTest('the case prints as a sheet: photos and timeline, no buttons or navigation', async () => {
  assert.equal(await page.locator('[data-test=print]').count(), 1);
  await page.emulateMedia({ media: 'print' });
  try {
    assert.ok(await page.locator('[data-test=attachments] [data-stage=resolve] img').isVisible());
    assert.ok(await page.locator('[data-test=timeline]').isVisible());
    assert.ok(await page.locator('[data-test=case-number]').isVisible());
    assert.ok(await page.locator('.lx-print-head').isVisible());
    for (const sel of ['[data-test=print]', '.lx-tabbar', '.lx-topbar', '[data-test=actions]'])
      if (await page.locator(sel).count()) assert.equal(await page.locator(sel).first().isVisible(), false, sel + ' printed');
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
});

uiTest('the desk finds a case by its number and a caller by phone', async () => {
  const phone = '139' + String(Date.now()).slice(-8);
  const earlier = await api.post('/cases', {
    type: 'request', channel: 'hotline', category_code: '0301', title: '垃圾清运不及时（先前来电）',
    description: '小区垃圾三天没人清运。', address: '桥头社区南大街5号', reporter: { name: '李先生', phone },
  }, 'dispatcher');
  await ui.login('dispatcher', DESKTOP);
  await ui.gotoHash('/cases');
  await page.locator('[data-test=cases-search] input').fill(state.number);
  await page.locator('[data-test=cases-search] input').press('Enter');
  await page.locator(`[data-test=cases-list] [data-number="${state.number}"]`).waitFor();
  assert.equal(await page.locator('[data-test=cases-list] .lx-case-card').count(), 1);
  await ui.gotoHash('/desk');
  await page.locator('[data-test=reporter-phone] input').fill(phone.slice(0, 6));
  await page.waitForTimeout(700);
  assert.equal(await page.locator('[data-test=caller-history]').count(), 0, 'not before 7 digits');
  await page.locator('[data-test=reporter-phone] input').fill(phone);
  const hist = page.locator('[data-test=caller-history]');
  await hist.locator(`[data-case-id="${earlier.id}"]`).waitFor();
  assert.match(await hist.textContent(), /该来电人历史诉求 1 件/);
  assert.equal(await hist.locator(`[data-case-id="${earlier.id}"]`).getAttribute('data-open'), 'true');
  assert.equal(await hist.locator('[data-test=caller-repeat]').count(), 1);
  await shot(page, 'desk-caller-history-desktop');
});

uiTest('leaders see what they count by, and switch it', async () => {
  await ui.login('leader', DESKTOP);
  await ui.gotoHash('/dash');
  const basis = page.locator('[data-test=dash-basis]');
  await page.locator('[data-kpi=received] [data-value]').waitFor();
  assert.equal((await basis.locator('[data-test=basis-label]').textContent()).trim(), '按承办单位统计');
  await basis.locator('[data-basis=location]').click();
  await page.locator('[data-test=dash-basis][data-basis=location]').waitFor();
  assert.equal((await basis.locator('[data-test=basis-label]').textContent()).trim(), '按发生地统计');
  assert.match(await page.locator('[data-test=dashboard]').getAttribute('data-query'), /basis=location/);
  assert.match(await page.locator('[data-test=trend-partial]').textContent(), /截至今日/);
  assert.match(await page.locator('[data-kpi=overdue_open] [data-test=overdue-sub]').textContent(), /超期/);
  await ui.gotoHash('/map');
  const mb = page.locator('[data-test=map-basis]');
  await mb.waitFor();
  assert.equal((await mb.locator('[data-test=basis-label]').textContent()).trim(), '按发生地统计');
  await mb.locator('[data-basis=handler]').click();
  await page.locator('[data-test=map-basis][data-basis=handler]').waitFor();
  assert.equal((await mb.locator('[data-test=basis-label]').textContent()).trim(), '按承办单位统计');
});

test('no page error in the browser', () => {
  assert.deepEqual(browser.problems.filter((p) => !/Failed to load resource/.test(p)), []);
});
