import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

/**
 * The hosted checkout page and the browser SDK in real Chromium, against the
 * gateway with the card-network simulator. Three origins, as in production:
 * the gateway (http://127.0.0.1:A), the network (http://127.0.0.1:B: session.js,
 * hosted fields, ACS) and the merchant's site (http://127.0.0.1:C, and
 * http://localhost:C for the cross-site SDK embed). SQLite only: the browser
 * flows do not depend on the storage dialect.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[hosted checkout browser test] skipped: ${CHROMIUM} is not installed (CI installs it: apt-get install -y chromium)`);

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/hosted-checkout/', import.meta.url));

const FRICTIONLESS = { number: '5123456789012346', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const CHALLENGE = { number: '5123450000000008', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const DECLINED = { number: '5111111111111118', month: '05', year: '39', csc: '100', name: 'Ada Lovelace' };
type Card = typeof FRICTIONLESS;

interface MerchantSite {
  origin: string;
  /** The same server under another site (localhost vs 127.0.0.1), for the cross-site SDK embed. */
  otherSiteOrigin: string;
  close(): Promise<void>;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A tiny merchant site: /thanks and /sorry show the query string; /embed uses the SDK from the gateway. */
async function startMerchantSite(gatewayUrl: string): Promise<MerchantSite> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://merchant.invalid');
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (url.pathname === '/thanks' || url.pathname === '/sorry') {
      const title = url.pathname === '/thanks' ? 'Thank you for your order' : 'Payment not completed';
      response.end(`<!doctype html><html lang="en"><title>${title}</title><body style="font-family:system-ui,sans-serif;margin:2rem">
        <h1 id="outcome">${title}</h1><p>Back at the merchant's site. Query string:</p><pre id="query">${escapeHtml(url.search)}</pre></body></html>`);
      return;
    }
    if (url.pathname === '/embed') {
      response.end(`<!doctype html><html lang="en"><title>Merchant page using the SDK</title><body>
        <p id="out">loading</p>
        <script type="module">
          import { createPdirect } from ${JSON.stringify(`${gatewayUrl}/sdk/pdirect.js`)};
          const out = document.getElementById('out');
          try {
            const checkout = await createPdirect({ baseUrl: ${JSON.stringify(gatewayUrl)}, sessionToken: location.hash.slice(1) }).getCheckout();
            out.textContent = 'ok ' + checkout.merchant_name + ' ' + checkout.amount + ' ' + checkout.currency;
          } catch (error) {
            out.textContent = 'error ' + error.code + ' ' + error.message + ' ' + error.requestId;
          }
        </script></body></html>`);
      return;
    }
    response.statusCode = 404;
    response.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    otherSiteOrigin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('hosted checkout and /sdk/pdirect.js over HTTP', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await testDatabases()[0]!.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
    secret = (await gw.services.merchants.create({ name: 'Header Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('serves a page that reveals nothing, under a strict per-response CSP with a nonce', async () => {
    const { sessionId, token, response } = await mintSession(gw, secret, { amount: '987.65' });
    const first = await http(`${gw.url}/checkout/${sessionId}`);
    const second = await http(`${gw.url}/checkout/${sessionId}`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    for (const text of ['987.65', 'Header Shop', response.body.order_id, token]) expect(first.text).not.toContain(text);

    const csp = first.headers['content-security-policy']!;
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    const network = new URL(gw.simulator!.url).origin;
    expect(csp).toBe(
      `default-src 'none'; script-src 'nonce-${nonce}' ${network}; style-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; ` +
        `frame-src 'self' ${network}; form-action 'self' ${network}; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(first.text).toContain(`<script type="module" nonce="${nonce}">`);
    expect(first.text).toContain(`<style nonce="${nonce}">`);
    // One script runs (under the nonce); the message catalogue rides along as JSON, never executed.
    expect(first.text.match(/<script/g)).toHaveLength(2);
    expect(first.text).toContain('<script id="checkout-messages" type="application/json">');
    expect(second.headers['content-security-policy']).not.toBe(csp);
    expect(first.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    });

    const malformed = await http(`${gw.url}/checkout/not-a-session`);
    expect(malformed.status).toBe(404);
    expect(malformed.text).toContain('This payment link is not valid');
    expect(malformed.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves the SDK: JavaScript, briefly cacheable, loadable from merchant pages, with an ETag', async () => {
    const sdk = await http(`${gw.url}/sdk/pdirect.js`);
    expect(sdk.status).toBe(200);
    expect(sdk.text).toContain('export function createPdirect');
    expect(sdk.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const again = await http(`${gw.url}/sdk/pdirect.js`, { headers: { 'if-none-match': sdk.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('answers CORS for the SDK boundary only, never for merchant-key routes', async () => {
    const preflight = await http(`${gw.url}/v1/payments/collect`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key, x-device-fingerprint',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST' });
    expect(preflight.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, Idempotency-Key, X-Device-Fingerprint');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

    const { token } = await mintSession(gw, secret);
    const checkout = await http(`${gw.url}/v1/checkout`, { headers: { ...bearer(token), origin: 'https://shop.example' } });
    expect(checkout.status).toBe(200);
    expect(checkout.headers['access-control-allow-origin']).toBe('*');
    expect(checkout.headers['access-control-expose-headers']).toContain('X-Request-Id');

    const merchantPreflight = await http(`${gw.url}/v1/sessions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(merchantPreflight.headers['access-control-allow-origin']).toBeUndefined();
    const merchantCall = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: { ...bearer(secret), origin: 'https://shop.example' }, body: {} });
    expect(merchantCall.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe.skipIf(!HAVE_CHROMIUM)('hosted checkout in Chromium', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  let shop: MerchantSite;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await testDatabases()[0]!.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
    // enforce: every SDK request of the page must carry the same device fingerprint.
    secret = (
      await gw.services.merchants.create({ name: 'Hosted Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'enforce' })
    ).merchantSecret.reveal();
    shop = await startMerchantSite(gw.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Local Network Access checks refuse a frame on one loopback port navigating to another (here every
      // origin is 127.0.0.1); in production the gateway and the issuer are public. Only (b2) needs this.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-features=LocalNetworkAccessChecks'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await gw?.close();
    await db?.drop();
  });

  const mint = (overrides: Record<string, unknown> = {}) =>
    mintSession(gw, secret, { success_redirect_url: `${shop.origin}/thanks`, fail_redirect_url: `${shop.origin}/sorry`, ...overrides });

  interface Watched {
    page: Page;
    /** Every request the page (or any of its frames) sent to the gateway: URL and body. */
    toGateway: string[];
    /** CSP violations: none, also none for the inline styles of the 3-D Secure html (the SDK applies them through the CSSOM). */
    violations: string[];
    errors: string[];
  }

  async function newPage(viewport = { width: 1024, height: 900 }): Promise<Watched> {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(10_000);
    const watched: Watched = { page, toGateway: [], violations: [], errors: [] };
    page.on('request', (request) => {
      if (request.url().startsWith(gw.url)) watched.toGateway.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`);
    });
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy/.test(text)) watched.violations.push(text);
    });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    return watched;
  }

  /** Opens checkout_url and waits until the hosted fields are ready (Pay enabled). */
  async function openCheckout(checkoutUrl: string, viewport?: { width: number; height: number }): Promise<Watched> {
    const watched = await newPage(viewport);
    await watched.page.goto(checkoutUrl);
    await watched.page.locator('#pay:enabled').waitFor();
    return watched;
  }

  const field = (page: Page, name: string) => page.frameLocator(`iframe[data-mpgs-field="${name}"]`).locator('input');

  async function typeCard(page: Page, card: Card): Promise<void> {
    await field(page, 'number').fill(card.number);
    await field(page, 'expiryMonth').fill(card.month);
    await field(page, 'expiryYear').fill(card.year);
    await field(page, 'securityCode').fill(card.csc);
    await field(page, 'nameOnCard').fill(card.name);
  }

  /** The card number must never be in the checkout page's own document, nor in anything sent to the gateway. */
  async function expectPanOnlyInNetworkFrames(watched: Watched, pan: string): Promise<void> {
    if (watched.page.url().startsWith(gw.url)) {
      expect(await watched.page.content()).not.toContain(pan);
      const values = await watched.page.evaluate(() => Array.from(document.querySelectorAll('input')).map((input) => input.value));
      expect(values.join('|')).not.toContain(pan);
    }
    expect(watched.toGateway.join('\n')).not.toContain(pan);
  }

  async function paymentStatus(paymentId: string) {
    const res = await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(secret) });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function landedOnThanks(watched: Watched, sessionId: string): Promise<string> {
    await watched.page.waitForURL((url) => url.origin === shop.origin && url.pathname === '/thanks');
    const query = new URL(watched.page.url()).searchParams;
    expect(query.get('session_id')).toBe(sessionId);
    const paymentId = query.get('payment_id');
    expect(paymentId).toMatch(/^pay_[a-z2-7]{20}$/);
    return paymentId!;
  }

  it('(a) frictionless card: typed into the network iframes, paid, back at the merchant; the page never holds the card', async () => {
    const { sessionId, token, response } = await mint();
    const checkoutUrl = response.body.checkout_url as string;
    expect(checkoutUrl).toBe(`${gw.url}/checkout/${sessionId}#${token}`);

    const watched = await openCheckout(checkoutUrl);
    const { page } = watched;
    // The token left the address bar (and history) as soon as the page read it.
    expect(page.url()).toBe(`${gw.url}/checkout/${sessionId}`);
    await expect.poll(() => page.locator('#amount').textContent()).toBe('$12.50');
    expect(await page.locator('#merchant').textContent()).toBe('Hosted Shop');
    expect(await page.locator('#order').textContent()).toBe(`Order ${response.body.order_id}`);
    expect(await page.locator('#pay').textContent()).toBe('Pay $12.50');

    const frames = await page
      .locator('iframe[data-mpgs-field]')
      .evaluateAll((elements) => elements.map((element) => ({ src: (element as HTMLIFrameElement).src, title: (element as HTMLIFrameElement).title })));
    expect(frames.map((f) => f.title)).toEqual(['Card number', 'Expiry month', 'Expiry year', 'Security code', 'Name on card']);
    for (const frame of frames) expect(new URL(frame.src).origin).toBe(gw.simulator!.url);
    await page.screenshot({ path: `${ARTIFACTS}checkout-ready.png`, fullPage: true });

    await typeCard(page, FRICTIONLESS);
    await expectPanOnlyInNetworkFrames(watched, FRICTIONLESS.number);
    await page.screenshot({ path: `${ARTIFACTS}card-entered.png`, fullPage: true });

    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    await page.locator('#outcome').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}merchant-thanks.png`, fullPage: true });

    expect(await paymentStatus(paymentId)).toMatchObject({
      id: paymentId,
      status: 'succeeded',
      amount: '12.50',
      card: { masked_number: '512345xxxxxx2346' },
      three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' },
    });
    await expectPanOnlyInNetworkFrames(watched, FRICTIONLESS.number);
    // The SDK called the gateway with the token in a header only: never in a URL, never logged.
    expect(watched.toGateway.some((line) => line.startsWith(`POST ${gw.url}/v1/payments/collect`))).toBe(true);
    expect(watched.toGateway.join('\n')).not.toContain(token);
    expect(gw.logs()).not.toContain(token);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(b) 3-D Secure challenge: the ACS page appears in the challenge frame, "Successful (Y)" pays and lands on the merchant', async () => {
    const { sessionId, response } = await mint({ amount: '49.99' });
    const watched = await openCheckout(response.body.checkout_url);
    const { page } = watched;
    await typeCard(page, CHALLENGE);
    await page.getByRole('button', { name: 'Pay $49.99' }).click();

    await page.getByRole('heading', { name: 'Confirm with your bank' }).waitFor();
    const acs = page.frameLocator('#challenge iframe[name="challengeFrame"]');
    const successful = acs.getByRole('button', { name: 'Successful (Y)' });
    await successful.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('challenge-title');
    await page.screenshot({ path: `${ARTIFACTS}challenge.png`, fullPage: true });
    await successful.click();

    const paymentId = await landedOnThanks(watched, sessionId);
    expect(await paymentStatus(paymentId)).toMatchObject({
      status: 'succeeded',
      amount: '49.99',
      three_d_secure: { authentication_status: 'AUTHENTICATION_SUCCESSFUL' },
    });
    await expectPanOnlyInNetworkFrames(watched, CHALLENGE.number);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(b2) an issuer whose last form posts into the challenge frame itself: the page still moves on to the merchant', async () => {
    const { sessionId, response } = await mint({ amount: '19.99' });
    const watched = await openCheckout(response.body.checkout_url);
    const { page } = watched;
    // The simulated ACS posts back with target _parent, as it should; this one posts into its own frame.
    await page.route('**/acs/challenge/result', async (route) => {
      const answer = await route.fetch();
      await route.fulfill({ response: answer, body: (await answer.text()).replace('target="_parent"', 'target="_self"') });
    });
    await typeCard(page, CHALLENGE);
    await page.getByRole('button', { name: 'Pay $19.99' }).click();
    const acs = page.frameLocator('#challenge iframe[name="challengeFrame"]');
    await acs.getByRole('button', { name: 'Successful (Y)' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    expect(await paymentStatus(paymentId)).toMatchObject({ status: 'succeeded', amount: '19.99' });
    expect(watched.toGateway.some((line) => line.startsWith('POST') && line.includes('/v1/3ds/return/'))).toBe(true);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(c) on a phone: field errors, then a declined card, then another card on the same page pays', async () => {
    const { sessionId, response } = await mint();
    const watched = await openCheckout(response.body.checkout_url, { width: 390, height: 844 });
    const { page } = watched;
    await page.screenshot({ path: `${ARTIFACTS}phone-checkout.png`, fullPage: true });

    // Nothing typed: the network answers fields_in_error, shown per field and summarised in the focused alert.
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.locator('#card-number-error').getByText('Enter your card number.').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('alert');
    expect(await page.locator('#alert').textContent()).toContain('Please check your card details');
    await page.screenshot({ path: `${ARTIFACTS}phone-fields-in-error.png`, fullPage: true });

    await typeCard(page, DECLINED);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.locator('#alert').getByText('Your bank declined the card. Try another card or contact your bank.').waitFor();
    expect(await page.locator('#card-number-error').isHidden()).toBe(true);
    // A fresh hosted session for the next card: the card fields emptied, the name kept.
    await page.locator('#pay:enabled').waitFor();
    await expect.poll(() => field(page, 'number').inputValue()).toBe('');
    expect(await field(page, 'nameOnCard').inputValue()).toBe(DECLINED.name);
    await page.screenshot({ path: `${ARTIFACTS}phone-declined.png`, fullPage: true });

    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    expect(await paymentStatus(paymentId)).toMatchObject({ status: 'succeeded' });
    const attempts = await http(`${gw.url}/v1/payments?order_id=${encodeURIComponent(response.body.order_id)}`, { headers: bearer(secret) });
    expect(attempts.body.data.map((p: { status: string }) => p.status).sort()).toEqual(['failed', 'succeeded']);
    for (const card of [DECLINED, FRICTIONLESS]) await expectPanOnlyInNetworkFrames(watched, card.number);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(d) an expired session says so, and offers no card form', async () => {
    const { response } = await mint({ ttl_seconds: 60 });
    gw.clock.advance(61_000);
    const watched = await newPage();
    await watched.page.goto(response.body.checkout_url);
    await watched.page.getByRole('heading', { name: 'This checkout has expired' }).waitFor();
    expect(await watched.page.locator('main').textContent()).toContain('Nothing was charged');
    expect(await watched.page.getByRole('link', { name: 'Back to Hosted Shop' }).first().getAttribute('href')).toMatch(/\/sorry\?session_id=cs_/);
    expect(await watched.page.locator('iframe[data-mpgs-field]').count()).toBe(0);
    await watched.page.screenshot({ path: `${ARTIFACTS}expired.png`, fullPage: true });
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await watched.page.close();
  });

  it('(e) one-time code first: send, a wrong code is refused on the page, the right one opens the card form, then pay', async () => {
    const { sessionId, response } = await mint({ require_otp: true, customer: { phone: '+447700900123' } });
    const watched = await newPage();
    const { page } = watched;
    await page.goto(response.body.checkout_url);
    await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
    expect(await page.locator('iframe[data-mpgs-field]').count()).toBe(0); // no card form before the code
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#otp-form:visible, #alert:visible').first().waitFor();
    expect(await page.locator('#alert').isHidden(), `alert: ${await page.locator('#alert').textContent()}`).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/^We sent a code to \+44/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('otp-code');

    const outbox = await http(`${gw.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`, { headers: bearer(secret) });
    const code = outbox.body.data.at(-1).code as string;
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('6-digit code').fill(wrong);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.locator('#otp-code-error:visible').waitFor();
    expect(await page.locator('#otp-code').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: `${ARTIFACTS}otp-wrong-code.png`, fullPage: true });

    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Verify code' }).click();
    await page.locator('#pay:enabled').waitFor();
    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    expect(await paymentStatus(paymentId)).toMatchObject({ status: 'succeeded' });
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(f) asking for codes too often: the rate limit message with its wait, and the code buttons locked', async () => {
    const { response } = await mint({ require_otp: true, customer: { phone: '+447700900456' } });
    const watched = await newPage();
    const { page } = watched;
    await page.goto(response.body.checkout_url);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('#otp-form:visible').waitFor();
    for (let i = 0; i < 8 && (await page.locator('#alert').isHidden()); i++) {
      await page.getByRole('button', { name: 'Send a new code' }).click();
      await page.locator('main[aria-busy="false"]').waitFor();
    }
    expect(await page.locator('#alert').textContent()).toMatch(/Try again in \d+ (seconds|minutes)\.$/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('alert');
    expect(await page.getByRole('button', { name: 'Send a new code' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Verify code' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}otp-rate-limited.png`, fullPage: true });
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(g) a link without its token, and the SDK embedded on a merchant page of another site', async () => {
    const { sessionId, token } = await mint({ amount: '5.00' });
    const bare = await newPage();
    await bare.page.goto(`${gw.url}/checkout/${sessionId}`);
    await bare.page.getByRole('heading', { name: 'This payment link is incomplete' }).waitFor();
    await bare.page.close();

    const embedded = await newPage();
    await embedded.page.goto(`${shop.otherSiteOrigin}/embed#${token}`);
    await embedded.page
      .locator('#out')
      .getByText(/^(ok|error) /)
      .waitFor();
    expect(await embedded.page.locator('#out').textContent()).toBe('ok Hosted Shop 5.00 usd');
    expect(embedded.errors).toEqual([]);
    await embedded.page.close();
  });

  it('(h) leaving a challenge for another card: the abandoned attempt fails, the new card pays', async () => {
    const { sessionId, response } = await mint();
    const watched = await openCheckout(response.body.checkout_url);
    const { page } = watched;
    await typeCard(page, CHALLENGE);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.frameLocator('#challenge iframe[name="challengeFrame"]').getByRole('button', { name: 'Successful (Y)' }).waitFor();
    await page.getByRole('button', { name: 'Use a different card' }).click();
    await page.locator('#pay:enabled').waitFor();
    expect(await page.locator('#step-challenge').isHidden()).toBe(true);
    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    expect(await paymentStatus(paymentId)).toMatchObject({ status: 'succeeded', card: { masked_number: '512345xxxxxx2346' } });
    const attempts = await http(`${gw.url}/v1/payments?order_id=${encodeURIComponent(response.body.order_id)}`, { headers: bearer(secret) });
    expect(attempts.body.data.map((p: { status: string }) => p.status).sort()).toEqual(['failed', 'succeeded']);
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });

  it('(i) a wrong security code is declined before any money moves; the right one, on a manual-capture session, lands on the merchant authorized', async () => {
    const { sessionId, response } = await mint({ capture_method: 'manual' });
    const watched = await openCheckout(response.body.checkout_url);
    const { page } = watched;
    await typeCard(page, { ...FRICTIONLESS, csc: '102' });
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    await page.locator('#alert').getByText('The security code does not match the card. Check it and try again, or try another card.').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}csc-declined.png`, fullPage: true });
    await page.locator('#pay:enabled').waitFor();
    await typeCard(page, FRICTIONLESS);
    await page.getByRole('button', { name: 'Pay $12.50' }).click();
    const paymentId = await landedOnThanks(watched, sessionId);
    await page.screenshot({ path: `${ARTIFACTS}manual-capture-thanks.png`, fullPage: true });
    expect(await paymentStatus(paymentId)).toMatchObject({
      status: 'requires_capture',
      capture_method: 'manual',
      card: { checks: { security_code: 'match' } },
    });
    const attempts = await http(`${gw.url}/v1/payments?order_id=${encodeURIComponent(response.body.order_id)}`, { headers: bearer(secret) });
    const declined = attempts.body.data.find((p: { status: string }) => p.status === 'failed');
    expect(declined).toMatchObject({ failure_reason: 'security_code_no_match', card: { checks: { security_code: 'no_match' } } });
    // The merchant captures it later.
    const captured = await http(`${gw.url}/v1/payments/${paymentId}/capture`, { method: 'POST', headers: bearer(secret), body: {} });
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_captured: '12.50' });
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await page.close();
  });
});
