import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import type { AuditLog } from '../../src/modules/audit/audit-log.js';
import { cardSession, collect, completeChallenge, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };
const PLAIN_DECLINED = { number: '5111111111111118', expiry: '05/39' };
const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };

// A money-moving request's audit record commits in the same transaction as
// the state change it caused. Here the audit log's own write path (group
// commit before the answer) is broken, as when the process dies between the
// state change and the answer: the charge must still have its record.
describe.each(testDatabases())('a money-moving request is audited with its state change ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Audited Shop', fingerprintMode: 'off' } });
  let gw: TestGateway;
  let secret: string;
  let append: AuditLog['append'];
  beforeAll(() => {
    ({ gw, secret } = fixture);
    append = gw.services.audit.append.bind(gw.services.audit);
  });
  afterEach(() => {
    gw.services.audit.append = append;
  });
  const breakAuditLog = () => {
    gw.services.audit.append = async () => {
      throw new Error('the answer-time audit write is gone');
    };
  };
  const recordsOf = (requestId: string) => gw.services.storage.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).execute();

  it('collect (charged and declined): the record is in the database although the answer-time write fails', async () => {
    for (const [card, status, paymentStatus] of [
      [PLAIN_APPROVED, 200, 'succeeded'],
      [PLAIN_DECLINED, 402, 'failed'],
    ] as const) {
      const { token } = await mintSession(gw, secret);
      const hosted = await cardSession(gw, token, card);
      breakAuditLog();
      const res = await collect(gw, token, { hosted_session_id: hosted });
      gw.services.audit.append = append;
      expect(res.status).toBe(status);
      const requestId = res.headers['x-request-id'] as string;
      const rows = await recordsOf(requestId);
      expect(rows).toEqual([
        expect.objectContaining({ request_id: requestId, status, method: 'POST', path: '/v1/payments/collect', credential_type: 'session_token' }),
      ]);
      expect(JSON.parse(rows[0]!.warnings)).toEqual([]);
      if (paymentStatus === 'succeeded') expect(res.body.status).toBe('succeeded');
    }
    expect((await verifyAuditChain(gw.services.auditRepository, gw.services.keys.auditChain)).ok).toBe(true);
  });

  it('the 3-D Secure return and a refund: recorded with their state change', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    breakAuditLog();
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(back.status).toBe(303);
    const backRows = await recordsOf(back.headers['x-request-id'] as string);
    expect(backRows).toEqual([expect.objectContaining({ status: 303, credential_type: 'public', path: `/v1/3ds/return/${res.body.id}` })]);

    const refund = await http(`${gw.url}/v1/payments/${res.body.id}/refunds`, { method: 'POST', headers: bearer(secret), body: { amount: '2.50' } });
    expect(refund.status).toBe(201);
    const refundRows = await recordsOf(refund.headers['x-request-id'] as string);
    expect(refundRows).toEqual([expect.objectContaining({ status: 201, credential_type: 'merchant_key', path: `/v1/payments/${res.body.id}/refunds` })]);
    gw.services.audit.append = append;
    expect((await verifyAuditChain(gw.services.auditRepository, gw.services.keys.auditChain)).ok).toBe(true);
  });

  it('a request that changes no money state still goes through the answer-time write (503 when it fails)', async () => {
    breakAuditLog();
    const res = await http(`${gw.url}/v1/payments?order_id=nothing`, { headers: bearer(secret) });
    expect(res.status).toBe(503);
    expect(res.body.error.error_code).toBe('1901');
  });
});
