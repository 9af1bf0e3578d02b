import { beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/users/totp.js';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SIGN_IN_FAILED } from '../../src/modules/users/user-service.js';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { spawnGatewayProcess } from '../support/spawn-gateway.js';
import { completeSetup, DashboardClient, PASSWORD, setupToken, signIn, userWithRole } from './support.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };
const errorCode = (res: { body: any }) => res.body?.error?.error_code as string | undefined;

describe.each(testDatabases())('dashboard API: identity, sessions and attacks ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Console Shop', fingerprintMode: 'off' } });
  let db: TestDatabase;
  let gw: TestGateway;
  let merchantId: string;
  let merchantSecret: string;
  beforeAll(() => {
    ({ db, gw, merchantId, secret: merchantSecret } = fixture);
  });

  it('setup link: works once, within 24 hours, sets a password that passes the policy and a TOTP proved by a code', async () => {
    const created = await gw.services.users.create({ merchantId, email: 'Setup.Person@Shop.example', role: 'viewer' });
    expect(created.user.email).toBe('setup.person@shop.example');
    const token = setupToken(created.setupUrl);
    expect(created.setupUrl).toMatch(/\/dashboard\/setup#[A-Za-z0-9_-]{43}$/);
    const client = new DashboardClient(gw);
    const described = await client.post('/setup/describe', { token });
    expect(described.status).toBe(200);
    expect(described.body).toMatchObject({ email: 'setup.person@shop.example', role: 'viewer', merchant_name: 'Console Shop' });
    expect(described.body.otpauth_uri).toContain(`secret=${described.body.totp_secret}`);
    // Reloading the page shows the same secret (the QR code the person may already have scanned).
    expect((await client.post('/setup/describe', { token })).body.totp_secret).toBe(described.body.totp_secret);
    const code = await totpCode(described.body.totp_secret, gw.clock.now());

    const common = await client.post('/setup/complete', { token, password: 'qwertyuiop123', code });
    expect(common.status).toBe(400);
    expect(common.body.error.message).toMatch(/commonly used/);
    expect((await client.post('/setup/complete', { token, password: 'short', code })).body.error.message).toMatch(/at least 12/);
    expect((await client.post('/setup/complete', { token, password: PASSWORD, code: '000000' === code ? '111111' : '000000' })).status).toBe(400);

    const done = await client.post('/setup/complete', { token, password: PASSWORD, code });
    expect(done.status).toBe(200);
    expect(done.body.recovery_codes).toHaveLength(10);
    const again = await client.post('/setup/complete', { token, password: PASSWORD, code });
    expect(again.status).toBe(400);
    expect(errorCode(again)).toBe('1706');
    expect(errorCode(await client.post('/setup/describe', { token }))).toBe('1706');

    // Stored: an Argon2id hash and a sealed secret, never the password or the secret.
    const row = await gw.services.storage.db
      .selectFrom('dashboard_users')
      .selectAll()
      .where('email', '=', 'setup.person@shop.example')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.totp_secret_enc).not.toContain(described.body.totp_secret);
    const links = await gw.services.storage.db.selectFrom('dashboard_setup_links').select('token_hash').execute();
    expect(links.map((l) => l.token_hash)).not.toContain(token);

    const late = await gw.services.users.create({ merchantId, email: 'late@shop.example', role: 'viewer' });
    gw.clock.advance(24 * 3_600_000 + 1);
    expect(errorCode(await client.post('/setup/describe', { token: setupToken(late.setupUrl) }))).toBe('1706');
  });

  it('sign-in: a wrong password and an unknown e-mail get the same answer; the code step then signs in', async () => {
    const { secret, email } = await (async () => {
      const c = await gw.services.users.create({ merchantId, email: 'same-answer@shop.example', role: 'owner' });
      return { ...(await completeSetup(gw, c.setupUrl)), email: 'same-answer@shop.example' };
    })();
    const wrong = await new DashboardClient(gw).post('/sign-in', { email, password: 'not the password at all' });
    const unknown = await new DashboardClient(gw).post('/sign-in', { email: 'nobody-here@shop.example', password: 'not the password at all' });
    const invited = await gw.services.users.create({ merchantId, email: 'not-set-up@shop.example', role: 'viewer' });
    const notSetUp = await new DashboardClient(gw).post('/sign-in', { email: invited.user.email, password: PASSWORD });
    for (const res of [wrong, unknown, notSetUp]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ error_code: '1701', message: SIGN_IN_FAILED });
      expect(res.headers['set-cookie']).toBeUndefined();
    }

    const client = new DashboardClient(gw);
    const first = await client.post('/sign-in', { email: ' Same-Answer@Shop.example ', password: PASSWORD });
    expect(first.status).toBe(200);
    // Password alone is not a session.
    expect((await client.get('/session')).status).toBe(401);
    const badCode = await client.post('/sign-in/code', { code: '12345x' });
    expect(badCode.body.error).toMatchObject({ error_code: '1701', message: SIGN_IN_FAILED });
    const ok = await client.post('/sign-in/code', { code: await totpCode(secret, gw.clock.now()) });
    expect(ok.status).toBe(200);
    const cookie = ok.headers['set-cookie']!;
    expect(cookie).toMatch(/pdirect_dashboard=[A-Za-z0-9_-]{43}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = await client.loadSession();
    expect(session.body).toMatchObject({ user: { email, role: 'owner' }, merchant: { id: merchantId } });
    // The session id is stored only as a hash.
    const value = client.cookies.get('pdirect_dashboard')!;
    const rows = await gw.services.storage.db.selectFrom('dashboard_sessions').select('id_hash').execute();
    expect(rows.map((r) => r.id_hash)).not.toContain(value);
    // A TOTP code is single use.
    const replay = new DashboardClient(gw);
    await replay.post('/sign-in', { email, password: PASSWORD });
    expect((await replay.post('/sign-in/code', { code: await totpCode(secret, gw.clock.now()) })).status).toBe(401);
  });

  it('a recovery code signs in once', async () => {
    const { client, email, recoveryCodes } = await userWithRole(gw, merchantId, 'viewer');
    expect(client.csrf).toBeDefined();
    for (const [attempt, expected] of [
      [0, 200],
      [1, 401],
    ] as const) {
      const c = new DashboardClient(gw);
      await c.post('/sign-in', { email, password: PASSWORD });
      expect((await c.post('/sign-in/code', { code: recoveryCodes[0]! })).status, `use ${attempt}`).toBe(expected);
    }
  });

  it('CSRF: a state change without the token, with a wrong one, without or with a foreign Origin, or cross-site is refused', async () => {
    const { client } = await userWithRole(gw, merchantId, 'owner');
    const attempts = [
      await client.call('POST', '/keys', {}, { csrf: false }),
      await client.call('POST', '/keys', {}, { headers: { 'x-csrf-token': 'a'.repeat(64) }, csrf: false }),
      await client.call('POST', '/keys', {}, { origin: null }),
      await client.call('POST', '/keys', {}, { origin: 'http://evil.example' }),
      await client.call('POST', '/keys', {}, { headers: { 'sec-fetch-site': 'cross-site' } }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('1704');
    }
    const before = (await client.get('/keys')).body.data.length;
    expect((await client.post('/keys', {})).status).toBe(201);
    expect((await client.get('/keys')).body.data.length).toBe(before + 1);
    // Sign-in itself (no session yet) is held to the Origin check: no login CSRF.
    expect(
      errorCode(await new DashboardClient(gw).call('POST', '/sign-in', { email: 'x@shop.example', password: 'y' }, { origin: 'http://evil.example' })),
    ).toBe('1704');
  });

  it('roles: every route checked on the server, for every role', async () => {
    const owner = await userWithRole(gw, merchantId, 'owner');
    const developer = await userWithRole(gw, merchantId, 'developer');
    const viewer = await userWithRole(gw, merchantId, 'viewer');
    const keyId = (await owner.client.get('/keys')).body.data[0].key_id as string;
    const target = await gw.services.users.create({ merchantId, email: `target-${Date.now()}@shop.example`, role: 'viewer' });
    const pay = 'pay_aaaaaaaaaaaaaaaaaaaa';
    const evt = 'evt_aaaaaaaaaaaaaaaaaaaa';
    // [method, path, body, roles allowed]. A permitted call may still fail for other reasons (404 for a made-up id), never with 403.
    const routes: Array<[string, string, object | undefined, string[]]> = [
      ['GET', '/session', undefined, ['owner', 'developer', 'viewer']],
      ['GET', '/overview?range=7d', undefined, ['owner', 'developer', 'viewer']],
      ['GET', '/payments', undefined, ['owner', 'developer', 'viewer']],
      ['GET', `/payments/${pay}`, undefined, ['owner', 'developer', 'viewer']],
      ['POST', `/payments/${pay}/refunds`, {}, ['owner']],
      ['GET', '/keys', undefined, ['owner', 'developer', 'viewer']],
      ['POST', '/keys', {}, ['owner', 'developer']],
      ['PUT', `/keys/${keyId}/ip-allowlist`, { ip_allowlist: [] }, ['owner', 'developer']],
      ['POST', `/keys/aaaaaaaaaaaaaaaa/revoke`, {}, ['owner', 'developer']],
      ['POST', '/webhook-secret/rotate', { overlap: '1h' }, ['owner', 'developer']],
      ['GET', '/events', undefined, ['owner', 'developer', 'viewer']],
      ['GET', `/events/${evt}`, undefined, ['owner', 'developer', 'viewer']],
      ['POST', `/events/${evt}/redeliver`, {}, ['owner', 'developer']],
      ['POST', '/events/test', { notify_url: 'http://127.0.0.1:9/hook' }, ['owner', 'developer']],
      ['GET', '/settings', undefined, ['owner', 'developer', 'viewer']],
      ['PUT', '/settings', { fingerprint_mode: 'off' }, ['owner']],
      ['GET', '/team', undefined, ['owner', 'developer', 'viewer']],
      ['POST', '/team', { email: `new-${Date.now()}@shop.example`, role: 'viewer' }, ['owner']],
      ['PUT', `/team/${target.user.id}`, { role: 'viewer' }, ['owner']],
      ['POST', `/team/${target.user.id}/setup-link`, {}, ['owner']],
      ['GET', '/audit', undefined, ['owner', 'developer', 'viewer']],
      ['GET', '/audit/export', undefined, ['owner', 'developer', 'viewer']],
      ['GET', '/risk/rules', undefined, ['owner', 'developer', 'viewer']],
      ['POST', '/risk/rules', { action: 'review', predicate: ':amount: > 100000' }, ['owner', 'developer']],
      ['DELETE', '/risk/rules/rule_aaaaaaaaaaaaaaaaaaaa', undefined, ['owner', 'developer']],
      ['PUT', '/risk/rules/order', { rule_ids: [] }, ['owner', 'developer']],
      ['POST', '/risk/rules/dry-run', { predicate: ':amount: > 1' }, ['owner', 'developer', 'viewer']],
      ['POST', `/payments/${pay}/fraud-report`, { fraudulent: true }, ['owner']],
      ['GET', '/reviews', undefined, ['owner', 'developer', 'viewer']],
      ['POST', `/payments/${pay}/capture`, {}, ['owner']],
      ['POST', `/payments/${pay}/cancel`, {}, ['owner']],
    ];
    for (const [method, path, body, allowed] of routes) {
      for (const [role, who] of [
        ['viewer', viewer],
        ['developer', developer],
        ['owner', owner],
      ] as const) {
        const res = await who.client.call(method, path, body);
        if (allowed.includes(role)) expect([res.status, path, role]).not.toEqual([403, path, role]);
        else expect([res.status, errorCode(res), path, role]).toEqual([403, '1703', path, role]);
      }
      // And nobody without a session.
      const anonymous = await new DashboardClient(gw).call(method, path, body);
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, '1705']);
    }
    // The last owner cannot demote or remove themself into an ownerless merchant... but other owners exist here, so the team route works.
    expect((await owner.client.post(`/team/${target.user.id}/remove`)).body).toMatchObject({ status: 'disabled' });
  });

  it('a cookie used after sign-out, and after sign-out everywhere, is refused', async () => {
    const { client, email, secret } = await userWithRole(gw, merchantId, 'developer');
    const stolen = client.cookieHeader();
    expect((await client.post('/sign-out')).status).toBe(200);
    const replayed = await http(`${gw.url}/dashboard/api/session`, { headers: { cookie: stolen } });
    expect(replayed.status).toBe(401);
    expect(errorCode(replayed)).toBe('1705');

    const laptop = await signIn(gw, email, secret);
    const phone = await signIn(gw, email, secret);
    expect((await phone.get('/session')).status).toBe(200);
    expect((await laptop.post('/sign-out-everywhere')).status).toBe(200);
    expect((await phone.get('/session')).status).toBe(401);
    expect((await laptop.get('/session')).status).toBe(401);
  });

  it('session fixation: a session id planted before sign-in is never the one that gets signed in', async () => {
    const { email, secret } = await userWithRole(gw, merchantId, 'viewer');
    const planted = 'attacker-chosen-session-value-0123456789abcd';
    const victim = new DashboardClient(gw);
    victim.cookies.set('pdirect_dashboard', planted);
    victim.cookies.set('pdirect_dashboard_code', planted);
    expect(errorCode(await victim.post('/sign-in/code', { code: await totpCode(secret, gw.clock.now()) }))).toBe('1701');
    await victim.post('/sign-in', { email, password: PASSWORD });
    const codeStep = victim.cookies.get('pdirect_dashboard_code')!;
    expect(codeStep).not.toBe(planted);
    await victim.post('/sign-in/code', { code: await totpCode(secret, gw.clock.now()) });
    gw.clock.advance(30_000);
    const session = victim.cookies.get('pdirect_dashboard')!;
    expect(session).not.toBe(planted);
    expect(session).not.toBe(codeStep);
    expect((await victim.get('/session')).status).toBe(200);
    for (const value of [planted, codeStep]) {
      expect((await http(`${gw.url}/dashboard/api/session`, { headers: { cookie: `pdirect_dashboard=${value}` } })).status).toBe(401);
    }
  });

  it('idle and absolute timeouts (injected clock)', async () => {
    const { client, email, secret } = await userWithRole(gw, merchantId, 'viewer');
    gw.clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await client.get('/session')).status).toBe(200);
    gw.clock.advance(SESSION_IDLE_MS);
    expect((await client.get('/session')).status).toBe(401);

    const busy = await signIn(gw, email, secret);
    const steps = Math.ceil(SESSION_ABSOLUTE_MS / (SESSION_IDLE_MS / 2));
    let last = 200;
    for (let i = 0; i < steps && last === 200; i++) {
      gw.clock.advance(SESSION_IDLE_MS / 2);
      last = (await busy.get('/session')).status;
    }
    expect(last).toBe(401);

    // Sessions nobody presents again are swept once idle.
    const forgotten = await userWithRole(gw, merchantId, 'viewer');
    const rows = () => gw.services.storage.db.selectFrom('dashboard_sessions').select('id_hash').where('user_id', '=', forgotten.userId).execute();
    expect(await rows()).toHaveLength(1);
    await gw.services.users.sweep();
    expect(await rows()).toHaveLength(1);
    gw.clock.advance(SESSION_IDLE_MS);
    await gw.services.users.sweep();
    expect(await rows()).toHaveLength(0);
  });

  it('brute force: the account locks after 5 failures, for known and unknown addresses alike, with backoff', async () => {
    const { email } = await userWithRole(gw, merchantId, 'viewer');
    for (const address of [email, 'nobody-brute@shop.example']) {
      for (let i = 0; i < 5; i++)
        expect((await new DashboardClient(gw).post('/sign-in', { email: address, password: `wrong-${i}-password` })).status).toBe(401);
      const locked = await new DashboardClient(gw).post('/sign-in', { email: address, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(errorCode(locked)).toBe('1702');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    }
    gw.clock.advance(61_000);
    expect((await new DashboardClient(gw).post('/sign-in', { email, password: 'wrong-again-password' })).status).toBe(401);
    // The 6th failure doubled the lock: a minute later it still holds.
    gw.clock.advance(61_000);
    expect((await new DashboardClient(gw).post('/sign-in', { email, password: PASSWORD })).status).toBe(429);
    gw.clock.advance(61_000);
    expect((await new DashboardClient(gw).post('/sign-in', { email, password: PASSWORD })).status).toBe(200);
  });

  it('brute force across two processes: failures counted on either lock the account on both', async () => {
    const { email } = await userWithRole(gw, merchantId, 'viewer');
    // The other process runs on the system clock: bring this one's injected clock back to it.
    gw.clock.set(Date.now());
    const other = await spawnGatewayProcess(db.url);
    try {
      const there = { url: other.url };
      for (let i = 0; i < 5; i++) {
        const target = i % 2 === 0 ? gw : there;
        expect((await new DashboardClient(target).post('/sign-in', { email, password: `wrong-${i}-password` })).status).toBe(401);
      }
      expect((await new DashboardClient(gw).post('/sign-in', { email, password: PASSWORD })).status).toBe(429);
      expect((await new DashboardClient(there).post('/sign-in', { email, password: PASSWORD })).status).toBe(429);
    } finally {
      await other.stop();
    }
  });

  it('console actions act through the gateway: a key created in the console works on the API, then revoked it does not; every action is audited as the user', async () => {
    const { client, userId } = await userWithRole(gw, merchantId, 'developer');
    const created = await client.post('/keys', { ip_allowlist: ['127.0.0.1/32'] });
    expect(created.status).toBe(201);
    const secret = created.body.merchant_secret as string;
    const use = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    expect(use.status).toBe(200);
    expect(errorCode(await client.put(`/keys/${created.body.key_id}/ip-allowlist`, { ip_allowlist: ['not-an-ip'] }))).toBe('1010');
    expect((await client.put(`/keys/${created.body.key_id}/ip-allowlist`, { ip_allowlist: ['203.0.113.0/24'] })).body.ip_allowlist).toEqual(['203.0.113.0/24']);
    expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).status).toBe(401);
    await client.put(`/keys/${created.body.key_id}/ip-allowlist`, { ip_allowlist: [] });
    await gw.services.audit.flush();
    const keys = (await client.get('/keys')).body.data as Array<{ key_id: string; last_used_at: string | null }>;
    expect(keys.find((k) => k.key_id === created.body.key_id)?.last_used_at).not.toBeNull();
    const revoke = await client.post(`/keys/${created.body.key_id}/revoke`, {});
    expect(revoke.body).toMatchObject({ active: false });
    expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).status).toBe(401);

    await gw.services.audit.flush();
    const record = await client.get(`/audit?request_id=${revoke.headers['x-request-id']}`);
    expect(record.body.data).toEqual([
      expect.objectContaining({
        request_id: revoke.headers['x-request-id'],
        credential_type: 'dashboard_user',
        credential_id: userId,
        merchant_id: merchantId,
        method: 'POST',
        path: `/dashboard/api/keys/${created.body.key_id}/revoke`,
        status: 200,
      }),
    ]);
    const byUser = await client.get(`/audit?user_id=${userId}&path=/ip-allowlist`);
    expect(byUser.body.data.length).toBe(3);
    expect((await client.get(`/audit?key_id=${created.body.key_id}&status=200`)).body.data.length).toBeGreaterThanOrEqual(1);
  });

  it('payments: find one made through the API, refund part and the rest; scoped to the merchant', async () => {
    const { client } = await userWithRole(gw, merchantId, 'owner');
    const { token, response } = await mintSession(gw, merchantSecret, { metadata: { cart: '42' } });
    const hosted = await cardSession(gw, token, FRICTIONLESS);
    const paid = await collect(gw, token, { hosted_session_id: hosted });
    expect(paid.body.status).toBe('succeeded');
    const found = await client.get(`/payments?q=${encodeURIComponent(response.body.order_id)}`);
    expect(found.body).toMatchObject({ total: 1, data: [{ id: paid.body.id, order_id: response.body.order_id }] });
    expect((await client.get('/payments?status=succeeded')).body.total).toBeGreaterThanOrEqual(1);
    const partial = await client.post(`/payments/${paid.body.id}/refunds`, { amount: '2.50' });
    expect(partial.status).toBe(201);
    expect((await client.post(`/payments/${paid.body.id}/refunds`, { amount: '20.00' })).status).toBe(400);
    expect((await client.post(`/payments/${paid.body.id}/refunds`, {})).body).toMatchObject({ amount: '10.00', status: 'succeeded' });
    await gw.services.audit.flush();
    const detail = await client.get(`/payments/${paid.body.id}`);
    expect(detail.body.payment.amount_refunded).toBe('12.50');
    expect(detail.body.session.metadata).toEqual({ cart: '42' });
    expect(detail.body.history.map((h: { to: string }) => h.to)).toEqual(['processing', 'requires_action', 'processing', 'succeeded']); // the 3-D Secure method, then authenticate
    expect(detail.body.events.map((e: { type: string }) => e.type).sort()).toEqual(['payment.succeeded', 'refund.succeeded', 'refund.succeeded']);
    expect(detail.body.audit.some((a: { path: string }) => a.path === '/v1/payments/collect')).toBe(true);
    const overview = await client.get('/overview?range=24h');
    expect(overview.body.totals.succeeded).toBeGreaterThanOrEqual(1);

    const elsewhere = await gw.services.merchants.create({ name: 'Other Shop', redirectHosts: ['localhost'] });
    const stranger = await userWithRole(gw, elsewhere.merchant.id, 'owner');
    expect(errorCode(await stranger.client.get(`/payments/${paid.body.id}`))).toBe('1011');
    expect(errorCode(await stranger.client.post(`/payments/${paid.body.id}/refunds`, {}))).toBe('1011');
    expect(errorCode(await stranger.client.post(`/keys/${(await client.get('/keys')).body.data[0].key_id}/revoke`, {}))).toBe('1011');
    expect((await stranger.client.get(`/audit?request_id=${partial.headers['x-request-id']}`)).body.data).toEqual([]);
  });

  it('settings: an empty allow-list refuses every checkout; test events go through the outbox to allow-listed hosts only', async () => {
    const shop = await gw.services.merchants.create({ name: 'Settings Shop', redirectHosts: ['localhost'] });
    const { client } = await userWithRole(gw, shop.merchant.id, 'owner');
    expect((await client.put('/settings', { redirect_hosts: [] })).body.redirect_hosts).toEqual([]);
    const refused = await http(`${gw.url}/v1/sessions`, {
      method: 'POST',
      headers: bearer(shop.merchantSecret.reveal()),
      body: {
        amount: '1.00',
        currency: 'usd',
        customer_reference: 'c',
        order_id: 'o-1',
        notify_url: 'http://localhost/n',
        success_redirect_url: 'http://localhost/s',
        fail_redirect_url: 'http://localhost/f',
      },
    });
    expect(errorCode(refused)).toBe('1201');
    expect(errorCode(await client.put('/settings', { redirect_hosts: ['https://bad.example/path'] }))).toBe('1010');
    expect((await client.put('/settings', { redirect_hosts: ['localhost', 'Shop.Example'] })).body.redirect_hosts).toEqual(['localhost', 'shop.example']);
    const settings = (await client.get('/settings')).body;
    expect(settings.fingerprint).toMatchObject({ configured: null, effective: 'warn', default_warn_days: 14 });
    expect(errorCode(await client.post('/events/test', { notify_url: 'https://evil.example/hook' }))).toBe('1201');
    const sent = await client.post('/events/test', { notify_url: 'http://localhost:9/hook' });
    expect(sent.status).toBe(201);
    const event = await client.get(`/events/${sent.body.event_id}`);
    expect(event.body).toMatchObject({ type: 'webhook.test', notify_url: 'http://localhost:9/hook' });
    expect((await client.get('/events?type=webhook.test')).body.data.map((e: { id: string }) => e.id)).toContain(sent.body.event_id);
  });
});
