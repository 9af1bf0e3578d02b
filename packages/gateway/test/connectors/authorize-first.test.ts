import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, mintSession, sdk } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { FAKE_CARDS, FakeNetwork, fakeNetworkRegistry } from '../support/fake-network.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

/**
 * A network that reports the security-code check with the authorization
 * only (not with 3-D Secure): the policy authorizes first, and a declined
 * code is voided — never captured. The fake network is the outer edge;
 * everything else is the real gateway over HTTP.
 */
describe.each(testDatabases())('authorize first when the network tells the security code only with the authorization ($name)', (factory) => {
  const fake = new FakeNetwork({ authorizes: true });
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { networks: fakeNetworkRegistry(fake), env: { PDIRECT_CARD_NETWORK: 'fakenet' } },
    merchant: { fingerprintMode: 'off' },
  });
  let gw: TestGateway;
  let secret: string;
  beforeAll(async () => {
    ({ gw, secret } = fixture);
    await gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });
  beforeEach(() => {
    fake.down = false;
    fake.loseNextOf = null;
    gw.clock.advance(61_000);
  });

  const cardFields = async (token: string, card: string) => {
    const opened = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token) });
    fake.fill(opened.body.hosted_session_id, card);
    return opened.body.hosted_session_id as string;
  };
  const payment = async (id: string) => (await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(secret) })).body;
  const sent = (paymentId: string) => fake.sent.filter((s) => s.includes(`${paymentId}/`)).map((s) => s.split(' ')[0]);
  const paymentOf = async (sessionId: string) =>
    (await gw.services.storage.db.selectFrom('payments').select('id').where('session_id', '=', sessionId).executeTakeFirstOrThrow()).id;

  it('a security code that does not match: AUTHORIZE, then VOID — never CAPTURE; the payment fails with the reason', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.cscNoMatch) });
    expect(res.status).toBe(402);
    expect(res.body.error).toMatchObject({ error_code: '1601', message: 'card declined (security code no_match)' });
    const id = await paymentOf(sessionId);
    expect(sent(id)).toEqual(['AUTHORIZATION', 'VOID']);
    expect(fake.captured(id)).toBe(0);
    const body = await payment(id);
    expect(body).toMatchObject({
      status: 'failed',
      gateway_code: 'DECLINED_CSC',
      failure_reason: 'security_code_no_match',
      card: { checks: { security_code: 'no_match' } },
    });
    expect(body.history.map((h: { to: string }) => h.to)).toEqual(['processing', 'canceling', 'failed']);
    // The session reopens for another card.
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');
  });

  it('a matching code: AUTHORIZE then CAPTURE of the whole amount, succeeded', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.approved) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', amount_captured: '12.50', card: { checks: { security_code: 'match' } } });
    expect(sent(res.body.id)).toEqual(['AUTHORIZATION', 'CAPTURE']);
    expect(fake.captured(res.body.id)).toBe(12.5);
  });

  it('a VOID whose answer is lost stays canceling and is settled by its id: voided once, never captured', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    fake.loseNextOf = 'VOID';
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.cscNoMatch) });
    expect(res.status).toBe(402);
    const id = await paymentOf(sessionId);
    expect((await payment(id)).status).toBe('canceling');
    fake.down = false;
    gw.clock.advance(31_000);
    expect(await gw.services.payments.reconcileDue()).toBeGreaterThanOrEqual(1);
    expect((await payment(id)).status).toBe('failed');
    expect(sent(id)).toEqual(['AUTHORIZATION', 'VOID']);
    expect(fake.captured(id)).toBe(0);
  });

  it('a CAPTURE whose answer is lost is answered 202 capturing, then reconciled: captured once', async () => {
    const { token } = await mintSession(gw, secret, { capture_method: 'manual' });
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.approved) });
    expect(res.body.status).toBe('requires_capture');
    fake.loseNextOf = 'CAPTURE';
    const captured = await http(`${gw.url}/v1/payments/${res.body.id}/capture`, { method: 'POST', headers: bearer(secret), body: { amount: '7.00' } });
    expect(captured.status).toBe(202);
    expect(captured.body.status).toBe('capturing');
    fake.down = false;
    gw.clock.advance(31_000);
    await gw.services.payments.reconcileDue();
    expect(await payment(res.body.id)).toMatchObject({ status: 'succeeded', amount_captured: '7.00' });
    expect(sent(res.body.id)).toEqual(['AUTHORIZATION', 'CAPTURE']);
    expect(fake.captured(res.body.id)).toBe(7);
  });
});
