/**
 * The MPGS connector against the real simulator (in-process, ephemeral
 * port): sessions, 3-D Secure outcomes per test card, PAY outcomes per
 * expiry date, refunds and voids. Faults are in mpgs-faults.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { startSimulator } from '@pdirect/mpgs-simulator';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MpgsError, createMpgsClient, createMpgsConnector, type MpgsClient, type MpgsConfig, type MpgsConnector } from '../../src/connectors/mpgs/index.js';
import { fillSessionCard } from '../../src/connectors/mpgs/testing.js';
import type { WireOrderAnswer } from '../../src/connectors/mpgs/wire.js';
import { secret } from '../../src/crypto/secret.js';

const PASSWORD = 'sandbox';
const REDIRECT = 'https://pdirect.example/v1/3ds/return';
const BROWSER = {
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  acceptHeaders: 'text/html',
  challengeWindowSize: 'FULL_SCREEN' as const,
  colorDepth: 24,
  javaEnabled: false,
  language: 'en-US',
  screenHeight: 800,
  screenWidth: 1280,
  timeZone: -420,
};

let sim: Awaited<ReturnType<typeof startSimulator>>;
let config: MpgsConfig;
let connector: MpgsConnector;
let client: MpgsClient;
const logChunks: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  config = { baseUrl: sim.url, merchantId: 'TESTPDIRECT', apiPassword: secret(PASSWORD), timeoutMs: 2_000, maxAttempts: 3 };
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, cb) {
        logChunks.push(String(chunk));
        cb();
      },
    }),
  );
  const sleep = async () => {};
  connector = createMpgsConnector(config, { logger, sleep });
  client = createMpgsClient(config, { sleep });
});

afterAll(async () => {
  await sim?.close();
});

function newIds() {
  const n = randomUUID().replaceAll('-', '').slice(0, 12);
  return { orderId: `ord-${n}`, authTransactionId: `auth-${n}`, payTransactionId: `pay-${n}` };
}

async function sessionWithCard(number: string, month: string, year: string): Promise<string> {
  const { hostedSessionId } = await connector.openHostedSession();
  await fillSessionCard(client, hostedSessionId, { number, month, year });
  return hostedSessionId;
}

async function retrieveOrder(orderId: string): Promise<WireOrderAnswer> {
  return client.send<WireOrderAnswer>({ method: 'GET', path: `/order/${orderId}`, operation: 'RETRIEVE_ORDER' });
}

/** Pay without 3-D Secure with a card outside the 3DS table. */
async function payPlain(month: string, year: string, amount = '12.50') {
  const ids = newIds();
  const hostedSessionId = await sessionWithCard('5111111111111118', month, year);
  // No authTransactionId: a PAY without 3-D Secure.
  const input = { orderId: ids.orderId, payTransactionId: ids.payTransactionId, hostedSessionId, amount, currency: 'usd', reference: 'cs_test' };
  const outcome = await connector.pay(input);
  return { ids, hostedSessionId, input, outcome };
}

/** What the browser's hidden method frame does: POST threeDSMethodData to the ACS's method URL. */
async function runMethod(html: string): Promise<void> {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
  const data = /name="threeDSMethodData" value="([^"]+)"/.exec(html)![1]!;
  const res = await fetch(action, { method: 'POST', body: new URLSearchParams({ threeDSMethodData: data }) });
  expect(res.status).toBe(200);
}

/** Frictionless 3-D Secure, then PAY with the authentication. */
async function payFrictionless(amount: string) {
  const ids = newIds();
  const hostedSessionId = await sessionWithCard('5123456789012346', '01', '39');
  const initiated = await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' });
  expect(initiated.status).toBe('proceed');
  // The card's ACS has a 3-D Secure method: the browser's hidden frame posts it (without it the issuer challenges).
  await runMethod(initiated.redirectHtml!);
  const authenticated = await connector.authenticatePayer({
    ...ids,
    hostedSessionId,
    amount,
    currency: 'USD',
    redirectResponseUrl: REDIRECT,
    browser: BROWSER,
    ipAddress: '203.0.113.7',
  });
  expect(authenticated.status).toBe('proceed');
  const outcome = await connector.pay({ ...ids, hostedSessionId, amount, currency: 'USD', reference: 'cs_test' });
  return { ids, hostedSessionId, authenticated, outcome };
}

describe('health and sessions', () => {
  it('reports the simulator as operating', async () => {
    await expect(connector.health()).resolves.toBe(true);
  });

  it('opens a hosted session with the session.js URL of the same API version', async () => {
    const session = await connector.openHostedSession();
    expect(session.hostedSessionId).toMatch(/^SESSION[0-9A-Z]{24}$/);
    expect(session).toMatchObject({
      apiVersion: 100,
      merchantId: 'TESTPDIRECT',
      sessionJsUrl: `${sim.url.replace(/\/$/, '')}/form/version/100/merchant/TESTPDIRECT/session.js`,
    });
    const script = await fetch(session.sessionJsUrl);
    expect(script.status).toBe(200);
  });

  it('rejects a wrong password with a typed error that does not contain it', async () => {
    const wrong = createMpgsConnector({ ...config, apiPassword: secret('not-the-password') });
    const error = await wrong.openHostedSession().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsError);
    expect(error).toMatchObject({ httpStatus: 401, cause: 'INVALID_REQUEST' });
    expect(String(error)).not.toContain('not-the-password');
  });
});

describe('PAY outcome by expiry date (plain card 5111111111111118)', () => {
  it.each([
    ['01', '39', 'APPROVED', 'succeeded'],
    ['05', '39', 'DECLINED', 'failed'],
    ['04', '27', 'EXPIRED_CARD', 'failed'],
    // TIMED_OUT comes with result FAILURE: the gateway has settled it as not
    // approved, so Pdirect reports failed (see status.ts).
    ['08', '28', 'TIMED_OUT', 'failed'],
    ['01', '37', 'ACQUIRER_SYSTEM_ERROR', 'failed'],
    ['02', '37', 'UNSPECIFIED_FAILURE', 'failed'],
  ])('%s/%s → %s → %s', async (month, year, gatewayCode, status) => {
    const { ids, outcome } = await payPlain(month, year);
    expect(outcome).toMatchObject({
      status,
      reconcile: false,
      gatewayCode,
      orderId: ids.orderId,
      transactionId: ids.payTransactionId,
      transactionType: 'PAYMENT',
      card: { brand: 'MASTERCARD', maskedNumber: '511111xxxxxx1118', expiryMonth: month, expiryYear: year },
    });
  });

  it('05/37 → UNKNOWN → pending for reconciliation, never success', async () => {
    const { ids, outcome } = await payPlain('05', '37');
    expect(outcome).toMatchObject({ status: 'pending', reconcile: true, result: 'UNKNOWN', gatewayCode: 'UNKNOWN' });
    // Settled by retrieving, never by paying again: one PAYMENT on the order.
    const order = await retrieveOrder(ids.orderId);
    expect(order.transaction?.filter((t) => t.transaction?.type === 'PAYMENT')).toHaveLength(1);
    await expect(connector.reconcilePayment(ids.orderId, ids.payTransactionId)).resolves.toMatchObject({
      status: 'pending',
      reconcile: true,
    });
  });

  it('the amount travels as the given decimal string and the order captures exactly it', async () => {
    const { ids, outcome } = await payPlain('01', '39', '1234.50');
    expect(outcome.status).toBe('succeeded');
    const order = await retrieveOrder(ids.orderId);
    expect(Number(order.totalCapturedAmount)).toBe(1234.5);
    expect(order.currency).toBe('USD');
  });

  it('reconcilePayment finds a settled payment, and null for one never sent', async () => {
    const { ids } = await payPlain('01', '39');
    await expect(connector.reconcilePayment(ids.orderId, ids.payTransactionId)).resolves.toMatchObject({
      status: 'succeeded',
      reconcile: false,
    });
    await expect(connector.reconcilePayment(ids.orderId, 'pay-never-sent')).resolves.toBeNull();
    await expect(connector.reconcilePayment('ord-never-sent', 'pay-never-sent')).resolves.toBeNull();
  });

  it('repeating a PAY with the same ids returns the first outcome and charges once', async () => {
    const { ids, hostedSessionId, input, outcome } = await payPlain('01', '39');
    expect(outcome.status).toBe('succeeded');
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded', transactionId: ids.payTransactionId });
    const order = await retrieveOrder(ids.orderId);
    expect(order.transaction?.filter((t) => t.transaction?.type === 'PAYMENT')).toHaveLength(1);
    expect(Number(order.totalCapturedAmount)).toBe(12.5);

    // Same ids, different body: refused (docs/card-network.md: inferred), never performed.
    await expect(connector.pay({ ...input, hostedSessionId, amount: '99.00' })).rejects.toBeInstanceOf(MpgsError);
    expect(Number((await retrieveOrder(ids.orderId)).totalCapturedAmount)).toBe(12.5);
  });
});

describe('3-D Secure', () => {
  it('frictionless card: INITIATE → AUTHENTICATE_PAYER (proceed, auto-post html) → PAY succeeds', async () => {
    const { ids, authenticated, outcome } = await payFrictionless('25.00');
    expect(authenticated).toMatchObject({ authenticationStatus: 'AUTHENTICATION_SUCCESSFUL', authTransactionId: ids.authTransactionId });
    expect(authenticated.redirectHtml).toContain(REDIRECT);
    expect(outcome).toMatchObject({ status: 'succeeded', gatewayCode: 'APPROVED', card: { maskedNumber: '512345xxxxxx2346' } });
    await expect(connector.retrieveAuthentication(ids.orderId, ids.authTransactionId)).resolves.toMatchObject({ status: 'proceed' });
  });

  it('challenge card: AUTHENTICATE_PAYER → challenge with the ACS form html (requires_action)', async () => {
    const ids = newIds();
    const hostedSessionId = await sessionWithCard('5123450000000008', '01', '39');
    const initiated = await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' });
    expect(initiated).toMatchObject({ status: 'proceed', authenticationStatus: 'AUTHENTICATION_AVAILABLE' });
    const challenged = await connector.authenticatePayer({
      ...ids,
      hostedSessionId,
      amount: '10.00',
      currency: 'USD',
      redirectResponseUrl: REDIRECT,
      browser: BROWSER,
    });
    expect(challenged).toMatchObject({
      status: 'challenge',
      result: 'PENDING',
      authenticationStatus: 'AUTHENTICATION_PENDING',
      payerInteraction: 'REQUIRED',
    });
    expect(challenged.redirectHtml).toContain('challengeFrame');
    expect(challenged.redirectHtml).toContain('<script');
    // Until the payer answers the ACS, a re-read still says challenge.
    await expect(connector.retrieveAuthentication(ids.orderId, ids.authTransactionId)).resolves.toMatchObject({
      status: 'challenge',
    });
  });

  it.each([
    ['attempted', '5500005555555559', 'proceed', 'AUTHENTICATION_ATTEMPTED'],
    ['rejected', '5506900140100503', 'failed', 'AUTHENTICATION_REJECTED'],
    ['unavailable', '5123459999998221', 'unavailable', 'AUTHENTICATION_UNAVAILABLE'],
  ])('%s card %s → %s', async (_name, number, status, authenticationStatus) => {
    const ids = newIds();
    const hostedSessionId = await sessionWithCard(number, '01', '39');
    await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' });
    const outcome = await connector.authenticatePayer({
      ...ids,
      hostedSessionId,
      amount: '10.00',
      currency: 'USD',
      redirectResponseUrl: REDIRECT,
      browser: BROWSER,
    });
    expect(outcome).toMatchObject({ status, authenticationStatus });
  });

  it('card outside the 3DS table: INITIATE → unavailable', async () => {
    const ids = newIds();
    const hostedSessionId = await sessionWithCard('5111111111111118', '01', '39');
    await expect(connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' })).resolves.toMatchObject({
      status: 'unavailable',
    });
  });

  it('error-on-INITIATE card → the network rejection is thrown as MpgsError', async () => {
    const ids = newIds();
    const hostedSessionId = await sessionWithCard('5210760000000004', '01', '39');
    const error = await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsError);
    expect(error).toMatchObject({ cause: 'REQUEST_REJECTED', operation: 'INITIATE_AUTHENTICATION', transient: false });
  });

  it('error-on-AUTHENTICATE_PAYER card → MpgsError', async () => {
    const ids = newIds();
    const hostedSessionId = await sessionWithCard('5455031257390496', '01', '39');
    await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' });
    const error = await connector
      .authenticatePayer({ ...ids, hostedSessionId, amount: '10.00', currency: 'USD', redirectResponseUrl: REDIRECT, browser: BROWSER })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsError);
    expect(error).toMatchObject({ cause: 'REQUEST_REJECTED', operation: 'AUTHENTICATE_PAYER' });
  });
});

describe('refund and void', () => {
  it('refunds partially, then the rest; a refund above what is left is rejected', async () => {
    const { ids, outcome } = await payFrictionless('10.00');
    expect(outcome.status).toBe('succeeded');

    const partial = await connector.refund({ orderId: ids.orderId, refundTransactionId: `ref1-${ids.orderId}`, amount: '4.00', currency: 'USD' });
    expect(partial).toMatchObject({ status: 'succeeded', transactionType: 'REFUND', orderStatus: 'PARTIALLY_REFUNDED' });

    const over = await connector
      .refund({ orderId: ids.orderId, refundTransactionId: `ref2-${ids.orderId}`, amount: '6.01', currency: 'USD' })
      .catch((e: unknown) => e);
    expect(over).toBeInstanceOf(MpgsError);
    expect(over).toMatchObject({ cause: 'INVALID_REQUEST', transient: false });

    const rest = await connector.refund({ orderId: ids.orderId, refundTransactionId: `ref3-${ids.orderId}`, amount: '6.00', currency: 'USD' });
    expect(rest).toMatchObject({ status: 'succeeded', orderStatus: 'REFUNDED' });

    const order = await retrieveOrder(ids.orderId);
    expect(Number(order.totalRefundedAmount)).toBe(10);
  });

  it('refunds in full; repeating the refund with the same ids refunds once', async () => {
    const { ids } = await payFrictionless('7.25');
    const input = { orderId: ids.orderId, refundTransactionId: `ref-${ids.orderId}`, amount: '7.25', currency: 'usd' };
    await expect(connector.refund(input)).resolves.toMatchObject({ status: 'succeeded', orderStatus: 'REFUNDED' });
    await expect(connector.refund(input)).resolves.toMatchObject({ status: 'succeeded' });
    const order = await retrieveOrder(ids.orderId);
    expect(Number(order.totalRefundedAmount)).toBe(7.25);
    expect(order.transaction?.filter((t) => t.transaction?.type === 'REFUND')).toHaveLength(1);
  });

  it('rejects a refund above the captured amount', async () => {
    const { ids } = await payPlain('01', '39', '5.00');
    await expect(connector.refund({ orderId: ids.orderId, refundTransactionId: `ref-${ids.orderId}`, amount: '5.01', currency: 'USD' })).rejects.toBeInstanceOf(
      MpgsError,
    );
  });

  it('voids a payment', async () => {
    const { ids } = await payPlain('01', '39', '3.00');
    const voided = await connector.voidTransaction({
      orderId: ids.orderId,
      voidTransactionId: `void-${ids.orderId}`,
      targetTransactionId: ids.payTransactionId,
    });
    expect(voided).toMatchObject({ status: 'succeeded', transactionId: `void-${ids.orderId}` });
    expect(voided.transactionType).toMatch(/^VOID/);
  });
});

describe('logs', () => {
  it('never carry the password, the Authorization header, a full PAN or a session key', () => {
    const out = logChunks.join('');
    expect(out).toContain('"operation":"PAY"');
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain(Buffer.from(`merchant.TESTPDIRECT:${PASSWORD}`).toString('base64'));
    expect(out).not.toContain('Basic ');
    expect(out).not.toContain('aes256Key');
    for (const pan of ['5111111111111118', '5123456789012346', '5123450000000008']) expect(out).not.toContain(pan);
  });
});
