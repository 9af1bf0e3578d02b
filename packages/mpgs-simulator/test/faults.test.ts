import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';
import { MpgsClient, payBody, startTestSimulator, uniqueId, type TestSimulator } from './helpers.js';

let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator({ merchants: { TESTPDIRECT: 'sandbox', TESTOTHER: 'other' } });
});
afterEach(() => {
  t.sim.faults.clear();
});
afterAll(async () => {
  await t.sim.close();
});

async function readyToPay(): Promise<{ orderId: string; sessionId: string }> {
  return { orderId: uniqueId('order'), sessionId: await t.api.sessionWithCard({ number: '5111111111111118' }) };
}

describe('faults', () => {
  it('http_500 answers SERVER_FAILED and performs nothing', async () => {
    const { orderId, sessionId } = await readyToPay();
    t.sim.faults.add({ kind: 'http_500', apiOperation: 'PAY' });
    const failed = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ result: 'ERROR', error: { cause: 'SERVER_FAILED' } });
    expect((await t.api.getOrder(orderId)).status).toBe(400);
    const retried = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(retried.body.result).toBe('SUCCESS');
  });

  it('reset drops the connection and performs nothing', async () => {
    const { orderId, sessionId } = await readyToPay();
    t.sim.faults.add({ kind: 'reset', apiOperation: 'PAY' });
    await expect(t.api.put(orderId, 'pay-1', payBody(sessionId))).rejects.toThrow();
    expect((await t.api.getOrder(orderId)).status).toBe(400);
  });

  it('lost_answer performs the PAY, drops the answer, and the retry gets the first answer without a second charge', async () => {
    const { orderId, sessionId } = await readyToPay();
    t.sim.faults.add({ kind: 'lost_answer', apiOperation: 'PAY' });
    await expect(t.api.put(orderId, 'pay-1', payBody(sessionId))).rejects.toThrow();

    const settled = await t.api.getTransaction(orderId, 'pay-1');
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ result: 'SUCCESS', response: { gatewayCode: 'APPROVED' }, order: { totalCapturedAmount: 12.5 } });

    const retried = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(retried.body.result).toBe('SUCCESS');
    const order = await t.api.getOrder(orderId);
    expect(order.body.totalCapturedAmount).toBe(12.5);
    expect(order.body.transaction).toHaveLength(1);
  });

  it('timeout never answers (the client gives up) and performs nothing', async () => {
    const { orderId, sessionId } = await readyToPay();
    t.sim.faults.add({ kind: 'timeout', apiOperation: 'PAY' });
    const started = Date.now();
    await expect(t.api.put(orderId, 'pay-1', payBody(sessionId), { signal: AbortSignal.timeout(200) })).rejects.toThrow(/timeout|abort/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await t.api.getOrder(orderId)).status).toBe(400);
  });

  it('delay answers normally after delayMs', async () => {
    const { orderId, sessionId } = await readyToPay();
    t.sim.faults.add({ kind: 'delay', delayMs: 150, apiOperation: 'PAY' });
    const started = Date.now();
    const response = await t.api.put(orderId, 'pay-1', payBody(sessionId));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.body.result).toBe('SUCCESS');
  });

  it('applies `times` matching requests, only to the named merchant and operation', async () => {
    const other = new MpgsClient(t.sim.url, 'TESTOTHER', 'other');
    t.sim.faults.add({ kind: 'http_500', merchantId: 'TESTOTHER', apiOperation: 'CREATE_SESSION', times: 2 });
    expect((await t.api.createSession()).status).toBe(201);
    expect((await other.createSession()).status).toBe(500);
    expect((await other.createSession()).status).toBe(500);
    expect((await other.createSession()).status).toBe(201);
  });

  it('matches retrieve operations and path substrings', async () => {
    t.sim.faults.add({ kind: 'http_500', apiOperation: 'RETRIEVE_ORDER' });
    expect((await t.api.getOrder('anything')).status).toBe(500);
    t.sim.faults.add({ kind: 'http_500', pathIncludes: '/information' });
    expect((await fetch(`${t.sim.url}/api/rest/version/100/information`)).status).toBe(500);
    expect((await fetch(`${t.sim.url}/api/rest/version/100/information`)).status).toBe(200);
  });
});

describe('control endpoint', () => {
  it('adds, lists and clears faults over HTTP', async () => {
    const add = await fetch(`${t.sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'http_500', apiOperation: 'REFUND', times: 3 }),
    });
    expect(add.status).toBe(201);
    expect(await add.json()).toEqual({ faults: [{ kind: 'http_500', apiOperation: 'REFUND', times: 3, remaining: 3 }] });
    expect(await (await fetch(`${t.sim.url}/_sim/faults`)).json()).toMatchObject({ faults: [{ kind: 'http_500' }] });

    const bad = await fetch(`${t.sim.url}/_sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"kind":"meteor"}' });
    expect(bad.status).toBe(400);

    const cleared = await fetch(`${t.sim.url}/_sim/faults`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ faults: [] });
  });

  it('injected over HTTP, a lost_answer behaves as the programmatic one', async () => {
    const { orderId, sessionId } = await readyToPay();
    await fetch(`${t.sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'lost_answer', pathIncludes: `/order/${orderId}/` }),
    });
    await expect(t.api.put(orderId, 'pay-1', payBody(sessionId))).rejects.toThrow();
    expect((await t.api.getOrder(orderId)).body.totalCapturedAmount).toBe(12.5);
  });
});

describe('close()', () => {
  it('returns promptly even while a timeout fault holds a request open', async () => {
    const sim = await startSimulator();
    const api = new MpgsClient(sim.url);
    sim.faults.add({ kind: 'timeout' });
    const hanging = api.createSession().then(
      () => 'answered',
      () => 'dropped',
    );
    // Wait until the request has reached the server.
    for (let i = 0; i < 50 && (await fetch(`${sim.url}/_sim/faults`).then((r) => r.json())).faults.length > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const started = Date.now();
    await sim.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await hanging).toBe('dropped');
  });
});
