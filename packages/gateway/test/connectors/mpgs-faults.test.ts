/**
 * Every simulator fault against the connector's money-moving calls. The
 * invariant in each case: the outcome is settled with the SAME ids, and the
 * order at the network shows exactly one charge of the amount.
 *
 * Timeouts are 300 ms and sleeps are injected, so the suite stays fast.
 */
import { randomUUID } from 'node:crypto';
import { startSimulator } from '@pdirect/mpgs-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMpgsClient, createMpgsConnector, type MpgsClient, type MpgsConnector } from '../../src/connectors/mpgs/index.js';
import { fillSessionCard } from '../../src/connectors/mpgs/testing.js';
import type { WireOrderAnswer } from '../../src/connectors/mpgs/wire.js';
import { secret } from '../../src/crypto/secret.js';

const TIMEOUT_MS = 300;

let sim: Awaited<ReturnType<typeof startSimulator>>;
let connector: MpgsConnector;
/** One attempt per call: for cases where every request hangs, so they cost 2 × the timeout, not 10×. */
let impatientConnector: MpgsConnector;
let client: MpgsClient;
const slept: number[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1' });
  const config = {
    baseUrl: sim.url,
    merchantId: 'TESTPDIRECT',
    apiPassword: secret('sandbox'),
    timeoutMs: TIMEOUT_MS,
    maxAttempts: 3,
  };
  const sleep = async (ms: number) => void slept.push(ms);
  connector = createMpgsConnector(config, { sleep });
  impatientConnector = createMpgsConnector({ ...config, maxAttempts: 1 }, { sleep });
  client = createMpgsClient(config, { sleep });
});

afterEach(() => {
  sim.faults.clear();
  slept.length = 0;
});

afterAll(async () => {
  await sim?.close();
});

async function preparePay(amount = '12.50') {
  const n = randomUUID().replaceAll('-', '').slice(0, 12);
  const { hostedSessionId } = await connector.openHostedSession();
  await fillSessionCard(client, hostedSessionId, { number: '5111111111111118', month: '01', year: '39' });
  return { orderId: `ord-${n}`, payTransactionId: `pay-${n}`, hostedSessionId, amount, currency: 'USD', reference: 'cs_fault' };
}

async function retrieveOrder(orderId: string): Promise<WireOrderAnswer> {
  return client.send<WireOrderAnswer>({ method: 'GET', path: `/order/${orderId}`, operation: 'RETRIEVE_ORDER' });
}

async function expectOneCharge(orderId: string, amount: string): Promise<void> {
  const order = await retrieveOrder(orderId);
  const payments = (order.transaction ?? []).filter((t) => t.transaction?.type === 'PAYMENT');
  expect(payments).toHaveLength(1);
  expect(payments[0]?.result).toBe('SUCCESS');
  expect(Number(order.totalCapturedAmount)).toBe(Number(amount));
}

describe('faults on PAY', () => {
  it('delay within the timeout: answered normally', async () => {
    const input = await preparePay();
    // A roomy timeout here: under a loaded CI machine 300 ms minus the delay is too thin a margin.
    const patient = createMpgsConnector(
      { baseUrl: sim.url, merchantId: 'TESTPDIRECT', apiPassword: secret('sandbox'), timeoutMs: 10_000, maxAttempts: 3 },
      { sleep: async (ms: number) => void slept.push(ms) },
    );
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'delay', delayMs: 200 });
    const started = performance.now();
    await expect(patient.pay(input)).resolves.toMatchObject({ status: 'succeeded', reconcile: false });
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(slept).toEqual([]);
    await expectOneCharge(input.orderId, input.amount);
  });

  it('timeout: settled by retrieving, then the same PUT — one charge', async () => {
    const input = await preparePay();
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'timeout' });
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded', transactionId: input.payTransactionId });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('http_500: retried with the same ids — one charge', async () => {
    const input = await preparePay();
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'http_500' });
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded' });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('reset: retried with the same ids — one charge', async () => {
    const input = await preparePay();
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'reset' });
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded' });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('lost_answer: the charge happened; reconciled as ONE successful charge', async () => {
    const input = await preparePay('33.10');
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'lost_answer' });
    await expect(connector.pay(input)).resolves.toMatchObject({
      status: 'succeeded',
      reconcile: false,
      gatewayCode: 'APPROVED',
      transactionId: input.payTransactionId,
    });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('lost_answer twice in a row (PUT, then the retrieve): still one charge', async () => {
    const input = await preparePay();
    sim.faults.add({ pathIncludes: input.orderId, kind: 'lost_answer', times: 2 });
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded' });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('reset on the PUT and on the retrieves: resubmits the same PUT once the network says "not found"', async () => {
    const input = await preparePay();
    sim.faults.add({ pathIncludes: input.orderId, kind: 'reset', times: 3 });
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded' });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('outcome still unknown after the bounded attempts → pending + reconcile; reconcilePayment settles it later', async () => {
    const input = await preparePay();
    sim.faults.add({ apiOperation: 'PAY', pathIncludes: input.orderId, kind: 'lost_answer' });
    sim.faults.add({ pathIncludes: input.orderId, kind: 'http_500', times: 100 });
    await expect(connector.pay(input)).resolves.toMatchObject({
      status: 'pending',
      reconcile: true,
      orderId: input.orderId,
      transactionId: input.payTransactionId,
    });
    expect(slept.length).toBeGreaterThan(0);

    sim.faults.clear();
    await expect(connector.reconcilePayment(input.orderId, input.payTransactionId)).resolves.toMatchObject({
      status: 'succeeded',
      reconcile: false,
    });
    await expectOneCharge(input.orderId, input.amount);
  });

  it('every attempt times out and nothing was performed → pending; reconcile finds nothing (no charge)', async () => {
    const input = await preparePay();
    sim.faults.add({ pathIncludes: input.orderId, kind: 'timeout', times: 100 });
    await expect(impatientConnector.pay(input)).resolves.toMatchObject({ status: 'pending', reconcile: true });
    sim.faults.clear();
    await expect(connector.reconcilePayment(input.orderId, input.payTransactionId)).resolves.toBeNull();
  });
});

describe('faults on REFUND and on authentication', () => {
  it('lost_answer on REFUND: refunded once', async () => {
    const input = await preparePay('20.00');
    await expect(connector.pay(input)).resolves.toMatchObject({ status: 'succeeded' });
    const refundTransactionId = `ref-${input.orderId}`;
    sim.faults.add({ apiOperation: 'REFUND', pathIncludes: input.orderId, kind: 'lost_answer' });
    await expect(connector.refund({ orderId: input.orderId, refundTransactionId, amount: '5.00', currency: 'USD' })).resolves.toMatchObject({
      status: 'succeeded',
      transactionId: refundTransactionId,
    });
    const order = await retrieveOrder(input.orderId);
    expect(Number(order.totalRefundedAmount)).toBe(5);
    expect((order.transaction ?? []).filter((t) => t.transaction?.type === 'REFUND')).toHaveLength(1);
  });

  it('http_500 on REFUND: refunded once', async () => {
    const input = await preparePay('20.00');
    await connector.pay(input);
    sim.faults.add({ apiOperation: 'REFUND', pathIncludes: input.orderId, kind: 'http_500' });
    await expect(
      connector.refund({ orderId: input.orderId, refundTransactionId: `ref-${input.orderId}`, amount: '20.00', currency: 'USD' }),
    ).resolves.toMatchObject({ status: 'succeeded' });
    expect(Number((await retrieveOrder(input.orderId)).totalRefundedAmount)).toBe(20);
  });

  it('reset on AUTHENTICATE_PAYER: not repeated with the same ids (a repeat is documented for payments only); the caller sees the failure', async () => {
    const n = randomUUID().replaceAll('-', '').slice(0, 12);
    const ids = { orderId: `ord-${n}`, authTransactionId: `auth-${n}` };
    const { hostedSessionId } = await connector.openHostedSession();
    await fillSessionCard(client, hostedSessionId, { number: '5555555555000018', month: '01', year: '39' });
    await connector.initiateAuthentication({ ...ids, hostedSessionId, currency: 'USD' });
    sim.faults.add({ apiOperation: 'AUTHENTICATE_PAYER', pathIncludes: ids.orderId, kind: 'reset' });
    await expect(
      connector.authenticatePayer({
        ...ids,
        hostedSessionId,
        amount: '9.99',
        currency: 'USD',
        redirectResponseUrl: 'https://pdirect.example/return',
        browser: { userAgent: 'Mozilla/5.0', acceptHeaders: 'text/html' },
      }),
    ).rejects.toMatchObject({ operation: 'AUTHENTICATE_PAYER', transient: true });
    // Nothing reached the network a second time: the authentication is still waiting for the payer.
    const auth = await connector.retrieveAuthentication(ids.orderId, ids.authTransactionId);
    expect(auth.authenticationStatus).toBe('AUTHENTICATION_AVAILABLE');
  });

  it('http_500 on create-session: retried (a spare session is harmless)', async () => {
    sim.faults.add({ apiOperation: 'CREATE_SESSION', kind: 'http_500' });
    await expect(connector.openHostedSession()).resolves.toMatchObject({ hostedSessionId: expect.stringMatching(/^SESSION/) });
  });
});
