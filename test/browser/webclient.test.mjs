// Browser test of parley's built-in web client (static/), driving Debian's chromium through
// playwright-core. Two users in two browser contexts go through what a newcomer does in the
// first minutes: sign up, a private channel and an invitation, chat both ways with typing,
// presence and read markers, unread badges, a direct message found by user search, a random
// match, an image pasted and a file uploaded with a progress bar, a server restart in the middle
// of a conversation (nothing lost, nothing doubled), XSS payloads shown as text, the 375 px
// layout, token renewal, and screenshots.
//
//   cd test/browser && npm install --no-audit --no-fund && node webclient.test.mjs
//
// PARLEY_BINARY          server binary (default ../../build/parley)
// PARLEY_TEST_STATIC_DIR serve this directory instead of the client built into the binary
//                        (e.g. ../../static while working on the client without rebuilding)
// PARLEY_SCREENSHOT_DIR  where screenshots go (default ./screenshots)
// PARLEY_CHROMIUM        browser binary (default /usr/bin/chromium)
// PARLEY_SKIP_RENEWAL=1  skip the token-renewal phase (it waits ~25 s for a token to expire)
// PARLEY_INJECT_CSP=1    add the expected Content-Security-Policy to the page even when the
//                        server sends one (done anyway when it sends none)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BINARY = path.resolve(process.env.PARLEY_BINARY || path.join(HERE, '../../build/parley'));
// Empty: the web client compiled into the binary, which is what ships.
const STATIC_DIR = process.env.PARLEY_TEST_STATIC_DIR
  ? path.resolve(process.env.PARLEY_TEST_STATIC_DIR)
  : '';
const SHOT_DIR = path.resolve(process.env.PARLEY_SCREENSHOT_DIR || './screenshots');
const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
const JWT_SECRET = 'test-secret-0123456789';
const T = 10_000; // default wait
const XSS = '<img src=x onerror=window.__xss=1>';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// ------------------------------------------------------------------------------ small helpers

const started = Date.now();
const log = (...args) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class TestFailure extends Error {}

function assert(condition, message) {
  if (!condition) throw new TestFailure(message);
}

/** Polls `fn` until it returns a truthy value; fails with `message` (and the last value) after `timeout`. */
async function until(fn, message, timeout = T) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new TestFailure(`${typeof message === 'function' ? message() : message} (after ${timeout} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(100);
  }
}

let currentStep = '';
async function step(name, fn) {
  currentStep = name;
  const t0 = Date.now();
  await fn();
  log(`ok  ${name} (${Date.now() - t0} ms)`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// A valid PNG, made here so the test needs no fixture files.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function png(width, height, pixel) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = pixel(x, y);
      const at = y * (width * 3 + 1) + 1 + x * 3;
      raw[at] = r; raw[at + 1] = g; raw[at + 2] = b;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------------------------ the server

class Server {
  constructor({ dir, port, extraArgs = [] }) {
    this.dir = dir;
    this.port = port;
    this.extraArgs = extraArgs;
    this.proc = null;
    this.logPath = path.join(dir, 'server.log');
    this.url = `http://127.0.0.1:${port}`;
  }

  async start() {
    // The binary may be being rebuilt: wait for it to be back.
    await until(() => {
      try { fs.accessSync(BINARY, fs.constants.X_OK); return true; } catch { return false; }
    }, `server binary ${BINARY} missing`, 180_000);
    const args = [
      '--listen', `127.0.0.1:${this.port}`,
      '--static-dir', STATIC_DIR,
      '--db', path.join(this.dir, 'parley.db'),
      '--upload-dir', path.join(this.dir, 'uploads'),
      '--jwt-secret', JWT_SECRET,
      '--rate-limit', '0',
      ...this.extraArgs,
    ];
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PARLEY_')));
    const out = fs.openSync(this.logPath, 'a');
    this.proc = spawn(BINARY, args, { cwd: this.dir, env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const proc = this.proc;
    let exited = null;
    proc.once('exit', (code, signal) => { exited = { code, signal }; });
    await until(async () => {
      if (exited) throw new TestFailure(`server exited at start (${JSON.stringify(exited)}):\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.url}/healthz`);
        return res.ok;
      } catch { return false; }
    }, `server on port ${this.port} not healthy`, 20_000);
  }

  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(signal);
    const timer = setTimeout(() => { try { proc.kill('SIGKILL'); } catch { /* gone */ } }, 10_000);
    await exited;
    clearTimeout(timer);
    this.proc = null;
  }

  logTail(lines = 30) {
    try { return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
  }
}

// ------------------------------------------------------------------------------ the browser side

const pageErrors = [];

let injectCsp = false; // the server does not send the policy: the test adds it to the page

async function newUser(browser, name, server, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'UTC' });
  context.setDefaultTimeout(T);
  if (injectCsp) {
    await context.route((url) => url.origin === server.url && !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/uploads/'), async (route) => {
      if (route.request().resourceType() !== 'document') { await route.fallback(); return; }
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': CSP } });
    });
  }
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`${name}: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) pageErrors.push(`${name}: CSP: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to load: CSP violation ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { name, context, page };
}

const tid = (page, id) => page.getByTestId(id);
const item = (page, channel) => page.locator(`[data-testid="channel-item"][data-channel="${channel}"]`);
const messageTexts = (page) => page.locator('[data-testid="message-list"] [data-testid="message-text"]');

async function connState(page) {
  return page.locator('[data-testid="connection-state"]').getAttribute('data-state');
}

async function waitLive(user, timeout = T) {
  await until(async () => (await connState(user.page)) === 'live', `${user.name}: connection not live`, timeout);
}

async function signUp(user, server, username, password) {
  const { page } = user;
  await page.goto(server.url);
  await tid(page, 'auth-view').waitFor();
  await tid(page, 'auth-mode-signup').click();
  await tid(page, 'auth-username').fill(username);
  await tid(page, 'auth-password').fill(password);
  await tid(page, 'auth-submit').click();
  await tid(page, 'app-view').waitFor();
  await until(async () => (await tid(page, 'me-name').textContent()) === username, `${user.name}: name not shown`);
  await waitLive(user);
}

async function openChannel(user, channel, title) {
  await item(user.page, channel).click();
  await until(async () => (await tid(user.page, 'conversation-title').textContent()).includes(title), `${user.name}: ${channel} did not open`);
  await until(async () => !(await tid(user.page, 'history-status').textContent()).includes('Loading'), `${user.name}: ${channel} history not loaded`);
}

async function send(user, text) {
  const input = tid(user.page, 'composer-input');
  await input.fill(text);
  await input.press('Enter');
}

async function waitMessage(user, text, timeout = T) {
  await messageTexts(user.page).filter({ hasText: text }).first().waitFor({ timeout });
}

/** The ids of the messages rendered in the open conversation. */
function renderedIds(page) {
  return page.$$eval('[data-testid="message-list"] [data-testid="message"]', (els) => els.map((el) => Number(el.dataset.id)));
}

/** The ids the server has for a channel, fetched with the page's own cookie. */
function storedIds(page, channel) {
  return page.evaluate(async (name) => {
    const res = await fetch(`/api/channels/${encodeURIComponent(name)}/messages?limit=100`);
    const body = await res.json();
    return body.messages.map((m) => m.id);
  }, channel);
}

async function sameMessages(user, channel) {
  const [rendered, stored] = [await renderedIds(user.page), await storedIds(user.page, channel)];
  const unique = new Set(rendered);
  return unique.size === rendered.length && rendered.length === stored.length && stored.every((id, i) => rendered[i] === id)
    ? rendered
    : { rendered, stored };
}

async function noHorizontalScroll(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize().width;
  assert(width <= viewport, `${what}: horizontal scroll at ${viewport} px (scrollWidth ${width})`);
}

/** A screenshot is more than 10 kB and not a single colour (pixels sampled on a canvas). */
async function checkScreenshot(page, file) {
  const size = fs.statSync(file).size;
  assert(size > 10_000, `${file} is only ${size} bytes`);
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const g = canvas.getContext('2d');
    g.drawImage(img, 0, 0);
    const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i] >> 3},${data[i + 1] >> 3},${data[i + 2] >> 3}`);
    return seen.size;
  }, fs.readFileSync(file).toString('base64'));
  assert(colours >= 8, `${file} looks blank (${colours} colours)`);
  log(`    screenshot ${file} (${size} bytes, ${colours}+ colours)`);
}

async function shoot(page, name) {
  const file = path.join(SHOT_DIR, name);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: file });
  return file;
}

// ------------------------------------------------------------------------------ the test

async function main() {
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-browser-'));
  const servers = [];
  let browser = null;
  const users = [];
  try {
    const server = new Server({ dir: tmp, port: await freePort() });
    servers.push(server);
    await step('server starts', () => server.start());

    await step('the page is served with the Content-Security-Policy', async () => {
      const res = await fetch(server.url);
      const sent = res.headers.get('content-security-policy');
      const directives = (policy) => new Set(policy.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean));
      if (!sent || process.env.PARLEY_INJECT_CSP === '1') {
        injectCsp = true;
        log(`    ${sent ? 'forced' : 'the server sends no Content-Security-Policy'}: the test adds the policy to the page itself`);
      } else {
        const missing = [...directives(CSP)].filter((d) => !directives(sent).has(d));
        assert(missing.length === 0, `the server's policy lacks ${missing.join('; ')} (it sends: ${sent})`);
      }
      const icon = await fetch(`${server.url}/favicon.svg`);
      assert(icon.ok && icon.headers.get('content-type').startsWith('image/svg+xml'), 'favicon.svg not served as SVG');
      const body = await res.text();
      assert(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(body), 'index.html has an inline script');
      assert(!/\sstyle=/i.test(body), 'index.html has a style attribute');
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--metrics-recording-only', '--disable-default-apps',
        // A document fulfilled by the test (to add the policy) counts as a public page for
        // Chromium's Local Network Access checks, which would then block its WebSocket.
        ...(injectCsp ? ['--disable-features=LocalNetworkAccessChecks'] : [])],
    });
    const alice = await newUser(browser, 'alice', server);
    const bob = await newUser(browser, 'bob', server);
    users.push(alice, bob);

    await step('login page: errors inline, then both users sign up', async () => {
      await alice.page.goto(server.url);
      await tid(alice.page, 'auth-view').waitFor();
      await tid(alice.page, 'auth-username').fill('nobody');
      await tid(alice.page, 'auth-password').fill('wrong password');
      await tid(alice.page, 'auth-submit').click();
      await tid(alice.page, 'auth-error').filter({ hasText: 'Wrong username or password' }).waitFor();
      await noHorizontalScroll(alice.page, 'login page');
      await checkScreenshot(alice.page, await shoot(alice.page, 'login-1280x800.png'));
      await signUp(alice, server, 'alice', 'correct horse battery');

      await bob.page.goto(server.url);
      await tid(bob.page, 'auth-view').waitFor();
      await tid(bob.page, 'auth-mode-signup').click();
      await tid(bob.page, 'auth-username').fill('Alice');
      await tid(bob.page, 'auth-password').fill('bobs password');
      await tid(bob.page, 'auth-submit').click();
      await tid(bob.page, 'auth-username-error').filter({ hasText: 'taken' }).waitFor();
      await tid(bob.page, 'auth-password').fill('short');
      await tid(bob.page, 'auth-username').fill('bob');
      await tid(bob.page, 'auth-submit').click();
      await tid(bob.page, 'auth-password-error').filter({ hasText: '8' }).waitFor();
      await signUp(bob, server, 'bob', 'bobs password');
    });

    await step('alice creates a private channel and invites bob', async () => {
      await tid(alice.page, 'create-channel').click();
      await tid(alice.page, 'create-name').fill('secret-plans');
      await tid(alice.page, 'create-private').check();
      await tid(alice.page, 'create-submit').click();
      await tid(alice.page, 'dialog-create').waitFor({ state: 'hidden' });
      await until(async () => (await tid(alice.page, 'conversation-title').textContent()).includes('secret-plans'), 'channel not opened');
      assert((await item(alice.page, 'secret-plans').getAttribute('data-kind')) === 'private', 'channel is not shown as private');

      await tid(alice.page, 'invite').click();
      await tid(alice.page, 'user-search').fill('bo');
      await alice.page.locator('[data-testid="user-result"][data-username="bob"]').click();
      await tid(alice.page, 'toast').filter({ hasText: 'bob was invited to #secret-plans' }).waitFor();

      await item(bob.page, 'secret-plans').waitFor();
      await tid(bob.page, 'toast').filter({ hasText: 'alice invited you' }).waitFor();
      await openChannel(bob, 'secret-plans', 'secret-plans');
    });

    await step('presence: both are listed as here', async () => {
      for (const user of [alice, bob]) {
        for (const who of ['alice', 'bob']) {
          await user.page.locator(`[data-testid="presence-user"][data-username="${who}"]`).waitFor();
        }
      }
    });

    await step('typing indicator, then chat both ways with a link', async () => {
      await tid(bob.page, 'composer-input').pressSequentially('Hello alice, the plan', { delay: 20 });
      await tid(alice.page, 'typing').filter({ hasText: 'bob is typing' }).waitFor();
      await tid(bob.page, 'composer-input').fill('Hello alice, the plan is at https://example.com/plan?v=2.');
      await tid(bob.page, 'composer-input').press('Enter');
      await waitMessage(alice, 'Hello alice, the plan');
      const link = alice.page.locator('[data-testid="message-text"] a[href="https://example.com/plan?v=2"]');
      await link.waitFor();
      assert((await link.getAttribute('rel')) === 'noopener noreferrer', 'link rel');
      assert((await link.getAttribute('target')) === '_blank', 'link target');
      // the indicator goes once the message is in
      await until(async () => (await tid(alice.page, 'typing').textContent()) === '', 'typing indicator did not clear');

      await send(alice, 'Hi bob! Line one\nline two');
      await waitMessage(bob, 'Hi bob! Line one');
      const own = alice.page.locator('[data-testid="message"].own').filter({ hasText: 'Hi bob!' });
      await own.waitFor();
      const theirs = bob.page.locator('[data-testid="message"]').filter({ hasText: 'Hi bob!' });
      assert(!(await theirs.getAttribute('class')).includes('own'), "bob sees alice's message as his own");
      await tid(alice.page, 'day-separator').first().filter({ hasText: 'Today' }).waitFor();
    });

    await step('read markers: alice sees that bob has read her message', async () => {
      await tid(alice.page, 'seen-by').filter({ hasText: 'Seen by bob' }).waitFor();
    });

    await step('unread badge and title while away; opens at the first unread', async () => {
      await tid(alice.page, 'create-channel').click();
      await tid(alice.page, 'create-name').fill('lobby');
      await tid(alice.page, 'create-submit').click();
      await until(async () => (await tid(alice.page, 'conversation-title').textContent()).includes('lobby'), 'lobby not opened');
      await send(bob, 'Are you there?');
      await send(bob, 'Hello?');
      const badge = item(alice.page, 'secret-plans').getByTestId('unread-badge');
      await until(async () => (await badge.textContent()) === '2', 'unread badge is not 2');
      await until(async () => (await alice.page.title()).startsWith('(2)'), 'title has no unread count');
      await openChannel(alice, 'secret-plans', 'secret-plans');
      await tid(alice.page, 'unread-divider').waitFor();
      const firstUnread = await alice.page.$$eval('[data-testid="message-list"] > li', (lis) => {
        const i = lis.findIndex((li) => li.dataset.testid === 'unread-divider');
        return lis[i + 1]?.textContent || '';
      });
      assert(firstUnread.includes('Are you there?'), `the divider is not before the first unread message (${firstUnread})`);
      await badge.waitFor({ state: 'detached' });
      await until(async () => !(await alice.page.title()).startsWith('('), 'title still counts unread');

      // bob finds the public channel by browsing
      await tid(bob.page, 'browse-channels').click();
      await bob.page.locator('[data-testid="browse-item"][data-channel="lobby"] button').click();
      await until(async () => (await tid(bob.page, 'conversation-title').textContent()).includes('lobby'), 'bob did not join lobby');
      await item(bob.page, 'lobby').waitFor();
    });

    await step('direct message started from the user search', async () => {
      await tid(alice.page, 'new-dm').click();
      await tid(alice.page, 'user-search').fill('b');
      const result = alice.page.locator('[data-testid="user-result"][data-username="bob"]');
      await result.locator('.dot.online').waitFor();
      await result.click();
      await until(async () => (await tid(alice.page, 'conversation-title').textContent()) === 'bob', 'DM with bob not opened');
      await send(alice, 'psst, only for you');
      const dm = item(bob.page, 'dm:alice:bob');
      await dm.waitFor();
      assert((await dm.textContent()).includes('alice'), 'the DM is not named after alice');
      await dm.getByTestId('unread-badge').waitFor();
      await openChannel(bob, 'dm:alice:bob', 'alice');
      await waitMessage(bob, 'psst, only for you');
      await send(bob, 'got it');
      await waitMessage(alice, 'got it');
      await tid(bob.page, 'seen-by').filter({ hasText: 'Seen by alice' }).waitFor();
    });

    await step('"Meet someone": waiting, cancel, then a match', async () => {
      await tid(alice.page, 'meet-someone').click();
      await tid(alice.page, 'match-waiting').waitFor();
      await tid(alice.page, 'match-cancel').click();
      await tid(alice.page, 'match-waiting').waitFor({ state: 'hidden' });
      await tid(alice.page, 'meet-someone').click();
      await tid(alice.page, 'match-waiting').waitFor();
      await tid(bob.page, 'meet-someone').click();
      for (const [user, peer] of [[alice, 'bob'], [bob, 'alice']]) {
        await tid(user.page, 'match-waiting').waitFor({ state: 'hidden' });
        await until(async () => (await tid(user.page, 'conversation-title').textContent()).includes(peer), `${user.name}: match with ${peer} not opened`);
        await user.page.locator('[data-testid="match-list"] [data-testid="channel-item"]').filter({ hasText: peer }).waitFor();
      }
      await send(alice, 'hi stranger');
      await waitMessage(bob, 'hi stranger');
      await tid(alice.page, 'seen-by').filter({ hasText: 'Seen by bob' }).waitFor();
    });

    await step('an image pasted by bob shows inline for alice; a click opens it in a new tab', async () => {
      await openChannel(bob, 'secret-plans', 'secret-plans');
      await openChannel(alice, 'secret-plans', 'secret-plans');
      const image = png(96, 64, (x, y) => [x * 2 + 40, y * 3 + 30, 200 - x]);
      await tid(bob.page, 'composer-input').focus();
      await bob.page.evaluate((bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'our-map.png', { type: 'image/png' }));
        document.querySelector('[data-testid="composer-input"]').dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, [...image]);
      await bob.page.locator('[data-testid="pending-file"][data-state="done"]').waitFor();
      await tid(bob.page, 'composer-input').fill('the map');
      await tid(bob.page, 'composer-input').press('Enter');
      await tid(bob.page, 'pending-files').waitFor({ state: 'hidden' });
      const img = alice.page.locator('[data-testid="attachment-image"] img[alt="our-map.png"]');
      await img.waitFor();
      await until(() => img.evaluate((el) => el.complete && el.naturalWidth === 96), 'the image did not load for alice');
      const [popup] = await Promise.all([alice.context.waitForEvent('page'), img.click()]);
      await popup.waitForLoadState();
      assert(/\/uploads\/[0-9a-f]+$/.test(popup.url()), `the image opened ${popup.url()}`);
      await popup.close();
    });

    await step('upload progress bar (throttled upload), then a file link', async () => {
      const cdp = await bob.context.newCDPSession(bob.page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
      const text = Buffer.from('parley notes\n'.repeat(40_000)); // ~520 kB
      await tid(bob.page, 'file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: text });
      await tid(bob.page, 'upload-progress').waitFor();
      await until(() => tid(bob.page, 'upload-progress').evaluate((el) => el.value > 0).catch(() => true), 'progress did not move');
      await bob.page.locator('[data-testid="pending-file"][data-state="done"]').waitFor({ timeout: 20_000 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
      await tid(bob.page, 'composer-input').press('Enter');
      const file = alice.page.locator('[data-testid="attachment-file"]').filter({ hasText: 'notes.txt' });
      await file.waitFor();
      assert((await file.textContent()).includes('KB'), 'file size not shown');
    });

    await step('XSS payloads in a message and a file name stay text', async () => {
      await send(alice, XSS);
      await tid(alice.page, 'file-input').setInputFiles({ name: `${XSS}.txt`, mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await alice.page.locator('[data-testid="pending-file"][data-state="done"]').waitFor();
      await tid(alice.page, 'composer-input').press('Enter');
      for (const user of [alice, bob]) {
        await until(async () => (await messageTexts(user.page).allTextContents()).includes(XSS), `${user.name}: payload text not shown as text`);
        await user.page.locator('[data-testid="attachment-file"] .att-name').filter({ hasText: `${XSS}.txt` }).waitFor();
        const injected = await user.page.evaluate(() => ({
          xss: window.__xss,
          imgs: document.querySelectorAll('img[src="x"]').length,
        }));
        assert(injected.xss === undefined && injected.imgs === 0, `${user.name}: payload was interpreted (${JSON.stringify(injected)})`);
      }
    });

    await step('a PDF dropped on the conversation is sent as a download link', async () => {
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
      await alice.page.evaluate((bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'plan.pdf', { type: 'application/pdf' }));
        const zone = document.querySelector('[data-testid="messages"]');
        for (const type of ['dragenter', 'dragover']) zone.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
        if (document.getElementById('drop-overlay').hidden) throw new Error('no drop overlay while dragging');
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      }, [...pdf]);
      await alice.page.locator('[data-testid="pending-file"][data-state="done"]').waitFor();
      await tid(alice.page, 'composer-input').press('Enter');
      const link = bob.page.locator('[data-testid="attachment-file"]').filter({ hasText: 'plan.pdf' });
      await link.waitFor();
      assert(/^\/uploads\/[0-9a-f]+$/.test(await link.getAttribute('href')), 'bad download link');
      assert((await link.getAttribute('download')) === 'plan.pdf', 'download name');
    });

    await step('server restart mid-conversation: both reconnect, nothing lost or doubled', async () => {
      await until(() => sameMessages(alice, 'secret-plans').then((r) => Array.isArray(r)), 'alice: messages differ before the restart');
      await server.stop('SIGTERM');
      for (const user of [alice, bob]) {
        await until(async () => (await connState(user.page)) === 'reconnecting', `${user.name}: did not notice the restart`);
      }
      // alice cannot reconnect until she is "back online", so she misses what bob sends meanwhile.
      await alice.context.setOffline(true);
      await tid(bob.page, 'connection-banner').filter({ hasText: 'Reconnecting' }).waitFor();
      // written while the server is down: sent once the connection is back
      await send(alice, 'written while offline');
      await alice.page.locator('[data-testid="message-pending"]').filter({ hasText: 'written while offline' }).waitFor();
      await server.start();
      await waitLive(bob, 40_000);
      await send(bob, 'missed one');
      await send(bob, 'missed two');
      await send(bob, 'missed three');
      await waitMessage(bob, 'missed three');
      await alice.context.setOffline(false);
      await waitLive(alice, 40_000);
      await waitMessage(alice, 'missed three');
      await waitMessage(bob, 'written while offline');
      await alice.page.locator('[data-testid="message-pending"]').waitFor({ state: 'detached' });
      for (const user of [alice, bob]) {
        const ids = await until(() => sameMessages(user, 'secret-plans').then((r) => (Array.isArray(r) ? r : null)),
          `${user.name}: rendered messages differ from the stored ones`);
        const texts = await messageTexts(user.page).allTextContents();
        for (const text of ['missed one', 'missed two', 'missed three', 'written while offline']) {
          assert(texts.filter((t) => t === text).length === 1, `${user.name}: "${text}" shown ${texts.filter((t) => t === text).length} times`);
        }
        log(`    ${user.name}: ${ids.length} messages, ids ${ids[0]}..${ids[ids.length - 1]}, as stored`);
      }
      await tid(alice.page, 'connection-banner').waitFor({ state: 'hidden' });
      // and the conversation goes on
      await send(alice, 'back again');
      await waitMessage(bob, 'back again');
    });

    await step('screenshots at 1280×800', async () => {
      await checkScreenshot(alice.page, await shoot(alice.page, 'conversation-1280x800.png'));
      await checkScreenshot(bob.page, await shoot(bob.page, 'conversation-bob-1280x800.png'));
      await alice.page.emulateMedia({ colorScheme: 'dark' });
      await checkScreenshot(alice.page, await shoot(alice.page, 'conversation-dark-1280x800.png'));
      await alice.page.emulateMedia({ colorScheme: 'light' });
    });

    await step('375 px: no horizontal scroll, the sidebar is a drawer', async () => {
      const { page } = alice;
      await page.setViewportSize({ width: 375, height: 812 });
      await tid(page, 'open-sidebar').waitFor();
      await tid(page, 'sidebar').waitFor({ state: 'hidden' });
      await noHorizontalScroll(page, 'conversation');
      await checkScreenshot(page, await shoot(page, 'conversation-375x812.png'));
      await tid(page, 'open-sidebar').click();
      await tid(page, 'sidebar').waitFor({ state: 'visible' });
      await page.waitForFunction(() => getComputedStyle(document.getElementById('sidebar')).transform === 'none');
      await noHorizontalScroll(page, 'drawer');
      await checkScreenshot(page, await shoot(page, 'sidebar-375x812.png'));
      await page.keyboard.press('Escape');
      await tid(page, 'sidebar').waitFor({ state: 'hidden' });
      await tid(page, 'toggle-presence').click();
      await page.locator('[data-testid="presence-user"][data-username="bob"]').waitFor();
      await noHorizontalScroll(page, 'presence panel');
      await tid(page, 'toggle-presence').click();
      // keyboard only: Enter sends, Shift+Enter is a new line, Esc closes a dialog
      await tid(page, 'composer-input').focus();
      await page.keyboard.type('first line');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('second line');
      await page.keyboard.press('Enter');
      await waitMessage(bob, 'first line\nsecond line');
      await tid(page, 'open-sidebar').click();
      await tid(page, 'create-channel').click();
      await tid(page, 'dialog-create').waitFor();
      await page.keyboard.press('Escape');
      await tid(page, 'dialog-create').waitFor({ state: 'hidden' });
      await tid(page, 'new-dm').click();
      await tid(page, 'user-search').fill('b'); // Esc must close, not just clear the field
      await page.keyboard.press('Escape');
      await tid(page, 'dialog-user').waitFor({ state: 'hidden' });
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1280, height: 800 });

      const narrow = await newUser(browser, 'narrow', server, { width: 375, height: 812 });
      users.push(narrow);
      await narrow.page.goto(server.url);
      await tid(narrow.page, 'auth-view').waitFor();
      await noHorizontalScroll(narrow.page, 'login page');
      await checkScreenshot(narrow.page, await shoot(narrow.page, 'login-375x812.png'));
    });

    await step('130 unread: opens at the first unread; after a reload, older pages load on scroll up without a jump', async () => {
      const n = 130;
      // bob's page opens a second WebSocket of its own and sends fast
      await bob.page.evaluate(async (count) => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        await new Promise((resolve, reject) => {
          ws.onmessage = (e) => { if (JSON.parse(e.data).type === 'hello') resolve(); };
          ws.onerror = reject;
        });
        let echoes = 0;
        const done = new Promise((resolve) => {
          ws.onmessage = (e) => { const f = JSON.parse(e.data); if (f.type === 'message' && f.ref && ++echoes === count) resolve(); };
        });
        ws.send(JSON.stringify({ type: 'join', channel: 'lobby' }));
        for (let i = 1; i <= count; i += 1) ws.send(JSON.stringify({ type: 'send', channel: 'lobby', text: `bulk ${i}`, ref: `b${i}` }));
        await done;
        ws.close();
      }, n);
      const { page } = alice;
      const badge = item(page, 'lobby').getByTestId('unread-badge');
      await until(async () => (await badge.textContent()) === '99+', 'lobby badge is not 99+');
      let title = '';
      await until(async () => (title = await page.title()).startsWith(`(${n})`), () => `title "${title}" does not count ${n} unread`);

      await openChannel(alice, 'lobby', 'lobby');
      const divider = tid(page, 'unread-divider');
      await divider.waitFor();
      const atDivider = await page.evaluate(() => {
        const d = document.querySelector('[data-testid="unread-divider"]');
        const box = document.querySelector('[data-testid="messages"]').getBoundingClientRect();
        const r = d.getBoundingClientRect();
        return { inView: r.top >= box.top - 1 && r.bottom <= box.bottom + 1, next: d.nextElementSibling?.textContent || '' };
      });
      assert(atDivider.inView, 'the first unread message is not in view on opening');
      assert(/bulk 1(?!\d)/.test(atDivider.next), `the divider is not before "bulk 1" (${atDivider.next})`);
      // reading to the end clears the count (for good: the server's read marker moved)
      await tid(page, 'messages').evaluate((el) => { el.scrollTop = el.scrollHeight; });
      await openChannel(alice, 'secret-plans', 'secret-plans');
      await until(async () => (await badge.count()) === 0, 'lobby still has unread messages after reading them');
      await until(async () => !(await page.title()).startsWith('('), 'title still counts unread after reading');
      await until(async () => (await storedIds(page, 'lobby')).at(-1) === n, `lobby's last message is not #${n}`);
      await openChannel(alice, 'lobby', 'lobby');

      // a reload: the cookie session goes on, the hash reopens the channel at its newest page
      await page.reload();
      await tid(page, 'app-view').waitFor();
      await waitLive(alice);
      await until(async () => (await tid(page, 'conversation-title').textContent()).includes('lobby'), 'lobby not reopened after reload');
      await until(async () => (await renderedIds(page)).length === 50, 'the newest page is not 50 messages');
      await tid(page, 'unread-divider').waitFor({ state: 'detached' });
      const first = (await renderedIds(page))[0];
      const topOf = (id) => page.evaluate((i) => document.querySelector(`[data-testid="message"][data-id="${i}"]`).getBoundingClientRect().top, id);
      await tid(page, 'messages').evaluate((el) => { el.scrollTop = 0; });
      const before = await topOf(first);
      await until(async () => (await renderedIds(page)).length >= 100, 'no older page loaded on scroll up');
      const after = await topOf(first);
      assert(Math.abs(after - before) <= 4, `the view jumped by ${after - before} px when older messages came in`);
      await tid(page, 'messages').evaluate((el) => { el.scrollTop = 0; });
      await until(async () => (await renderedIds(page)).length === n, 'not every message loaded');
      await tid(page, 'history-status').filter({ hasText: 'beginning of #lobby' }).waitFor();
      const ids = await renderedIds(page);
      assert(ids.every((id, i) => id === i + 1), 'messages are not in id order without gaps');
    });

    await step('accessible names: every button, input and link has one', async () => {
      const unnamed = await alice.page.evaluate(() => {
        const missing = [];
        for (const el of document.querySelectorAll('button, input, textarea, select, a[href]')) {
          if (el.type === 'file' || el.closest('[hidden]') || el.closest('dialog:not([open])')) continue;
          const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
            || (el.labels && el.labels.length) || el.textContent.trim() || el.getAttribute('title');
          if (!labelled) missing.push(el.outerHTML.slice(0, 120));
        }
        return missing;
      });
      assert(unnamed.length === 0, `controls without an accessible name: ${unnamed.join(' | ')}`);
    });

    await step('bob leaves #lobby', async () => {
      await openChannel(bob, 'lobby', 'lobby');
      await tid(bob.page, 'leave-channel').click();
      await tid(bob.page, 'dialog-confirm').waitFor();
      await tid(bob.page, 'confirm-submit').click();
      await item(bob.page, 'lobby').waitFor({ state: 'detached' });
      await tid(bob.page, 'toast').filter({ hasText: 'You left #lobby' }).waitFor();
      await tid(bob.page, 'welcome').waitFor();
    });

    await step('a logout elsewhere closes the socket with 4001: back to the login screen', async () => {
      // the same browser profile logs out (another tab would do the same)
      const res = await alice.context.request.post(`${server.url}/api/logout`);
      assert(res.status() === 204, `logout answered ${res.status()}`);
      await tid(alice.page, 'auth-view').waitFor();
      await tid(alice.page, 'auth-error').filter({ hasText: 'You were logged out' }).waitFor();
    });

    await step('log out returns to the login screen', async () => {
      await tid(bob.page, 'logout').click();
      await tid(bob.page, 'auth-view').waitFor();
      await tid(bob.page, 'auth-error').filter({ hasText: 'logged out' }).waitFor();
      const me = await bob.page.evaluate(() => fetch('/api/me').then((r) => r.status));
      assert(me === 401, `after logout /api/me answers ${me}`);
    });

    if (process.env.PARLEY_SKIP_RENEWAL !== '1') {
      await step('token renewal: the session outlives its first token (TTL 20 s)', async () => {
        const dir = fs.mkdtempSync(path.join(tmp, 'renewal-'));
        const short = new Server({ dir, port: await freePort(), extraArgs: ['--token-ttl', '20'] });
        servers.push(short);
        await short.start();
        const carol = await newUser(browser, 'carol', short);
        users.push(carol);
        const renewed = carol.page.waitForResponse((r) => r.url().endsWith('/api/token') && r.request().method() === 'POST' && r.status() === 200, { timeout: 30_000 });
        await signUp(carol, short, 'carol', 'carols password');
        const loggedInAt = Date.now();
        await tid(carol.page, 'create-channel').click();
        await tid(carol.page, 'create-name').fill('notes');
        await tid(carol.page, 'create-submit').click();
        await until(async () => (await tid(carol.page, 'conversation-title').textContent()).includes('notes'), 'notes not opened');
        await send(carol, 'before renewal');
        await waitMessage(carol, 'before renewal');
        await renewed;
        log(`    renewed after ${((Date.now() - loggedInAt) / 1000).toFixed(1)} s`);
        // Nothing to await: the first token's expiry is a moment in time.
        const wait = loggedInAt + 24_000 - Date.now();
        if (wait > 0) await sleep(wait);
        assert(!(await tid(carol.page, 'app-view').isHidden()), 'carol was sent back to the login screen');
        await waitLive(carol);
        await send(carol, 'after the first token expired');
        await waitMessage(carol, 'after the first token expired');
        assert(Array.isArray(await sameMessages(carol, 'notes')), 'carol: messages differ');
      });
    }

    assert(pageErrors.length === 0, `errors in the pages:\n  ${pageErrors.join('\n  ')}`);
    log('PASS');
  } catch (err) {
    console.error(`\nFAIL in step "${currentStep}": ${err instanceof TestFailure ? err.message : err.stack || err}`);
    if (pageErrors.length) console.error(`page errors:\n  ${pageErrors.join('\n  ')}`);
    for (const user of users) {
      try {
        const file = path.join(SHOT_DIR, `failure-${user.name}.png`);
        await user.page.screenshot({ path: file });
        console.error(`screenshot of ${user.name}'s page: ${file}`);
      } catch { /* the page is gone */ }
    }
    for (const srv of servers) console.error(`server log (${srv.logPath}):\n${srv.logTail()}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const srv of servers) await srv.stop('SIGTERM').catch(() => {});
    if (!process.exitCode) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
