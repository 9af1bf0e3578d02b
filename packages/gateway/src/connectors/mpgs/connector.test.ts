import { describe, expect, it } from 'vitest';
import { createMpgsConnector } from './config.js';
import { MpgsError } from './errors.js';
import { baseConfig, connectionReset, fakeSleep, json, scriptedFetch } from './testing.js';
import type { WireTransactionAnswer } from './wire.js';

const SESSION = 'SESSION0002816562472I0271878F98';
const MERCHANT = 'https://mpgs.example/api/rest/version/100/merchant/TESTMID';
const PAY_URL = `${MERCHANT}/order/ord-1/transaction/pay-1`;
const card = { brand: 'MASTERCARD', number: '511111xxxxxx1118', expiry: { month: '1', year: '39' } };

const payInput = {
  orderId: 'ord-1',
  payTransactionId: 'pay-1',
  authTransactionId: 'auth-1',
  hostedSessionId: SESSION,
  amount: '12.50',
  currency: 'usd',
  reference: 'cs_123',
};

function answer(result: string, gatewayCode: string, extra: Partial<WireTransactionAnswer> = {}): WireTransactionAnswer {
  return {
    merchant: 'TESTMID',
    result,
    response: { gatewayCode },
    order: { id: 'ord-1', status: result === 'SUCCESS' ? 'CAPTURED' : 'FAILED', totalCapturedAmount: result === 'SUCCESS' ? 12.5 : 0 },
    transaction: { id: 'pay-1', type: 'PAYMENT', amount: 12.5, currency: 'USD' },
    sourceOfFunds: { type: 'CARD', provided: { card } },
    ...extra,
  };
}

const approved = () => json(201, answer('SUCCESS', 'APPROVED'));
const unknown = () => json(201, answer('UNKNOWN', 'UNKNOWN'));
const notFound404 = () => json(404, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Transaction not found' } });
const notFound400 = () => json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Unable to find order ord-1', field: 'orderId' } });
const serverFailed = () => json(500, { result: 'ERROR', error: { cause: 'SERVER_FAILED', explanation: 'oops' } });

function setup(replies: Parameters<typeof scriptedFetch>[0], maxAttempts = 3) {
  const { fetch, calls } = scriptedFetch(replies);
  const { sleep, slept } = fakeSleep();
  const connector = createMpgsConnector({ ...baseConfig, maxAttempts, timeoutMs: 30 }, { fetch, sleep });
  const puts = () => calls.filter((c) => c.method === 'PUT');
  const gets = () => calls.filter((c) => c.method === 'GET');
  return { connector, calls, slept, puts, gets };
}

describe('pay', () => {
  it('returns an approved PAY after one PUT, with the masked card', async () => {
    const t = setup([approved()]);
    const outcome = await t.connector.pay(payInput);
    expect(outcome).toEqual({
      status: 'succeeded',
      reconcile: false,
      orderId: 'ord-1',
      transactionId: 'pay-1',
      transactionType: 'PAYMENT',
      result: 'SUCCESS',
      gatewayCode: 'APPROVED',
      orderStatus: 'CAPTURED',
      amount: '12.5',
      currency: 'USD',
      card: { brand: 'MASTERCARD', maskedNumber: '511111xxxxxx1118', expiryMonth: '01', expiryYear: '39' },
      securityCode: null,
    });
    expect(t.calls).toHaveLength(1);
    expect(t.calls[0]!.url).toBe(PAY_URL);
    expect(JSON.parse(t.calls[0]!.body!)).toMatchObject({
      apiOperation: 'PAY',
      authentication: { transactionId: 'auth-1' },
      order: { amount: '12.50', currency: 'USD', reference: 'cs_123' },
    });
  });

  it('returns a decline without retrieving', async () => {
    const t = setup([json(201, answer('FAILURE', 'DECLINED'))]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'failed', gatewayCode: 'DECLINED', reconcile: false });
    expect(t.calls).toHaveLength(1);
  });

  it('after a timeout, retrieves with the same ids and does not PUT again when the network has it', async () => {
    const t = setup(['hang', approved()]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'succeeded' });
    expect(t.calls.map((c) => `${c.method} ${c.url}`)).toEqual([`PUT ${PAY_URL}`, `GET ${PAY_URL}`]);
  });

  it.each([
    ['reset', connectionReset, notFound404],
    ['HTTP 500', serverFailed, notFound400],
  ])('after a %s, retrieves; not found → repeats the SAME PUT (same ids, same body)', async (_name, failure, notFound) => {
    const t = setup([failure(), notFound(), approved()]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'succeeded' });
    expect(t.calls.map((c) => c.method)).toEqual(['PUT', 'GET', 'PUT']);
    const [first, second] = t.puts();
    expect(second!.url).toBe(first!.url);
    expect(second!.body).toBe(first!.body);
    expect(t.slept).toHaveLength(1);
  });

  it('settles a PENDING/UNKNOWN answer by retrieving, never by paying again', async () => {
    const t = setup([unknown(), unknown(), approved()]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'succeeded', reconcile: false });
    expect(t.calls.map((c) => c.method)).toEqual(['PUT', 'GET', 'GET']);
  });

  it('returns pending with reconcile after the bounded attempts', async () => {
    const t = setup([unknown(), unknown(), unknown()], 3);
    const outcome = await t.connector.pay(payInput);
    expect(outcome).toMatchObject({ status: 'pending', reconcile: true, result: 'UNKNOWN', gatewayCode: 'UNKNOWN', transactionId: 'pay-1' });
    expect(t.puts()).toHaveLength(1);
    expect(t.gets()).toHaveLength(2);
    expect(t.slept).toHaveLength(2);
  });

  it('returns pending with reconcile when the network never answers', async () => {
    // Round 1: PUT hangs, retrieve hangs ×3 (GET is retried). Round 2 and 3: retrieve hangs ×3 each.
    const t = setup(
      Array.from({ length: 1 + 9 }, () => 'hang' as const),
      3,
    );
    const outcome = await t.connector.pay(payInput);
    expect(outcome).toMatchObject({ status: 'pending', reconcile: true, result: null, orderId: 'ord-1', transactionId: 'pay-1' });
    expect(t.puts()).toHaveLength(1);
    expect(new Set(t.calls.map((c) => c.url))).toEqual(new Set([PAY_URL]));
  });

  it('throws MpgsError when the network rejects the PAY outright, without retrying', async () => {
    const t = setup([json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Session expired', field: 'session.id' } })]);
    const error = await t.connector.pay(payInput).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsError);
    expect(error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'session.id' });
    expect(t.calls).toHaveLength(1);
  });

  it('after an ambiguous first attempt, looks once more before reporting a rejection', async () => {
    const rejected = () => json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Session expired' } });
    const t = setup([connectionReset(), notFound404(), rejected(), approved()]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'succeeded' });
    expect(t.calls.map((c) => c.method)).toEqual(['PUT', 'GET', 'PUT', 'GET']);
  });

  it('never turns a failed retrieve after an ambiguous PUT into a thrown error', async () => {
    const unauthorised = () => json(401, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Invalid credentials.' } });
    const t = setup([connectionReset(), unauthorised(), unauthorised(), unauthorised()]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'pending', reconcile: true });
    expect(t.puts()).toHaveLength(1);
  });

  it('a rejection after an ambiguous attempt is pending when the network cannot say whether the first went through', async () => {
    const rejected = () => json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Session expired' } });
    const t = setup([
      connectionReset(),
      notFound404(),
      rejected(),
      serverFailed(),
      serverFailed(),
      serverFailed(),
      serverFailed(),
      serverFailed(),
      serverFailed(),
    ]);
    await expect(t.connector.pay(payInput)).resolves.toMatchObject({ status: 'pending', reconcile: true });
    expect(t.puts()).toHaveLength(2);
  });

  it('a rejection after an ambiguous attempt that the network confirms never happened is thrown', async () => {
    const rejected = () => json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Session expired' } });
    const t = setup([connectionReset(), notFound404(), rejected(), notFound404()]);
    await expect(t.connector.pay(payInput)).rejects.toMatchObject({ name: 'MpgsError', explanation: 'Session expired' });
  });

  it('never takes another transaction under a reused id for this outcome', async () => {
    // A refund id equal to the payment id: after an ambiguous PUT, the retrieve finds the PAYMENT.
    const t = setup([connectionReset(), approved()]);
    const error = await t.connector.refund({ orderId: 'ord-1', refundTransactionId: 'pay-1', amount: '5.00', currency: 'USD' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MpgsIdConflictError', existingType: 'PAYMENT' });
  });

  it('validates input before any network call', async () => {
    const t = setup([]);
    await expect(t.connector.pay({ ...payInput, amount: '12.5.0' })).rejects.toThrow(TypeError);
    await expect(t.connector.pay({ ...payInput, orderId: 'a/b' })).rejects.toThrow(TypeError);
    expect(t.calls).toHaveLength(0);
  });
});

describe('refund and void', () => {
  it('refunds with the caller-supplied transaction id', async () => {
    const t = setup([json(201, answer('SUCCESS', 'APPROVED', { transaction: { id: 'ref-1', type: 'REFUND', amount: 5, currency: 'USD' } }))]);
    await expect(t.connector.refund({ orderId: 'ord-1', refundTransactionId: 'ref-1', amount: '5.00', currency: 'USD' })).resolves.toMatchObject({
      status: 'succeeded',
      transactionId: 'ref-1',
      transactionType: 'REFUND',
    });
    expect(t.calls[0]!.url).toBe(`${MERCHANT}/order/ord-1/transaction/ref-1`);
    expect(t.calls[0]!.body).toBe('{"apiOperation":"REFUND","transaction":{"amount":"5.00","currency":"USD"}}');
  });

  it('throws the network rejection of a refund above the captured amount', async () => {
    const t = setup([
      json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Requested refund exceeds captured amount', field: 'transaction.amount' } }),
    ]);
    await expect(t.connector.refund({ orderId: 'ord-1', refundTransactionId: 'ref-2', amount: '99.00', currency: 'USD' })).rejects.toMatchObject({
      name: 'MpgsError',
      field: 'transaction.amount',
    });
  });

  it('voids a target transaction', async () => {
    const t = setup([json(201, answer('SUCCESS', 'APPROVED', { transaction: { id: 'void-1', type: 'VOID_PAYMENT', targetTransactionId: 'pay-1' } }))]);
    await expect(t.connector.voidTransaction({ orderId: 'ord-1', voidTransactionId: 'void-1', targetTransactionId: 'pay-1' })).resolves.toMatchObject({
      status: 'succeeded',
      transactionType: 'VOID_PAYMENT',
    });
    expect(t.calls[0]!.body).toBe('{"apiOperation":"VOID","transaction":{"targetTransactionId":"pay-1"}}');
  });
});

describe('retrieve and reconcile', () => {
  it('returns null for a transaction the network does not have', async () => {
    const t = setup([notFound404(), notFound400()]);
    await expect(t.connector.retrieveTransaction('ord-1', 'pay-1')).resolves.toBeNull();
    await expect(t.connector.reconcilePayment('ord-1', 'pay-1')).resolves.toBeNull();
  });

  it('reconcilePayment reports a still-unknown transaction for reconciliation', async () => {
    const t = setup([unknown()]);
    await expect(t.connector.reconcilePayment('ord-1', 'pay-1')).resolves.toMatchObject({ status: 'pending', reconcile: true });
  });
});

describe('sessions, authentication and health', () => {
  it('opens a hosted session and never returns the aes256Key', async () => {
    const t = setup([
      json(201, {
        merchant: 'TESTMID',
        result: 'SUCCESS',
        session: { id: SESSION, aes256Key: 'S0VZ', authenticationLimit: 5, updateStatus: 'NO_UPDATE', version: '4302083301' },
      }),
    ]);
    const session = await t.connector.openHostedSession();
    expect(session).toEqual({
      hostedSessionId: SESSION,
      sessionJsUrl: 'https://mpgs.example/form/version/100/merchant/TESTMID/session.js',
      apiVersion: 100,
      merchantId: 'TESTMID',
    });
    expect(t.calls[0]).toMatchObject({ method: 'POST', url: `${MERCHANT}/session`, body: '{"session":{"authenticationLimit":5}}' });
  });

  it('initiates authentication and authenticates the payer on one authentication transaction', async () => {
    const authUrl = `${MERCHANT}/order/ord-1/transaction/auth-1`;
    const t = setup([
      json(201, {
        result: 'SUCCESS',
        response: { gatewayCode: 'PENDING', gatewayRecommendation: 'PROCEED' },
        order: { id: 'ord-1', status: 'AUTHENTICATION_INITIATED' },
        transaction: { id: 'auth-1', type: 'AUTHENTICATION', authenticationStatus: 'AUTHENTICATION_AVAILABLE' },
        authentication: { redirect: { html: '<script>3ds method</script>' } },
      }),
      json(201, {
        result: 'PENDING',
        response: { gatewayCode: 'PENDING', gatewayRecommendation: 'PROCEED' },
        transaction: { id: 'auth-1', authenticationStatus: 'AUTHENTICATION_PENDING' },
        authentication: { payerInteraction: 'REQUIRED', redirect: { html: '<form target="challengeFrame"></form>' } },
      }),
    ]);
    const initiated = await t.connector.initiateAuthentication({ orderId: 'ord-1', authTransactionId: 'auth-1', hostedSessionId: SESSION, currency: 'USD' });
    expect(initiated).toMatchObject({ status: 'proceed', redirectHtml: '<script>3ds method</script>' });
    const challenged = await t.connector.authenticatePayer({
      orderId: 'ord-1',
      authTransactionId: 'auth-1',
      hostedSessionId: SESSION,
      amount: '12.50',
      currency: 'USD',
      redirectResponseUrl: 'https://pdirect.example/3ds/return',
      browser: { userAgent: 'Mozilla/5.0' },
    });
    expect(challenged).toMatchObject({ status: 'challenge', payerInteraction: 'REQUIRED', redirectHtml: '<form target="challengeFrame"></form>' });
    expect(t.calls.map((c) => c.url)).toEqual([authUrl, authUrl]);
  });

  it('sends each authentication step once: a lost answer is not repeated with the same ids', async () => {
    // A repeat is documented to return the first answer for payment operations only.
    const t = setup([connectionReset(), json(201, { result: 'SUCCESS' })]);
    await expect(
      t.connector.authenticatePayer({
        orderId: 'ord-1',
        authTransactionId: 'auth-1',
        hostedSessionId: SESSION,
        amount: '12.50',
        currency: 'USD',
        redirectResponseUrl: 'https://pdirect.example/3ds/return',
        browser: { userAgent: 'Mozilla/5.0', acceptHeaders: 'text/html' },
      }),
    ).rejects.toThrow();
    expect(t.calls).toHaveLength(1);
  });

  it('re-reads an authentication after the browser returns', async () => {
    const t = setup([
      json(200, {
        result: 'SUCCESS',
        response: { gatewayRecommendation: 'PROCEED' },
        transaction: { id: 'auth-1', authenticationStatus: 'AUTHENTICATION_SUCCESSFUL' },
      }),
    ]);
    await expect(t.connector.retrieveAuthentication('ord-1', 'auth-1')).resolves.toMatchObject({ status: 'proceed' });
    expect(t.calls[0]).toMatchObject({ method: 'GET', url: `${MERCHANT}/order/ord-1/transaction/auth-1` });
  });

  it('reports health from /information', async () => {
    const t = setup([json(200, { status: 'OPERATING' }), json(200, { status: 'MAINTENANCE' }), connectionReset()]);
    await expect(t.connector.health()).resolves.toBe(true);
    await expect(t.connector.health()).resolves.toBe(false);
    await expect(t.connector.health()).resolves.toBe(false);
    expect(t.calls[0]!.url).toBe('https://mpgs.example/api/rest/version/100/information');
  });
});
