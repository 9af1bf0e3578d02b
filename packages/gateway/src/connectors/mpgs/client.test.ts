import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { secret } from '../../crypto/secret.js';
import { retryPolicy, type MpgsRequest } from './client.js';
import { MpgsConfigError, createMpgsClient, resolveMpgsConfig, type MpgsConfig } from './config.js';
import { PASSWORD, baseConfig, connectionReset, fakeSleep, json, scriptedFetch } from './testing.js';
import { MpgsError, MpgsTransportError } from './errors.js';

function logCapture(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => chunks.join('') };
}

const TXN_PATH = '/order/ord-1/transaction/pay-1';
const put = (body: unknown = { apiOperation: 'PAY' }): MpgsRequest => ({
  method: 'PUT',
  path: TXN_PATH,
  body,
  operation: 'PAY',
  orderId: 'ord-1',
  transactionId: 'pay-1',
});

describe('transport', () => {
  it('sends Basic merchant.<MID>:<password>, JSON, to the versioned merchant URL', async () => {
    const { fetch, calls } = scriptedFetch([json(201, { result: 'SUCCESS' })]);
    const client = createMpgsClient(baseConfig, { fetch });
    await client.send(put({ apiOperation: 'PAY', order: { amount: '12.50' } }));

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.url).toBe('https://mpgs.example/api/rest/version/100/merchant/TESTMID/order/ord-1/transaction/pay-1');
    expect(call!.method).toBe('PUT');
    expect(call!.headers.Authorization).toBe(`Basic ${Buffer.from(`merchant.TESTMID:${PASSWORD}`).toString('base64')}`);
    expect(call!.headers['Content-Type']).toBe('application/json');
    expect(call!.body).toBe('{"apiOperation":"PAY","order":{"amount":"12.50"}}');
  });

  it('uses one configured API version everywhere', async () => {
    const { fetch, calls } = scriptedFetch([json(200, { status: 'OPERATING' }), json(200, { result: 'SUCCESS' })]);
    const client = createMpgsClient({ ...baseConfig, apiVersion: 73 }, { fetch });
    await client.send({ method: 'GET', path: '/information', scope: 'version', operation: 'INFORMATION', authenticate: false });
    await client.send({ method: 'GET', path: TXN_PATH, operation: 'RETRIEVE_TRANSACTION' });
    expect(calls.map((c) => c.url)).toEqual([
      'https://mpgs.example/api/rest/version/73/information',
      'https://mpgs.example/api/rest/version/73/merchant/TESTMID/order/ord-1/transaction/pay-1',
    ]);
    expect(calls[0]!.headers.Authorization).toBeUndefined();
    expect(calls[1]!.headers['Content-Type']).toBeUndefined();
  });

  it('accepts a 201 carrying a declined transaction as an answer, not an error', async () => {
    const { fetch } = scriptedFetch([json(201, { result: 'FAILURE', response: { gatewayCode: 'DECLINED' } })]);
    const client = createMpgsClient(baseConfig, { fetch });
    await expect(client.send(put())).resolves.toMatchObject({ result: 'FAILURE' });
  });
});

describe('errors', () => {
  it('parses the error object into a typed MpgsError', async () => {
    const { fetch } = scriptedFetch([
      json(400, {
        result: 'ERROR',
        error: { cause: 'INVALID_REQUEST', explanation: 'Invalid amount', field: 'order.amount', validationType: 'INVALID' },
      }),
    ]);
    const client = createMpgsClient(baseConfig, { fetch });
    const error = await client.send(put()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsError);
    expect(error).toMatchObject({
      cause: 'INVALID_REQUEST',
      explanation: 'Invalid amount',
      field: 'order.amount',
      validationType: 'INVALID',
      httpStatus: 400,
      operation: 'PAY',
      transient: false,
    });
    expect((error as Error).message).toBe('MPGS PAY answered HTTP 400 INVALID_REQUEST: Invalid amount: field order.amount');
  });

  it('never puts credentials in the error message or its inspection', async () => {
    const { fetch } = scriptedFetch([json(401, { result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Invalid credentials.' } })]);
    const client = createMpgsClient(baseConfig, { fetch });
    const error = await client.send(put()).catch((e: unknown) => e);
    const printed = inspect(error, { depth: 10 }) + JSON.stringify(error) + String(error);
    expect(printed).not.toContain(PASSWORD);
    expect(printed).not.toContain(Buffer.from(`merchant.TESTMID:${PASSWORD}`).toString('base64'));
  });

  it('treats result ERROR in a 2xx as an error', async () => {
    const { fetch } = scriptedFetch([json(200, { result: 'ERROR', error: { cause: 'REQUEST_REJECTED', explanation: 'nope' } })]);
    const client = createMpgsClient(baseConfig, { fetch });
    await expect(client.send(put())).rejects.toMatchObject({ name: 'MpgsError', cause: 'REQUEST_REJECTED', httpStatus: 200 });
  });

  it('maps a non-JSON 5xx to SERVER_FAILED and a non-JSON 4xx to REQUEST_REJECTED', async () => {
    const { fetch } = scriptedFetch([new Response('<html>bad gateway</html>', { status: 502 }), new Response('forbidden', { status: 403 })]);
    const client = createMpgsClient(baseConfig, { fetch });
    await expect(client.send({ ...put(), retry: false })).rejects.toMatchObject({ cause: 'SERVER_FAILED', httpStatus: 502, transient: true });
    await expect(client.send({ ...put(), retry: false })).rejects.toMatchObject({ cause: 'REQUEST_REJECTED', httpStatus: 403, transient: false });
  });

  it('reports a 2xx that is not JSON as invalid_response (outcome unknown)', async () => {
    const { fetch } = scriptedFetch([new Response('ok', { status: 200 })]);
    const client = createMpgsClient(baseConfig, { fetch });
    const error = await client.send({ ...put(), retry: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MpgsTransportError);
    expect(error).toMatchObject({ kind: 'invalid_response', transient: true });
  });

  it('times out per call', async () => {
    const { fetch } = scriptedFetch(['hang']);
    const client = createMpgsClient({ ...baseConfig, timeoutMs: 20 }, { fetch });
    await expect(client.send({ ...put(), retry: false })).rejects.toMatchObject({ name: 'MpgsTransportError', kind: 'timeout' });
  });

  it('reports network failures with their code', async () => {
    const { fetch } = scriptedFetch([connectionReset()]);
    const client = createMpgsClient(baseConfig, { fetch });
    await expect(client.send({ ...put(), retry: false })).rejects.toMatchObject({
      name: 'MpgsTransportError',
      kind: 'network',
      message: 'MPGS PAY network: ECONNRESET',
    });
  });
});

describe('retry policy', () => {
  it.each([
    ['GET', '/order/o/transaction/t', true],
    ['GET', '/order/o', true],
    ['PUT', '/order/o/transaction/t', true],
    ['PUT', '/session/SESSION000', false],
    ['POST', '/session', true],
    ['POST', '/order/o', false],
  ] as const)('%s %s → %s', (method, path, expected) => {
    expect(retryPolicy(method, path)).toBe(expected);
  });

  it('repeats an idempotent PUT with the same URL and body on 5xx, SERVER_BUSY, timeout and reset', async () => {
    const { fetch, calls } = scriptedFetch([
      json(500, { result: 'ERROR', error: { cause: 'SERVER_FAILED' } }),
      json(503, { result: 'ERROR', error: { cause: 'SERVER_BUSY' } }),
      'hang',
      connectionReset(),
      json(201, { result: 'SUCCESS' }),
    ]);
    const { sleep, slept } = fakeSleep();
    const client = createMpgsClient({ ...baseConfig, maxAttempts: 5 }, { fetch, sleep, backoffMs: (n) => n * 10 });
    await expect(client.send(put({ apiOperation: 'PAY', x: 1 }))).resolves.toEqual({ result: 'SUCCESS' });
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => `${c.method} ${c.url} ${c.body}`)).size).toBe(1);
    expect(slept).toEqual([10, 20, 30, 40]);
  });

  it('gives up after maxAttempts and throws the last error', async () => {
    const busy = () => json(503, { result: 'ERROR', error: { cause: 'SERVER_BUSY' } });
    const { fetch, calls } = scriptedFetch([busy(), busy(), busy()]);
    const { sleep, slept } = fakeSleep();
    const client = createMpgsClient({ ...baseConfig, maxAttempts: 3 }, { fetch, sleep });
    await expect(client.send(put())).rejects.toMatchObject({ cause: 'SERVER_BUSY' });
    expect(calls).toHaveLength(3);
    expect(slept).toHaveLength(2);
  });

  it('never repeats a rejected request', async () => {
    const { fetch, calls } = scriptedFetch([json(400, { result: 'ERROR', error: { cause: 'INVALID_REQUEST' } })]);
    const { sleep, slept } = fakeSleep();
    const client = createMpgsClient(baseConfig, { fetch, sleep });
    await expect(client.send(put())).rejects.toMatchObject({ cause: 'INVALID_REQUEST' });
    expect(calls).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it('makes one attempt for a session update and when the caller says retry: false', async () => {
    const { fetch, calls } = scriptedFetch([connectionReset(), connectionReset()]);
    const { sleep } = fakeSleep();
    const client = createMpgsClient(baseConfig, { fetch, sleep });
    await expect(client.send({ method: 'PUT', path: '/session/SESSION0001', body: {}, operation: 'UPDATE_SESSION' })).rejects.toThrow(MpgsTransportError);
    await expect(client.send({ ...put(), retry: false })).rejects.toThrow(MpgsTransportError);
    expect(calls).toHaveLength(2);
  });

  it('repeats create-session (a duplicate unused session is harmless)', async () => {
    const { fetch, calls } = scriptedFetch([connectionReset(), json(201, { result: 'SUCCESS', session: { id: 'SESSION1' } })]);
    const { sleep } = fakeSleep();
    const client = createMpgsClient(baseConfig, { fetch, sleep });
    await client.send({ method: 'POST', path: '/session', body: {}, operation: 'CREATE_SESSION' });
    expect(calls).toHaveLength(2);
  });
});

describe('logging and configuration', () => {
  it('logs operation, ids, status and duration — never the password, header or bodies', async () => {
    const aesKey = 'QUVTLWtleS1ub3QtZm9yLWxvZ3MtQUVTLWtleS1ub3QhIQ==';
    const { fetch } = scriptedFetch([
      json(201, { result: 'SUCCESS', session: { id: 'SESSION0002816562472I0271878F98', aes256Key: aesKey } }),
      json(201, { result: 'SUCCESS', response: { gatewayCode: 'APPROVED' } }),
    ]);
    const { logger, lines } = logCapture();
    const client = createMpgsClient(baseConfig, { fetch, logger });
    await client.send({ method: 'POST', path: '/session', body: {}, operation: 'CREATE_SESSION' });
    await client.send(put({ apiOperation: 'PAY', session: { id: 'SESSION0002816562472I0271878F98' } }));

    const out = lines();
    const entries = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { mpgs: Record<string, unknown>; connector: string });
    expect(entries[1]).toMatchObject({
      connector: 'mpgs',
      mpgs: { operation: 'PAY', orderId: 'ord-1', transactionId: 'pay-1', httpStatus: 201, result: 'SUCCESS', gatewayCode: 'APPROVED' },
    });
    expect(typeof entries[1]!.mpgs.durationMs).toBe('number');
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain('Basic ');
    expect(out).not.toContain(aesKey);
    expect(out).not.toContain('apiOperation');
  });

  it('fails fast on invalid configuration without echoing the password', () => {
    const bad = (patch: Partial<MpgsConfig>) => () => resolveMpgsConfig({ ...baseConfig, ...patch });
    expect(bad({ baseUrl: 'not a url' })).toThrow(MpgsConfigError);
    expect(bad({ baseUrl: 'ftp://x' })).toThrow(MpgsConfigError);
    expect(bad({ baseUrl: 'https://user:pw@x' })).toThrow(MpgsConfigError);
    expect(bad({ merchantId: 'TEST/../x' })).toThrow(MpgsConfigError);
    expect(bad({ apiPassword: PASSWORD as never })).toThrow(MpgsConfigError);
    expect(bad({ apiPassword: secret('') })).toThrow(MpgsConfigError);
    expect(bad({ timeoutMs: 0 })).toThrow(MpgsConfigError);
    expect(bad({ maxAttempts: 0 })).toThrow(MpgsConfigError);
    try {
      bad({ apiPassword: PASSWORD as never })();
    } catch (e) {
      expect(String(e)).not.toContain(PASSWORD);
    }
    expect(resolveMpgsConfig(baseConfig)).toMatchObject({ baseUrl: 'https://mpgs.example', apiVersion: 100, timeoutMs: 50, maxAttempts: 3 });
    expect(inspect(resolveMpgsConfig(baseConfig))).not.toContain(PASSWORD);
  });
});
