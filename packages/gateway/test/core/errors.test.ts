import { Type } from '@sinclair/typebox';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

// The edge's error plumbing, on the real app: every failure is the API
// envelope with a catalogue code and the request id that X-Request-Id carries.
describe.each(testDatabases())('error envelope ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: {
      extraRoutes: (app) => {
        // A route shaped like the merchant API's POSTs, to exercise body validation end to end.
        app.post(
          '/v1/_test/echo',
          {
            config: { auth: 'merchant' },
            schema: {
              body: Type.Object(
                {
                  amount: Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?$' }),
                  customer: Type.Optional(Type.Object({ email: Type.String({ format: 'email' }) }, { additionalProperties: false })),
                },
                { additionalProperties: false },
              ),
            },
          },
          async (request) => ({ ok: true, body: request.body }),
        );
        app.get('/v1/_test/boom', async () => {
          throw new Error('database password is hunter2 at 10.0.0.5');
        });
      },
    },
    merchant: { name: 'Errors Shop', redirectHosts: [] },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => void ({ gw, secret } = fixture));

  const expectEnvelope = (res: Awaited<ReturnType<typeof http>>, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // A field-level error also names its field(s): `param`, and for 1010 the `errors` list.
    const { param, errors, ...envelope } = res.body.error;
    expect({ error: envelope }).toEqual({ error: { status, error_code: code, message: expect.any(String), request_id: res.headers['x-request-id'] } });
    if (param !== undefined) expect(param).toEqual(expect.any(String));
    if (errors !== undefined) {
      expect(code).toBe('1010');
      expect(errors).toEqual(expect.arrayContaining([{ param: expect.any(String), code: expect.any(String), message: expect.any(String) }]));
    }
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  };
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    http(`${gw.url}/v1/_test/echo`, { method: 'POST', headers: { ...bearer(secret), ...headers }, body });

  it('404 for an unknown route', async () => {
    expectEnvelope(await http(`${gw.url}/v1/nope`), 404, '1011');
  });

  it('405 with Allow for a known path and the wrong method', async () => {
    const res = await http(`${gw.url}/v1/merchant`, { method: 'DELETE' });
    expectEnvelope(res, 405, '1012');
    expect(res.headers.allow).toContain('GET');
  });

  it('malformed JSON → 1010', async () => {
    const res = await post('{"amount": "1.00",');
    expectEnvelope(res, 400, '1010');
    expect(res.body.error.message).toMatch(/JSON/);
  });

  it('wrong content type → 415', async () => {
    expectEnvelope(await post('amount=1.00', { 'content-type': 'application/x-www-form-urlencoded' }), 415, '1014');
  });

  it('oversized body → 413', async () => {
    expectEnvelope(await post(JSON.stringify({ amount: '1'.repeat(70_000) })), 413, '1013');
  });

  it.each([
    [{}, 'amount is required'],
    [{ amount: 12.5 }, 'amount'],
    [{ amount: '1e3' }, 'amount'],
    [{ amount: '1.00', colour: 'red' }, 'colour is not an accepted field'],
    [{ amount: '1.00', customer: { email: 'not-an-email' } }, 'customer.email'],
  ])('validation failure %j → 1010 naming the field', async (body, field) => {
    const res = await post(JSON.stringify(body));
    expectEnvelope(res, 400, '1010');
    expect(res.body.error.message).toContain(field);
  });

  it('rejects prototype poisoning', async () => {
    expectEnvelope(await post('{"amount":"1.00","__proto__":{"admin":true}}'), 400, '1010');
  });

  it('authentication is checked before the body is looked at', async () => {
    const res = await http(`${gw.url}/v1/_test/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad json' });
    expectEnvelope(res, 401, '1001');
  });

  it('unknown errors → 1900 with nothing internal leaked, and the cause logged with the request id', async () => {
    const res = await http(`${gw.url}/v1/_test/boom`);
    expectEnvelope(res, 500, '1900');
    expect(res.text).not.toMatch(/hunter2|10\.0\.0\.5|Error|stack/);
    expect(gw.logs()).toContain(res.headers['x-request-id']!);
  });

  it('sends strict security headers on every response', async () => {
    const res = await http(`${gw.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toBeUndefined(); // plain HTTP sandbox: no HSTS
  });
});
