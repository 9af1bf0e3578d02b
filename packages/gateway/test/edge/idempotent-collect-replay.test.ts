import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, DEVICE_B, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';

// An SDK that lost the answer to a successful collect retries it with the same
// Idempotency-Key: it must get the stored 200, not "session already used".
const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };

describe.each(testDatabases())('retrying a successful collect ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'Retry Shop', fingerprintMode: 'enforce' },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => void ({ gw, secret } = fixture));

  it('replays the stored 200 for the same Idempotency-Key and body, and still refuses anything else with 1005', async () => {
    const { token } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, PLAIN_APPROVED);
    const first = await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'sdk-collect-1' });
    expect(first.status, first.text).toBe(200);
    expect(first.body.status).toBe('succeeded');

    const again = await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'sdk-collect-1' });
    expect(again.status, again.text).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);

    const refused = async (res: Awaited<ReturnType<typeof collect>>) => {
      expect(res.status, res.text).toBe(409);
      expect(res.body.error.error_code).toBe('1005');
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    };
    // Another key, no key, another body, another device: the spent session refuses as before.
    await refused(await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'sdk-collect-2' }));
    await refused(await collect(gw, token, { hosted_session_id: hosted }));
    await refused(await collect(gw, token, { hosted_session_id: `${hosted.slice(0, -1)}X` }, { 'idempotency-key': 'sdk-collect-1' }));
    await refused(await collect(gw, token, { hosted_session_id: hosted }, { 'idempotency-key': 'sdk-collect-1' }, DEVICE_B));
  });
});
