import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

const DAY = 86_400_000;

describe.each(testDatabases())('merchant authentication ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let merchantId: string;
  let secret: string;
  let keyId: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    const created = await gw.services.merchants.create({ name: 'Auth Shop', redirectHosts: ['shop.example'] });
    merchantId = created.merchant.id;
    secret = created.merchantSecret.reveal();
    keyId = created.keyId;
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const me = (headers: Record<string, string> = {}, localAddress?: string) => http(`${gw.url}/v1/merchant`, { headers, localAddress });

  it('accepts the right secret and returns the merchant without any secret', async () => {
    const res = await me(bearer(secret));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'merchant', id: merchantId, name: 'Auth Shop', redirect_hosts: ['shop.example'] });
    expect(res.body.keys).toEqual([expect.objectContaining({ key_id: keyId, active: true, rotation_due: false })]);
    expect(res.text).not.toContain(secret.slice(28));
    expect(res.headers['x-request-id']).toMatch(/^req_[a-z2-7]{24}$/);
    expect(res.headers['pdirect-key-rotation-due']).toBeUndefined();
  });

  it.each([
    ['no Authorization header', {}],
    ['an empty header', { authorization: '' }],
    ['Basic scheme', { authorization: 'Basic cGRpcmVjdDpzZWNyZXQ=' }],
    ['lower-case bearer', { authorization: 'bearer pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(43) }],
    ['a token that is not a merchant secret', { authorization: 'Bearer not-a-key' }],
    ['a session token', { authorization: 'Bearer pd_st_' + 'A'.repeat(43) }],
    ['a truncated secret', { authorization: 'Bearer pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(20) }],
  ])('refuses %s with 401 code 1001', async (_label, headers) => {
    const res = await me(headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 401, error_code: '1001', request_id: res.headers['x-request-id'] });
  });

  it('refuses the right key id with a wrong secret (1002)', async () => {
    const wrong = secret.slice(0, 28) + (secret[28] === 'A' ? 'B' : 'A') + secret.slice(29);
    const res = await me(bearer(wrong));
    expect(res.status).toBe(401);
    expect(res.body.error.error_code).toBe('1002');
    // ...and a wrong secret does not poison the cache for the right one.
    expect((await me(bearer(secret))).status).toBe(200);
  });

  it('refuses an unknown key id (1002) with the same answer as a wrong secret', async () => {
    const res = await me(bearer(`pd_test_sk_${'a'.repeat(16)}_${'A'.repeat(43)}`));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ error_code: '1002', message: 'unknown, revoked or expired merchant secret' });
  });

  it('refuses a live key on a sandbox gateway (1002)', async () => {
    const res = await me(bearer(secret.replace('pd_test_', 'pd_live_')));
    expect(res.body.error.error_code).toBe('1002');
  });

  it('refuses a revoked key at once in this process (1002), other keys keep working', async () => {
    const other = await gw.services.keyService.issue(merchantId);
    expect((await me(bearer(other.merchantSecret.reveal()))).status).toBe(200);
    await gw.services.keyService.revoke(other.keyId);
    const res = await me(bearer(other.merchantSecret.reveal()));
    expect(res.status).toBe(401);
    expect(res.body.error.error_code).toBe('1002');
    expect((await me(bearer(secret))).status).toBe(200);
  });

  it('sees a revocation made by another process within the row cache lifetime', async () => {
    const other = await gw.services.keyService.issue(merchantId);
    expect((await me(bearer(other.merchantSecret.reveal()))).status).toBe(200);
    // Another process (the CLI, a second gateway) writes straight to the database.
    await gw.services.storage.db.updateTable('merchant_keys').set({ revoked_at: gw.clock.now() }).where('key_id', '=', other.keyId).execute();
    gw.clock.advance(5_001); // PDIRECT_AUTH_CACHE_SECONDS default 5
    expect((await me(bearer(other.merchantSecret.reveal()))).body.error.error_code).toBe('1002');
  });

  it('rotation overlap: old and new key both work until the old expiry, then only the new', async () => {
    const created = await gw.services.merchants.create({ name: 'Rotating Shop' });
    const oldSecret = created.merchantSecret.reveal();
    const fresh = await gw.services.keyService.issue(created.merchant.id);
    await gw.services.keyService.revoke(created.keyId, DAY);
    expect((await me(bearer(oldSecret))).status).toBe(200);
    const both = await me(bearer(fresh.merchantSecret.reveal()));
    expect(both.status).toBe(200);
    // The profile lists this merchant's keys only, oldest first, with the old one's expiry and no hash.
    expect(both.body.keys).toEqual([
      expect.objectContaining({ key_id: created.keyId, active: true, expires_at: new Date(gw.clock.now() + DAY).toISOString(), revoked_at: null }),
      expect.objectContaining({ key_id: fresh.keyId, active: true, expires_at: null, revoked_at: null, ip_allowlist: [] }),
    ]);
    expect(both.text).not.toContain('argon2');
    gw.clock.advance(DAY - 60_000);
    expect((await me(bearer(oldSecret))).status).toBe(200);
    gw.clock.advance(60_000);
    const expired = await me(bearer(oldSecret));
    expect(expired.status).toBe(401);
    expect(expired.body.error.error_code).toBe('1002');
    expect((await me(bearer(fresh.merchantSecret.reveal()))).status).toBe(200);
  });

  it('flags keys older than the rotation cadence with Pdirect-Key-Rotation-Due', async () => {
    const created = await gw.services.merchants.create({ name: 'Old Shop' });
    gw.clock.advance(90 * DAY);
    const res = await me(bearer(created.merchantSecret.reveal()));
    expect(res.status).toBe(200);
    expect(res.headers['pdirect-key-rotation-due']).toBe('true');
    expect(res.body.keys[0].rotation_due).toBe(true);
  });

  it('IPv4 allow-list: allows a listed source, refuses another with 1003 even with the right secret', async () => {
    const created = await gw.services.merchants.create({ name: 'IPv4 Shop', ipAllowlist: ['127.0.0.1/32'] });
    const s = created.merchantSecret.reveal();
    expect((await me(bearer(s), '127.0.0.1')).status).toBe(200);
    const denied = await me(bearer(s), '127.0.0.2');
    expect(denied.status).toBe(401);
    expect(denied.body.error.error_code).toBe('1003');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const created = await gw.services.merchants.create({ name: 'Spoof Shop', ipAllowlist: ['203.0.113.0/24'] });
    const res = await me({ ...bearer(created.merchantSecret.reveal()), 'x-forwarded-for': '203.0.113.5' });
    expect(res.body.error.error_code).toBe('1003');
  });
});

describe.each(testDatabases())('client address rules ($name)', (factory) => {
  let db: TestDatabase;
  afterAll(async () => db?.drop());
  beforeAll(async () => {
    db = await factory.create();
  });

  it('IPv6 allow-list on a dual-stack listener; IPv4-mapped clients match IPv4 ranges', async () => {
    const gw = await startTestGateway({ databaseUrl: db.url, host: '::' });
    try {
      const port = new URL(gw.url).port;
      const v6 = await gw.services.merchants.create({ name: 'IPv6 Shop', ipAllowlist: ['::1/128'] });
      const v4 = await gw.services.merchants.create({ name: 'Mapped Shop', ipAllowlist: ['127.0.0.0/8'] });
      const at = (host: string, secret: string) => http(`http://${host}:${port}/v1/merchant`, { headers: bearer(secret) });
      expect((await at('[::1]', v6.merchantSecret.reveal())).status).toBe(200);
      expect((await at('127.0.0.1', v6.merchantSecret.reveal())).body.error.error_code).toBe('1003');
      expect((await at('127.0.0.1', v4.merchantSecret.reveal())).status).toBe(200); // socket says ::ffff:127.0.0.1
      expect((await at('[::1]', v4.merchantSecret.reveal())).body.error.error_code).toBe('1003');
    } finally {
      await gw.close();
    }
  });

  it('reads X-Forwarded-For only when the peer is a configured trusted proxy', async () => {
    const gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const created = await gw.services.merchants.create({ name: 'Proxied Shop', ipAllowlist: ['203.0.113.0/24'] });
      const s = created.merchantSecret.reveal();
      const via = (xff: string) => http(`${gw.url}/v1/merchant`, { headers: { ...bearer(s), 'x-forwarded-for': xff } });
      expect((await via('203.0.113.5')).status).toBe(200);
      expect((await via('198.51.100.1')).body.error.error_code).toBe('1003');
      // A request from a peer that is not the proxy: XFF is ignored.
      const direct = await http(`${gw.url.replace('127.0.0.1', '127.0.0.1')}/v1/merchant`, {
        headers: { ...bearer(s), 'x-forwarded-for': '203.0.113.5' },
        localAddress: '127.0.0.3',
      });
      expect(direct.body?.error?.error_code).toBe('1003');
    } finally {
      await gw.close();
    }
  });
});
