import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticatePayerBody, initiateBody, payBody, startTestSimulator, uniqueId, type TestSimulator } from './helpers.js';

/**
 * session.js hosted fields and the 3DS challenge in real Chromium. The shop
 * page is served from http://localhost:<port> while the simulator is on
 * http://127.0.0.1:<port>: different site, different origin, as in production.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[mpgs-simulator browser test] skipped: ${CHROMIUM} is not installed (CI installs it: apt-get install -y chromium)`);

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/mpgs-simulator/', import.meta.url));
const PAN = '5123450000000008';

interface ShopServer {
  origin: string;
  returns: Array<Record<string, string>>;
  close(): Promise<void>;
}

/** The merchant's checkout page and its 3DS return URL. */
async function startShop(simulatorUrl: string): Promise<ShopServer> {
  const returns: Array<Record<string, string>> = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/checkout') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(checkoutPage(simulatorUrl, url.searchParams.get('session') ?? ''));
      return;
    }
    if (request.method === 'POST' && url.pathname === '/3ds/return') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(body));
        returns.push(fields);
        response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        response.end(`<!doctype html><html lang="en"><title>Back at the shop</title><body style="font-family:sans-serif;margin:2rem">
          <h1>Back at the shop</h1><p id="outcome">3-D Secure result: ${fields.result ?? '?'} (${fields['response.gatewayRecommendation'] ?? '?'})</p>
          <p>Order ${fields['order.id'] ?? '?'}, authentication ${fields['transaction.id'] ?? '?'}. The shop now re-reads the transaction before paying.</p></body></html>`);
      });
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${port}`,
    returns,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function checkoutPage(simulatorUrl: string, sessionId: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Test shop checkout</title>
<script src="${simulatorUrl}/form/version/100/merchant/TESTPDIRECT/session.js"></script>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; max-width: 30rem; }
  label { display: block; margin-top: .75rem; font-weight: 600; }
  input { width: 100%; height: 40px; box-sizing: border-box; }
  .row { display: flex; gap: 1rem; } .row > div { flex: 1; }
  button { margin-top: 1rem; padding: .5rem 1.25rem; font: inherit; }
  #threeds { height: 460px; margin-top: 1rem; }
</style>
</head>
<body>
<h1>Test shop</h1>
<form id="card-form" onsubmit="return false">
  <label for="card-number">Card number</label><input id="card-number" readonly>
  <div class="row">
    <div><label for="expiry-month">Expiry month</label><input id="expiry-month" readonly></div>
    <div><label for="expiry-year">Expiry year</label><input id="expiry-year" readonly></div>
  </div>
  <label for="security-code">Security code</label><input id="security-code" readonly>
  <label for="name-on-card">Name on card</label><input id="name-on-card" readonly>
  <button id="pay" type="button">Pay</button>
</form>
<div id="threeds"></div>
<script>
  window.updates = [];
  PaymentSession.configure({
    session: ${JSON.stringify(sessionId)},
    fields: { card: { number: '#card-number', securityCode: '#security-code', expiryMonth: '#expiry-month', expiryYear: '#expiry-year', nameOnCard: '#name-on-card' } },
    frameEmbeddingMitigation: ['javascript'],
    callbacks: {
      initialized: function (response) { window.initializedWith = response; },
      formSessionUpdate: function (response) { window.updates.push(response); }
    },
    interaction: { displayControl: { formatCard: 'EMBOSSED', invalidFieldCharacters: 'REJECT' } }
  });
  document.getElementById('pay').addEventListener('click', function () { PaymentSession.updateSessionFromForm('card'); });
  // As docs/card-network.md says: a snippet inserted with innerHTML must have its <script> run explicitly.
  window.insertRedirectHtml = function (html) {
    var container = document.getElementById('threeds');
    container.innerHTML = html;
    container.querySelectorAll('script').forEach(function (old) {
      var script = document.createElement('script');
      script.text = old.text;
      old.replaceWith(script);
    });
  };
</script>
</body>
</html>`;
}

describe.skipIf(!HAVE_CHROMIUM)('session.js and 3-D Secure in Chromium', () => {
  let t: TestSimulator;
  let shop: ShopServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestSimulator();
    shop = await startShop(t.sim.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await t?.sim.close();
  });

  async function openCheckout(sessionId: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 560, height: 900 } });
    page.setDefaultTimeout(10_000);
    await page.goto(`${shop.origin}/checkout?session=${sessionId}`);
    await page.waitForFunction(() => (window as unknown as { initializedWith?: unknown }).initializedWith !== undefined);
    expect(await page.evaluate(() => (window as unknown as { initializedWith: unknown }).initializedWith)).toEqual({ status: 'ok' });
    return page;
  }

  async function typeCard(page: Page, card: { number: string; month: string; year: string; csc: string; name: string }): Promise<void> {
    const field = (name: string) => page.frameLocator(`iframe[data-mpgs-field="${name}"]`).locator('input');
    await field('number').pressSequentially(card.number);
    await field('expiryMonth').pressSequentially(card.month);
    await field('expiryYear').pressSequentially(card.year);
    await field('securityCode').pressSequentially(card.csc);
    await field('nameOnCard').pressSequentially(card.name);
  }

  async function submitCard(page: Page): Promise<any> {
    const before = await page.evaluate(() => (window as unknown as { updates: unknown[] }).updates.length);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForFunction((count) => (window as unknown as { updates: unknown[] }).updates.length > count, before);
    return page.evaluate(() => (window as unknown as { updates: unknown[] }).updates.at(-1));
  }

  /** The PAN must not exist in the shop's own documents: the top page and any same-origin frame. */
  async function assertPanAbsentFromShop(page: Page): Promise<void> {
    expect(await page.content()).not.toContain(PAN);
    for (const frame of page.frames()) {
      const url = frame.url();
      if (url.startsWith(shop.origin) || url === 'about:blank') expect(await frame.content()).not.toContain(PAN);
    }
    const hostValues = await page.evaluate(() => Array.from(document.querySelectorAll('input')).map((input) => input.value));
    expect(hostValues.join('')).not.toContain(PAN);
  }

  it('collects the card in simulator-origin iframes, updates the session, then completes a 3DS challenge and pays', async () => {
    const sessionId = (await t.api.createSession()).body.session.id as string;
    await t.api.updateSession(sessionId, { order: { amount: '12.50', currency: 'USD' } });
    const page = await openCheckout(sessionId);

    const frames = await page
      .locator('iframe[data-mpgs-field]')
      .evaluateAll((elements) => elements.map((element) => ({ src: (element as HTMLIFrameElement).src, title: (element as HTMLIFrameElement).title })));
    expect(frames).toHaveLength(5);
    for (const frame of frames) expect(new URL(frame.src).origin).toBe(t.sim.url);
    expect(frames.map((f) => f.title)).toEqual(['Card number', 'Expiry month', 'Expiry year', 'Security code', 'Name on card']);

    await typeCard(page, { number: PAN, month: '01', year: '39', csc: '100', name: 'Ada Lovelace' });
    await page.screenshot({ path: `${ARTIFACTS}hosted-fields-filled.png`, fullPage: true });

    const update = await submitCard(page);
    expect(update).toEqual({
      status: 'ok',
      session: { id: sessionId, updateStatus: 'SUCCESS', version: expect.stringMatching(/^[0-9a-f]{10}$/) },
      sourceOfFunds: {
        provided: {
          card: {
            brand: 'MASTERCARD',
            expiry: { month: '1', year: '39' },
            fundingMethod: 'DEBIT',
            nameOnCard: 'Ada Lovelace',
            number: '512345xxxxxx0008',
            scheme: 'MASTERCARD',
          },
        },
        type: 'CARD',
      },
    });
    await assertPanAbsentFromShop(page);
    const stored = await t.api.getSession(sessionId);
    expect(stored.body.sourceOfFunds.provided.card).toMatchObject({ number: '512345xxxxxx0008', securityCode: 'xxx' });

    // The shop's server runs 3DS over REST, then hands redirect.html to the page.
    const orderId = uniqueId('order');
    const initiate = await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    expect(initiate.body.transaction.authenticationStatus).toBe('AUTHENTICATION_AVAILABLE');
    await page.evaluate(
      (html) => (window as unknown as { insertRedirectHtml(h: string): void }).insertRedirectHtml(html),
      initiate.body.authentication.redirect.html as string,
    );
    const payer = await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, `${shop.origin}/3ds/return`));
    expect(payer.body.result).toBe('PENDING');
    await page.evaluate(
      (html) => (window as unknown as { insertRedirectHtml(h: string): void }).insertRedirectHtml(html),
      payer.body.authentication.redirect.html as string,
    );

    const acs = page.frameLocator('#challengeFrame');
    const successful = acs.getByRole('button', { name: 'Successful (Y)' });
    await successful.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}acs-challenge.png`, fullPage: true });
    await successful.click();

    await page.waitForURL(`${shop.origin}/3ds/return`);
    await page.getByText('3-D Secure result: SUCCESS (PROCEED)').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}returned-to-shop.png`, fullPage: true });
    expect(shop.returns.at(-1)).toEqual({ 'order.id': orderId, 'transaction.id': 'auth-1', result: 'SUCCESS', 'response.gatewayRecommendation': 'PROCEED' });

    // Never trust the POST: re-read the authentication, then pay.
    const auth = await t.api.getTransaction(orderId, 'auth-1');
    expect(auth.body.transaction.authenticationStatus).toBe('AUTHENTICATION_SUCCESSFUL');
    const pay = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(pay.body).toMatchObject({ result: 'SUCCESS', response: { gatewayCode: 'APPROVED' }, order: { status: 'CAPTURED', totalCapturedAmount: 12.5 } });
    await page.close();
  });

  it('reports fields_in_error for a bad card number, without touching the session', async () => {
    const sessionId = (await t.api.createSession()).body.session.id as string;
    const page = await openCheckout(sessionId);
    await typeCard(page, { number: '5123450000000009', month: '13', year: '39', csc: '100', name: '' });
    const update = await submitCard(page);
    expect(update).toEqual({ status: 'fields_in_error', errors: { cardNumber: 'invalid', expiryMonth: 'invalid' } });
    await page.screenshot({ path: `${ARTIFACTS}fields-in-error.png`, fullPage: true });
    expect((await t.api.getSession(sessionId)).body.session.updateStatus).toBe('NO_UPDATE');
    await page.close();
  });

  it('reports system_error when the gateway fails the update', async () => {
    const sessionId = (await t.api.createSession()).body.session.id as string;
    const page = await openCheckout(sessionId);
    await typeCard(page, { number: PAN, month: '01', year: '39', csc: '100', name: 'Ada' });
    t.sim.faults.add({ kind: 'http_500', pathIncludes: `/session/${sessionId}` });
    const update = await submitCard(page);
    expect(update).toMatchObject({ status: 'system_error', errors: { message: expect.any(String) } });
    expect((await submitCard(page)).status).toBe('ok'); // the fault was used up; a retry works
    await page.close();
  });

  it('refuses card submissions that do not come from the simulator origin', async () => {
    const sessionId = (await t.api.createSession()).body.session.id as string;
    const response = await fetch(`${t.sim.url}/form/version/100/merchant/TESTPDIRECT/session/${sessionId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: shop.origin },
      body: JSON.stringify({ number: PAN, expiryMonth: '1', expiryYear: '39' }),
    });
    expect(response.status).toBe(403);
  });
});
