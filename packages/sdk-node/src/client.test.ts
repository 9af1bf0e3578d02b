import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pdirect, PdirectError } from './client.js';

// A stand-in for the gateway's merchant endpoints (docs/api.md#http-api), recording what the client sends.
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('Pdirect client', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Seen[] = [];
  const secret = 'pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(43);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_header', ...headers });
          res.end(JSON.stringify(payload));
        };
        if (req.headers.authorization !== `Bearer ${secret}`) {
          return send(401, { error: { status: 401, error_code: '1002', message: 'unknown, revoked or expired credential', request_id: 'req_abc' } });
        }
        if (req.method === 'POST' && req.url === '/v1/sessions') {
          return send(201, { session_id: 'cs_1', session_token: 'pd_st_x', expires_at: '2026-01-01T00:30:00.000Z', checkout_url: 'http://gw/checkout/cs_1' });
        }
        if (req.method === 'GET' && req.url === '/v1/sessions/cs_1')
          return send(200, { object: 'checkout_session', id: 'cs_1', status: 'open', expires_at: '2026-01-01T00:30:00.000Z' });
        if (req.method === 'GET' && req.url === '/v1/payments/pay_1') return send(200, { id: 'pay_1', status: 'succeeded' });
        if (req.method === 'GET' && req.url?.startsWith('/v1/payments?'))
          return send(200, { object: 'list', data: [{ id: 'pay_1', status: 'succeeded' }], has_more: false });
        if (req.method === 'POST' && req.url === '/v1/payments/pay_1/refunds')
          return send(201, { id: 're_1', status: 'succeeded', amount: JSON.parse(body).amount });
        if (req.url === '/v1/payments/pay_teapot') {
          res.writeHead(502, { 'x-request-id': 'req_proxy' });
          return res.end('<html>bad gateway</html>');
        }
        return send(404, { error: { status: 404, error_code: '1011', message: 'not found', request_id: 'req_nf' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('mints a session with the Idempotency-Key and bearer secret', async () => {
    const pd = new Pdirect({ secret, baseUrl });
    const session = await pd.sessions.create(
      {
        amount: '12.50',
        currency: 'usd',
        customer_reference: 'cust-1',
        order_id: 'order-1',
        notify_url: 'https://shop.example/notify',
        success_redirect_url: 'https://shop.example/ok',
        fail_redirect_url: 'https://shop.example/fail',
      },
      { idempotencyKey: 'order-1-attempt' },
    );
    expect(session).toMatchObject({ session_id: 'cs_1', session_token: 'pd_st_x' });
    const req = seen.at(-1)!;
    expect(req.headers['idempotency-key']).toBe('order-1-attempt');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toMatchObject({ amount: '12.50', order_id: 'order-1' });
  });

  it('retrieves sessions and payments, lists by order id, refunds', async () => {
    const pd = new Pdirect({ secret, baseUrl });
    expect((await pd.sessions.retrieve('cs_1')).status).toBe('open');
    expect((await pd.payments.retrieve('pay_1')).status).toBe('succeeded');
    const list = await pd.payments.list({ order_id: 'order 1&x' });
    expect(list.data).toHaveLength(1);
    expect(seen.at(-1)!.url).toBe('/v1/payments?order_id=order+1%26x');
    const refund = await pd.payments.refund('pay_1', { amount: '2.00' }, { idempotencyKey: 'r-1' });
    expect(refund).toMatchObject({ status: 'succeeded', amount: '2.00' });
    expect(seen.at(-1)!.headers['idempotency-key']).toBe('r-1');
    await expect(pd.payments.retrieve('../merchant')).rejects.toMatchObject({ status: 404 });
    expect(seen.at(-1)!.url).toBe('/v1/payments/..%2Fmerchant');
  });

  it('maps the error envelope to PdirectError with status, code and request id', async () => {
    const pd = new Pdirect({ secret: secret.replace('A', 'B'), baseUrl });
    const err = await pd.payments.retrieve('pay_1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdirectError);
    expect(err).toMatchObject({ status: 401, code: '1002', requestId: 'req_abc', message: 'unknown, revoked or expired credential' });
  });

  it('reports a non-JSON error answer and an unreachable gateway', async () => {
    const pd = new Pdirect({ secret, baseUrl });
    await expect(pd.payments.retrieve('pay_teapot')).rejects.toMatchObject({ status: 502, code: 'invalid_response', requestId: 'req_proxy' });
    const down = new Pdirect({ secret, baseUrl: 'http://127.0.0.1:1' });
    await expect(down.payments.retrieve('pay_1')).rejects.toMatchObject({ status: 0, code: 'connection_error' });
  });

  it('never shows the secret when printed', () => {
    const pd = new Pdirect({ secret, baseUrl });
    expect(JSON.stringify(pd)).not.toContain(secret);
    expect(String(Object.values(pd))).not.toContain(secret);
  });
});
