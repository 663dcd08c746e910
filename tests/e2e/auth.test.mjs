/*
 * auth.test.mjs - signing in and account security in a real browser
 * against a real server on a fresh demo database: a user an admin created
 * must set a password of their own first (a too short one and a dictionary
 * word are refused in plain words by the field), a grid worker enrols a
 * second factor (TOTP, HMAC-SHA-256 per RFC 6238, codes computed here from
 * the secret the page shows) and is asked for the code at the next login (a
 * wrong one refused), a login blocked after too many failures shows the
 * wait, the admin's audit page lists all of it and lifts the block, and the
 * admin resets a second factor. A second server with
 * LIANXIN_TOTP_REQUIRED_ROLES=admin makes the admin enrol before anything
 * else. No page logs a script error or a CSP violation. Screenshots go to
 * tests/artifacts/ as auth-*.png.
 *
 * Run: node --test tests/e2e/auth.test.mjs   (make test-e2e runs it too)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, startBrowser, apiClient, shot, uiHelpers, screenshotOnFailure, PASSWORD, PHONE, DESKTOP } from './harness.mjs';

let server, browser, page, api, base, ui;
const NEW_USER = { login: 'lao_zhang', name: '张大爷', first: 'Chushi-mima-2026', mine: 'Menkou-dahuaishu-2026' };
const GW = 'gw_qiaotou';
const state = {};

before(async () => {
  server = await startServer();
  base = server.base;
  api = apiClient(base);
  browser = await startBrowser();
  page = browser.page;
  ui = uiHelpers(page, base);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const authTest = screenshotOnFailure(test, () => page, 'auth-');

/* ---------------- RFC 6238 with HMAC-SHA-256 ---------------- */

function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    acc = (acc << 5) | abc.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((acc >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);
function totp(secret, step = stepNow()) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha256', base32(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1000000).padStart(6, '0');
}
/* Six digits no step around now accepts. */
function wrongCode(secret) {
  const near = [-1, 0, 1, 2].map((d) => totp(secret, stepNow() + d));
  for (let n = 123456; ; n = (n + 111111) % 1000000) {
    const c = String(n).padStart(6, '0');
    if (!near.includes(c)) return c;
  }
}

/* ---------------- helpers ---------------- */

/* Raw login through the API: {status, body, retryAfter}. */
async function apiLogin(login, password, totpCode) {
  const r = await fetch(base + 'api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password, ...(totpCode ? { totp: totpCode } : {}) }),
  });
  return { status: r.status, body: await r.json().catch(() => null), retryAfter: r.headers.get('Retry-After') };
}

/* The login form, filled and sent from a fresh document (no waiting for
 * the shell: what comes next is the test's). */
async function submitLogin(login, password, viewport = PHONE) {
  await page.setViewportSize(viewport);
  await page.context().clearCookies();
  await page.goto('about:blank');
  await page.goto(base + '#/login');
  await page.locator('[data-test=login-name] input').fill(login);
  await page.locator('[data-test=login-password] input').fill(password);
  await page.locator('[data-test=login-submit]').click();
}

async function logoutInUi() {
  await ui.gotoHash('/me');
  await page.locator('[data-test=logout]').click();
  await ui.confirmDialog();
  await page.locator('[data-test=login-submit]').waitFor();
}

async function fillPasswords(old, neu, again = neu) {
  await page.locator('[data-test=pw-old] input').fill(old);
  await page.locator('[data-test=pw-new] input').fill(neu);
  await page.locator('[data-test=pw-new2] input').fill(again);
  await page.locator('[data-test=pw-submit]').click();
}
const fieldError = (name) => page.locator(`[data-test=${name}] .van-field__error-message`);

/* Enrols on the page shown (security page or gate): a wrong code first,
 * then the right one; returns {secret, step} (the step the server used). */
async function enrolInUi(prefix) {
  await page.locator('[data-test=totp-start]').click();
  const img = page.locator('[data-test=totp-qr]');
  await img.waitFor();
  /* the QR code is an <img> of a data: URL the CSP allows: it must draw */
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-test=totp-qr]');
    return i && i.complete && i.naturalWidth > 0;
  });
  assert.match(await img.getAttribute('src'), /^data:image\/svg\+xml/);
  const secret = await page.locator('[data-test=totp-secret]').getAttribute('data-secret');
  const shown = (await page.locator('[data-test=totp-secret]').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.equal(shown, secret.replace(/(.{4})(?=.)/g, '$1 '), 'the secret is shown in groups of four');
  /* on the phone itself: a link the authenticator app opens */
  assert.match(await page.locator('[data-test=totp-open]').getAttribute('href'), /^otpauth:\/\/totp\/.*secret=[A-Z2-7]+.*algorithm=SHA256/);
  assert.match(await page.locator('[data-test=totp-enroll]').textContent(), /SHA-256[\s\S]*SHA-1/);
  await shot(page, prefix + '-enrol-qr');
  await page.locator('[data-test=totp-code] input').fill(wrongCode(secret));
  await page.locator('[data-test=totp-confirm]').click();
  await fieldError('totp-code').waitFor();
  assert.match(await fieldError('totp-code').textContent(), /数字不对/);
  const step = stepNow();
  await page.locator('[data-test=totp-code] input').fill(totp(secret, step));
  await page.locator('[data-test=totp-confirm]').click();
  await ui.toast('动态口令已开启');
  return { secret, step };
}

/* ---------------- tests ---------------- */

authTest('a new user sets a password of their own first: a weak one is refused by the field, a good one reaches home', async () => {
  const unit = (await api.get('/units?boundary=false&limit=1', 'admin')).items[0];
  await api.post('/users', { login: NEW_USER.login, name: NEW_USER.name, password: NEW_USER.first, roles: ['volunteer'], unit_id: unit.id }, 'admin');
  /* the server lets the account do nothing else */
  const first = await apiLogin(NEW_USER.login, NEW_USER.first);
  assert.equal(first.status, 200);
  assert.equal(first.body.password_change_required, true);
  const r = await fetch(base + 'api/v1/cases', { headers: { Authorization: 'Bearer ' + first.body.token } });
  assert.equal(r.status, 403);
  assert.equal((await r.json()).error.code, 'password_change_required');

  await submitLogin(NEW_USER.login, NEW_USER.first);
  const gate = page.locator('[data-test=gate][data-gate=password]');
  await gate.waitFor();
  assert.match(await page.locator('[data-test=gate-title]').textContent(), /设置新密码/);
  assert.match(await gate.textContent(), /张大爷/);
  assert.equal(await page.locator('.lx-shell').count(), 0, 'no screen before the new password');
  await shot(page, 'auth-password-phone');

  /* too short: the page says the rule by the field */
  await fillPasswords(NEW_USER.first, 'abc123');
  await fieldError('pw-new').waitFor();
  assert.match(await fieldError('pw-new').textContent(), /至少要 8 个字符/);
  /* a dictionary word: the server's refusal, in Chinese, by the field */
  await fillPasswords(NEW_USER.first, 'password1');
  await page.waitForFunction(() => /太容易被猜到/.test(document.querySelector('[data-test=pw-new] .van-field__error-message')?.textContent || ''));
  /* the old password wrong */
  await fillPasswords('not-my-password', NEW_USER.mine);
  await page.waitForFunction(() => /原密码不对/.test(document.querySelector('[data-test=pw-old] .van-field__error-message')?.textContent || ''));
  /* typed differently twice */
  await fillPasswords(NEW_USER.first, NEW_USER.mine, NEW_USER.mine + 'x');
  assert.match(await fieldError('pw-new2').textContent(), /不一样/);
  await shot(page, 'auth-password-refused-phone');

  await fillPasswords(NEW_USER.first, NEW_USER.mine);
  await page.locator('.lx-shell').waitFor();
  await page.waitForFunction(() => location.hash.startsWith('#/desk'));
  await page.locator('.lx-topbar .van-nav-bar__title', { hasText: '上报' }).waitFor();
  await shot(page, 'auth-password-home-phone');

  assert.equal((await apiLogin(NEW_USER.login, NEW_USER.first)).status, 401, 'the first password is gone');
  const again = await apiLogin(NEW_USER.login, NEW_USER.mine);
  assert.equal(again.status, 200);
  assert.equal(again.body.password_change_required, false);
});

authTest('a grid worker enrols a second factor on 账号安全; the next login asks for the code, refuses a wrong one, takes the right one', async () => {
  await ui.login(GW);
  await ui.gotoHash('/me');
  assert.match(await page.locator('[data-test=me-totp]').textContent(), /未开启/);
  await page.locator('[data-nav=security]').click();
  await page.locator('[data-test=security-page]').waitFor();
  assert.equal(await page.locator('[data-test=totp-state]').getAttribute('data-on'), 'false');
  await shot(page, 'auth-security-phone');
  await page.locator('[data-test=totp-enable]').click();
  const { secret, step } = await enrolInUi('auth-security');
  await page.locator('[data-test=totp-state][data-on=true]').waitFor();
  await shot(page, 'auth-security-on-phone');
  assert.equal(await page.evaluate(() => fetch('api/v1/auth/me').then((r) => r.json()).then((j) => j.totp_enabled)), true);
  state.secret = secret;

  await logoutInUi();
  await submitLogin(GW, PASSWORD);
  await page.locator('[data-test=login-code]').waitFor();
  assert.match(await page.locator('[data-test=login-code-hint]').textContent(), /6 位数字/);
  await shot(page, 'auth-code-phone');
  await page.locator('[data-test=login-code] input').fill(wrongCode(secret));
  await page.locator('[data-test=login-submit]').click();
  await page.locator('[data-test=login-error]', { hasText: '动态口令不对' }).waitFor();
  assert.equal(await page.locator('.lx-shell').count(), 0);
  /* a code is good once: the next step's (the server takes one either side) */
  await page.locator('[data-test=login-code] input').fill(totp(secret, Math.max(stepNow(), step + 1)));
  await page.locator('[data-test=login-submit]').click();
  await page.locator('.lx-shell').waitFor();
  await page.waitForFunction(() => location.hash.startsWith('#/work'));

  /* on a desktop too */
  await page.setViewportSize(DESKTOP);
  await ui.gotoHash('/security');
  await page.locator('[data-test=totp-state][data-on=true]').waitFor();
  await shot(page, 'auth-security-desktop');
  await page.setViewportSize(PHONE);
});

authTest('a blocked login shows the wait; the audit page lists the logins and failures; the admin lifts the block and resets a second factor', async () => {
  /* ten wrong passwords from this address block the pair */
  for (let i = 0; i < 10; i++) assert.equal((await apiLogin(NEW_USER.login, 'wrong-' + i)).status, 401);
  const blocked = await apiLogin(NEW_USER.login, NEW_USER.mine);
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.retryAfter) > 0);
  await submitLogin(NEW_USER.login, NEW_USER.mine);
  const locked = page.locator('[data-test=login-locked]');
  await locked.waitFor();
  assert.match(await locked.textContent(), /输错次数太多[\s\S]*后再试/);
  assert.equal(await page.locator('[data-test=login-submit]').isDisabled(), true);
  await shot(page, 'auth-locked-phone');

  await ui.login('admin', DESKTOP);
  await ui.gotoHash('/admin?tab=audit');
  const list = page.locator('[data-test=audit-list]');
  await list.locator('[data-audit-id]').first().waitFor();
  const rows = async () => list.locator('[data-audit-id]').evaluateAll((els) => els.map((e) => ({
    kind: e.dataset.kind, login: e.dataset.login, text: e.textContent.replace(/\s+/g, ' ').trim(),
  })));
  let all = await rows();
  const has = (kind, login, re) => all.some((r) => r.kind === kind && r.login === login && (!re || re.test(r.text)));
  assert.ok(has('login', NEW_USER.login, /登录成功/), 'the new user\'s login');
  assert.ok(has('password_changed', NEW_USER.login, /本人修改密码/));
  assert.ok(has('user_created', NEW_USER.login, /新增用户/));
  assert.ok(has('login_failed', NEW_USER.login, /登录失败.*密码错误/));
  assert.ok(has('login_locked', NEW_USER.login, /登录被限制/));
  assert.ok(has('totp_enrolled', GW, /开启动态口令/));
  assert.ok(has('login_failed', GW, /动态口令错误/), 'the wrong code');
  assert.ok(has('login', GW));
  await shot(page, 'auth-audit-desktop');

  /* filters: one login, then one kind */
  await page.locator('[data-test=audit-login] input').fill(GW);
  await page.locator('[data-test=audit-search]').click();
  await ui.until(async () => { all = await rows(); return all.length && all.every((r) => r.login === GW); }, 'the login filter');
  await page.locator('[data-test=audit-kinds] [data-kind=login_failed]').click();
  await ui.until(async () => { all = await rows(); return all.length && all.every((r) => r.login === GW && r.kind === 'login_failed'); }, 'the kind filter');
  const api1 = await api.get('/audit?kind=login_failed&login=' + GW, 'admin');
  assert.equal(all.length, api1.items.length);
  await page.setViewportSize(PHONE);
  await shot(page, 'auth-audit-phone');
  await page.setViewportSize(DESKTOP);

  /* paging: the page asks for 50 at a time and follows next_before */
  const total = (await api.get('/audit?limit=500', 'admin')).items.length;
  for (let i = 0; total + i < 55; i++) await apiLogin('nobody-' + i, 'x'.repeat(8));
  await ui.gotoHash('/admin?tab=audit');
  await list.locator('[data-audit-id]').nth(49).waitFor();
  assert.equal(await list.locator('[data-audit-id]').count(), 50);
  await page.locator('[data-test=audit-more]').click();
  await list.locator('[data-audit-id]').nth(50).waitFor();
  const ids = await list.locator('[data-audit-id]').evaluateAll((els) => els.map((e) => Number(e.dataset.auditId)));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first, no repeats');
  assert.equal(new Set(ids).size, ids.length);

  /* 解除登录限制 on the users page */
  await ui.gotoHash('/admin?tab=users');
  await page.locator('[data-test=admin-users] .van-search input').fill(NEW_USER.login);
  await page.locator(`[data-test=admin-users] [data-login=${NEW_USER.login}]`).click();
  await page.locator('[data-test=user-security]').waitFor();
  await shot(page, 'auth-user-actions-desktop');
  await page.locator('[data-test=user-unlock]').click();
  await ui.toast('已解除');
  assert.equal((await apiLogin(NEW_USER.login, NEW_USER.mine)).status, 200, 'the block is lifted');
  await page.locator('.van-popup .van-popup__close-icon:visible').click();

  /* 重置动态口令, after a confirm dialog */
  await page.locator('[data-test=admin-users] .van-search input').fill(GW);
  await page.locator(`[data-test=admin-users] [data-login=${GW}]`).click();
  await page.locator('[data-test=user-totp-reset]').click();
  await page.locator('.van-dialog', { hasText: '重置' }).waitFor();
  await shot(page, 'auth-totp-reset-confirm-desktop');
  await ui.confirmDialog();
  await ui.toast('已重置');
  const plain = await apiLogin(GW, PASSWORD);
  assert.equal(plain.status, 200, 'the password alone lets the grid worker in again');

  await ui.gotoHash('/admin?tab=audit');
  await list.locator('[data-audit-id]').first().waitFor();
  all = await rows();
  assert.ok(has('unlock', NEW_USER.login, /解除登录限制/));
  assert.ok(has('totp_removed', GW, /重置动态口令.*管理员重置/));
});

authTest('no script errors or CSP violations on these pages', async () => {
  assert.deepEqual(browser.problems, []);
});

test('a server requiring a second factor of admins makes the admin enrol before anything else', async () => {
  const strict = await startServer({ env: { LIANXIN_TOTP_REQUIRED_ROLES: 'admin' } });
  const sapi = apiClient(strict.base);
  try {
    const r = await fetch(strict.base + 'api/v1/auth/login', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }),
    });
    const j = await r.json();
    assert.equal(j.totp_enrollment_required, true);
    const blocked = await fetch(strict.base + 'api/v1/cases', { headers: { Authorization: 'Bearer ' + j.token } });
    assert.equal((await blocked.json()).error.code, 'totp_enrollment_required');
    /* other roles are not asked */
    assert.equal((await sapi.get('/auth/me', 'dispatcher')).totp_enrollment_required, false);

    await page.context().clearCookies();
    await page.setViewportSize(DESKTOP);
    await page.goto('about:blank');
    await page.goto(strict.base + '#/cases');
    await page.locator('[data-test=login-name] input').fill('admin');
    await page.locator('[data-test=login-password] input').fill(PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=gate][data-gate=totp]').waitFor();
    assert.match(await page.locator('[data-test=gate-title]').textContent(), /绑定动态口令/);
    assert.equal(await page.locator('.lx-shell').count(), 0);
    await shot(page, 'auth-forced-totp-desktop');
    await page.setViewportSize(PHONE);
    await shot(page, 'auth-forced-totp-phone');
    const { secret, step } = await enrolInUi('auth-forced');
    /* on to the page asked for */
    await page.locator('.lx-shell').waitFor();
    await page.waitForFunction(() => location.hash.startsWith('#/cases'));
    await page.locator('[data-test=cases-list]').waitFor();

    /* the next login asks for the code */
    await page.context().clearCookies();
    await page.goto('about:blank');
    await page.goto(strict.base + '#/login');
    await page.locator('[data-test=login-name] input').fill('admin');
    await page.locator('[data-test=login-password] input').fill(PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('[data-test=login-code] input').fill(totp(secret, Math.max(stepNow(), step + 1)));
    await page.locator('[data-test=login-submit]').click();
    await page.locator('.lx-shell').waitFor();
    await page.waitForFunction(() => location.hash.startsWith('#/admin'));
    assert.deepEqual(browser.problems, []);
  } finally {
    await strict.stop();
  }
});
