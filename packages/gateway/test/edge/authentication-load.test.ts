import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { spawnGatewayProcess, type GatewayProcess } from '../support/spawn-gateway.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const wrongSecret = (secret: string) => secret.slice(0, 28) + (secret[28] === 'A' ? 'B' : 'A') + secret.slice(29);

describe.each(testDatabases())('merchant authentication under attack ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_AUTH_FAILURES_PER_MINUTE: '100000', PDIRECT_AUTH_QUEUE_LIMIT: '1' } });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('a revoked key with its right secret answers no faster than a wrong secret (same Argon2id work)', async () => {
    const shop = await gw.services.merchants.create({ name: 'Revoked Shop' });
    const revoked = shop.merchantSecret.reveal();
    const active = (await gw.services.merchants.create({ name: 'Active Shop' })).merchantSecret.reveal();
    // Verified once, so this process caches the right secret...
    expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(revoked) })).status).toBe(200);
    // ...then another process revokes it (straight in the database), and this one re-reads the row after its TTL.
    await gw.services.storage.db.updateTable('merchant_keys').set({ revoked_at: gw.clock.now() }).where('key_id', '=', shop.keyId).execute();
    gw.clock.advance(6_000);

    const timed = async (secret: string) => {
      const started = process.hrtime.bigint();
      const res = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
      expect(res.body.error.error_code).toBe('1002');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const revokedTimes: number[] = [];
    const wrongTimes: number[] = [];
    // Interleaved, so load on the machine hits both samples alike; medians, so one outlier cannot decide.
    for (let i = 0; i < 15; i++) {
      revokedTimes.push(await timed(revoked));
      wrongTimes.push(await timed(wrongSecret(active)));
    }
    // A cache answer is ~1 ms against ~15 ms of Argon2id: the tell is an order of magnitude, the margin generous.
    expect(median(revokedTimes)).toBeGreaterThan(median(wrongTimes) * 0.5);
  });

  it('sheds a flood of bogus keys beyond the verification queue with 503 1901 and Retry-After, then serves a real key', async () => {
    const real = (await gw.services.merchants.create({ name: 'Flooded Shop' })).merchantSecret.reveal();
    const bogus = (i: number) =>
      `pd_test_sk_${'f'.repeat(14)}${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${'abcdefghijklmnopqrstuvwxyz'[Math.floor(i / 26)]}_${'A'.repeat(43)}`;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => http(`${gw.url}/v1/merchant`, { headers: bearer(bogus(i)) })));
    const shed = answers.filter((r) => r.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    for (const r of shed) {
      expect(r.body.error).toMatchObject({ status: 503, error_code: '1901', request_id: r.headers['x-request-id'] });
      expect(r.headers['retry-after']).toBe('1');
    }
    expect(answers.every((r) => r.status === 503 || r.body.error.error_code === '1002')).toBe(true);
    expect((await http(`${gw.url}/v1/merchant`, { headers: bearer(real) })).status).toBe(200);
  });
});

describe.each(testDatabases())('failed authentications limited per address across two processes ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let secret: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    secret = (await gw.services.merchants.create({ name: 'Limited Shop' })).merchantSecret.reveal();
    const env = { PDIRECT_AUTH_FAILURES_PER_MINUTE: '5' };
    [a, b] = await Promise.all([spawnGatewayProcess(db.url, 30_000, env), spawnGatewayProcess(db.url, 30_000, env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await gw?.close();
    await db?.drop();
  });

  it('refuses an address with 429 1007 once its failures on both processes reach the limit, and only that address', async () => {
    // The count is per wall-clock minute: do not start in the last seconds of one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
    const me = (base: string, token: string, localAddress = '127.0.0.3') => http(`${base}/v1/merchant`, { headers: bearer(token), localAddress });
    for (const base of [a.url, b.url, a.url, b.url, a.url]) expect((await me(base, wrongSecret(secret))).body.error.error_code).toBe('1002');
    for (const base of [a.url, b.url]) {
      // Even the right secret: the address is refused before any verification.
      const res = await me(base, secret);
      expect(res.status, res.text).toBe(429);
      expect(res.body.error).toMatchObject({ error_code: '1007', request_id: res.headers['x-request-id'] });
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect((await me(b.url, secret, '127.0.0.4')).status).toBe(200);
  });
});
