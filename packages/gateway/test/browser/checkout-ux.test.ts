import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

/**
 * The hosted checkout a shopper can trust, in real Chromium, on a desktop
 * window and on a 390×844 phone: the card form (security code required,
 * expiry checked, number grouped with its brand, invalid characters refused,
 * Enter, labels, aria inside the frames, plain decline messages, the name
 * kept), the way back (cancel_url, every screen), a failed 3-D Secure back to
 * the form, the countdown, the pending screen that polls and goes on,
 * reopening a finished checkout, the challenge window sized per EMV 3DS with
 * no CSP violation, Indonesian end to end, and axe-core in the page and in
 * every frame. Screenshots: test-artifacts/checkout-ux/.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/checkout-ux/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const FRICTIONLESS = { number: '5123456789012346', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const CHALLENGE = { number: '5123450000000008', month: '01', year: '39', csc: '100', name: 'Ada Lovelace' };
const DECLINED = { number: '5111111111111118', month: '05', year: '39', csc: '100', name: 'Ada Lovelace' };
type Card = typeof FRICTIONLESS;

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;
type Viewport = (typeof VIEWPORTS)[number];

async function startMerchantSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://merchant.invalid');
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    const titles: Record<string, string> = { '/thanks': 'Thank you for your order', '/sorry': 'Payment not completed', '/cancelled': 'Checkout cancelled' };
    const title = titles[url.pathname] ?? 'Merchant';
    response.end(`<!doctype html><html lang="en"><title>${title}</title><h1 id="outcome">${title}</h1><p id="query">${url.search.replace(/[<>&"]/g, '')}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!HAVE_CHROMIUM)('checkout UX in Chromium', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  let shop: { origin: string; close(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await testDatabases()[0]!.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
    const merchant = await gw.services.merchants.create({ name: 'Toko Batik', redirectHosts: ['localhost', '127.0.0.1'] });
    secret = merchant.merchantSecret.reveal();
    // Many payments from one browser: what the risk engine would block (card-defence.test.ts); this merchant allows them.
    await gw.services.risk.addRule(merchant.merchant.id, { action: 'allow', predicate: ':amount: >= 0' });
    shop = await startMerchantSite();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await gw?.close();
    await db?.drop();
  });

  const mint = (overrides: Record<string, unknown> = {}) =>
    mintSession(gw, secret, {
      success_redirect_url: `${shop.origin}/thanks`,
      fail_redirect_url: `${shop.origin}/sorry`,
      notify_url: `${shop.origin}/hooks`,
      ...overrides,
    });

  interface Watched {
    page: Page;
    /** Every CSP violation, inline style attributes included. */
    violations: string[];
    errors: string[];
  }

  async function newPage(viewport: Viewport, options: { locale?: string } = {}): Promise<Watched> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: options.locale ?? 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const watched: Watched = { page, violations: [], errors: [] };
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) watched.violations.push(message.text());
    });
    page.on('pageerror', (error) => watched.errors.push(error.message));
    return watched;
  }
  async function close(watched: Watched): Promise<void> {
    expect(watched.violations).toEqual([]);
    expect(watched.errors).toEqual([]);
    await watched.page.context().close();
  }
  async function openCheckout(url: string, viewport: Viewport, options: { locale?: string } = {}): Promise<Watched> {
    const watched = await newPage(viewport, options);
    await watched.page.goto(url);
    await watched.page.locator('#pay:enabled').waitFor();
    return watched;
  }
  const field = (page: Page, name: string) => page.frameLocator(`iframe[data-mpgs-field="${name}"]`).locator('input');
  async function typeCard(page: Page, card: Partial<Card>): Promise<void> {
    if (card.number !== undefined) await field(page, 'number').fill(card.number);
    if (card.month !== undefined) await field(page, 'expiryMonth').fill(card.month);
    if (card.year !== undefined) await field(page, 'expiryYear').fill(card.year);
    if (card.csc !== undefined) await field(page, 'securityCode').fill(card.csc);
    if (card.name !== undefined) await field(page, 'nameOnCard').fill(card.name);
  }
  const shot = (page: Page, name: string, viewport: Viewport) => page.screenshot({ path: `${ARTIFACTS}${viewport.name}-${name}.png`, fullPage: true });
  const sessionStatus = async (sessionId: string) => (await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status as string;

  /** axe-core (WCAG 2 A/AA) inside a frame, run through the DevTools protocol (the page's CSP is left as is). */
  async function axe(frame: Frame): Promise<string[]> {
    await frame.evaluate(AXE_SOURCE);
    const result = await frame.evaluate(async () => {
      const run = (
        globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }
      ).axe;
      return run.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    });
    return result.violations.map((v) => `${frame.url()}: ${v.id} (${v.nodes.length})`);
  }
  async function axeEverywhere(page: Page): Promise<string[]> {
    const found: string[] = [];
    for (const frame of page.frames()) if (frame.url().startsWith('http')) found.push(...(await axe(frame)));
    return found;
  }

  for (const viewport of VIEWPORTS) {
    describe(`${viewport.name} ${viewport.width}×${viewport.height}`, () => {
      it('items 1, 5, 6, 7: security code required, expiry checked, number grouped with its brand, characters refused, labels, Enter, aria in the frames', async () => {
        const { response } = await mint();
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        expect(await axeEverywhere(page)).toEqual([]);

        // (6) grouped in fours as typed; the brand shown; Amex 4-6-5.
        await field(page, 'number').pressSequentially('4012000033330026');
        expect(await field(page, 'number').inputValue()).toBe('4012 0000 3333 0026');
        const brand = page.frameLocator('iframe[data-mpgs-field="number"]').locator('#brand');
        expect(await brand.textContent()).toBe('Visa');
        await field(page, 'number').fill('');
        await field(page, 'number').pressSequentially('371881634498004');
        expect(await field(page, 'number').inputValue()).toBe('3718 818163 4498004'.replace('3718 818163 4498004', '3718 816344 98004'));
        expect(await brand.textContent()).toBe('American Express');
        await shot(page, 'brand-amex', viewport);
        // (6) "1/" in the month and "1x0" in the code are refused; YY takes two digits.
        await field(page, 'expiryMonth').pressSequentially('1/');
        expect(await field(page, 'expiryMonth').inputValue()).toBe('1');
        await field(page, 'securityCode').pressSequentially('1x0');
        expect(await field(page, 'securityCode').inputValue()).toBe('10');
        await field(page, 'expiryYear').pressSequentially('2039');
        expect(await field(page, 'expiryYear').inputValue()).toBe('20');
        expect(await field(page, 'expiryYear').getAttribute('placeholder')).toBe('YY');

        // (7) a click on the page's label focuses the input inside the network's frame.
        await page.locator('label[for="card-number"]').click();
        const numberFrame = page.frame({ url: /\/field\/number/ })!;
        await expect.poll(() => numberFrame.evaluate(() => document.hasFocus() && document.activeElement?.id)).toBe('field');
        await page.locator('label[for="name-on-card"]').click();
        const nameFrame = page.frame({ url: /\/field\/nameOnCard/ })!;
        await expect.poll(() => nameFrame.evaluate(() => document.hasFocus() && document.activeElement?.id)).toBe('field');

        // (1) no security code, (5) a past expiry (01/20): refused by the form; Enter submits (7).
        await typeCard(page, { number: FRICTIONLESS.number, month: '01', year: '20', csc: '', name: 'Ada Lovelace' });
        await field(page, 'nameOnCard').press('Enter');
        await page.locator('#security-code-error:visible').waitFor();
        expect(await page.locator('#security-code-error').textContent()).toBe('Enter the security code.');
        expect(await page.locator('#expiry-year-error').isVisible()).toBe(true);
        expect(await page.locator('#alert').textContent()).toContain('Please check your card details');
        // (7) inside the frames: aria-invalid and the message tied with aria-describedby.
        const csc = page.frame({ url: /\/field\/securityCode/ })!;
        await expect.poll(() => csc.evaluate(() => document.getElementById('field')!.getAttribute('aria-invalid'))).toBe('true');
        expect(
          await csc.evaluate(() => {
            const input = document.getElementById('field')!;
            return (input.getAttribute('aria-describedby') ?? '')
              .split(' ')
              .map((id) => document.getElementById(id)?.textContent)
              .join(' ');
          }),
        ).toContain('Enter the security code.');
        const year = page.frame({ url: /\/field\/expiryYear/ })!;
        expect(await year.evaluate(() => document.getElementById('field')!.getAttribute('aria-invalid'))).toBe('true');
        expect(await page.frame({ url: /\/field\/nameOnCard/ })!.evaluate(() => document.getElementById('field')!.getAttribute('aria-invalid'))).toBeNull();
        await shot(page, 'csc-and-expiry-refused', viewport);
        expect(await axeEverywhere(page)).toEqual([]);

        // Put right, it pays.
        await typeCard(page, { year: '39', csc: '100' });
        await field(page, 'securityCode').press('Enter');
        await page.waitForURL((url) => url.pathname === '/thanks');
        await close(watched);
      });

      it('item 5: a decline in plain words (no network code), the name kept, the card cleared; another card pays', async () => {
        const { sessionId, response } = await mint();
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        await typeCard(page, DECLINED);
        await page.locator('#pay').click();
        await page.locator('#alert').getByText('Your bank declined the card. Try another card or contact your bank.').waitFor();
        expect(await page.locator('main').textContent()).not.toContain('DECLINED');
        await page.locator('#pay:enabled').waitFor();
        expect(await field(page, 'nameOnCard').inputValue()).toBe('Ada Lovelace');
        await expect.poll(() => field(page, 'number').inputValue()).toBe('');
        await shot(page, 'declined', viewport);
        expect(await axeEverywhere(page)).toEqual([]);
        await typeCard(page, { number: FRICTIONLESS.number, month: '01', year: '39', csc: '100' });
        await page.locator('#pay').click();
        await page.waitForURL((url) => url.pathname === '/thanks');
        expect(await sessionStatus(sessionId)).toBe('paid');
        await close(watched);
      });

      it('item 2 and 10: a failed 3-D Secure returns to the form (session open) and another attempt pays; the challenge window is an EMV size, no CSP violation', async () => {
        const { sessionId, response } = await mint({ amount: '49.99' });
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        await expect(page.locator('#back').isVisible()).resolves.toBe(true);
        await typeCard(page, CHALLENGE);
        await page.locator('#pay').click();
        await page.getByRole('heading', { name: 'Confirm with your bank' }).waitFor();
        const frame = page.locator('#challenge iframe[name="challengeFrame"]');
        // Desktop: the EMV 390×400 window fits the column; a phone: FULL_SCREEN (the column's whole width, 400 high).
        const column = (await page.locator('#challenge').boundingBox())!;
        const expected =
          viewport.name === 'desktop' ? { size: '390_X_400', width: 390, height: 400 } : { size: 'FULL_SCREEN', width: Math.round(column.width), height: 400 };
        expect(await frame.getAttribute('data-window-size')).toBe(expected.size);
        const box = (await frame.boundingBox())!;
        expect(Math.round(box.width)).toBe(expected.width);
        expect(Math.round(box.height)).toBe(expected.height);
        const acs = page.frameLocator('#challenge iframe[name="challengeFrame"]');
        await acs.getByRole('button', { name: 'Failed (N)' }).waitFor();
        const acsFrame = page.frame({ name: 'challengeFrame' })!;
        // The issuer's page is laid out for the window: it fits without scrolling.
        const fit = await acsFrame.evaluate(() => ({ cls: document.documentElement.className, height: document.documentElement.scrollHeight }));
        expect(fit.cls).toBe(viewport.name === 'desktop' ? 'w-02' : 'w-05');
        expect(fit.height).toBeLessThanOrEqual(400);
        expect(await page.locator('#back').isVisible()).toBe(true);
        await shot(page, 'challenge', viewport);
        expect(await axeEverywhere(page)).toEqual([]);

        await acs.getByRole('button', { name: 'Failed (N)' }).click();
        await page.waitForURL((url) => url.pathname === `/checkout/${sessionId}` && url.search === '');
        await page.locator('#alert').getByText('Your bank could not confirm it’s you, so no money was taken. Try again, or try another card.').waitFor();
        await page.locator('#pay:enabled').waitFor();
        expect(await sessionStatus(sessionId)).toBe('open');
        await shot(page, 'challenge-failed-back-to-form', viewport);
        await typeCard(page, FRICTIONLESS);
        await page.locator('#pay').click();
        await page.waitForURL((url) => url.pathname === '/thanks');
        expect(await sessionStatus(sessionId)).toBe('paid');
        await close(watched);
      });

      it('item 3: "Back to {merchant}" on every screen; it cancels the session (session.cancelled) and lands on cancel_url', async () => {
        const { sessionId, response } = await mint({ cancel_url: `${shop.origin}/cancelled`, require_otp: true, customer: { email: 'ada@example.com' } });
        const watched = await newPage(viewport);
        const { page } = watched;
        await page.goto(response.body.checkout_url);
        await page.getByRole('heading', { name: 'Confirm it’s you' }).waitFor();
        const back = page.getByRole('button', { name: 'Back to Toko Batik' });
        expect(await back.isVisible()).toBe(true);
        await shot(page, 'back-on-otp', viewport);
        await back.click();
        await page.waitForURL((url) => url.pathname === '/cancelled');
        expect(new URL(page.url()).searchParams.get('session_id')).toBe(sessionId);
        expect(await sessionStatus(sessionId)).toBe('cancelled');
        const events = await gw.services.storage.db.selectFrom('webhook_events').select(['type', 'payload']).where('type', '=', 'session.cancelled').execute();
        expect(events.some((e) => String(e.payload).includes(sessionId))).toBe(true);

        // Reopened (Back, or the link again): it says so plainly and links back.
        await page.goBack();
        await page.getByRole('heading', { name: 'This checkout was cancelled' }).waitFor();
        expect(await page.getByRole('link', { name: 'Back to Toko Batik' }).first().getAttribute('href')).toBe(
          `${shop.origin}/cancelled?session_id=${sessionId}`,
        );
        await shot(page, 'reopened-cancelled', viewport);
        expect(await axeEverywhere(page)).toEqual([]);
        await close(watched);
      });

      it('item 4: Back after paying, and the bare link of a paid or expired checkout, say so and link back', async () => {
        const { sessionId, response } = await mint();
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        await typeCard(page, FRICTIONLESS);
        await page.locator('#pay').click();
        await page.waitForURL((url) => url.pathname === '/thanks');
        await page.goBack();
        await page.getByRole('heading', { name: 'This order is already paid' }).waitFor();
        expect(await page.locator('body').textContent()).not.toContain('incomplete');
        expect(await page.getByRole('link', { name: 'Back to Toko Batik' }).first().getAttribute('href')).toBe(`${shop.origin}/thanks?session_id=${sessionId}`);
        await shot(page, 'back-after-paying', viewport);
        await close(watched);

        const bare = await newPage(viewport);
        await bare.page.goto(`${gw.url}/checkout/${sessionId}`);
        await bare.page.getByRole('heading', { name: 'This order is already paid' }).waitFor();
        await close(bare);

        const late = await mint({ ttl_seconds: 60, cancel_url: `${shop.origin}/cancelled` });
        gw.clock.advance(61_000);
        for (const url of [late.response.body.checkout_url as string, `${gw.url}/checkout/${late.sessionId}`]) {
          const expired = await newPage(viewport);
          await expired.page.goto(url);
          await expired.page.getByRole('heading', { name: 'This checkout has expired' }).waitFor();
          expect(await expired.page.getByRole('link', { name: 'Back to Toko Batik' }).first().getAttribute('href')).toBe(
            `${shop.origin}/cancelled?session_id=${late.sessionId}`,
          );
          await shot(expired.page, 'reopened-expired', viewport);
          await close(expired);
        }
      });

      it('item 8: a warning two minutes before the session expires, then the expired screen with the way back', async () => {
        const { response } = await mint({ ttl_seconds: 300 });
        const watched = await newPage(viewport);
        const { page } = watched;
        await page.clock.install({ time: gw.clock.now() });
        await page.goto(response.body.checkout_url);
        await page.locator('#pay:enabled').waitFor();
        expect(await page.locator('#expiry-warning').isHidden()).toBe(true);
        await page.clock.fastForward(179_000);
        await page.locator('#expiry-warning:visible').waitFor();
        expect(await page.locator('#expiry-warning').textContent()).toBe(
          'This checkout closes in 2 minutes. Finish paying before then, or start again from Toko Batik.',
        );
        await shot(page, 'expiry-warning', viewport);
        expect(await axeEverywhere(page)).toEqual([]);
        gw.clock.advance(301_000);
        await page.clock.fastForward(122_000);
        await page.getByRole('heading', { name: 'This checkout has expired' }).waitFor();
        await page.getByRole('link', { name: 'Back to Toko Batik' }).waitFor();
        await shot(page, 'expired-while-typing', viewport);
        await close(watched);
      });

      it('item 8 and L4: after the challenge the payment is still settling: "confirming" comes back by itself, then goes on', async () => {
        const { sessionId, response } = await mint();
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        await typeCard(page, CHALLENGE);
        await page.locator('#pay').click();
        const acs = page.frameLocator('#challenge iframe[name="challengeFrame"]');
        await acs.getByRole('button', { name: 'Successful (Y)' }).waitFor();
        // The PAY after the challenge is performed but its answer is lost, and the network cannot be asked yet.
        const { current_payment_id: paymentId } = await gw.services.storage.db
          .selectFrom('checkout_sessions')
          .select('current_payment_id')
          .where('id', '=', sessionId)
          .executeTakeFirstOrThrow();
        const row = await gw.services.storage.db.selectFrom('payments').select('pay_txn_id').where('id', '=', paymentId!).executeTakeFirstOrThrow();
        const txn = `/transaction/${row.pay_txn_id}`;
        gw.simulator!.faults.add({ kind: 'lost_answer', apiOperation: 'PAY', pathIncludes: txn, times: 1 });
        gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'PAY', pathIncludes: txn, times: 50 });
        gw.simulator!.faults.add({ kind: 'http_500', apiOperation: 'RETRIEVE_TRANSACTION', pathIncludes: txn, times: 50 });
        await acs.getByRole('button', { name: 'Successful (Y)' }).click();
        // Still in flight: "confirming", never the fail page; the page comes back by itself (GET on the same path).
        await page.getByText('Please do not pay again').waitFor();
        expect(new URL(page.url()).pathname).toBe(`/v1/3ds/return/${paymentId}`);
        // Styled like the checkout, in its language, with the way back to the merchant.
        await page.getByRole('heading', { name: 'We are confirming your payment' }).waitFor();
        expect(await page.getByRole('link', { name: 'Back to Toko Batik' }).count()).toBeGreaterThanOrEqual(1);
        expect(await page.locator('main.checkout').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
        await shot(page, 'pending', viewport);
        gw.simulator!.faults.clear();
        const refreshes = (async () => {
          let n = 0;
          page.on('request', (r) => {
            if (r.method() === 'GET' && new URL(r.url()).pathname === `/v1/3ds/return/${paymentId}`) n++;
          });
          await expect.poll(() => n, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
        })();
        await refreshes;
        gw.clock.advance(31_000);
        await gw.services.payments.reconcileDue();
        await page.waitForURL((url) => url.pathname === '/thanks', { timeout: 20_000 });
        expect(await sessionStatus(sessionId)).toBe('paid');
        await close(watched);
      });

      it('item 9: locale "id" — Indonesian checkout, hosted fields, errors and challenge page; IDR without decimals', async () => {
        const { sessionId, response } = await mint({ locale: 'id', amount: '150000', currency: 'idr' });
        const watched = await openCheckout(response.body.checkout_url, viewport);
        const { page } = watched;
        expect(await page.locator('html').getAttribute('lang')).toBe('id');
        expect((await page.locator('#amount').textContent())!.replace(/\s/g, ' ')).toBe('Rp 150.000');
        expect(await page.locator('#pay').textContent()).toMatch(/^Bayar Rp\s150\.000$/);
        expect(await page.getByRole('button', { name: 'Kembali ke Toko Batik' }).isVisible()).toBe(true);
        const frames = await page.locator('iframe[data-mpgs-field]').evaluateAll((els) => els.map((e) => (e as HTMLIFrameElement).title));
        expect(frames).toEqual(['Nomor kartu', 'Bulan kedaluwarsa', 'Tahun kedaluwarsa', 'Kode keamanan', 'Nama pada kartu']);
        const numberFrame = page.frame({ url: /\/field\/number/ })!;
        expect(await numberFrame.evaluate(() => document.documentElement.lang)).toBe('id');
        expect(await field(page, 'expiryYear').getAttribute('placeholder')).toBe('TT');
        await page.locator('#pay').click();
        await page.locator('#card-number-error').getByText('Masukkan nomor kartu Anda.').waitFor();
        expect(await page.locator('#alert').textContent()).toContain('Periksa data kartu Anda');
        await shot(page, 'id-errors', viewport);
        expect(await axeEverywhere(page)).toEqual([]);

        await typeCard(page, DECLINED);
        await page.locator('#pay').click();
        await expect
          .poll(() => page.locator('#alert').textContent(), { timeout: 15_000 })
          .toBe('Bank Anda menolak kartu ini. Coba kartu lain atau hubungi bank Anda.');
        await page.locator('#pay:enabled').waitFor();
        await typeCard(page, { number: CHALLENGE.number, month: '01', year: '39', csc: '100' });
        await page.locator('#pay').click();
        await page.getByRole('heading', { name: 'Konfirmasi dengan bank Anda' }).waitFor();
        const acs = page.frameLocator('#challenge iframe[name="challengeFrame"]');
        await acs.getByRole('button', { name: 'Berhasil (Y)' }).waitFor();
        expect(await page.frame({ name: 'challengeFrame' })!.evaluate(() => document.documentElement.lang)).toBe('id');
        await shot(page, 'id-challenge', viewport);
        await acs.getByRole('button', { name: 'Gagal (N)' }).click();
        await page
          .locator('#alert')
          .getByText(/^Bank Anda tidak dapat memastikan/)
          .waitFor();
        await page.locator('#pay:enabled').waitFor();
        expect(await sessionStatus(sessionId)).toBe('open');
        await shot(page, 'id-challenge-failed', viewport);
        await close(watched);
      });
    });
  }

  it('locale from Accept-Language when the session names none; cancel_url and locale validated with catalogue errors', async () => {
    const { response } = await mint();
    const watched = await newPage(VIEWPORTS[0], { locale: 'id-ID' });
    await watched.page.goto(response.body.checkout_url);
    await watched.page.locator('#pay:enabled').waitFor();
    expect(await watched.page.locator('html').getAttribute('lang')).toBe('id');
    expect(await watched.page.getByRole('heading', { name: 'Bayar dengan kartu' }).isVisible()).toBe(true);
    await close(watched);

    const bad = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(secret),
      body: { ...(await import('../support/checkout.js')).sessionBody(), cancel_url: 'https://evil.example/back' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ error_code: '1201', param: 'cancel_url' });
    const badLocale = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(secret),
      body: { ...(await import('../support/checkout.js')).sessionBody(), locale: 'xx' },
    });
    expect(badLocale.status).toBe(400);
    expect(badLocale.body.error).toMatchObject({ error_code: '1010' });
    expect(badLocale.body.error.errors[0].param).toBe('locale');
  });
});
