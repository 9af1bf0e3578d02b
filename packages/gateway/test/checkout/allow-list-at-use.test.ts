import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, completeChallenge, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { bearer, http } from '../support/http.js';
import { startReceiver, type Receiver } from '../webhooks/receiver.js';

const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };
const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };

// The redirect/notify allow-list is checked again at use: a host the
// merchant removes stops getting customers (3-D Secure return, hosted
// checkout redirect) and webhooks at once, even for sessions minted before.
describe.each(testDatabases())('allow-list re-checked at redirect and delivery time ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true, env: { PDIRECT_WEBHOOK_WORKER: 'off' } },
    merchant: { name: 'Moving Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' },
  });
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const setHosts = (hosts: string[]) => fixture.gw.services.merchants.update(fixture.merchantId, { redirectHosts: hosts });
  const attemptsOf = async () => {
    const db = fixture.gw.services.storage.db;
    const events = await db.selectFrom('webhook_events').select(['id', 'type']).where('merchant_id', '=', fixture.merchantId).execute();
    const ids = events.filter((e) => e.type.startsWith('payment.')).map((e) => e.id);
    return ids.length === 0
      ? []
      : db
          .selectFrom('webhook_attempts')
          .innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'webhook_attempts.delivery_id')
          .select(['webhook_deliveries.event_id', 'webhook_attempts.error'])
          .where('webhook_deliveries.event_id', 'in', ids)
          .execute();
  };

  it('a host removed after minting: the 3-D Secure return refuses to redirect there (1201) and the webhook is not sent', async () => {
    const { gw, secret } = fixture;
    await setHosts(['localhost', '127.0.0.1']);
    const { token, sessionId } = await mintSession(gw, secret, { notify_url: receiver.url });
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    expect(res.body.status).toBe('requires_action');

    await setHosts(['shop.example']);
    const back = await completeChallenge(gw, res.body.next_action.html, 'Y');
    expect(back.status).toBe(400);
    expect(back.headers.location).toBeUndefined();
    expect(back.body.error).toMatchObject({ error_code: '1201', param: 'success_redirect_url' });
    // The payment itself is settled (the redirect is what is refused).
    expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid');

    await gw.services.webhooks.worker.runDue();
    expect(receiver.receipts).toHaveLength(0);
    expect(await attemptsOf()).toEqual([expect.objectContaining({ error: 'notify_url_not_allowed' })]);
  });

  it('the hosted checkout gets no redirect_url to a removed host (the payment is still answered); with the host back, redirect and webhook work again', async () => {
    const { gw, secret } = fixture;
    await setHosts(['localhost', '127.0.0.1']);
    const first = await mintSession(gw, secret, { notify_url: receiver.url });
    const second = await mintSession(gw, secret, { notify_url: receiver.url });
    await setHosts(['127.0.0.1']); // localhost (the redirect host) removed, the notify host kept
    const refused = await collect(gw, first.token, { hosted_session_id: await cardSession(gw, first.token, FRICTIONLESS) });
    // The payment went through and is answered; only the redirect to the removed host is withheld.
    expect(refused.status).toBe(200);
    expect(refused.body.status).toBe('succeeded');
    expect(refused.body.redirect_url).toBeUndefined();
    expect(JSON.stringify(refused.body)).not.toContain('localhost:3000');

    await setHosts(['localhost', '127.0.0.1']);
    const allowed = await collect(gw, second.token, { hosted_session_id: await cardSession(gw, second.token, FRICTIONLESS) });
    expect(allowed.status).toBe(200);
    expect(allowed.body.redirect_url).toMatch(/^http:\/\/localhost:3000\/thanks\?/);
    const before = receiver.receipts.length;
    await gw.services.webhooks.worker.runDue();
    expect(receiver.receipts.length).toBeGreaterThan(before);
  });
});
