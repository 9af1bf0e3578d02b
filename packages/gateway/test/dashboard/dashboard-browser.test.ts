import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/users/totp.js';
import { SIGN_IN_FAILED } from '../../src/modules/users/user-service.js';
import { DASHBOARD_DIST } from '../../src/http/dashboard/static.js';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';
import { PASSWORD } from './support.js';

/**
 * The dashboard in real Chromium against the real gateway (with the
 * card-network simulator and a webhook receiver): setup link, sign-in,
 * every page, the console's actions checked on the API, XSS payloads in
 * every merchant- and customer-supplied field, axe-core on every page, and
 * no Content-Security-Policy violation anywhere. Screenshots go to
 * test-artifacts/dashboard/.
 */

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// npm ci builds the dashboard (root prepare script); under CI a missing build is a failure, not a skip.
const HAVE_BUILD = existsSync(`${DASHBOARD_DIST}index.html`) || process.env.CI === 'true';
if (!HAVE_CHROMIUM) console.warn(`[dashboard browser test] skipped: ${CHROMIUM} is not installed (CI installs it: apt-get install -y chromium)`);
if (!HAVE_BUILD) console.warn('[dashboard browser test] skipped: the dashboard is not built (npm run build)');

const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/dashboard/', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const DECLINED = { number: '5111111111111118', expiry: '05/39' };

// Each payload sets a global if it ever runs as script or markup.
const XSS = {
  order_id: `<img src=x onerror="window.__xss='order'">order-${Date.now()}`,
  customer_reference: `<script>window.__xss='customer'</script>`,
  metadata: { '<b onmouseover=alert(1)>key': `<svg onload="window.__xss='metadata'"></svg>`, note: `"><iframe src="javascript:window.__xss='iframe'">` },
  rule: `:customer_reference: = '<img src=x onerror="window.__xss=\\'rule\\'">'`,
};

async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline <script> would be refused).
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!HAVE_CHROMIUM || !HAVE_BUILD).each(testDatabases())('dashboard in Chromium ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let receiver: Receiver;
  let merchantSecret: string;
  let merchantId: string;
  let email: string;
  let setupUrl: string;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const shots = `${ARTIFACTS}${factory.name}/`;

  async function check(name: string): Promise<void> {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
    expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  }

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    db = await factory.create();
    receiver = await startReceiver();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true, env: { PDIRECT_WEBHOOK_POLL_MS: '50' } });
    const created = await gw.services.merchants.create({ name: 'Browser Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' });
    merchantSecret = created.merchantSecret.reveal();
    merchantId = created.merchant.id;
    email = `owner-${factory.name}@shop.example`;
    setupUrl = (await gw.services.users.create({ merchantId: created.merchant.id, email, role: 'owner' })).setupUrl.replace(
      'http://localhost:',
      'http://127.0.0.1:',
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    await receiver?.close();
    await db?.drop();
  });

  it('setup link → password → TOTP enrolment with QR code and recovery codes', async () => {
    expect(setupUrl).toContain(gw.url);
    await page.goto(setupUrl);
    await page.getByText('Set up your dashboard account').waitFor();
    await page.locator('.qr svg').waitFor();
    await check('01-setup');
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.getByLabel(/^Password/).fill('qwertyuiop123');
    await page.getByLabel('Repeat the password').fill('qwertyuiop123');
    await page.getByLabel('Authentication code').fill(await totpCode(secret, gw.clock.now()));
    await page.getByRole('button', { name: 'Set password and enable two-factor sign-in' }).click();
    await page.getByText('commonly used passwords').waitFor();
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password and enable two-factor sign-in' }).click();
    await page.getByText('Your account is ready').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    // The token left the address bar.
    expect(page.url()).not.toContain('#');
    await check('02-recovery-codes');
    gw.clock.advance(30_000);
    (globalThis as unknown as { totpSecret: string }).totpSecret = secret;
  });

  it('sign-in: wrong password and unknown e-mail get the same message; then by keyboard alone with the code', async () => {
    const secret = (globalThis as unknown as { totpSecret: string }).totpSecret;
    await page.getByRole('button', { name: 'Continue to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Pdirect dashboard' }).waitFor();
    await check('03-sign-in');
    const attempt = async (address: string, password: string) => {
      await page.getByLabel('Email').fill(address);
      await page.getByLabel(/^Password/).fill(password);
      const answered = page.waitForResponse((r) => r.url().endsWith('/dashboard/api/sign-in'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await answered).status()).toBe(401);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      return (await alert.textContent())!.replace(/\s*\(request id: req_[a-z2-7]+\)$/, '');
    };
    const wrong = await attempt(email, 'definitely not it');
    const unknown = await attempt('nobody@shop.example', 'definitely not it');
    expect(wrong).toBe(SIGN_IN_FAILED);
    expect(unknown).toBe(SIGN_IN_FAILED);
    await check('04-sign-in-failed');

    // Keyboard only: reload, Tab into the fields, Enter to submit.
    await page.goto(`${gw.url}/dashboard/sign-in`);
    await page.getByLabel('Email').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByLabel('Authentication code').waitFor();
    await check('05-code-step');
    await page.keyboard.type(await totpCode(secret, gw.clock.now()));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    gw.clock.advance(30_000);
  });

  it('Home shows the figures with charts; payments made through the API (with XSS payloads) appear, one is refunded', async () => {
    // A declined card on the order id with markup in it (the network never sees that id): stored as failed, and still shown.
    const hostile = await mintSession(gw, merchantSecret, { order_id: XSS.order_id, notify_url: receiver.url });
    const declined = await collect(gw, hostile.token, { hosted_session_id: await cardSession(gw, hostile.token, DECLINED) });
    expect(declined.body.error.error_code).toBe('1601');
    const { token, response } = await mintSession(gw, merchantSecret, {
      customer_reference: XSS.customer_reference,
      metadata: XSS.metadata,
      notify_url: receiver.url,
    });
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
    expect(paid.body).toMatchObject({ status: 'succeeded' });
    (globalThis as unknown as { paymentId: string }).paymentId = paid.body.id;
    await receiver.waitFor(2);

    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.getByTestId('volume').getByText('12.50 USD').waitFor();
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await page.getByTestId('risk-decisions').textContent()).toMatch(/Allowed \(allow\)[1-9]/);
    await check('06-home');

    await page.getByRole('link', { name: 'Payments' }).click();
    await page.getByLabel('Order id, customer reference or payment id').fill(XSS.order_id);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('1 payment(s) found.').waitFor();
    expect(await page.getByTestId('order-id').first().textContent()).toBe(XSS.order_id);
    await check('07-payments');
    await page.getByRole('link', { name: /^View payment / }).click();
    await page.getByTestId('detail-order-id').waitFor();
    expect(await page.getByTestId('detail-order-id').textContent()).toBe(XSS.order_id);
    await check('08-payment-declined');

    await page.getByRole('link', { name: 'Back to payments' }).click();
    await page.getByLabel('Order id, customer reference or payment id').fill(response.body.order_id);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: `View payment ${paid.body.id}` }).click();
    await page.getByRole('heading', { name: `Payment ${paid.body.id}` }).waitFor();
    expect(await page.getByTestId('detail-customer-reference').textContent()).toBe(XSS.customer_reference);
    expect(await page.getByTestId('metadata').textContent()).toContain(XSS.metadata.note);
    expect(await page.getByTestId('metadata').textContent()).toContain(Object.keys(XSS.metadata)[0]);
    expect(await page.locator('main img, main script, main svg[onload], main iframe, main b').count()).toBe(0);
    await page.getByText('AUTHENTICATION_SUCCESSFUL').waitFor();
    await page.getByText('512345xxxxxx2346').first().waitFor();

    await page.getByLabel(/^Refund amount/).fill('5.00');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByText('Refund requested.').waitFor();
    await page.getByRole('cell', { name: '5.00 USD' }).waitFor();
    const status = await http(`${gw.url}/v1/payments/${paid.body.id}`, { headers: bearer(merchantSecret) });
    expect(status.body.amount_refunded).toBe('5.00');
    await check('09-payment-detail');
  });

  it('a delivered webhook is redelivered from the payment page', async () => {
    await receiver.waitFor(3); // payment_attempt.failed, payment.succeeded, refund.succeeded
    await page.reload();
    const button = page.getByRole('button', { name: 'Redeliver payment.succeeded event' });
    await button.waitFor();
    for (let i = 0; i < 50 && (await button.isDisabled()); i++) {
      await page.waitForTimeout(100);
      await page.reload();
      await button.waitFor();
    }
    const before = receiver.receipts.length;
    await button.click();
    await page.getByText('Redelivery scheduled.').waitFor();
    await receiver.waitFor(before + 1);
    const again = receiver.receipts.at(-1)!;
    expect(again.nth).toBe(2);
    expect(JSON.parse(again.body).type).toBe('payment.succeeded');
    await page.reload();
    await page.getByRole('heading', { name: 'Webhook events' }).waitFor();
    await check('10-payment-redelivered');
  });

  it('Developers: create a key (shown once), use it on the API, edit its addresses with validation, revoke it', async () => {
    await page.getByRole('link', { name: 'Developers' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.locator('article.secret-once', { hasText: 'Merchant secret — shown only now' }).getByTestId('secret-value');
    await shown.waitFor();
    const secret = (await shown.textContent())!;
    expect(secret).toMatch(/^pd_test_sk_/);
    await page.getByText('shown only now').waitFor();
    await check('11-developers-key-created');
    const used = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    expect(used.status).toBe(200);
    const keyId = used.body.keys.find((k: { key_id: string }) => secret.includes(k.key_id))?.key_id as string;
    expect(keyId).toBeDefined();

    await page.getByRole('button', { name: `Edit addresses of ${keyId}` }).click();
    await page.getByLabel(`Allowed source addresses for ${keyId}`).fill('300.1.1.1/99');
    await page.getByRole('button', { name: 'Save addresses' }).click();
    await page.getByText('Each entry must be an IP address or CIDR range').waitFor();
    await page.getByLabel(`Allowed source addresses for ${keyId}`).fill('127.0.0.1/32, ::1');
    await page.getByRole('button', { name: 'Save addresses' }).click();
    await page.getByText('127.0.0.1/32, ::1/128').waitFor();

    await page.getByRole('button', { name: `Revoke ${keyId} now` }).click();
    await page.getByTestId(`key-state-${keyId}`).getByText('revoked').waitFor();
    expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).status).toBe(401);

    await page.getByRole('button', { name: 'Rotate webhook secret' }).click();
    const rotated = page.locator('article.secret-once', { hasText: 'Webhook secret — shown only now' }).getByTestId('secret-value');
    await rotated.waitFor();
    expect(await rotated.textContent()).toMatch(/^whsec_/);
    await page
      .getByRole('link', { name: /^View event evt_/ })
      .first()
      .waitFor();
    await check('12-developers');
    await page
      .getByRole('link', { name: /^View event evt_/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Attempts' }).waitFor();
    await check('13-event');
  });

  it('Payment page: the risk decision with its reasons, the CSC check line, and fraud / not-fraud feedback', async () => {
    const paymentId = (globalThis as unknown as { paymentId: string }).paymentId;
    await page.goto(`${gw.url}/dashboard/payments/${paymentId}`);
    await page.getByRole('heading', { name: 'Risk' }).waitFor();
    const api = await http(`${gw.url}/v1/payments/${paymentId}`, { headers: bearer(merchantSecret) });
    const risk = api.body.risk as { score: number; level: string; action: string; reasons: Array<{ detail: string }> };
    const panel = page.getByTestId('risk');
    expect(await panel.textContent()).toContain(`${risk.score} of 100`);
    expect(await panel.textContent()).toContain(risk.level);
    expect(await panel.textContent()).toContain(`(${risk.action})`);
    for (const reason of risk.reasons) expect(await page.getByTestId('risk-reasons').textContent()).toContain(reason.detail);
    // The CSC check is shown when the payment object carries it.
    const csc = api.body.card?.checks?.security_code as string | undefined;
    expect(await page.getByTestId('csc-check').textContent()).toContain(csc ?? 'not reported');
    await page.getByRole('button', { name: 'Mark as fraud', exact: true }).click();
    await page.getByTestId(`fraud-report-${paymentId}`).getByText('fraud', { exact: true }).waitFor();
    expect(await gw.services.risk.fraudReportOf(merchantId, paymentId)).toMatchObject({ fraudulent: true });
    await check('17-payment-risk');
    await page.getByRole('button', { name: 'Mark as not fraud' }).click();
    await page.getByTestId(`fraud-report-${paymentId}`).getByText('not fraud', { exact: true }).waitFor();
  });

  it('Developers: the risk rules editor — parser errors shown, dry run, add (rule text shown as text), reorder by keyboard, remove', async () => {
    await page.getByRole('link', { name: 'Developers' }).click();
    await page.getByRole('heading', { name: 'Risk rules' }).waitFor();
    const predicate = page.getByLabel('Predicate');
    await predicate.fill(':amount: >');
    await page.getByRole('button', { name: 'Add rule' }).click();
    const help = page.getByTestId('predicate-help');
    await help.getByText(/position/).waitFor();
    expect(await predicate.getAttribute('aria-invalid')).toBe('true');
    const api = await http(`${gw.url}/v1/risk/rules`, { method: 'POST', headers: bearer(merchantSecret), body: { action: 'block', predicate: ':amount: >' } });
    expect((await help.textContent())!).toBe(api.body.error.message);

    // The dry run: the 12.50 payment made earlier matches, the declined 12.50 one too; nothing is stored.
    await predicate.fill(":amount: >= 12 and :currency: = 'usd'");
    await page.getByRole('button', { name: 'Dry run over the last 30 days' }).click();
    const summary = page.getByTestId('dry-run-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^This rule would have blocked [1-9][0-9]* of [1-9][0-9]* payment\(s\)$/);
    const paymentId = (globalThis as unknown as { paymentId: string }).paymentId;
    await page.getByTestId('dry-run').getByRole('link', { name: paymentId }).waitFor();
    expect((await http(`${gw.url}/v1/risk/rules`, { headers: bearer(merchantSecret) })).body.data).toEqual([]);
    await check('18-risk-dry-run');

    await page.getByLabel('Action').selectOption('review');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByTestId('risk-rules').locator('li').first().waitFor();
    await page.getByLabel('Action').selectOption('block');
    await predicate.fill(XSS.rule);
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByTestId('risk-rules').locator('li').nth(1).waitFor();
    expect(await page.getByTestId('rule-predicate').nth(1).textContent()).toBe(XSS.rule);
    const ids = async () =>
      (await http(`${gw.url}/v1/risk/rules`, { headers: bearer(merchantSecret) })).body.data.map((r: { predicate: string }) => r.predicate);
    expect(await ids()).toEqual([":amount: >= 12 and :currency: = 'usd'", XSS.rule]);

    // Keyboard only: focus the button, Enter.
    await page.getByRole('button', { name: 'Move down rule 1' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('rule-predicate').first().getByText(XSS.rule).waitFor();
    expect(await ids()).toEqual([XSS.rule, ":amount: >= 12 and :currency: = 'usd'"]);
    await check('19-risk-rules');
    await page.getByRole('button', { name: 'Remove rule 1' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('risk-rules').locator('li').nth(1).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Remove rule 1' }).click();
    await page.getByText("No rules: the model's score alone decides.").waitFor();
    expect(await ids()).toEqual([]);
  });

  it('Reviews: a payment a review rule held (authorized, not captured) is approved from the queue with a reason: captured', async () => {
    const rule = await http(`${gw.url}/v1/risk/rules`, {
      method: 'POST',
      headers: bearer(merchantSecret),
      body: { action: 'review', predicate: ":customer_reference: = 'held-for-review'" },
    });
    expect(rule.status).toBe(201);
    try {
      const { token } = await mintSession(gw, merchantSecret, { customer_reference: 'held-for-review' });
      const held = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
      expect(held.body.status, held.text).toBe('requires_capture');
      await page.getByRole('link', { name: 'Reviews' }).click();
      await page.getByRole('heading', { name: 'Reviews' }).waitFor();
      const decision = page.getByRole('form', { name: `Review decision for ${held.body.id}` });
      await decision.waitFor();
      await check('20-reviews');
      await decision.getByLabel('Reason (kept on the audit record)').fill('customer confirmed by phone');
      await decision.getByRole('button', { name: 'Approve' }).click();
      await page.getByTestId('reviews-empty').waitFor();
      const after = await http(`${gw.url}/v1/payments/${held.body.id}`, { headers: bearer(merchantSecret) });
      expect(after.body).toMatchObject({ status: 'succeeded', amount_captured: after.body.amount });
      await check('20b-reviews-approved');
    } finally {
      await http(`${gw.url}/v1/risk/rules/${rule.body.id}`, { method: 'DELETE', headers: bearer(merchantSecret) });
    }
  });

  it('Settings: emptying the allow-list says every checkout will be refused (and it is); restoring it works', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Redirect and notify host allow-list' }).waitFor();
    await page
      .getByTestId('fingerprint-effective')
      .getByText(/set explicitly to off/)
      .waitFor();
    await page.getByLabel('Fingerprint mode').selectOption('default');
    await page.getByRole('button', { name: 'Save fingerprint mode' }).click();
    await page.getByText(/warn for the first 14 days after the merchant was created, then enforce/).waitFor();
    await page.getByLabel('Allowed hosts (one per line)').fill('');
    await page.getByRole('button', { name: 'Save allow-list' }).click();
    await page.getByTestId('empty-allowlist').waitFor();
    await check('14-settings-empty-allowlist');
    const refused = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(merchantSecret),
      body: {
        amount: '1.00',
        currency: 'usd',
        customer_reference: 'c',
        order_id: `o-${Date.now()}`,
        notify_url: 'http://localhost/n',
        success_redirect_url: 'http://localhost/s',
        fail_redirect_url: 'http://localhost/f',
      },
    });
    expect(refused.body.error.error_code).toBe('1201');
    await page.getByLabel('Allowed hosts (one per line)').fill('localhost\n127.0.0.1');
    await page.getByRole('button', { name: 'Save allow-list' }).click();
    await page.getByTestId('allowlist').getByText('127.0.0.1').waitFor();
    expect(await page.getByTestId('risk-policy').textContent()).toContain('75 and above');
    await page.getByLabel('Email').fill('new.viewer@shop.example');
    await page.getByRole('button', { name: 'Invite member' }).click();
    const link = page.locator('article.secret-once', { hasText: 'Setup link — shown only now' }).getByTestId('secret-value');
    await link.waitFor();
    expect(await link.textContent()).toContain('/dashboard/setup#');
    await check('15-settings');
  });

  it('Audit: the record of an API request is found by its request id alone, with every field', async () => {
    const call = await http(`${gw.url}/v1/merchant`, { headers: { ...bearer(merchantSecret), 'user-agent': '<script>window.__xss="ua"</script>' } });
    const requestId = call.headers['x-request-id']!;
    await gw.services.audit.flush();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Request id').fill(requestId);
    await page.getByRole('button', { name: 'Search' }).click();
    const record = page.getByTestId('audit-record');
    await record.getByText('/v1/merchant').first().waitFor();
    // The list may re-render while a background refetch settles: poll the count.
    await expect.poll(() => record.count()).toBe(1);
    const text = (await record.textContent())!;
    for (const field of [requestId, 'merchant_key', '127.0.0.1', 'GET', '200', '<script>window.__xss="ua"</script>']) expect(text).toContain(field);
    await check('16-audit');
  });

  it('no Content-Security-Policy violation and no script error on any page; sign out ends the session', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in to the Pdirect dashboard' }).waitFor();
    await page.goto(`${gw.url}/dashboard/payments`);
    await page.getByRole('heading', { name: 'Sign in to the Pdirect dashboard' }).waitFor();
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('a session that ends while a page is open sends the next request to the sign-in page, which returns to that page', async () => {
    const secret = (globalThis as unknown as { totpSecret: string }).totpSecret;
    gw.clock.advance(30_000);
    await page.goto(`${gw.url}/dashboard/sign-in`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(await totpCode(secret, gw.clock.now()));
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    gw.clock.advance(30_000);
    // The session ends on the server (sign out everywhere from elsewhere = every session row gone).
    const user = (await gw.services.users.team(merchantId)).find((u) => u.email === email)!;
    await gw.services.users.signOutEverywhere(user.id);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Sign in to the Pdirect dashboard' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(await totpCode(secret, gw.clock.now()));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
