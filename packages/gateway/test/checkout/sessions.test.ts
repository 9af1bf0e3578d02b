import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionTokenHash } from '../../src/modules/sessions/session-token.js';
import { sessionBody, mintSession, sdk } from '../support/checkout.js';
import { readSqliteFiles, dumpPostgres, testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

describe.each(testDatabases())('POST /v1/sessions ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    secret = (await gw.services.merchants.create({ name: 'Session Shop', redirectHosts: ['localhost', '127.0.0.1', 'shop.example'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const mint = (overrides: Record<string, unknown>, key = secret) =>
    http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(key), body: sessionBody(overrides) });
  const expectError = (res: Awaited<ReturnType<typeof http>>, status: number, code: string, words?: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error.error_code).toBe(code);
    if (words) expect(res.body.error.message).toContain(words);
  };

  it('mints a session: 201 with session_id, session_token, expires_at, checkout_url', async () => {
    const res = await mint({ amount: '12.50', currency: 'usd', customer: { email: 'ana@example.com', phone: '+447700900123' }, metadata: { cart: 'c-1' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      object: 'checkout_session',
      session_id: expect.stringMatching(/^cs_[a-z2-7]{20}$/),
      session_token: expect.stringMatching(/^pd_st_[A-Za-z0-9_-]{43}$/),
      status: 'open',
      amount: '12.50',
      currency: 'usd',
      customer_reference: 'cust_abc123',
      customer: { email: 'ana@example.com', phone: '+447700900123' },
      metadata: { cart: 'c-1' },
    });
    expect(res.body.checkout_url).toBe(`${gw.services.sessions.checkoutUrl(res.body.session_id)}#${res.body.session_token}`);
    expect(Date.parse(res.body.expires_at) - gw.clock.now()).toBe(1800 * 1000);

    const read = await http(`${gw.url}/v1/sessions/${res.body.session_id}`, { headers: bearer(secret) });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: res.body.session_id, status: 'open', customer: { email: 'ana@example.com' } });
    expect(read.text).not.toContain(res.body.session_token);
  });

  it('keeps the token only as its SHA-256 and personal data only encrypted', async () => {
    const res = await mint({
      ttl_seconds: 60,
      customer: { email: 'secret.person@example.org', phone: '+15555550123' },
      metadata: { note: 'very-private-note' },
    });
    // Expire it too, so the session.expired event in the outbox is part of what is searched.
    gw.clock.advance(61_000);
    expect(await gw.services.sessions.expireDue()).toBeGreaterThanOrEqual(1);
    const haystack = db.file ? readSqliteFiles(db.file).toString('latin1') : await dumpPostgres(db.url);
    expect(haystack).not.toContain(res.body.session_token);
    expect(haystack).not.toContain(res.body.session_token.slice(6));
    expect(haystack).toContain(sessionTokenHash(res.body.session_token));
    for (const pii of ['secret.person@example.org', '+15555550123', 'very-private-note']) expect(haystack).not.toContain(pii);
  });

  it.each([
    [{ amount: '12.345' }, 'amount'],
    [{ amount: '-1.00' }, 'amount'],
    [{ amount: '0' }, 'amount'],
    [{ amount: '0.00' }, 'amount'],
    [{ amount: '1e3' }, 'amount'],
    [{ amount: '99999999999999' }, 'amount'],
    [{ amount: 12.5 }, 'amount'],
    [{ amount: '1.5', currency: 'jpy' }, 'amount'],
    [{ currency: 'xyz' }, 'currency'],
    [{ currency: 'dollars' }, 'currency'],
    [{ customer_reference: '' }, 'customer_reference'],
    [{ order_id: 'x'.repeat(256) }, 'order_id'],
    [{ order_id: 'tab\there' }, 'order_id'],
    [{ ttl_seconds: 59 }, 'ttl_seconds'],
    [{ ttl_seconds: 86_401 }, 'ttl_seconds'],
    [{ require_otp: 'yes' }, 'require_otp'],
    [{ require_otp: true }, 'customer'],
    [{ customer: { email: 'not-an-email' } }, 'customer.email'],
    [{ customer: { phone: '07700 900123' } }, 'customer.phone'],
    [{ metadata: { k: 5 } }, 'metadata'],
    [{ capture_mode: 'MAGIC' }, 'capture_mode'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects %j with 1010 naming %s', async (overrides, field) => {
    expectError(await mint(overrides), 400, '1010', field);
  });

  it('accepts each currency at its own precision', async () => {
    expect((await mint({ amount: '1000', currency: 'jpy' })).status).toBe(201);
    expect((await mint({ amount: '1.234', currency: 'KWD' })).status).toBe(201);
  });

  it('DIRECT_CAPTURE is reserved: 501 code 1501', async () => {
    expectError(await mint({ capture_mode: 'DIRECT_CAPTURE' }), 501, '1501');
  });

  it('order_id is unique per merchant (but not across merchants)', async () => {
    const body = { order_id: 'unique-order-1' };
    expect((await mint(body)).status).toBe(201);
    expectError(await mint(body), 400, '1010', 'order_id');
    const other = (await gw.services.merchants.create({ name: 'Other', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
    expect((await mint(body, other)).status).toBe(201);
  });

  it('honours ttl_seconds', async () => {
    const res = await mint({ ttl_seconds: 60 });
    expect(Date.parse(res.body.expires_at) - gw.clock.now()).toBe(60_000);
  });

  it.each([
    ['notify_url', 'https://evil.test/hook'],
    ['success_redirect_url', 'https://shop.example@evil.test/'],
    ['fail_redirect_url', 'https://shop.example.evil.test/'],
    ['success_redirect_url', 'https://evil.test/?shop.example'],
    ['success_redirect_url', 'https://shop.example\\@evil.test/'],
    ['success_redirect_url', 'https://xn--shp-sna.example/'],
    ['success_redirect_url', 'javascript:alert(document.domain)'],
    ['success_redirect_url', 'data:text/html;base64,PHNjcmlwdD4='],
    ['success_redirect_url', 'http://shop.example/'],
    ['success_redirect_url', ' https://shop.example/'],
    ['notify_url', 'https://shop.example/\r\nX-Injected: 1'],
  ])('refuses %s = %j with 1201', async (field, url) => {
    expectError(await mint({ [field]: url }), 400, '1201', field);
  });

  it('allows mixed case, a trailing dot and explicit ports on an allowed host', async () => {
    const res = await mint({ success_redirect_url: 'https://SHOP.example.:8443/ok', fail_redirect_url: 'http://localhost:5173/fail' });
    expect(res.status).toBe(201);
    expect(res.body.success_redirect_url).toBe('https://shop.example.:8443/ok');
  });

  it('fails closed: a merchant with an empty allow-list cannot mint at all', async () => {
    const empty = (await gw.services.merchants.create({ name: 'No Hosts' })).merchantSecret.reveal();
    expectError(await mint({}, empty), 400, '1201', 'allow-list is empty');
  });

  it("another merchant's session is not found", async () => {
    const { sessionId } = await mintSession(gw, secret);
    const other = (await gw.services.merchants.create({ name: 'Nosy', redirectHosts: ['localhost'] })).merchantSecret.reveal();
    const res = await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(other) });
    expectError(res, 404, '1011');
  });

  it('the SDK sees the checkout (amount, currency, merchant name, order id, OTP state)', async () => {
    const { token, response } = await mintSession(gw, secret, { require_otp: true, customer: { email: 'a@example.com' } });
    const res = await http(`${gw.url}/v1/checkout`, { headers: sdk(token) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'checkout',
      session_id: response.body.session_id,
      status: 'open',
      amount: '12.50',
      currency: 'usd',
      merchant_name: 'Session Shop',
      order_id: response.body.order_id,
      require_otp: true,
      otp_verified: false,
      expires_at: response.body.expires_at,
      locale: 'en',
    });
  });

  it('session tokens: malformed 1001, unknown 1002, expired 1004', async () => {
    expectError(await http(`${gw.url}/v1/checkout`, { headers: { authorization: 'Bearer nope' } }), 401, '1001');
    expectError(await http(`${gw.url}/v1/checkout`, { headers: { authorization: `Bearer ${secret}` } }), 401, '1001');
    expectError(await http(`${gw.url}/v1/checkout`, { headers: sdk(`pd_st_${'A'.repeat(43)}`) }), 401, '1002');
    const { token } = await mintSession(gw, secret, { ttl_seconds: 60 });
    expect((await http(`${gw.url}/v1/checkout`, { headers: sdk(token) })).status).toBe(200);
    gw.clock.advance(60_000);
    expectError(await http(`${gw.url}/v1/checkout`, { headers: sdk(token) }), 401, '1004');
  });

  it('the expiry sweep marks the session expired and announces session.expired', async () => {
    const { sessionId, token } = await mintSession(gw, secret, { ttl_seconds: 60 });
    gw.clock.advance(61_000);
    expect(await gw.services.sessions.expireDue()).toBeGreaterThanOrEqual(1);
    const read = await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) });
    expect(read.body.status).toBe('expired');
    expectError(await http(`${gw.url}/v1/checkout`, { headers: sdk(token) }), 401, '1004');
    const events = await gw.services.storage.db.selectFrom('webhook_events').selectAll().where('type', '=', 'session.expired').execute();
    expect(events.some((e) => String(e.payload).includes(sessionId))).toBe(true);
  });

  it('a merchant key cannot call SDK endpoints and a session token cannot call merchant endpoints', async () => {
    const { token } = await mintSession(gw, secret);
    expectError(await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(token), body: sessionBody() }), 401, '1001');
    expectError(await http(`${gw.url}/v1/checkout`, { headers: bearer(secret) }), 401, '1001');
  });
});
