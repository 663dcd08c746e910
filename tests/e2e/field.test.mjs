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
  await ui.login(WORKER, PHONE);
  await ui.gotoHash('/visits');
  const first = page.locator(`[data-test=due-item][data-plan="${plan.id}"]`).first();
  await first.waitFor();
  await page.locator('[data-test=gps-state][data-gps=ok]').waitFor();
  await shot(page, 'visits-due-phone');
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
  assert.equal(await page.locator(`[data-test=due-item][data-id="${targetId}"]`).count(), 0, 'the visited target left the list');
  await shot(page, 'visits-offline-pending-phone');
  await page.locator('[data-tab-title=outbox]').click();
  await page.locator(`[data-test=outbox-item][data-state=pending][data-uuid="${body.client_uuid}"]`).waitFor();

  // back online: it goes up by itself
  await context.setOffline(false);
  await page.locator(`[data-test=sent-item][data-uuid="${body.client_uuid}"]`).waitFor({ timeout: 15000 });
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
