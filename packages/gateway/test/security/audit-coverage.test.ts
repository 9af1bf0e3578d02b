import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { postForm } from '../support/checkout.js';

// I4: the public route that settles a payment after 3-D Secure, and every
// refused merchant request (401, 405, 404), leave an audit record.
describe.each(testDatabases())('audit coverage ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  let keyId: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true });
    const created = await gw.services.merchants.create({ name: 'Covered Shop' });
    secret = created.merchantSecret.reveal();
    keyId = created.keyId;
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const recordOf = async (requestId: string) => {
    const records = await gw.services.auditRepository.findByRequestId(requestId);
    expect(records).toHaveLength(1);
    return records[0]!;
  };

  it('a 3-D Secure return (public, moves money) is recorded, whatever its outcome', async () => {
    const res = await postForm(`${gw.url}/v1/3ds/return/pay_aaaaaaaaaaaaaaaaaaaa`, { 'response.gatewayRecommendation': 'PROCEED' });
    expect(res.status).toBe(404);
    expect(await recordOf(res.headers['x-request-id']!)).toMatchObject({
      credentialType: 'public',
      credentialId: null,
      method: 'POST',
      path: '/v1/3ds/return/pay_aaaaaaaaaaaaaaaaaaaa',
      status: 404,
    });
  });

  it('a 405 on a merchant route is recorded, with the key id claimed', async () => {
    const withKey = await http(`${gw.url}/v1/sessions`, { method: 'DELETE', headers: bearer(secret) });
    expect(withKey.status).toBe(405);
    expect(await recordOf(withKey.headers['x-request-id']!)).toMatchObject({
      credentialType: 'merchant_key',
      credentialId: keyId,
      merchantId: null,
      status: 405,
      method: 'DELETE',
    });
    const anonymous = await http(`${gw.url}/v1/payments`, { method: 'PUT' });
    expect(anonymous.status).toBe(405);
    expect(await recordOf(anonymous.headers['x-request-id']!)).toMatchObject({ credentialType: 'public', status: 405, path: '/v1/payments' });
  });

  it('a 401 and a 404 presenting a merchant key are recorded', async () => {
    const unauthenticated = await http(`${gw.url}/v1/sessions`, { method: 'POST', body: {} });
    expect(unauthenticated.status).toBe(401);
    expect(await recordOf(unauthenticated.headers['x-request-id']!)).toMatchObject({ credentialType: 'merchant_key', credentialId: null, status: 401 });
    const unknown = await http(`${gw.url}/v1/refunds/probe`, { headers: bearer(secret) });
    expect(unknown.status).toBe(404);
    expect(await recordOf(unknown.headers['x-request-id']!)).toMatchObject({ credentialType: 'merchant_key', credentialId: keyId, status: 404 });
  });

  it('public pages without money movement stay unrecorded', async () => {
    const res = await http(`${gw.url}/healthz`);
    expect(await gw.services.auditRepository.findByRequestId(res.headers['x-request-id']!)).toEqual([]);
    const stray = await http(`${gw.url}/v1/nothing-here`);
    expect(stray.status).toBe(404);
    expect(await gw.services.auditRepository.findByRequestId(stray.headers['x-request-id']!)).toEqual([]);
  });
});
