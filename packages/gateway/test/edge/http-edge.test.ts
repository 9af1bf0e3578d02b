import { beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { openSocket, rawExchange, type RawExchange } from '../support/raw-socket.js';

// Slow clients and parser errors, through raw TCP sockets: every answer in
// the error envelope with X-Request-Id and the security headers, and no
// client can hold a socket past the configured bounds.
const REQUEST_TIMEOUT_MS = 1_000;

function expectEnvelope(res: RawExchange, status: number, code: string) {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.error).toMatchObject({ status, error_code: code });
  expect(res.headers['x-request-id']).toMatch(/^req_[a-z2-7]{24}$/);
  expect(res.body.error.request_id).toBe(res.headers['x-request-id']);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
}

describe.each(testDatabases())('HTTP edge ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: {
      env: {
        PDIRECT_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        PDIRECT_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        PDIRECT_MAX_CONNECTIONS_PER_IP: '4',
        PDIRECT_KEEPALIVE_TIMEOUT_MS: '1000',
      },
    },
    merchant: { name: 'Edge Shop', redirectHosts: [] },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => void ({ gw, secret } = fixture));

  const host = () => `Host: ${new URL(gw.url).host}\r\n`;

  it('answers a 20 kB header with 431 in the envelope (code 1017) and closes', async () => {
    const res = await rawExchange(gw.url, `GET /v1/merchant HTTP/1.1\r\n${host()}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectEnvelope(res, 431, '1017');
    expect(res.closedAfterMs).toBeDefined();
  });

  it('answers Content-Length together with Transfer-Encoding with 400 in the envelope (code 1010)', async () => {
    const res = await rawExchange(
      gw.url,
      `POST /v1/sessions HTTP/1.1\r\n${host()}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    );
    expectEnvelope(res, 400, '1010');
    expect(res.closedAfterMs).toBeDefined();
  });

  it('answers a malformed percent-encoding in the path (FST_ERR_BAD_URL) in the envelope', async () => {
    const res = await rawExchange(gw.url, `GET /v1/payments/%% HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
    expectEnvelope(res, 400, '1010');
  });

  it('answers an over-long path parameter with 414 in the envelope (code 1016)', async () => {
    const res = await rawExchange(gw.url, `GET /v1/payments/${'p'.repeat(300)} HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`);
    expectEnvelope(res, 414, '1016');
  });

  it('refuses a NUL in the query string with 400 1010 before it reaches the database', async () => {
    const res = await http(`${gw.url}/v1/payments?order_id=%00`, { headers: bearer(secret) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toMatchObject({ error_code: '1010', request_id: res.headers['x-request-id'] });
    expect(res.body.error.message).toContain('order_id');
    // The ordinary value still works.
    expect((await http(`${gw.url}/v1/payments?order_id=order-1`, { headers: bearer(secret) })).status).toBe(200);
  });

  it('refuses an unpaired surrogate and a NUL in a JSON body with 400 1010', async () => {
    for (const text of ['{"amount":"1.00","currency":"usd","customer_reference":"\\ud800x","order_id":"o-1"}', '{"order_id":"a\\u0000b"}']) {
      const res = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: { ...bearer(secret), 'content-type': 'application/json' }, body: text });
      expect(res.status, res.text).toBe(400);
      expect(res.body.error.error_code).toBe('1010');
      expect(res.body.error.message).toMatch(/NUL character or an unpaired surrogate/);
    }
  });

  it('cuts off a body trickled to the public POST /v1/3ds/return within the request timeout (408 1015)', async () => {
    const res = await rawExchange(
      gw.url,
      `POST /v1/3ds/return/pay_${'a'.repeat(20)} HTTP/1.1\r\n${host()}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n`,
      { trickle: Array.from({ length: 60 }, () => 'a'), everyMs: 100, waitMs: 8_000 },
    );
    expect(res.closedAfterMs, 'the socket was still open').toBeDefined();
    expect(res.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expectEnvelope(res, 408, '1015');
  });

  it('bounds a request whose Content-Length exceeds its body (408 1015, connection closed)', async () => {
    const res = await rawExchange(
      gw.url,
      `POST /v1/sessions HTTP/1.1\r\n${host()}Authorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"amount":`,
      { waitMs: 8_000 },
    );
    expect(res.closedAfterMs, 'the socket was still open').toBeDefined();
    expect(res.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expectEnvelope(res, 408, '1015');
  });

  it('closes the connection right after an early 401 on POST /v1/sessions while the body still trickles', async () => {
    const res = await rawExchange(gw.url, `POST /v1/sessions HTTP/1.1\r\n${host()}Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{`, {
      trickle: Array.from({ length: 60 }, () => ' '),
      everyMs: 100,
      waitMs: 8_000,
    });
    expectEnvelope(res, 401, '1001');
    expect(res.headers.connection).toBe('close');
    expect(res.closedAfterMs, 'the socket was still open').toBeDefined();
    // Closed at once, not by the request timeout.
    expect(res.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  // Fastify already closes on a declared over-limit body; kept as a guard for the edge's close-after-413 rule.
  it('answers a body over the limit with 413 1013 at once and closes the connection', async () => {
    const res = await rawExchange(
      gw.url,
      `POST /v1/sessions HTTP/1.1\r\n${host()}Authorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{`,
      { trickle: Array.from({ length: 60 }, () => ' '), everyMs: 100, waitMs: 8_000 },
    );
    expectEnvelope(res, 413, '1013');
    expect(res.headers.connection).toBe('close');
    expect(res.closedAfterMs, 'the socket was still open').toBeDefined();
    expect(res.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it('closes an idle keep-alive connection and a connection that never finishes its headers', async () => {
    const idle = await rawExchange(gw.url, `GET /healthz HTTP/1.1\r\n${host()}\r\n`, { waitMs: 5_000 });
    expect(idle.status).toBe(200);
    expect(idle.closedAfterMs, 'keep-alive connection still open').toBeDefined();
    const slowHeaders = await rawExchange(gw.url, `GET /healthz HTTP/1.1\r\n${host()}`, {
      trickle: Array.from({ length: 60 }, () => 'X-A: b\r\n'),
      everyMs: 100,
      waitMs: 8_000,
    });
    expect(slowHeaders.closedAfterMs, 'slow-headers connection still open').toBeDefined();
    expect(slowHeaders.closedAfterMs!).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
  });

  it('caps the open connections of one client address', async () => {
    // From an address of its own, so the other tests' connections do not count.
    const address = '127.0.0.9';
    const held = await Promise.all(Array.from({ length: 4 }, () => openSocket(gw.url, address)));
    try {
      const extra = await rawExchange(gw.url, `GET /healthz HTTP/1.1\r\n${host()}\r\n`, { localAddress: address, waitMs: 3_000 });
      expect(extra.closedAfterMs, 'the fifth connection was kept').toBeDefined();
      expect(extra.status).toBe(503);
      expect(extra.body.error).toMatchObject({ error_code: '1901' });
      expect(extra.headers['retry-after']).toBeDefined();
      // Another address is not affected.
      const other = await rawExchange(gw.url, `GET /healthz HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`, { localAddress: '127.0.0.10' });
      expect(other.status).toBe(200);
    } finally {
      for (const s of held) s.socket.destroy();
    }
    // Once they are gone, the address may connect again.
    await Promise.all(held.map((s) => s.closed));
    const again = await rawExchange(gw.url, `GET /healthz HTTP/1.1\r\n${host()}Connection: close\r\n\r\n`, { localAddress: address });
    expect(again.status).toBe(200);
  });
});

describe.each(testDatabases())('draining for shutdown ($name)', (factory) => {
  it('answers a request that arrives while closing with 503 1901 in the envelope and Connection: close', async () => {
    const db = await factory.create();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gw = await startTestGateway({
      databaseUrl: db.url,
      extraRoutes: (app) =>
        app.get('/test/slow', async () => {
          await gate;
          return { ok: true };
        }),
    });
    const host = `Host: ${new URL(gw.url).host}\r\n`;
    try {
      // One request keeps the server from finishing its close...
      const slow = rawExchange(gw.url, `GET /test/slow HTTP/1.1\r\n${host}Connection: close\r\n\r\n`, { waitMs: 10_000 });
      // ...and a second connection has begun a request (so it is not idle and survives the close).
      const late = rawExchange(gw.url, `GET /v1/merchant HTTP/1.1\r\n${host}`, { trickle: ['Connection: keep-alive\r\n\r\n'], everyMs: 600, waitMs: 10_000 });
      await new Promise((r) => setTimeout(r, 200));
      const closing = gw.close();
      const answer = await late;
      release();
      await slow;
      await closing;
      expect(answer.status, answer.text).toBe(503);
      expect(answer.body.error).toMatchObject({ status: 503, error_code: '1901', request_id: answer.headers['x-request-id'] });
      expect(answer.headers.connection).toBe('close');
      expect(answer.headers['retry-after']).toBeDefined();
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      release();
      await db.drop();
    }
  });
});
