import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, mintSession, postForm, sdk } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { FAKE_CARDS, FakeNetwork, fakeNetworkRegistry } from '../support/fake-network.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';

/**
 * The payment stories on a second card network: a test-only fake registered
 * in one registry line and chosen with PDIRECT_CARD_NETWORK. Nothing in the
 * core changes; only this network's folder (here: the fake) would.
 */
describe.each(testDatabases())('a second card network runs the payment stories ($name)', (factory) => {
  const fake = new FakeNetwork();
  const fixture = useGatewayWithMerchant(factory, { gateway: { networks: fakeNetworkRegistry(fake), env: { PDIRECT_CARD_NETWORK: 'fakenet' } } });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => ({ gw, secret } = fixture));
  beforeEach(() => {
    fake.down = false;
    fake.downAfterLoss = false;
    fake.loseAnswers = 0;
  });

  const cardFields = async (token: string, card: string) => {
    const opened = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token) });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({
      object: 'card_session',
      network: 'fakenet',
      hosted_session_id: expect.stringMatching(/^fk_/),
      fields_url: expect.stringMatching(/^fake:/),
    });
    fake.fill(opened.body.hosted_session_id, card);
    return opened.body.hosted_session_id as string;
  };
  const payment = async (id: string) => (await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(secret) })).body;
  const session = async (id: string) => (await http(`${gw.url}/v1/sessions/${id}`, { headers: bearer(secret) })).body;

  it('collect: frictionless 3-D Secure pays once; the payment names its network', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.approved) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      card: { brand: 'FAKECARD', masked_number: '424242xxxxxx4242' },
      three_d_secure: { authentication_status: 'FAKE_AUTHENTICATED' },
    });
    expect(res.body.redirect_url).toMatch(/^http:\/\/localhost:3000\/thanks\?/);
    expect(await session(sessionId)).toMatchObject({ status: 'paid', payment_id: res.body.id });
    expect(fake.captured(res.body.id)).toBe(12.5);
    const row = await gw.services.storage.db
      .selectFrom('payments')
      .select(['network', 'network_order_ref'])
      .where('id', '=', res.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ network: 'fakenet', network_order_ref: res.body.id });
  });

  it('collect: a decline is 1601 and the session reopens for another card', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const declined = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.declined) });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({ error_code: '1601', message: expect.stringContaining('DECLINED') });
    expect((await session(sessionId)).status).toBe('open');
    const paid = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.approved) });
    expect(paid.body.status).toBe('succeeded');
  });

  it("collect: the edge checks hosted-field ids against this network, and the network's rejection of unknown fields is a 1010 naming them", async () => {
    const { token } = await mintSession(gw, secret);
    const wrongShape = await collect(gw, token, { hosted_session_id: 'SESSION0002000000000000000000000' });
    expect(wrongShape.body.error).toMatchObject({ error_code: '1010', param: 'hosted_session_id' });
    const opened = await http(`${gw.url}/v1/card/sessions`, { method: 'POST', headers: sdk(token) });
    const empty = await collect(gw, token, { hosted_session_id: opened.body.hosted_session_id });
    expect(empty.body.error).toMatchObject({ error_code: '1010', param: 'hosted_session_id' });
  });

  it('3-D Secure challenge passed: requires_action, the return re-reads the network, PAYs and redirects to success', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.challenge) });
    expect(res.body).toMatchObject({
      status: 'requires_action',
      next_action: { type: 'three_d_secure_challenge', html: expect.stringContaining('challengeFrame') },
    });
    // A forged return before the issuer answered changes nothing.
    expect((await postForm(`${gw.url}/v1/3ds/return/${res.body.id}`, { result: 'SUCCESS' })).body.error.error_code).toBe('1010');
    fake.answerChallenge(res.body.id, true);
    const back = await postForm(`${gw.url}/v1/3ds/return/${res.body.id}`, {});
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`http://localhost:3000/thanks?session_id=${sessionId}&payment_id=${res.body.id}`);
    expect((await payment(res.body.id)).history.map((h: { to: string }) => h.to)).toEqual(['processing', 'requires_action', 'processing', 'succeeded']);
    expect(fake.captured(res.body.id)).toBe(12.5);
  });

  it('3-D Secure challenge refused: no PAY, back to the checkout form, the session reopens', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.challenge) });
    fake.answerChallenge(res.body.id, false);
    const back = await postForm(`${gw.url}/v1/3ds/return/${res.body.id}`, {});
    expect(back.headers.location).toMatch(new RegExp(`/checkout/${sessionId}\\?return=failed&reason=authentication$`));
    expect((await payment(res.body.id)).status).toBe('failed');
    expect(fake.sent.filter((s) => s.startsWith(`PAYMENT ${res.body.id}/`))).toEqual([]);
    expect((await session(sessionId)).status).toBe('open');
  });

  it('refund: partial, then the rest; never above what was captured', async () => {
    const { token } = await mintSession(gw, secret);
    const paid = await collect(gw, token, { hosted_session_id: await cardFields(token, FAKE_CARDS.approved) });
    const refund = (amount?: string) =>
      http(`${gw.url}/v1/payments/${paid.body.id}/refunds`, { method: 'POST', headers: bearer(secret), body: amount ? { amount } : {} });
    expect((await refund('5.00')).body).toMatchObject({ object: 'refund', status: 'succeeded', amount: '5.00' });
    const tooMuch = await refund('8.00');
    expect(tooMuch.body.error).toMatchObject({ error_code: '1010', param: 'amount', message: expect.stringContaining('7.50') });
    expect((await refund()).body).toMatchObject({ status: 'succeeded', amount: '7.50' });
    expect((await payment(paid.body.id)).amount_refunded).toBe('12.50');
  });

  it("an answer lost after the charge: the core's settle loop looks it up by our ids — one charge", async () => {
    const { token } = await mintSession(gw, secret);
    const hosted = await cardFields(token, FAKE_CARDS.approved);
    fake.loseAnswers = 1;
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.body.status).toBe('succeeded');
    expect(fake.sent.filter((s) => s.startsWith(`PAYMENT ${res.body.id}/`))).toHaveLength(1);
    expect(fake.captured(res.body.id)).toBe(12.5);
  });

  it('reconcile: an outcome that stayed unknown is pending (202), then settled from the network — charged once', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const hosted = await cardFields(token, FAKE_CARDS.approved);
    fake.loseAnswers = 1;
    fake.downAfterLoss = true;
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(202);
    expect((await session(sessionId)).status).toBe('processing');
    gw.clock.advance(31_000);
    await gw.services.payments.reconcileDue();
    expect((await payment(res.body.id)).status).toBe('pending'); // still cannot tell
    fake.down = false;
    gw.clock.advance(31_000);
    expect(await gw.services.payments.reconcileDue()).toBeGreaterThanOrEqual(1);
    expect(await payment(res.body.id)).toMatchObject({ status: 'succeeded', history: expect.arrayContaining([expect.objectContaining({ to: 'pending' })]) });
    expect((await session(sessionId)).status).toBe('paid');
    expect(fake.sent.filter((s) => s.startsWith(`PAYMENT ${res.body.id}/`))).toHaveLength(1);
  });

  it('the network down during authentication: 1900, nothing charged, the session reopens', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const hosted = await cardFields(token, FAKE_CARDS.approved);
    fake.down = true;
    const res = await collect(gw, token, { hosted_session_id: hosted });
    expect(res.status).toBe(500);
    expect(res.body.error.error_code).toBe('1900');
    expect((await session(sessionId)).status).toBe('open');
  });
});
