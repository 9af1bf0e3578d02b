import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex } from '../../src/crypto/hash.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

describe.each(testDatabases())('audit log ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  let keyId: string;
  let merchantId: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({
      databaseUrl: db.url,
      // An authenticated POST (the merchant API's own POSTs arrive with the sessions module).
      extraRoutes: (app) => app.post('/v1/_test/echo', { config: { auth: 'merchant' } }, async () => ({ ok: true })),
    });
    const created = await gw.services.merchants.create({ name: 'Audited Shop' });
    ({ keyId } = created);
    merchantId = created.merchant.id;
    secret = created.merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('records a 200 with every docs/api.md#audit-log field, found by request id alone through the CLI', async () => {
    const res = await http(`${gw.url}/v1/merchant`, { headers: { ...bearer(secret), 'user-agent': 'shop-backend/1.0' } });
    expect(res.status).toBe(200);
    const requestId = res.headers['x-request-id']!;
    await gw.services.audit.flush();

    const cli = await runCli(['audit', '--request-id', requestId, '--json'], { PDIRECT_DATABASE_URL: db.url });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.json).toMatchObject({
      request_id: requestId,
      credential_type: 'merchant_key',
      credential_id: keyId,
      merchant_id: merchantId,
      source_ip: '127.0.0.1',
      user_agent: 'shop-backend/1.0',
      method: 'GET',
      path: '/v1/merchant',
      status: 200,
      body_fingerprint: null,
      warnings: [],
    });
    expect(cli.json.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(cli.json.at)).toBeGreaterThan(0);
  });

  it('records a 401 with the claimed key id and no merchant', async () => {
    const wrong = secret.slice(0, -2) + (secret.endsWith('AA') ? 'BB' : 'AA');
    const res = await http(`${gw.url}/v1/merchant`, { headers: bearer(wrong) });
    expect(res.status).toBe(401);
    await gw.services.audit.flush();
    const records = await gw.services.auditRepository.findByRequestId(res.headers['x-request-id']!);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ credentialType: 'merchant_key', credentialId: keyId, merchantId: null, status: 401, method: 'GET' });
    const cli = await runCli(['audit', '--request-id', res.headers['x-request-id']!], { PDIRECT_DATABASE_URL: db.url });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/status\s+401/);
    expect(cli.stdout).not.toContain(wrong.slice(28));
  });

  it('fingerprints a body with a keyed HMAC, never storing the body', async () => {
    const body = JSON.stringify({ amount: '12.50', card: '5123450000000008' });
    const res = await http(`${gw.url}/v1/_test/echo`, { method: 'POST', headers: { ...bearer(secret), 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    await gw.services.audit.flush();
    const [record] = await gw.services.auditRepository.findByRequestId(res.headers['x-request-id']!);
    expect(record?.bodyFingerprint).toBe(hmacSha256Hex(gw.services.keys.auditFingerprintKey, body));
    expect(JSON.stringify(record)).not.toContain('5123450000000008');
  });

  it('does not audit public routes', async () => {
    const res = await http(`${gw.url}/healthz`);
    await gw.services.audit.flush();
    expect(await gw.services.auditRepository.findByRequestId(res.headers['x-request-id']!)).toEqual([]);
  });

  it('writes each record before its answer leaves (nothing left queued to flush at shutdown)', async () => {
    const db2 = await factory.create();
    const gw2 = await startTestGateway({ databaseUrl: db2.url, auditFlushIntervalMs: 60_000 });
    const s = (await gw2.services.merchants.create({ name: 'Shutdown Shop' })).merchantSecret.reveal();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await http(`${gw2.url}/v1/merchant`, { headers: bearer(s) })).headers['x-request-id']!);
    expect(gw2.services.audit.pending).toBe(0);
    // Read through the CLI's own connection while the gateway still runs: committed, not merely queued.
    const cli = await runCli(['audit', '--request-id', ids.at(-1)!, '--json'], { PDIRECT_DATABASE_URL: db2.url });
    expect(cli.json?.status).toBe(200);
    await gw2.close(); // what SIGTERM does
    await db2.drop();
  });
});

describe('pdirect audit', () => {
  it('explains a malformed request id', async () => {
    const cli = await runCli(['audit', '--request-id', 'nope'], { PDIRECT_DATABASE_URL: 'sqlite::memory:' });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('1010');
  });
});
