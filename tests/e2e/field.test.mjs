/*
 * field.test.mjs - P9's screens in a real browser. The grid worker's phone
 * (390x844, touch, a GPS position): the due list is kept on the phone; a
 * visit filled and submitted with the network cut stays there as 待上传,
 * the app starts again without a network (the service worker's cache),
 * and once online the visit goes up by itself and is stored exactly once,
 * even when the same payload is sent again. A gas check answering 否 to
 * the pipe joints raises a hazard the result links to, the ledger lists
 * it with its owner and exports it. The registry: the full ID number only
 * after a reason, never for a leader. The import's dry run of a GBK CSV
 * names the bad row's line.
 *
 * The tests create what they need through the API (plans, a resident).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, unitIdLookup, PHONE, DESKTOP, ROOT,
} from './harness.mjs';

const WORKER = 'gw_qiaotou';
const PHOTO = path.join(ROOT, 'tests/e2e/fixtures/before.jpg');
const HERE = { latitude: 37.8608, longitude: 113.5632 }; // 桥头社区

let server, browser, page, context, api, base, ui, unitId;
const state = {};

before(async () => {
  server = await startServer();
  base = server.base;
  api = apiClient(base);
  unitId = unitIdLookup(api);
  browser = await startBrowser({ context: { isMobile: true, hasTouch: true, geolocation: HERE, permissions: ['geolocation'] } });
  page = browser.page;
  context = browser.context;
  ui = uiHelpers(page, base);
  state.me = await api.get('/auth/me', WORKER);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const uiTest = screenshotOnFailure(test, () => page, 'field-');

/* The current user's outbox entries as the phone keeps them (IndexedDB). */
const readOutbox = () => page.evaluate(() => new Promise((resolve, reject) => {
  const req = indexedDB.open('lianxin-field');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const d = req.result;
    if (!d.objectStoreNames.contains('outbox')) { resolve([]); return; }
    const r = d.transaction('outbox').objectStore('outbox').getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  };
}));

/* Every visit of a plan (following the cursor). */
async function visitsOf(planId) {
  const out = [];
  let cursor = '';
  for (;;) {
    const r = await api.get('/visits?plan_id=' + planId + (cursor ? '&cursor=' + cursor : ''), 'admin');
    out.push(...r.items);
    if (!r.next_cursor) return out;
    cursor = r.next_cursor;
  }
}

uiTest('the offline visit: kept on the phone, sent once when the network is back', async () => {
  const plan = await api.post('/visit-plans', {
    name: '天天敲门', form_id: 2, unit_id: state.me.unit_id, target: { kind: 'household' }, frequency: 'daily',
  }, 'admin');
  state.knock = plan;
  // a weekly plan whose visit to one household was refused two weeks ago: overdue since last week, with a written notice to deliver
  const weekly = await api.post('/visit-plans', {
    name: '每周探访', form_id: 2, unit_id: state.me.unit_id, target: { kind: 'household' }, frequency: 'weekly',
  }, 'admin');
  const due0 = await api.get('/visits/due', WORKER);
  const refusedAt = due0.items.find((i) => i.plan_id === weekly.id).target;
  const twoWeeksAgo = new Date(Date.now() - 14 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  await api.post('/visits', {
    plan_id: weekly.id, target: { kind: 'household', id: refusedAt.id }, outcome: 'refused', answers: {},
    client_uuid: '0f0e0d0c-0b0a-4908-8706-050403020100', visited_at: twoWeeksAgo,
  }, WORKER);
  // a 九小场所 with its position, a few hundred metres away
  const place = state.place = await api.post('/registry/places', {
    unit_id: await unitId('桥头社区第4网格'), type: 'small_venue', name: '桥头小吃店', address: '桥头社区南大街12号',
    lat: HERE.latitude + 0.003, lon: HERE.longitude,
  }, 'admin');
  const fire = state.fire = await api.post('/visit-plans', {
    name: '九小场所巡查', form_id: 1, unit_id: state.me.unit_id, target: { kind: 'place', type: 'small_venue' }, frequency: 'monthly',
  }, 'admin');

  await ui.login(WORKER, PHONE);
  await ui.gotoHash('/visits');
  const first = page.locator(`[data-test=due-item][data-plan="${plan.id}"]`).first();
  await first.waitFor();
  await page.locator('[data-test=gps-state][data-gps=ok]').waitFor();
  // overdue first (the demo may have its own plans too), with the badges; the place shows how far it is
  const top = page.locator(`[data-test=due-item][data-plan="${weekly.id}"][data-id="${refusedAt.id}"]`);
  await top.locator('[data-test=badge-overdue]').waitFor();
  const order = await page.locator('[data-test=due-item]').evaluateAll((els) => els.map((e) => !!e.querySelector('[data-test=badge-overdue]')));
  assert.ok(order[0] && order.indexOf(false) > 0 && !order.slice(order.indexOf(false)).includes(true), 'overdue first: ' + order.join(','));
  assert.match(await top.locator('[data-test=badge-notice]').textContent(), /书面告知/);
  const near = page.locator(`[data-test=due-item][data-plan="${fire.id}"][data-id="${place.id}"]`);
  assert.match(await near.locator('[data-test=distance]').textContent(), /^3\d\d m$/);
  await shot(page, 'visits-due-phone');
  // the refused one: its form says a written notice is due
  await top.click();
  await page.locator('[data-test=followup-notice]').waitFor();
  await page.goBack();
  await first.waitFor();
  // the list and the form it needs are on the phone now
  const kept = await page.evaluate((uid) => JSON.parse(localStorage.getItem('lx.field.due.' + uid)), state.me.id);
  assert.ok(kept.data.items.some((i) => i.plan_id === plan.id));
  const forms = await page.evaluate((uid) => JSON.parse(localStorage.getItem('lx.field.forms.' + uid)), state.me.id);
  assert.ok(forms.data['2'], 'the knock form is kept');

  // the service worker (the app registers it itself, but not under automation)
  await page.evaluate(async () => { await navigator.serviceWorker.register('sw.js'); await navigator.serviceWorker.ready; });
  await ui.until(() => page.evaluate(async () => {
    const name = (await caches.keys()).find((k) => k.startsWith('lianxin-static-'));
    const keys = name ? (await (await caches.open(name)).keys()).map((r) => r.url) : [];
    return keys.some((u) => u.endsWith('js/views/visit.js')) && keys.some((u) => u.endsWith('js/field.js')) && keys.some((u) => u.endsWith('/'));
  }), 'the shell in the cache', 15000);

  const targetId = Number(await first.getAttribute('data-id'));
  const targetName = (await first.locator('.lx-card-title').textContent()).trim();
  await first.click();
  const form = page.locator('[data-test=visit-form]');
  await form.locator('[data-question=seen_in_person]').waitFor();
  assert.equal(await page.locator('[data-test=visit-target]').textContent(), targetName);

  // the network goes
  await context.setOffline(true);
  await form.locator('[data-question=seen_in_person] [data-value=true]').click();
  await form.locator('[data-question=health] [data-value=good]').click();
  await form.locator('[data-question=food_ok] [data-value=true]').click();
  await form.locator('[data-question=home_safe] [data-value=true]').click();
  await form.locator('[data-question=notes] textarea').fill('老人精神很好，已提醒注意保暖。');
  assert.match(await page.locator('[data-test=visit-submit]').textContent(), /离线/);
  await shot(page, 'visit-form-offline-phone', { fullPage: true });
  await page.locator('[data-test=visit-submit]').click();
  await page.locator('[data-test=visit-result][data-kind=queued]').waitFor();
  assert.match(await page.locator('[data-test=visit-result]').textContent(), /待上传/);
  await shot(page, 'visit-queued-phone');

  const queued = await readOutbox();
  assert.equal(queued.length, 1);
  const body = queued[0].body;
  assert.equal(body.plan_id, plan.id);
  assert.deepEqual(body.target, { kind: 'household', id: targetId });
  assert.equal(body.outcome, 'home');
  assert.deepEqual(body.answers, { seen_in_person: true, health: 'good', food_ok: true, home_safe: true, notes: '老人精神很好，已提醒注意保暖。' });
  assert.match(body.client_uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(body.visited_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  assert.equal(body.form_version, 1);
  assert.equal(typeof body.lat, 'number');
  assert.equal((await visitsOf(plan.id)).length, 0, 'nothing reached the server');

  // the app starts again without a network: the service worker's cache and the kept due list
  await page.reload();
  await page.locator('[data-test=offline-bar]').waitFor();
  await ui.gotoHash('/visits');
  await page.locator('[data-test=pending-bar][data-pending="1"]').waitFor();
  await page.locator('[data-test=offline-banner]').waitFor();
  await page.locator('[data-test=due-item]').first().waitFor();
  assert.equal(await page.locator(`[data-test=due-item][data-plan="${plan.id}"][data-id="${targetId}"]`).count(), 0, 'the visited target left the list');
  await shot(page, 'visits-offline-pending-phone');
  await page.locator('[data-tab-title=outbox]').click();
  await page.locator(`[data-test=outbox-item][data-state=pending][data-uuid="${body.client_uuid}"]`).waitFor();

  // back online: it goes up by itself
  await context.setOffline(false);
  await page.locator(`[data-test=sent-item][data-uuid="${body.client_uuid}"]`).waitFor({ timeout: 45000 });
  await page.locator('[data-test=pending-bar]').waitFor({ state: 'detached' });
  assert.equal((await readOutbox()).length, 0);
  await shot(page, 'visits-sent-phone');
  let stored = (await visitsOf(plan.id)).filter((v) => v.client_uuid === body.client_uuid);
  assert.equal(stored.length, 1, 'stored once');
  assert.deepEqual(stored[0].answers, body.answers);
  assert.equal(stored[0].visited_at.slice(0, 16), body.visited_at.slice(0, 16));
  assert.equal(stored[0].target.id, targetId);

  // the same payload once more (a resend after a lost answer): 200, the stored visit, still one
  const again = await page.evaluate(async (b) => {
    const r = await fetch('api/v1/visits', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) });
    return { status: r.status, body: await r.json() };
  }, body);
  assert.equal(again.status, 200);
  assert.equal(again.body.id, stored[0].id);
  stored = (await visitsOf(plan.id)).filter((v) => v.client_uuid === body.client_uuid);
  assert.equal(stored.length, 1, 'still stored once');
});

/* The size of a photo blob the outbox keeps (0: none). */
const blobSize = (key) => page.evaluate((k) => new Promise((resolve, reject) => {
  const req = indexedDB.open('lianxin-field');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const r = req.result.transaction('blobs').objectStore('blobs').get(k);
    r.onsuccess = () => resolve(r.result ? r.result.size : 0);
    r.onerror = () => reject(r.error);
  };
}), key);

uiTest('a photo taken offline goes up before its visit; a visit the server refuses waits to be fixed or discarded', async () => {
  await ui.gotoHash('/visits');
  const item = page.locator(`[data-test=due-item][data-plan="${state.fire.id}"][data-id="${state.place.id}"]`);
  await item.waitFor();
  const knock = page.locator(`[data-test=due-item][data-plan="${state.knock.id}"]`).first();
  const movedId = Number(await knock.getAttribute('data-id'));
  await item.click();
  const form = page.locator('[data-test=visit-form]');
  await form.locator('[data-question=gas_kind]').waitFor();
  await context.setOffline(true);
  await form.locator('[data-question=gas_kind] [data-value=bottled]').click();
  for (const q of ['pipe_joints_ok', 'ventilation_ok', 'valve_ok', 'hose_ok', 'alarm_installed'])
    await form.locator(`[data-question=${q}] [data-value=true]`).click();
  assert.equal(await form.locator('[data-question=meter_ok]').count(), 0, 'bottled gas has no meter');
  await form.locator('[data-question=hose_age_years] input').fill('5');
  await form.locator('[data-question=hose_age_years] [data-test=hazard-preview]').waitFor();
  await form.locator('[data-question=appliance_age_years] input').fill('1');
  await form.locator('[data-question=photo] [data-test=photo-input]').setInputFiles(PHOTO);
  await form.locator('[data-question=photo] [data-test=photo-thumb] img').waitFor();
  await page.locator('[data-test=visit-submit]').click();
  await page.locator('[data-test=visit-result][data-kind=queued]').waitFor();
  const [entry] = await readOutbox();
  assert.ok(entry.photos.photo.key, 'the photo waits as a blob');
  assert.equal('photo' in entry.body.answers, false);
  assert.ok(await blobSize(entry.photos.photo.key) > 0);

  // a second visit, to a household that then moves out of the worker's grids
  await page.locator('[data-test=visit-back]').click();
  await page.locator(`[data-test=due-item][data-plan="${state.knock.id}"][data-id="${movedId}"]`).click();
  await page.locator('[data-test=outcome] [data-outcome=not_home]').click();
  assert.equal(await page.locator('[data-test=visit-form]').count(), 0, 'not at home: no questions');
  await page.locator('[data-test=visit-submit]').click();
  await page.locator('[data-test=visit-result][data-kind=queued]').waitFor();
  assert.equal((await readOutbox()).length, 2);
  await api.patch('/registry/households/' + movedId, { unit_id: await unitId('蔡洼社区第1网格') }, 'admin');

  await page.locator('[data-test=visit-back]').click();
  await page.locator('[data-test=pending-bar][data-pending="2"]').waitFor();
  await context.setOffline(false);
  // sent on the 'online' event, or at the next retry (every 20 s) when that first send
  // met the network still waking up: CI saw it once
  await page.locator('[data-test=pending-bar][data-pending="0"][data-failed="1"]').waitFor({ timeout: 45000 });
  // the photo went first, its id is the answer, and the hazard carries it
  const [v] = await visitsOf(state.fire.id);
  assert.equal(typeof v.answers.photo, 'number');
  assert.equal(v.answers.hose_age_years, 5);
  const hz = (await api.get('/visits/' + v.id, 'admin')).hazards;
  assert.equal(hz.length, 1, 'a hose older than 2 years');
  const ledger = (await api.get('/hazards', 'admin')).items.find((x) => x.case_id === hz[0]);
  assert.deepEqual(ledger.photos, [v.answers.photo]);
  assert.equal(await blobSize(entry.photos.photo.key), 0, 'the blob is gone once sent');
  // the refused one stays, with the server's words, to fix or discard
  await page.locator('[data-tab-title=outbox]').click();
  const failed = page.locator('[data-test=outbox-item][data-state=failed]');
  await failed.waitFor();
  assert.match(await failed.locator('[data-test=outbox-error]').textContent(), /scope|target/);
  assert.equal((await visitsOf(state.knock.id)).filter((x) => x.target.id === movedId).length, 0);
  await shot(page, 'outbox-refused-phone');
  await failed.locator('[data-test=outbox-fix]').click();
  await page.locator('[data-test=edit-banner]').waitFor();
  await page.locator('[data-test=visit-discard]').click();
  await ui.confirmDialog();
  await page.locator('[data-test=outbox]').waitFor();
  await ui.until(async () => (await readOutbox()).length === 0, 'the outbox empty');
});

uiTest('a gas check: 否 to the pipe joints raises a hazard; the ledger lists it with its owner and exports it', async () => {
  const plan = await api.post('/visit-plans', {
    name: '冬季燃气安全入户检查', form_id: 1, unit_id: state.me.unit_id, target: { kind: 'household' }, frequency: 'once',
  }, 'admin');
  await ui.login(WORKER, PHONE);
  await ui.gotoHash('/visits');
  const item = page.locator(`[data-test=due-item][data-plan="${plan.id}"]`).first();
  await item.waitFor();
  const targetId = Number(await item.getAttribute('data-id'));
  const owner = (await item.locator('.lx-card-title').textContent()).trim();
  await item.click();
  const form = page.locator('[data-test=visit-form]');
  await form.locator('[data-question=gas_kind]').waitFor();
  // nothing answered: the required ones say so, nothing is sent
  await page.locator('[data-test=visit-submit]').click();
  await form.locator('[data-question=gas_kind] [data-test=question-error]').waitFor();
  assert.match(await form.locator('[data-question=gas_kind] [data-test=question-error]').textContent(), /必填/);
  // relevance: pipeline shows the meter, hides the hose
  await form.locator('[data-question=gas_kind] [data-value=pipeline]').click();
  await form.locator('[data-question=meter_ok]').waitFor();
  assert.equal(await form.locator('[data-question=hose_ok]').count(), 0);
  await form.locator('[data-question=pipe_joints_ok] [data-value=false]').click();
  await form.locator('[data-question=pipe_joints_ok] [data-test=hazard-preview]').waitFor();
  assert.match(await form.locator('[data-question=pipe_joints_ok] [data-test=hazard-preview]').textContent(), /燃气管道接口漏气/);
  for (const q of ['meter_ok', 'ventilation_ok', 'valve_ok', 'alarm_installed'])
    await form.locator(`[data-question=${q}] [data-value=true]`).click();
  // a number out of range is refused on the spot
  const age = form.locator('[data-question=appliance_age_years] input');
  await age.fill('60');
  await form.locator('[data-question=appliance_age_years] [data-test=question-error]').waitFor();
  await age.fill('3');
  await form.locator('[data-question=appliance_age_years] [data-test=question-error]').waitFor({ state: 'detached' });
  await form.locator('[data-question=photo] [data-test=photo-input]').setInputFiles(PHOTO);
  await form.locator('[data-question=photo] [data-test=photo-thumb] img').waitFor();
  await shot(page, 'visit-gas-form-phone', { fullPage: true });
  await page.locator('[data-test=visit-submit]').click();
  const result = page.locator('[data-test=visit-result][data-kind=sent]');
  await result.waitFor();
  const link = result.locator('[data-test=visit-hazards] a[data-case-id]');
  await link.first().waitFor();
  assert.equal(await link.count(), 1);
  const caseId = Number(await link.first().getAttribute('data-case-id'));
  await result.locator('.lx-num', { hasText: /^\d{14}$/ }).waitFor(); // the case number arrived
  await shot(page, 'visit-hazard-result-phone');

  const visits = await visitsOf(plan.id);
  assert.equal(visits.length, 1);
  assert.equal(visits[0].answers.pipe_joints_ok, false);
  assert.equal(typeof visits[0].answers.photo, 'number', 'the photo went up first; its id is the answer');
  assert.equal('hose_ok' in visits[0].answers, false);
  // (the list's items carry "hazards": [] always; the visit itself names them)
  assert.deepEqual((await api.get('/visits/' + visits[0].id, 'admin')).hazards, [caseId]);
  const ledger = await api.get('/hazards', 'admin');
  const h = ledger.items.find((x) => x.case_id === caseId);
  assert.ok(h, 'in the ledger');
  assert.equal(h.owner, owner);
  assert.equal(h.target.id, targetId);
  // the link opens the case, where 复查 is done
  await link.first().click();
  await page.locator('[data-test=case-page]').waitFor();

  // the ledger on a desk: the row with its owner, and the workbook
  await ui.login('dispatcher', DESKTOP);
  await ui.gotoHash('/hazards');
  const row = page.locator(`[data-test=hazards-table] [data-test=hazard-row][data-case-id="${caseId}"]`);
  await row.waitFor();
  assert.equal((await row.locator('[data-test=hazard-owner]').textContent()).trim(), owner);
  await page.locator('[data-test=hazards-overdue]').click();
  await page.waitForFunction(() => location.hash.includes('overdue=true'));
  await page.locator('[data-test=hazards-overdue]').click();
  await row.waitFor();
  await shot(page, 'hazards-desktop');
  const href = await page.locator('[data-test=hazards-export]').getAttribute('href');
  assert.match(href, /api\/v1\/hazards\/export\.xlsx/);
  const got = await page.evaluate((u) => fetch(u).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength })), href);
  assert.equal(got.status, 200);
  assert.equal(got.type, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.ok(got.size > 1000);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=hazards-export]').click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  // the phone's list too
  await page.setViewportSize(PHONE);
  await ui.gotoHash('/hazards?status=');
  await page.locator(`[data-test=hazards-list] [data-case-id="${caseId}"]`).waitFor();
  await shot(page, 'hazards-phone');
});

/* An ID number with a valid GB 11643 check character. */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

uiTest('the registry: the full ID number only after a reason; a leader is refused', async () => {
  const grid = await unitId('桥头社区第4网格');
  const idn = idNumber('14030319500101123');
  const r = await api.post('/registry/residents', {
    name: '郝秀英', unit_id: grid, id_number: idn, phone: '13912345678', tags: ['独居老人', '高龄'],
  }, 'admin');
  await ui.login('admin', DESKTOP);
  await ui.gotoHash('/registry?q=郝秀英');
  const card = page.locator(`[data-test=registry-list] [data-id="${r.id}"]`);
  await card.waitFor();
  assert.match(await card.textContent(), /139\*\*\*\*5678/);
  assert.ok(await page.locator('[data-test=tag-filter] .lx-sensitive').count() > 0, 'sensitive tags are marked');
  await card.click();
  const idEl = page.locator('[data-test=id-number]');
  await idEl.waitFor();
  assert.notEqual((await idEl.textContent()).trim(), idn);
  assert.match(await idEl.textContent(), /\*/);
  await page.locator('[data-test=unmask]').click();
  const dialog = page.locator('[data-test=unmask-dialog]');
  await dialog.waitFor();
  await page.locator('.van-dialog__confirm:visible').click();
  await dialog.locator('[data-test=unmask-error]').waitFor();
  assert.match(await dialog.locator('[data-test=unmask-error]').textContent(), /事由/);
  await dialog.locator('[data-test=unmask-reason] textarea').fill('入户核实高龄补贴信息');
  await page.locator('.van-dialog__confirm:visible').click();
  await page.locator('[data-test=unmask-note]').waitFor();
  assert.equal((await idEl.textContent()).trim(), idn);
  assert.equal((await page.locator('[data-test=phone]').textContent()).trim(), '13912345678');
  assert.match(await page.locator('[data-test=unmask-note]').textContent(), /审计/);
  await shot(page, 'resident-unmasked-desktop');
  const audit = await api.get('/audit?kind=unmasked_read', 'admin');
  assert.ok(audit.items.length >= 1, 'the read is in the audit log');

  // edit with the version read: the phone field starts empty (masked values never go back)
  await page.locator('[data-test=record-edit]').click();
  const nameField = page.locator('[data-test=record-form] [data-field=name] input');
  await nameField.fill('郝秀英（更正）');
  await page.locator('[data-test=record-save]').click();
  await page.locator('[data-test=record-title]', { hasText: '郝秀英（更正）' }).waitFor();
  const after = await api.get('/registry/residents/' + r.id + '/unmasked?reason=e2e', 'admin');
  assert.equal(after.phone, '13912345678');
  assert.equal(after.version, r.version + 1);
  // someone else saves first: 409 is said as such
  await page.locator('[data-test=record-edit]').click();
  await api.patch('/registry/residents/' + r.id, { name: '郝秀英', version: after.version }, 'admin');
  await nameField.fill('郝秀英（再改）');
  await page.locator('[data-test=record-save]').click();
  await page.locator('.van-dialog', { hasText: '已被他人修改' }).waitFor();
  await page.locator('.van-dialog__confirm:visible').click();
  await page.locator('[data-test=record-title]', { hasText: /^郝秀英$/ }).waitFor();

  // her 代理儿女, chosen among the area's volunteers, and the daily "I'm fine"
  const vols = (await api.get('/registry/volunteers', 'admin')).items;
  assert.ok(vols.length >= 2, 'the demo has volunteers');
  await page.locator('[data-test=record-edit]').click();
  await page.locator('[data-test=carer-add]').click();
  await page.locator('.van-action-sheet__item:visible').first().click();
  await page.locator('[data-field=carers] [data-carer]').first().waitFor();
  await page.locator('[data-test=carer-add]').click();
  await page.locator('.van-action-sheet__item:visible').first().click();
  await page.waitForFunction(() => document.querySelectorAll('[data-field=carers] [data-carer]').length === 2);
  const chosen = await page.locator('[data-field=carers] [data-carer]').evaluateAll((els) => els.map((e) => Number(e.dataset.carer)));
  await page.locator('[data-field=carers] [data-carer] button').nth(1).click(); // the second one up: order matters
  await page.locator('[data-field=daily_check] .van-switch').click();
  await page.locator('[data-test=record-save]').click();
  await page.locator('[data-test=carers]', { hasText: '2.' }).waitFor();
  const withCarers = await api.get('/registry/residents/' + r.id, 'admin');
  assert.deepEqual(withCarers.carers, [chosen[1], chosen[0]]);
  assert.equal(withCarers.daily_check, true);
  assert.match(await page.locator('[data-test=daily-check]').textContent(), /自\d{4}-\d\d-\d\d起/);

  // a household moves to another grid
  const hh = await api.post('/registry/households', { unit_id: grid, address: '桥头社区99号楼1单元101室', members: 2 }, 'admin');
  await ui.gotoHash('/registry/households/' + hh.id);
  await page.locator('[data-test=moves]').waitFor();
  await page.locator('[data-test=move]').click();
  await page.locator('[data-test=move-unit]').click();
  await page.locator('[data-test=unit-search] input').fill('桥头社区第3网格');
  await page.locator('[data-test=unit-picker] [data-unit-name="桥头社区第3网格"]').click();
  await page.locator('.van-dialog__confirm:visible').click();
  await page.locator('[data-test=move-row]').waitFor();
  assert.match(await page.locator('[data-test=move-row]').textContent(), /桥头社区第4网格 → 桥头社区第3网格/);
  assert.equal((await api.get('/registry/households/' + hh.id, 'admin')).unit_id, await unitId('桥头社区第3网格'));
  await shot(page, 'household-moved-desktop');

  // a leader may read the registry, not unmask it: the 403 is shown
  await ui.login('leader', PHONE);
  await ui.gotoHash('/registry/residents/' + r.id);
  await page.locator('[data-test=unmask]').click();
  await page.locator('[data-test=unmask-reason] textarea').fill('了解情况');
  await page.locator('.van-dialog__confirm:visible').click();
  await page.locator('[data-test=unmask-error]', { hasText: '403' }).waitFor();
  assert.match(await page.locator('[data-test=unmask-error]').textContent(), /没有查看完整信息的权限/);
  assert.match(await idEl.textContent(), /\*/);
  assert.equal(await page.locator('[data-test=record-edit]').count(), 0, 'leaders do not edit');
  await shot(page, 'resident-unmask-refused-phone');
});

uiTest('import: the dry run of a GBK CSV names the bad row by its line', async () => {
  const grid = await api.get('/units/' + (await unitId('桥头社区第4网格')), 'admin');
  const csv = '姓名,性别,出生日期,手机,身份证号,标签,家庭住址,网格编码\n'
    + `张桂兰,女,1948-03-02,13800138000,,独居老人,桥头社区1号楼1单元101室,${grid.code}\n`
    + `李德福,男,1951-02-02,12,,,桥头社区1号楼1单元101室,${grid.code}\n`;
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: csv });
  await ui.login('admin', DESKTOP);
  await ui.gotoHash('/registry-import');
  await page.locator('[data-test=import-kind] [data-kind=residents]').click();
  await page.locator('[data-test=import-input]').setInputFiles({ name: '居民登记.csv', mimeType: 'application/vnd.ms-excel', buffer: gbk });
  await page.locator('[data-test=import-check]').click();
  const res = page.locator('[data-test=import-result][data-dry=true]');
  await res.waitFor();
  assert.equal((await res.locator('[data-test=import-created]').textContent()).trim(), '1');
  const bad = res.locator('[data-test=import-errors] tr[data-line="3"]');
  await bad.waitFor();
  assert.match(await bad.textContent(), /phone/);
  assert.equal(await res.locator('[data-test=import-errors] tbody tr').count(), 1);
  assert.ok(await page.locator('[data-test=import-commit]').isDisabled(), 'nothing to commit with a bad row');
  await shot(page, 'import-dry-run-desktop');
  // the fixed file imports
  const fixed = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: csv.replace(',12,', ',13700137000,') });
  await page.locator('[data-test=import-input]').setInputFiles({ name: '居民登记.csv', mimeType: 'text/csv', buffer: fixed });
  await page.locator('[data-test=import-check]').click();
  await page.locator('[data-test=import-result][data-dry=true][data-errors="0"]').waitFor();
  await page.locator('[data-test=import-commit]').click();
  await page.locator('.van-dialog__confirm:visible').click();
  await page.locator('[data-test=import-result][data-dry=false]').waitFor();
  const found = await api.get('/registry/residents?q=' + encodeURIComponent('李德福'), 'admin');
  assert.equal(found.items.length, 1);
});

uiTest('plans, coverage and the form editor (admin)', async () => {
  await ui.login('admin', DESKTOP);
  await ui.gotoHash('/plans');
  await page.locator('[data-test=plan-create]').click();
  const pf = page.locator('[data-test=plan-form]');
  await pf.waitFor();
  await pf.locator('[data-field=name] input').fill('九小场所消防检查');
  await pf.locator('[data-form-id="1"]').click();
  await pf.locator('[data-field=unit_id]').click();
  await page.locator('[data-test=unit-search] input').fill('桥头社区');
  await page.locator('[data-test=unit-picker] [data-unit-name="桥头社区"]').first().click();
  await pf.locator('[data-kind=resident]').click();
  await pf.locator('[data-tag=独居老人]').click();
  await pf.locator('[data-freq=every_n_months]').click();
  await pf.locator('[data-field=workers]').click();
  await page.locator('[data-test=plan-workers] .van-search input').fill('桥头');
  await page.locator('[data-test=plan-workers] [data-user-id]').first().click();
  await page.locator('[data-test=plan-workers] .lx-picker-foot button').click();
  await shot(page, 'plan-create-desktop');
  await pf.locator('[data-test=plan-save]').click();
  await pf.waitFor({ state: 'hidden' });
  const plans = (await api.get('/visit-plans', 'admin')).items;
  const made = plans.find((p) => p.name === '九小场所消防检查');
  assert.ok(made);
  assert.deepEqual(made.target, { kind: 'resident', tag: '独居老人', type: null });
  assert.equal(made.frequency, 'every_n_months');
  assert.equal(made.n, 2);
  assert.equal(made.workers.length, 1);
  await page.locator(`[data-test=plans-list] [data-plan-id="${made.id}"]`).waitFor();

  // coverage: equal to the API, drilling down a unit
  await ui.gotoHash('/coverage');
  const cov = await api.get('/visits/coverage', 'admin');
  await page.locator('[data-test=coverage-chart] canvas').waitFor();
  const num = async (sel) => Number((await page.locator(sel).textContent()).replace(/[,\s]/g, ''));
  assert.equal(await num('[data-test=cov-due]'), cov.due);
  assert.equal(await num('[data-test=cov-done]'), cov.done);
  const top = cov.by_unit[0];
  await page.locator(`[data-test=coverage-units] [data-unit-id="${top.unit_id}"]`).click();
  await page.waitForFunction((id) => document.querySelector('[data-test=coverage]').dataset.query.includes('unit_id=' + id), top.unit_id);
  const down = await api.get('/visits/coverage?unit_id=' + top.unit_id, 'admin');
  await page.locator('[data-test=coverage-units] tbody tr').first().waitFor();
  assert.equal(await page.locator('[data-test=coverage-units] tbody tr').count(), down.by_unit.length);
  await page.locator('[data-test=coverage-workers] tbody tr').first().waitFor();
  await shot(page, 'coverage-desktop');

  // the form editor: a label changed is a new version; a bad relevant is shown on its question
  await ui.gotoHash('/forms');
  await page.locator('[data-test=forms-list] [data-form-id="2"]').click();
  await page.locator('[data-test=form-editor] [data-test=fe-question]').first().waitFor();
  const v0 = Number(await page.locator('[data-test=form-version]').getAttribute('data-version'));
  const q2 = page.locator('[data-test=fe-question][data-index="1"]');
  await q2.locator('.lx-fe-head').click();
  await q2.locator('[data-field=relevant] input').fill('seen_in_person == 3');
  await page.locator('[data-test=fe-save]').click();
  await q2.locator('[data-test=fe-server-error]').waitFor();
  assert.match(await q2.locator('[data-test=fe-server-error]').textContent(), /seen_in_person/);
  await shot(page, 'form-editor-error-desktop');
  await q2.locator('[data-field=relevant] input').fill('seen_in_person == true');
  await q2.locator('[data-field=label] input').fill('身体状况（当面查看）');
  await page.locator('[data-test=fe-save]').click();
  await page.locator(`[data-test=form-version][data-version="${v0 + 1}"]`).waitFor();
  const f = await api.get('/forms/2', 'admin');
  assert.equal(f.version, v0 + 1);
  assert.equal(f.questions[1].relevant, 'seen_in_person == true');
  assert.equal(f.questions[1].label, '身体状况（当面查看）');
  // the preview follows the relevance
  await page.locator('[data-test=fe-preview]').click();
  const pv = page.locator('[data-test=fe-preview-popup]');
  await pv.locator('[data-question=seen_in_person]').waitFor();
  assert.equal(await pv.locator('[data-question=health]').count(), 0);
  await pv.locator('[data-question=seen_in_person] [data-value=true]').click();
  await pv.locator('[data-question=health]').waitFor();
});

uiTest('no script errors on the field screens', async () => {
  /* the offline test makes the browser report failed loads; those are expected */
  const real = browser.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(p));
  assert.deepEqual(real, []);
});
