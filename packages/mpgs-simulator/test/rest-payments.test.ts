import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRY_OUTCOMES } from '../src/index.js';
import { authenticatePayerBody, initiateBody, payBody, startTestSimulator, uniqueId, type TestSimulator } from './helpers.js';

let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t.sim.close();
});

/** A PAY on a fresh order with a fresh session; returns ids and the answer. */
async function payWith(card: { number: string; month?: string; year?: string; csc?: string }, amount = '12.50') {
  const sessionId = await t.api.sessionWithCard(card, { amount, currency: 'USD' });
  const orderId = uniqueId('order');
  const response = await t.api.put(orderId, 'pay-1', payBody(sessionId, undefined, amount));
  return { sessionId, orderId, response };
}

describe('PAY outcomes from the test-card expiry', () => {
  const expected: Record<string, { result: string; status: string; captured: number }> = {
    APPROVED: { result: 'SUCCESS', status: 'CAPTURED', captured: 12.5 },
    DECLINED: { result: 'FAILURE', status: 'FAILED', captured: 0 },
    EXPIRED_CARD: { result: 'FAILURE', status: 'FAILED', captured: 0 },
    TIMED_OUT: { result: 'FAILURE', status: 'FAILED', captured: 0 },
    ACQUIRER_SYSTEM_ERROR: { result: 'FAILURE', status: 'FAILED', captured: 0 },
    UNSPECIFIED_FAILURE: { result: 'FAILURE', status: 'FAILED', captured: 0 },
    UNKNOWN: { result: 'UNKNOWN', status: 'INITIATED', captured: 0 },
  };

  for (const row of EXPIRY_OUTCOMES) {
    const month = String(row.month).padStart(2, '0');
    it(`${month}/${row.year} → ${row.gatewayCode}`, async () => {
      const { response, orderId } = await payWith({ number: '5111111111111118', month, year: String(row.year) });
      const want = expected[row.gatewayCode]!;
      expect(response.status).toBe(201); // 201 even for a decline, as MPGS
      expect(response.body).toMatchObject({
        result: want.result,
        response: { gatewayCode: row.gatewayCode },
        order: { id: orderId, status: want.status, totalCapturedAmount: want.captured, currency: 'USD' },
        transaction: { id: 'pay-1', type: 'PAYMENT', amount: 12.5, currency: 'USD' },
        sourceOfFunds: { provided: { card: { number: '511111xxxxxx1118', brand: 'MASTERCARD' } }, type: 'CARD' },
        gatewayEntryPoint: 'WEB_SERVICES_API',
        merchant: 'TESTPDIRECT',
        version: '100',
      });
      expect(response.body.timeOfRecord).toBe(new Date(t.clock.ms).toISOString());
    });
  }

  it('writes amounts as JSON numbers with the currency decimals', async () => {
    const { response } = await payWith({ number: '4508750015741019' });
    expect(response.text).toContain('"amount":12.50');
    expect(response.text).toContain('"totalCapturedAmount":12.50');
    expect(response.body.sourceOfFunds.provided.card).toMatchObject({ brand: 'VISA', scheme: 'VISA', number: '450875xxxxxx1019' });
  });
});

describe('CSC results', () => {
  for (const [csc, gatewayCode] of [
    ['100', 'MATCH'],
    ['101', 'NOT_PROCESSED'],
    ['102', 'NO_MATCH'],
  ] as const) {
    it(`CSC ${csc} → ${gatewayCode}`, async () => {
      const { response } = await payWith({ number: '5111111111111118', csc });
      expect(response.body.response.cardSecurityCode.gatewayCode).toBe(gatewayCode);
    });
  }

  it('uses the 4-digit codes for Amex and answers NOT_PRESENT without a CSC', async () => {
    const amex = await payWith({ number: '371881634498004', csc: '1020' });
    expect(amex.response.body.response.cardSecurityCode.gatewayCode).toBe('NO_MATCH');
    expect(amex.response.body.sourceOfFunds.provided.card.number).toBe('371881xxxxx8004');
    const none = await payWith({ number: '5111111111111118' });
    expect(none.response.body.response.cardSecurityCode).toEqual({ acquirerCode: 'S', gatewayCode: 'NOT_PRESENT' });
  });

  it('checks the CSC where the session first uses it (INITIATE_AUTHENTICATION) and repeats that result on the PAY', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5555555555000018', csc: '102' });
    const orderId = uniqueId('order');
    const initiated = await t.api.put(orderId, 'auth-1', initiateBody(sessionId));
    expect(initiated.body.response.cardSecurityCode).toEqual({ acquirerCode: 'N', gatewayCode: 'NO_MATCH' });
    await t.api.put(orderId, 'auth-1', authenticatePayerBody(sessionId, 'https://shop.example/3ds'));
    // The session's CSC is gone now; the PAY still reports the check that was made.
    const paid = await t.api.put(orderId, 'pay-1', payBody(sessionId, 'auth-1'));
    expect(paid.body.result).toBe('SUCCESS');
    expect(paid.body.response.cardSecurityCode.gatewayCode).toBe('NO_MATCH');
  });
});

describe("the session's order binds its transactions", () => {
  it('refuses a PAY, AUTHORIZE or AUTHENTICATE_PAYER at another amount, and another currency, than the session holds', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' }, { amount: '12.50', currency: 'USD' });
    const more = await t.api.put(uniqueId('order'), 'pay-1', payBody(sessionId, undefined, '999.00'));
    expect(more.status).toBe(400);
    expect(more.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'order.amount' });
    const authorize = await t.api.put(uniqueId('order'), 'pay-1', { ...payBody(sessionId, undefined, '1.00'), apiOperation: 'AUTHORIZE' });
    expect(authorize.body.error.field).toBe('order.amount');
    const euro = await t.api.put(uniqueId('order'), 'auth-1', initiateBody(sessionId, 'EUR'));
    expect(euro.body.error.field).toBe('order.currency');
    const frictionless = await t.api.sessionWithCard({ number: '5123456789012346' });
    const orderId = uniqueId('order');
    await t.api.put(orderId, 'auth-1', initiateBody(frictionless));
    const payer = await t.api.put(orderId, 'auth-1', authenticatePayerBody(frictionless, 'https://shop.example/3ds', '1.00'));
    expect(payer.body.error.field).toBe('order.amount');
    // At the session's own amount everything goes through.
    const paid = await t.api.put(uniqueId('order'), 'pay-1', payBody(sessionId));
    expect(paid.body.result).toBe('SUCCESS');
  });
});

describe('idempotency', () => {
  it('answers a repeated PUT with the first response and charges once', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    const first = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    t.clock.advance(60_000);
    const second = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    const order = await t.api.getOrder(orderId);
    expect(order.body.totalCapturedAmount).toBe(12.5);
    expect(order.body.transaction).toHaveLength(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    const body = payBody(sessionId);
    const first = await t.api.put(orderId, 'pay-1', body);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect((await t.api.put(orderId, 'pay-1', reordered)).text).toBe(first.text);
  });

  it('refuses the same ids with a different body', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    await t.api.put(orderId, 'pay-1', payBody(sessionId));
    const different = await t.api.put(orderId, 'pay-1', payBody(sessionId, undefined, '99.00'));
    expect(different.status).toBe(400);
    expect(different.body).toMatchObject({ result: 'ERROR', error: { cause: 'INVALID_REQUEST' } });
    expect((await t.api.getOrder(orderId)).body.totalCapturedAmount).toBe(12.5);
  });

  it('refuses a different operation on an existing transaction id', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    await t.api.put(orderId, 'txn-1', payBody(sessionId));
    const refund = await t.api.put(orderId, 'txn-1', { apiOperation: 'REFUND', transaction: { amount: '1.00', currency: 'USD' } });
    expect(refund.status).toBe(400);
  });

  it('does not store refused requests, so a corrected retry is performed', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' });
    const orderId = uniqueId('order');
    const bad = await t.api.put(orderId, 'pay-1', { ...payBody(sessionId), order: { amount: '1.001', currency: 'USD' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('order.amount');
    expect((await t.api.getOrder(orderId)).status).toBe(400);
    expect((await t.api.put(orderId, 'pay-1', payBody(sessionId))).body.result).toBe('SUCCESS');
  });
});

describe('validation', () => {
  it('refuses PAY with a session that has no card', async () => {
    const sessionId = (await t.api.createSession()).body.session.id as string;
    const response = await t.api.put(uniqueId('order'), 'pay-1', payBody(sessionId));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'sourceOfFunds.provided.card.number', validationType: 'MISSING' });
  });

  it('refuses a missing or unknown apiOperation', async () => {
    const missing = await t.api.put(uniqueId('order'), 't', { order: { amount: '1.00' } });
    expect(missing.body.error).toMatchObject({ field: 'apiOperation', validationType: 'MISSING' });
    const unknown = await t.api.put(uniqueId('order'), 't', { apiOperation: 'TELEPORT' });
    expect(unknown.body.error).toMatchObject({ field: 'apiOperation', validationType: 'UNSUPPORTED' });
  });

  it('keeps the order currency consistent', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' });
    const refund = await t.api.put(orderId, 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '1.00', currency: 'EUR' } });
    expect(refund.status).toBe(400);
    expect(refund.body.error).toMatchObject({ field: 'transaction.currency', validationType: 'INVALID' });
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' }, { amount: '1.00', currency: 'EUR' });
    const pay = await t.api.put(orderId, 'pay-eur', { ...payBody(sessionId), order: { amount: '1.00', currency: 'EUR' } });
    expect(pay.status).toBe(400);
    expect(pay.body.error.field).toBe('order.currency');
  });

  it('takes amount and currency from the session when the PAY omits them', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' }, { amount: '7.25', currency: 'USD' });
    const response = await t.api.put(uniqueId('order'), 'pay-1', { apiOperation: 'PAY', session: { id: sessionId }, sourceOfFunds: { type: 'CARD' } });
    expect(response.body).toMatchObject({ result: 'SUCCESS', transaction: { amount: 7.25, currency: 'USD' } });
  });
});

describe('refund, capture and void', () => {
  it('refunds up to the captured amount, never more', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' }, '10.00');
    const part = await t.api.put(orderId, 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '4.00', currency: 'USD' } });
    expect(part.body).toMatchObject({
      result: 'SUCCESS',
      response: { gatewayCode: 'APPROVED' },
      transaction: { type: 'REFUND', amount: 4 },
      order: { status: 'PARTIALLY_REFUNDED', totalRefundedAmount: 4, totalCapturedAmount: 10 },
    });
    const tooMuch = await t.api.put(orderId, 'refund-2', { apiOperation: 'REFUND', transaction: { amount: '6.01', currency: 'USD' } });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toMatchObject({ field: 'transaction.amount', validationType: 'INVALID' });
    const rest = await t.api.put(orderId, 'refund-3', { apiOperation: 'REFUND', transaction: { amount: '6.00', currency: 'USD' } });
    expect(rest.body.order).toMatchObject({ status: 'REFUNDED', totalRefundedAmount: 10 });
    const more = await t.api.put(orderId, 'refund-4', { apiOperation: 'REFUND', transaction: { amount: '0.01', currency: 'USD' } });
    expect(more.status).toBe(400);
  });

  it('refuses a refund on a declined payment and on an unknown order', async () => {
    const { orderId } = await payWith({ number: '5111111111111118', month: '05', year: '39' });
    const refund = await t.api.put(orderId, 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '1.00', currency: 'USD' } });
    expect(refund.status).toBe(400);
    const nowhere = await t.api.put(uniqueId('order'), 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '1.00', currency: 'USD' } });
    expect(nowhere.status).toBe(400);
  });

  it('authorizes, captures in parts up to the authorized amount, and voids', async () => {
    const sessionId = await t.api.sessionWithCard({ number: '5111111111111118' }, { amount: '20.00', currency: 'USD' });
    const orderId = uniqueId('order');
    const auth = await t.api.put(orderId, 'auth-1', { apiOperation: 'AUTHORIZE', session: { id: sessionId }, order: { amount: '20.00', currency: 'USD' } });
    expect(auth.body).toMatchObject({
      result: 'SUCCESS',
      transaction: { type: 'AUTHORIZATION' },
      order: { status: 'AUTHORIZED', totalAuthorizedAmount: 20, totalCapturedAmount: 0 },
    });
    const cap1 = await t.api.put(orderId, 'cap-1', { apiOperation: 'CAPTURE', transaction: { amount: '15.00', currency: 'USD' } });
    expect(cap1.body.order).toMatchObject({ status: 'PARTIALLY_CAPTURED', totalCapturedAmount: 15 });
    const over = await t.api.put(orderId, 'cap-2', { apiOperation: 'CAPTURE', transaction: { amount: '5.01', currency: 'USD' } });
    expect(over.status).toBe(400);
    expect(over.body.error.field).toBe('transaction.amount');
    const voidAuth = await t.api.put(orderId, 'void-auth', { apiOperation: 'VOID', transaction: { targetTransactionId: 'auth-1' } });
    expect(voidAuth.status).toBe(400); // captured authorizations are voided via their captures
    const voidCap = await t.api.put(orderId, 'void-cap', { apiOperation: 'VOID', transaction: { targetTransactionId: 'cap-1' } });
    expect(voidCap.body).toMatchObject({
      result: 'SUCCESS',
      transaction: { type: 'VOID_CAPTURE', targetTransactionId: 'cap-1', amount: 15 },
      order: { status: 'AUTHORIZED', totalCapturedAmount: 0 },
    });
    const voidAuth2 = await t.api.put(orderId, 'void-auth-2', { apiOperation: 'VOID', transaction: { targetTransactionId: 'auth-1' } });
    expect(voidAuth2.body).toMatchObject({ transaction: { type: 'VOID_AUTHORIZATION' }, order: { status: 'CANCELLED', totalAuthorizedAmount: 0 } });
  });

  it('voids a payment once; a second void or an unknown target is refused', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' });
    const first = await t.api.put(orderId, 'void-1', { apiOperation: 'VOID', transaction: { targetTransactionId: 'pay-1' } });
    expect(first.body).toMatchObject({ result: 'SUCCESS', transaction: { type: 'VOID_PAYMENT' }, order: { status: 'CANCELLED', totalCapturedAmount: 0 } });
    const again = await t.api.put(orderId, 'void-2', { apiOperation: 'VOID', transaction: { targetTransactionId: 'pay-1' } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ field: 'transaction.targetTransactionId', validationType: 'INVALID' });
    const unknown = await t.api.put(orderId, 'void-3', { apiOperation: 'VOID', transaction: { targetTransactionId: 'nope' } });
    expect(unknown.status).toBe(400);
    const missing = await t.api.put(orderId, 'void-4', { apiOperation: 'VOID', transaction: {} });
    expect(missing.body.error).toMatchObject({ field: 'transaction.targetTransactionId', validationType: 'MISSING' });
  });

  it('voids a refund, giving the amount back to refund', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' }, '10.00');
    await t.api.put(orderId, 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '10.00', currency: 'USD' } });
    const voided = await t.api.put(orderId, 'void-1', { apiOperation: 'VOID', transaction: { targetTransactionId: 'refund-1' } });
    expect(voided.body).toMatchObject({ transaction: { type: 'VOID_REFUND' }, order: { status: 'CAPTURED', totalRefundedAmount: 0 } });
  });
});

describe('retrieve', () => {
  it('GET transaction answers in the shape of the operation', async () => {
    const { orderId, response } = await payWith({ number: '5111111111111118', csc: '100' });
    const read = await t.api.getTransaction(orderId, 'pay-1');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
  });

  it('GET order lists the order fields and every transaction', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' }, '10.00');
    await t.api.put(orderId, 'refund-1', { apiOperation: 'REFUND', transaction: { amount: '2.50', currency: 'USD' } });
    const order = await t.api.getOrder(orderId);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      id: orderId,
      amount: 10,
      currency: 'USD',
      merchant: 'TESTPDIRECT',
      result: 'SUCCESS',
      status: 'PARTIALLY_REFUNDED',
      totalAuthorizedAmount: 10,
      totalCapturedAmount: 10,
      totalRefundedAmount: 2.5,
      sourceOfFunds: { provided: { card: { number: '511111xxxxxx1118' } }, type: 'CARD' },
    });
    expect(order.body.transaction.map((t: any) => [t.transaction.id, t.transaction.type])).toEqual([
      ['pay-1', 'PAYMENT'],
      ['refund-1', 'REFUND'],
    ]);
  });

  it('answers 400 INVALID_REQUEST with an explanation for an unknown order or transaction, as the gateway does (no 404)', async () => {
    const { orderId } = await payWith({ number: '5111111111111118' });
    const noOrder = await t.api.getOrder(uniqueId('missing'));
    expect(noOrder.status).toBe(400);
    expect(noOrder.body).toMatchObject({ result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: expect.stringContaining('not found') } });
    expect(noOrder.body.error.field).toBeUndefined();
    expect((await t.api.getTransaction(orderId, 'nope')).status).toBe(400);
  });
});
