import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_A, DEVICE_B, mintSession, sdk } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { http } from '../support/http.js';

const DAY = 86_400_000;

describe.each(testDatabases())('device fingerprint binding ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const merchant = async (fingerprintMode?: 'off' | 'warn' | 'enforce') =>
    (
      await gw.services.merchants.create({ name: `FP ${fingerprintMode ?? 'default'}`, redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode })
    ).merchantSecret.reveal();
  const checkout = (token: string, fingerprint: string | null) => http(`${gw.url}/v1/checkout`, { headers: sdk(token, fingerprint) });
  const auditOf = async (requestId: string) => {
    await gw.services.audit.flush();
    return (await gw.services.auditRepository.findByRequestId(requestId))[0];
  };

  it('enforce: the first fingerprint locks the session; a different or missing one is 401 code 1006', async () => {
    const { token } = await mintSession(gw, await merchant('enforce'));
    expect((await checkout(token, DEVICE_A)).status).toBe(200);
    expect((await checkout(token, DEVICE_A.toUpperCase())).status).toBe(200);
    for (const other of [DEVICE_B, null, 'not-a-fingerprint']) {
      const res = await checkout(token, other);
      expect(res.status).toBe(401);
      expect(res.body.error.error_code).toBe('1006');
    }
  });

  it('enforce: a first request without the header is refused too', async () => {
    const { token } = await mintSession(gw, await merchant('enforce'));
    expect((await checkout(token, null)).body.error.error_code).toBe('1006');
  });

  it('warn: a mismatch is allowed and written to the audit record', async () => {
    const { token, sessionId } = await mintSession(gw, await merchant('warn'));
    const first = await checkout(token, DEVICE_A);
    expect((await auditOf(first.headers['x-request-id']!))?.warnings).toEqual([]);
    const res = await checkout(token, DEVICE_B);
    expect(res.status).toBe(200);
    const record = await auditOf(res.headers['x-request-id']!);
    expect(record).toMatchObject({ credentialType: 'session_token', credentialId: sessionId, warnings: ['fingerprint_mismatch'], status: 200 });
    const missing = await checkout(token, null);
    expect((await auditOf(missing.headers['x-request-id']!))?.warnings).toEqual(['fingerprint_missing']);
  });

  it('off: fingerprints are ignored', async () => {
    const { token } = await mintSession(gw, await merchant('off'));
    expect((await checkout(token, DEVICE_A)).status).toBe(200);
    expect((await checkout(token, DEVICE_B)).status).toBe(200);
    expect((await checkout(token, null)).status).toBe(200);
  });

  it('unset: warn for the first 14 days after the merchant was created, then enforce', async () => {
    const secret = await merchant(undefined);
    const early = await mintSession(gw, secret);
    expect((await checkout(early.token, DEVICE_A)).status).toBe(200);
    expect((await checkout(early.token, DEVICE_B)).status).toBe(200);
    gw.clock.advance(14 * DAY);
    const late = await mintSession(gw, secret);
    expect((await checkout(late.token, DEVICE_A)).status).toBe(200);
    expect((await checkout(late.token, DEVICE_B)).body.error.error_code).toBe('1006');
  });

  it('concurrent first requests with different devices: exactly one fingerprint wins', async () => {
    const { token } = await mintSession(gw, await merchant('enforce'));
    const answers = await Promise.all([checkout(token, DEVICE_A), checkout(token, DEVICE_B)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('every SDK request is audited with the session id, including refused ones', async () => {
    const { token, sessionId } = await mintSession(gw, await merchant('enforce'));
    await checkout(token, DEVICE_A);
    const refused = await checkout(token, DEVICE_B);
    expect(await auditOf(refused.headers['x-request-id']!)).toMatchObject({ credentialType: 'session_token', credentialId: sessionId, status: 401 });
    const unknown = await checkout(`pd_st_${'Z'.repeat(43)}`, DEVICE_A);
    const record = await auditOf(unknown.headers['x-request-id']!);
    expect(record?.credentialType).toBe('session_token');
    expect(record?.credentialId).toMatch(/^sth_[0-9a-f]{16}$/);
    expect(JSON.stringify(record)).not.toContain('Z'.repeat(43));
  });
});
