import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_B, mintSession, sdk } from '../../gateway/test/support/checkout.js';
import { testDatabases, type TestDatabase, type TestDatabaseFactory } from '../../gateway/test/support/databases.js';
import { startTestGateway, type TestGateway } from '../../gateway/test/support/gateway.js';
import { bearer, http } from '../../gateway/test/support/http.js';

/**
 * @pdirect/angular in real Chromium: the demo app (built by Angular's
 * application builder against the ng-packagr build of the library) is served
 * by a small Fastify server on its own origin under a strict nonce CSP, and
 * pays through the gateway with the card-network simulator (three origins, as
 * in production). The end-to-end payment runs on every test database; the
 * component checks on SQLite.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[Angular SDK browser test] skipped: ${CHROMIUM} is not installed (CI installs it: apt-get install -y chromium)`);

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const DEMO = path.join(PACKAGE, 'dist/demo');
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/sdk-angular/', import.meta.url));

const FRICTIONLESS = { number: '5123456789012346', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const CHALLENGE = { number: '5123450000000008', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const DECLINED = { number: '5111111111111118', month: '05', year: '39', csc: '100', name: 'Ada Lovelace' };
type Card = typeof FRICTIONLESS;

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** The root `build` script (run by `prepare`) builds the demo; build it here only when it is missing or older than its sources (or the browser SDK's). */
function ensureDemoBuilt(): void {
  const index = path.join(DEMO, 'index.html');
  const sources = Math.max(...['lib', 'demo', '../sdk-browser/src'].map((dir) => newest(path.join(PACKAGE, dir))));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build', '-w', '@pdirect/angular'], { cwd: path.join(PACKAGE, '../..'), stdio: 'inherit' });
}

interface DemoSite {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the built demo. index.html gets the gateway's origin, a fresh CSP
 * nonce per response (Angular puts it on the styles it injects, the SDK on
 * the 3-D Secure scripts) and a CSP that allows only this origin, the
 * gateway (connect) and the card network (session.js and its frames).
 */
async function startDemoSite(gatewayUrl: string, networkUrl: string): Promise<DemoSite> {
  const app: FastifyInstance = Fastify({ logger: false });
  const template = readFileSync(path.join(DEMO, 'index.html'), 'utf8');
  const network = new URL(networkUrl).origin;
  await app.register(fastifyStatic, { root: DEMO, index: false, wildcard: true });
  app.get('/', async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    const html = template
      .replace(/<meta name="pdirect-base-url" content=""\s*\/?>/, `<meta name="pdirect-base-url" content="${gatewayUrl}">`)
      .replace('<pdirect-demo>', `<pdirect-demo ngCspNonce="${nonce}">`);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'self' 'nonce-${nonce}' ${network}; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; ` +
          `connect-src ${gatewayUrl}; frame-src ${network}; form-action ${gatewayUrl} ${network}; base-uri 'none'; frame-ancestors 'none'`,
      )
      .send(html);
  });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  return { origin, close: () => app.close() };
}

interface Watched {
  page: Page;
  /** Every request (but CORS preflights) the page sent to the gateway, with its X-Device-Fingerprint. */
  toGateway: Array<{ line: string; fingerprint: string | undefined; authorization: string | undefined }>;
  violations: string[];
  errors: string[];
}

/** The fingerprint of this Chromium, computed from its attributes by the rules of docs/device-fingerprint.md (not by the SDK). */
async function documentedFingerprint(page: Page): Promise<string> {
  const a = await page.evaluate(() => ({
    userAgent: navigator.userAgent,
    language: navigator.language,
    platform: navigator.platform,
    width: screen.width,
    height: screen.height,
    colorDepth: screen.colorDepth,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    offset: new Date(2000, 0, 1).getTimezoneOffset(),
    cpus: navigator.hardwareConcurrency,
  }));
  const text = (value: number | undefined) => (value ? String(value) : '');
  const canonical = JSON.stringify([
    'pdirect-fp-v1',
    a.userAgent || '',
    a.language || '',
    a.platform || '',
    `${Math.max(a.width || 0, a.height || 0)}x${Math.min(a.width || 0, a.height || 0)}`,
    text(a.colorDepth),
    a.timeZone || String(a.offset),
    text(a.cpus),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

const field = (page: Page, name: string) => page.frameLocator(`iframe[data-mpgs-field="${name}"]`).locator('input');

async function typeCard(page: Page, card: Card): Promise<void> {
  await field(page, 'number').fill(card.number);
  await field(page, 'expiryMonth').fill(card.month);
  await field(page, 'expiryYear').fill(card.year);
  await field(page, 'securityCode').fill(card.csc);
  await field(page, 'nameOnCard').fill(card.name);
}

interface Harness {
  gw: TestGateway;
  site: DemoSite;
  browser: Browser;
  newPage(viewport?: { width: number; height: number }): Promise<Watched>;
  close(): Promise<void>;
}

async function startHarness(db: TestDatabase): Promise<Harness> {
  const gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
  const site = await startDemoSite(gw.url, gw.simulator!.url);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return {
    gw,
    site,
    browser,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const page = await browser.newPage({ viewport });
      page.setDefaultTimeout(15_000);
      const watched: Watched = { page, toGateway: [], violations: [], errors: [] };
      page.on('request', (request) => {
        if (!request.url().startsWith(gw.url) || request.method() === 'OPTIONS') return;
        void request.allHeaders().then((headers) => {
          watched.toGateway.push({
            line: `${request.method()} ${new URL(request.url()).pathname}`,
            fingerprint: headers['x-device-fingerprint'],
            authorization: headers['authorization'],
          });
        });
      });
      page.on('console', (message) => {
        if (/Content Security Policy/.test(message.text())) watched.violations.push(message.text());
      });
      page.on('pageerror', (error) => watched.errors.push(error.message));
      return watched;
    },
    async close() {
      await browser.close();
      await site.close();
      await gw.close();
    },
  };
}

/** The audit records of one checkout session (its SDK requests), oldest first. */
async function auditOf(gw: TestGateway, sessionId: string) {
  await gw.services.audit.flush();
  const rows = await gw.services.storage.db.selectFrom('audit_log').selectAll().where('credential_id', '=', sessionId).orderBy('id').execute();
  // Device-binding warnings only: other layers note their own findings here too (e.g. the risk decision on a collect).
  const fingerprintWarnings = (warnings: string) => (JSON.parse(warnings) as string[]).filter((w) => w.startsWith('fingerprint'));
  return rows.map((row) => ({ requestId: row.request_id, line: `${row.method} ${row.path}`, status: row.status, warnings: fingerprintWarnings(row.warnings) }));
}

async function lockedFingerprint(gw: TestGateway, sessionId: string): Promise<string | null> {
  const row = await gw.services.storage.db.selectFrom('checkout_sessions').select('device_fingerprint').where('id', '=', sessionId).executeTakeFirst();
  return row?.device_fingerprint ?? null;
}

/** A checkout session whose redirect URLs point at the demo site. */
const mint = (h: Harness, merchantSecret: string, overrides: Record<string, unknown> = {}) =>
  mintSession(h.gw, merchantSecret, { success_redirect_url: `${h.site.origin}/?paid`, fail_redirect_url: `${h.site.origin}/?failed`, ...overrides });

const databases: TestDatabaseFactory[] = testDatabases();

describe.skipIf(!HAVE_CHROMIUM).each(databases.map((factory) => [factory.name, factory] as const))(
  '@pdirect/angular demo pays in the sandbox (%s)',
  (name, factory) => {
    let db: TestDatabase;
    let h: Harness;
    let secret: string;

    beforeAll(async () => {
      ensureDemoBuilt();
      mkdirSync(ARTIFACTS, { recursive: true });
      db = await factory.create();
      h = await startHarness(db);
      // warn: a missing or different fingerprint would pass but be written into the audit record.
      secret = (await h.gw.services.merchants.create({ name: 'Angular Shop', redirectHosts: ['127.0.0.1'], fingerprintMode: 'warn' })).merchantSecret.reveal();
    }, 240_000);

    afterAll(async () => {
      await h?.close();
      await db?.drop();
    });

    it('the card form pays with 5123456789012346; every request carried the fingerprint, which the gateway locked and the audit shows matching', async () => {
      const { sessionId, token, response } = await mint(h, secret, { amount: '12.50' });
      const watched = await h.newPage();
      const { page } = watched;
      await page.goto(`${h.site.origin}/#${token}`);
      await page.locator('.pdirect-pay:enabled').waitFor();
      // The token left the address bar as soon as the demo read it.
      expect(page.url()).toBe(`${h.site.origin}/`);
      expect(await page.locator('.pdirect-amount').textContent()).toBe('Amount to pay: $12.50');
      expect(await page.locator('.pdirect-merchant').textContent()).toBe('Angular Shop');
      expect(await page.locator('.pdirect-order').textContent()).toBe(`Order ${response.body.order_id}`);

      // The fingerprint is locked by the first request; a request with another device's value is flagged in the audit.
      const expected = await documentedFingerprint(page);
      expect(await lockedFingerprint(h.gw, sessionId)).toBe(expected);
      const intruder = await http(`${h.gw.url}/v1/checkout`, { headers: sdk(token, DEVICE_B) });
      expect(intruder.status).toBe(200); // warn mode: allowed, but recorded

      await typeCard(page, FRICTIONLESS);
      if (name === 'sqlite') await page.screenshot({ path: `${ARTIFACTS}desktop-card-entered.png`, fullPage: true });
      await page.getByRole('button', { name: 'Pay $12.50' }).click();
      await page.locator('#outcome').waitFor();
      const paymentId = (await page.locator('#payment-id').textContent())!;
      expect(paymentId).toMatch(/^pay_[a-z2-7]{20}$/);
      expect(await page.locator('pdirect-card-form').getAttribute('data-phase')).toBe('paid');
      expect(await page.locator('.pdirect-final-title').textContent()).toBe('Payment successful');
      await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toContain('pdirect-final-title');
      if (name === 'sqlite') await page.screenshot({ path: `${ARTIFACTS}desktop-paid.png`, fullPage: true });

      const payment = await http(`${h.gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) });
      expect(payment.body).toMatchObject({
        id: paymentId,
        session_id: sessionId,
        status: 'succeeded',
        amount: '12.50',
        card: { masked_number: '512345xxxxxx2346' },
      });
      const session = await http(`${h.gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) });
      expect(session.body.status).toBe('paid');

      // Every request of the page carried the same fingerprint: the one the documented rules give for this browser.
      const calls = watched.toGateway.map((call) => call.line);
      expect(calls).toEqual(expect.arrayContaining(['GET /v1/checkout', 'POST /v1/card/sessions', 'POST /v1/payments/collect']));
      for (const call of watched.toGateway) {
        expect(call.fingerprint, call.line).toBe(expected);
        expect(call.authorization, call.line).toBe(`Bearer ${token}`);
      }

      // The audit: the page's requests all succeeded with no fingerprint warning; only the intruder's request is flagged.
      const audit = await auditOf(h.gw, sessionId);
      const flagged = audit.filter((record) => record.warnings.length > 0);
      expect(flagged).toEqual([{ requestId: intruder.headers['x-request-id'], line: 'GET /v1/checkout', status: 200, warnings: ['fingerprint_mismatch'] }]);
      const page_ = audit.filter((record) => record.requestId !== intruder.headers['x-request-id']);
      expect(page_.map((record) => record.line)).toEqual(expect.arrayContaining(['GET /v1/checkout', 'POST /v1/card/sessions', 'POST /v1/payments/collect']));
      expect(page_.length).toBe(watched.toGateway.length);
      for (const record of page_) expect(record, record.line).toMatchObject({ status: expect.any(Number), warnings: [] });
      expect(page_.every((record) => record.status < 400)).toBe(true);
      expect(await lockedFingerprint(h.gw, sessionId)).toBe(expected);

      // The card number stayed in the network's frames: not in the page, not in anything sent to the gateway.
      expect(await page.content()).not.toContain(FRICTIONLESS.number);
      expect(h.gw.logs()).not.toContain(token);
      expect(watched.violations).toEqual([]);
      expect(watched.errors).toEqual([]);
      await page.close();
    });
  },
);

describe.skipIf(!HAVE_CHROMIUM)('<pdirect-card-form> in Chromium', () => {
  let db: TestDatabase;
  let h: Harness;
  let secret: string;
  let enforcing: string;

  beforeAll(async () => {
    ensureDemoBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await testDatabases()[0]!.create();
    h = await startHarness(db);
    secret = (await h.gw.services.merchants.create({ name: 'Angular Shop', redirectHosts: ['127.0.0.1'], fingerprintMode: 'warn' })).merchantSecret.reveal();
    enforcing = (
      await h.gw.services.merchants.create({ name: 'Strict Shop', redirectHosts: ['127.0.0.1'], fingerprintMode: 'enforce' })
    ).merchantSecret.reveal();
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await db?.drop();
  });

  it('renders the hosted fields in place of its inputs, labelled, from the network origin; on a phone too', async () => {
    for (const [label, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const { token } = await mint(h, secret, { amount: '49.99', currency: 'eur' });
      const watched = await h.newPage(viewport);
      const { page } = watched;
      await page.goto(`${h.site.origin}/#${token}`);
      await page.locator('.pdirect-pay:enabled').waitFor();
      expect(await page.locator('.pdirect-pay').textContent()).toBe('Pay €49.99');
      const frames = await page.locator('iframe[data-mpgs-field]').evaluateAll((elements) =>
        elements.map((element) => ({
          src: (element as HTMLIFrameElement).src,
          title: (element as HTMLIFrameElement).title,
          width: element.getBoundingClientRect().width,
        })),
      );
      expect(frames.map((f) => f.title)).toEqual(['Card number', 'Expiry month', 'Expiry year', 'Security code', 'Name on card']);
      for (const frame of frames) {
        expect(new URL(frame.src).origin).toBe(h.gw.simulator!.url);
        expect(frame.width).toBeGreaterThan(60);
        expect(frame.width).toBeLessThanOrEqual(viewport.width);
      }
      // The page itself holds no card input: the placeholders are hidden, read-only and out of the tab order.
      expect(await page.locator('input.pdirect-hosted:visible').count()).toBe(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}${label}-ready.png`, fullPage: true });
      expect(watched.violations).toEqual([]);
      expect(watched.errors).toEqual([]);
      await page.close();
    }
  });

  it('on a phone: empty fields are named, a declined card offers a fresh form, and the next card pays', async () => {
    const { sessionId, token, response } = await mint(h, secret);
    const watched = await h.newPage({ width: 390, height: 844 });
    const { page } = watched;
    await page.goto(`${h.site.origin}/#${token}`);
    await page.locator('.pdirect-pay:enabled').waitFor();

    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.getByRole('alert').getByText('Please check your card details: enter your card number').waitFor();
    expect(await page.locator('.pdirect-field-error:visible').first().textContent()).toBe('Enter your card number.');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('pdirect-alert');
    await page.screenshot({ path: `${ARTIFACTS}phone-fields-in-error.png`, fullPage: true });

    const firstHostedSession = new URL((await page.locator('iframe[data-mpgs-field="number"]').getAttribute('src'))!).searchParams.get('session');
    await typeCard(page, DECLINED);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.getByRole('alert').getByText('Your bank declined the card. No money was taken. Try another card or contact your bank.').waitFor();
    await page.locator('.pdirect-pay:enabled').waitFor();
    const secondHostedSession = new URL((await page.locator('iframe[data-mpgs-field="number"]').getAttribute('src'))!).searchParams.get('session');
    expect(secondHostedSession).not.toBe(firstHostedSession);
    expect(await field(page, 'number').inputValue()).toBe('');
    await page.screenshot({ path: `${ARTIFACTS}phone-declined.png`, fullPage: true });

    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.locator('#outcome').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}phone-paid.png`, fullPage: true });
    const attempts = await http(`${h.gw.url}/v1/payments?order_id=${encodeURIComponent(response.body.order_id)}`, { headers: bearer(secret) });
    expect(attempts.body.data.map((p: { status: string }) => p.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await http(`${h.gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');
    for (const call of watched.toGateway) expect(call.fingerprint, call.line).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(watched.toGateway.map((call) => call.fingerprint)).size).toBe(1);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('3-D Secure: the bank’s page runs in the form under the nonce CSP; "Successful (Y)" pays and the page goes on to the shop’s success URL', async () => {
    const { sessionId, token } = await mint(h, secret, { amount: '49.99' });
    const watched = await h.newPage();
    const { page } = watched;
    await page.goto(`${h.site.origin}/#${token}`);
    await page.locator('.pdirect-pay:enabled').waitFor();
    await typeCard(page, CHALLENGE);
    await page.getByRole('button', { name: 'Pay $49.99' }).click();
    const acs = page.frameLocator('.pdirect-challenge-frame iframe[name="challengeFrame"]');
    const successful = acs.getByRole('button', { name: 'Successful (Y)' });
    await successful.waitFor();
    expect(await page.locator('pdirect-card-form').getAttribute('data-phase')).toBe('challenge');
    expect(await page.locator('.pdirect-form').isHidden()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}desktop-challenge.png`, fullPage: true });
    await successful.click();

    await page.waitForURL((url) => url.origin === h.site.origin && url.searchParams.has('payment_id'));
    const query = new URL(page.url()).searchParams;
    expect(query.get('session_id')).toBe(sessionId);
    const payment = await http(`${h.gw.url}/v1/payments/${query.get('payment_id')}`, { headers: bearer(secret) });
    expect(payment.body).toMatchObject({ status: 'succeeded', amount: '49.99', three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' } });
    expect(await page.locator('#returned').textContent()).toContain(query.get('payment_id'));
    await page.screenshot({ path: `${ARTIFACTS}desktop-back-from-bank.png`, fullPage: true });
    // The re-created 3-D Secure script ran under the page's nonce: no script was refused (inline styles of the bank's html are).
    expect(watched.violations.filter((text) => !/inline style/.test(text))).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('one-time code first: send, a wrong code is refused in the form, the right one opens the card fields, then pay; the code requests carry the fingerprint too', async () => {
    const { sessionId, token } = await mint(h, secret, { require_otp: true, customer: { phone: '+447700900123' } });
    const watched = await h.newPage({ width: 390, height: 844 });
    const { page } = watched;
    await page.goto(`${h.site.origin}/#${token}`);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    expect(await page.locator('iframe[data-mpgs-field]').count()).toBe(0); // no card fields before the code
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('6-digit code').waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/^We sent a code to \+44/);
    await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toContain('pdirect-code');

    const outbox = await http(`${h.gw.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`, { headers: bearer(secret) });
    const code = outbox.body.data.at(-1).code as string;
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.getByText('That code is wrong or has expired.').waitFor();
    expect(await page.getByLabel('6-digit code').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${ARTIFACTS}phone-otp-wrong-code.png`, fullPage: true });

    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.locator('.pdirect-pay:enabled').waitFor();
    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.locator('#outcome').waitFor();
    expect((await http(`${h.gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');

    const expected = await documentedFingerprint(page);
    expect(watched.toGateway.map((call) => call.line)).toEqual(
      expect.arrayContaining(['POST /v1/otp/send', 'POST /v1/otp/verify', 'POST /v1/payments/collect']),
    );
    for (const call of watched.toGateway) expect(call.fingerprint, call.line).toBe(expected);
    const audit = await auditOf(h.gw, sessionId);
    expect(audit.filter((record) => record.warnings.length > 0)).toEqual([]);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('a token already bound to another device is refused (enforce): the form says so, opens no card fields and emits (failed)', async () => {
    const { sessionId, token } = await mint(h, enforcing);
    // The customer's real device opened the session first...
    expect((await http(`${h.gw.url}/v1/checkout`, { headers: sdk(token, DEVICE_B) })).status).toBe(200);
    // ...then the token is replayed from this browser.
    const watched = await h.newPage();
    const { page } = watched;
    await page.goto(`${h.site.origin}/#${token}`);
    await page.locator('#failure').waitFor();
    expect(await page.locator('#failure').textContent()).toBe('Checkout stopped (1006).');
    expect(await page.locator('.pdirect-final').textContent()).toContain('This checkout was opened on another device');
    expect(await page.locator('iframe[data-mpgs-field]').count()).toBe(0);
    expect(await lockedFingerprint(h.gw, sessionId)).toBe(DEVICE_B);
    const audit = await auditOf(h.gw, sessionId);
    expect(audit.map((record) => `${record.line} ${record.status}`)).toEqual(['GET /v1/checkout 200', 'GET /v1/checkout 401']);
    await page.screenshot({ path: `${ARTIFACTS}other-device.png`, fullPage: true });
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('an expired checkout says so and opens no card fields', async () => {
    const { token } = await mint(h, secret, { ttl_seconds: 60 });
    h.gw.clock.advance(61_000);
    const watched = await h.newPage({ width: 390, height: 844 });
    const { page } = watched;
    await page.goto(`${h.site.origin}/#${token}`);
    await page.locator('#failure').waitFor();
    expect(await page.locator('#failure').textContent()).toBe('Checkout stopped (1004).');
    expect(await page.locator('.pdirect-final').textContent()).toContain('This checkout has expired. Nothing was charged.');
    expect(await page.locator('iframe[data-mpgs-field]').count()).toBe(0);
    expect(watched.errors).toEqual([]);
    await page.close();
  });
});
