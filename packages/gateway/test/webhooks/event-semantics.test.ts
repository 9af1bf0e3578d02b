import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { bearer, http } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

// An attempt is not the outcome: a declined card sends payment_attempt.failed
// while the session stays open; payment.failed comes only once the session can
// no longer be paid (expired, locked, cancelled) — docs/webhooks.md#event-types.
const APPROVED = { number: '5111111111111118', expiry: '01/39' };
const DECLINED = { number: '5111111111111118', expiry: '05/39' };

describe.each(testDatabases())('payment events: attempt and outcome ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true, env: { PDIRECT_WEBHOOK_WORKER: 'on' } },
    merchant: { name: 'Events Shop', fingerprintMode: 'off' },
  });
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    // One device and address make many attempts here: the risk engine would block them before the network does.
    await fixture.gw.services.risk.addRule(fixture.merchantId, { action: 'allow', predicate: ':amount: >= 0' });
  });
  afterAll(() => rx?.close());
  // Each story a minute later: its events are newer than the last story's, and the card-session minute cap is its own.
  beforeEach(() => fixture.gw.clock.advance(61_000));

  /** The merchant's view of an order's events (GET /v1/events), oldest first. */
  async function eventsOf(orderId: string): Promise<Array<{ id: string; type: string; data: { object: Record<string, unknown> } }>> {
    const res = await http(`${fixture.gw.url}/v1/events?order_id=${encodeURIComponent(orderId)}&limit=100`, { headers: bearer(fixture.secret) });
    expect(res.status).toBe(200);
    return [...res.body.data].reverse();
  }
  const decline = async (token: string) => {
    const res = await collect(fixture.gw, token, { hosted_session_id: await cardSession(fixture.gw, token, DECLINED) });
    expect(res.status).toBe(402);
    expect(res.body.error.error_code).toBe('1601');
  };

  it('a decline then a good card: payment_attempt.failed, then payment.succeeded, and no payment.failed — delivered signed', async () => {
    const { gw, secret } = fixture;
    const a = await mintSession(gw, secret, { notify_url: rx.url });
    const orderId = a.response.body.order_id as string;
    await decline(a.token);
    expect((await http(`${gw.url}/v1/sessions/${a.sessionId}`, { headers: bearer(secret) })).body.status).toBe('open');
    gw.clock.advance(1_000);
    const paid = await collect(gw, a.token, { hosted_session_id: await cardSession(gw, a.token, APPROVED) });
    expect(paid.status).toBe(200);

    const events = await eventsOf(orderId);
    expect(events.map((e) => e.type)).toEqual(['payment_attempt.failed', 'payment.succeeded']);
    expect(events[0]!.data.object).toMatchObject({ object: 'payment', status: 'failed', order_id: orderId });
    expect(events[1]!.data.object).toMatchObject({ object: 'payment', status: 'succeeded', id: paid.body.id });
    expect(events[0]!.data.object.id).not.toBe(paid.body.id);

    // The merchant's endpoint got both, signed, and never a payment.failed.
    const mine = new Set(events.map((e) => e.id));
    await rx.waitFor(2);
    const received = rx.receipts.filter((r) => mine.has(r.id));
    const verifier = new Webhook(fixture.webhookSecret.slice('whsec_'.length));
    const types = received.map((r) => (verifier.verify(r.body, r.headers) as { type: string }).type).sort();
    expect(types).toEqual(['payment.succeeded', 'payment_attempt.failed']);
  });

  it('a decline, then the session expires: session.expired and payment.failed carrying the declined attempt', async () => {
    const { gw, secret } = fixture;
    const a = await mintSession(gw, secret, { ttl_seconds: 60 });
    const orderId = a.response.body.order_id as string;
    await decline(a.token);
    expect((await eventsOf(orderId)).map((e) => e.type)).toEqual(['payment_attempt.failed']);

    gw.clock.advance(61_000);
    expect(await gw.services.sessions.expireDue()).toBeGreaterThanOrEqual(1);
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.type).sort()).toEqual(['payment.failed', 'payment_attempt.failed', 'session.expired']);
    const attempt = events.find((e) => e.type === 'payment_attempt.failed')!.data.object;
    const failed = events.find((e) => e.type === 'payment.failed')!.data.object;
    expect(failed).toMatchObject({ object: 'payment', id: attempt.id, status: 'failed', order_id: orderId });
    expect(events.find((e) => e.type === 'session.expired')!.data.object).toMatchObject({ id: a.sessionId, status: 'expired', payment_id: attempt.id });
  });

  it('a session nobody tried to pay expires with session.expired only', async () => {
    const { gw, secret } = fixture;
    const a = await mintSession(gw, secret, { ttl_seconds: 60 });
    gw.clock.advance(61_000);
    await gw.services.sessions.expireDue();
    expect((await eventsOf(a.response.body.order_id)).map((e) => e.type)).toEqual(['session.expired']);
  });

  it('a decline, then the merchant cancels the session: payment.failed in the same transaction', async () => {
    const { gw, secret } = fixture;
    const a = await mintSession(gw, secret);
    const orderId = a.response.body.order_id as string;
    await decline(a.token);
    expect(await gw.services.sessions.cancel(a.sessionId, 'order withdrawn')).toBe(true);
    expect(await gw.services.sessions.cancel(a.sessionId, 'again')).toBe(false);
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.type).sort()).toEqual(['payment.failed', 'payment_attempt.failed']);
    expect((await http(`${gw.url}/v1/sessions/${a.sessionId}`, { headers: bearer(secret) })).body.status).toBe('cancelled');
  });
});
