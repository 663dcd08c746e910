/*
 * harness.mjs - what the browser tests stand on: a real `lianxin serve` on
 * a fresh demo database in a temporary directory and a free loopback port,
 * Debian's Chromium driven by playwright-core with a fresh profile, a small
 * API client for setting up and checking, and screenshots saved to
 * tests/artifacts/.
 *
 * LIANXIN_BIN names the binary (default build/lianxin); CHROMIUM the browser
 * (default /usr/bin/chromium).
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.LIANXIN_BIN || path.join(ROOT, 'build', 'lianxin');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'tests', 'artifacts');
export const PASSWORD = 'lianxin2026';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1366, height: 900 };

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/* Starts a server on a fresh demo database; returns {base, stop, log}.
 * opts.env: more environment for `lianxin serve` (LIANXIN_* settings). */
export async function startServer(opts = {}) {
  for (const f of ['vue.esm-browser.prod.js', 'vant.min.js', 'vant.css', 'echarts.common.min.js']) {
    if (!fs.existsSync(path.join(ROOT, 'web', 'vendor', f)))
      throw new Error('web/vendor/' + f + ' is missing: run `make web` (npm ci + scripts/web-vendor.sh)');
  }
  if (!fs.existsSync(BIN)) throw new Error(BIN + ' is missing: run `make`');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-e2e-'));
  const db = path.join(dir, 'demo.db');
  execFileSync(BIN, ['demo', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120000 });
  const port = await freePort();
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'w');
  const proc = spawn(BIN, ['serve', '--db', db, '--port', String(port), '--bind', '127.0.0.1', '--web-root', path.join(ROOT, 'web')],
    { stdio: ['ignore', log, log], env: { ...process.env, LIANXIN_SWEEP_MS: '500', ...(opts.env || {}) } });
  const base = 'http://127.0.0.1:' + port + '/';
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const r = await fetch(base + 'healthz');
      if (r.ok) break;
    } catch { /* not yet */ }
    if (proc.exitCode !== null || Date.now() > deadline)
      throw new Error('server did not start: ' + fs.readFileSync(logPath, 'utf8').slice(-2000));
    await new Promise((r) => setTimeout(r, 50));
  }
  async function stop() {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => { proc.once('exit', r); setTimeout(r, 10000); });
    }
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { base, stop, logPath, dir };
}

/* A tiny JSON client with per-login tokens (for set-up and checks). */
export function apiClient(base) {
  const tokens = {};
  async function call(method, p, body, who) {
    const headers = { 'Content-Type': 'application/json' };
    if (who) headers.Authorization = 'Bearer ' + (await token(who));
    const r = await fetch(base + 'api/v1' + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (!r.ok) {
      const e = new Error(method + ' ' + p + ' -> ' + r.status + ' ' + text);
      e.status = r.status;
      e.body = json;
      throw e;
    }
    return json;
  }
  async function token(who) {
    if (!tokens[who]) {
      const r = await fetch(base + 'api/v1/auth/login', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: who, password: PASSWORD }),
      });
      if (!r.ok) throw new Error('login ' + who + ': ' + r.status);
      tokens[who] = (await r.json()).token;
    }
    return tokens[who];
  }
  return {
    get: (p, who) => call('GET', p, undefined, who),
    post: (p, body, who) => call('POST', p, body || {}, who),
    patch: (p, body, who) => call('PATCH', p, body, who),
    put: (p, body, who) => call('PUT', p, body, who),
  };
}

/* Every quoted occurrence ('w', "w" or `w`) of one of words in the
 * source text src: [{line (1-based), word, text (the line, trimmed)}]. */
export function quotedWords(src, words) {
  const out = [];
  src.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/(['"`])([a-z0-9_]+)\1/g)) {
      if (words.has(m[2])) out.push({ line: i + 1, word: m[2], text: text.trim() });
    }
  });
  return out;
}

/* The .js files under dir, recursively, but for the directories named in
 * skip; paths relative to dir. */
export function jsFiles(dir, skip = []) {
  const out = [];
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { if (!skip.includes(e.name)) walk(p); } else if (e.name.endsWith('.js')) out.push(path.relative(dir, p));
  });
  walk(dir);
  return out.sort();
}

/* Chromium with a fresh profile (launchPersistentContext owns --user-data-dir).
 * opts.context: more context options (say isMobile and hasTouch for a phone). */
export async function startBrowser(opts = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--font-render-hinting=none'],
    viewport: PHONE,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    deviceScaleFactor: 1,
    ...(opts.context || {}),
  });
  context.setDefaultTimeout(10000);
  const page = context.pages()[0] || await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push('console: ' + m.text());
  });
  async function close() {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { context, page, problems, close };
}

let shotNo = 0;
/* Saves a screenshot as tests/artifacts/NN-name.png; returns the path. */
export async function shot(page, name, opts = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  shotNo++;
  const file = path.join(ARTIFACTS, String(shotNo).padStart(2, '0') + '-' + name + '.png');
  await page.screenshot({ path: file, fullPage: !!opts.fullPage, animations: 'disabled' });
  return file;
}

/* A node:test `test` that leaves a screenshot of the page when the test
 * fails; page() gives the page of the moment (none before the browser). */
export function screenshotOnFailure(test, page, prefix = '') {
  return (name, fn) => test(name, async () => {
    try {
      await fn();
    } catch (e) {
      const p = page();
      if (p) await shot(p, prefix + 'FAIL-' + name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)).catch(() => null);
      throw e;
    }
  });
}

/* A demo unit's id by name (the demo's ids are not part of any contract):
 * returns an async lookup that reads the units once through api. */
export function unitIdLookup(api) {
  let byName = null;
  return async (name) => {
    if (!byName) {
      const r = await api.get('/units?boundary=false', 'admin');
      byName = new Map(r.items.map((u) => [u.name, u.id]));
    }
    if (!byName.has(name)) throw new Error('no unit ' + name);
    return byName.get(name);
  };
}

/*
 * The screens' common moves, for a page on server base: log in (a fresh
 * document, the viewport given), go to a hash, wait for a toast, confirm a
 * dialog, open an action's form from the case page's bar (or its 更多
 * sheet), and poll a condition until it holds.
 */
export function uiHelpers(page, base) {
  async function login(who, viewport = PHONE) {
    await page.setViewportSize(viewport);
    if (page.url().startsWith(base))
      await page.evaluate(() => fetch('api/v1/auth/logout', { method: 'POST' }).catch(() => null));
    await page.goto('about:blank');
    await page.goto(base + '#/login');
    await page.locator('[data-test=login-name] input').fill(who);
    await page.locator('[data-test=login-password] input').fill(PASSWORD);
    await page.locator('[data-test=login-submit]').click();
    await page.locator('.lx-shell').waitFor();
    await page.waitForFunction(() => !location.hash.startsWith('#/login'));
  }
  const gotoHash = (hash) => page.goto(base + '#' + hash);
  const toast = (text) => page.locator('.van-toast', { hasText: text }).first().waitFor();
  const confirmDialog = () => page.locator('.van-dialog__confirm:visible').first().click();
  async function action(a) {
    await page.locator('[data-test=actions]').waitFor();
    const btn = page.locator(`[data-test=actions] [data-action=${a}]`);
    if (await btn.count()) await btn.click();
    else {
      await page.locator('[data-test=more-actions]').click();
      await page.locator(`.van-action-sheet .lx-act-${a}`).click();
    }
    await page.locator(`[data-test=action-popup][data-act=${a}]`).waitFor();
  }
  async function submitAction() {
    await page.locator('[data-test=action-submit]:visible').click();
    await page.locator('[data-test=action-popup]').waitFor({ state: 'hidden' });
  }
  /* Polls fn (async) until it returns a truthy value; returns it. */
  async function until(fn, what = 'condition', ms = 8000) {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error('timed out waiting for ' + what);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return { login, gotoHash, toast, confirmDialog, action, submitAction, until };
}

/*
 * An SMS gateway on 127.0.0.1 for `lianxin serve` (LIANXIN_SMS_URL): it
 * records every JSON post ({to, text, id}) and answers 200. Returns {url
 * (of /sms), texts (the bodies, in order), codeFor(phone, after) (the
 * 6-digit code of the first text to phone past the first `after` ones,
 * waited for), close}. env() is what startServer's opts.env needs.
 */
export async function smsGateway() {
  const http = await import('node:http');
  const texts = [];
  const srv = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try { texts.push(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch { texts.push({ raw: Buffer.concat(chunks).toString('utf8') }); }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
      res.end('{}');
    });
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const url = 'http://127.0.0.1:' + srv.address().port + '/sms';
  const to = (phone) => texts.filter((t) => t.to === phone);
  async function codeFor(phone, after = 0, ms = 15000) {
    const end = Date.now() + ms;
    for (;;) {
      const mine = to(phone).slice(after);
      const m = mine.map((t) => /(\d{6})/.exec(t.text || '')).find(Boolean);
      if (m) return m[1];
      if (Date.now() > end) throw new Error('no code texted to ' + phone + ': ' + JSON.stringify(texts.slice(-3)));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const env = () => ({ LIANXIN_SMS_URL: url, LIANXIN_WEBHOOK_URL: '', LIANXIN_NOTIFY_RETRY_MS: '100', LIANXIN_NOTIFY_POLL_MS: '50' });
  const close = () => new Promise((resolve) => { srv.closeAllConnections?.(); srv.close(() => resolve()); });
  return { url, texts, to, codeFor, env, close };
}
