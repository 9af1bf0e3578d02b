import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

const FRICTIONLESS = { number: '5123456789012346', expiry: '01/39' };

// GET /v1/events, GET /v1/events/{id}, POST /v1/events/test: a merchant's
// own events, newest first, with their attempts; a signed test event.
describe.each(testDatabases())('events API ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;
  let shop: { id: string; secret: string; webhookSecret: string };
  let thief: { id: string; secret: string };

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true, env: { PDIRECT_WEBHOOK_WORKER: 'on' } });
    rx = await startReceiver();
    const a = await gw.services.merchants.create({ name: 'Events Shop', redirectHosts: ['localhost', '127.0.0.1'] });
    shop = { id: a.merchant.id, secret: a.merchantSecret.reveal(), webhookSecret: a.webhookSecret.reveal() };
    const b = await gw.services.merchants.create({ name: 'Events Thief', redirectHosts: ['localhost', '127.0.0.1'] });
    thief = { id: b.merchant.id, secret: b.merchantSecret.reveal() };
  });
  afterAll(async () => {
    await gw?.close();
    await rx?.close();
    await db?.drop();
  });

  const get = (path: string, secret = shop.secret) => http(`${gw.url}${path}`, { headers: bearer(secret) });

  it('finds the event of a payment by order id, with its delivery attempt', async () => {
    const { token, response } = await mintSession(gw, shop.secret, { notify_url: rx.url });
    const orderId = response.body.order_id as string;
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, FRICTIONLESS) });
    expect(paid.status).toBe(200);
    await rx.waitFor(1);

    const list = await get(`/v1/events?order_id=${encodeURIComponent(orderId)}`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: 'list', has_more: false });
    expect(list.body.data).toHaveLength(1);
    const event = list.body.data[0];
    expect(event).toMatchObject({ object: 'event', type: 'payment.succeeded', order_id: orderId, merchant_id: shop.id });
    expect(event.data.object).toMatchObject({ object: 'payment', order_id: orderId, status: 'succeeded' });

    // The one the receiver got.
    expect(rx.receipts.map((r) => r.id)).toContain(event.id);
    let one = await get(`/v1/events/${event.id}`);
    for (let i = 0; i < 50 && one.body.attempts.length === 0; i++) one = await get(`/v1/events/${event.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: event.id, type: 'payment.succeeded', order_id: orderId });
    expect(one.body.attempts[0]).toMatchObject({ attempt: 1, outcome: 'succeeded', response_status: 200 });
  });

  it('lists newest first, paginates with a cursor, filters by type and creation time', async () => {
    const events: string[] = [];
    for (let i = 0; i < 5; i++) {
      gw.clock.advance(1000);
      const res = await http(`${gw.url}/v1/events/test`, {
        method: 'POST',
        headers: bearer(shop.secret),
        body: { type: i % 2 ? 'payment.failed' : 'payment.succeeded', url: rx.url },
      });
      expect(res.status).toBe(201);
      events.push(res.body.id);
    }
    const newestFirst = [...events].reverse();
    const page1 = await get('/v1/events?limit=2');
    expect(page1.body.data.map((e: { id: string }) => e.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.body.has_more).toBe(true);
    const page2 = await get(`/v1/events?limit=2&starting_after=${page1.body.data[1].id}`);
    expect(page2.body.data.map((e: { id: string }) => e.id)).toEqual(newestFirst.slice(2, 4));

    const failed = await get('/v1/events?type=payment.failed&limit=100');
    expect(failed.body.data.map((e: { id: string }) => e.id)).toEqual([events[3], events[1]]);

    const at = (id: string) => Date.parse(page1.body.data.concat(page2.body.data).find((e: { id: string }) => e.id === id)?.created_at ?? '');
    const from = new Date(at(events[2]!)).toISOString();
    const to = Math.ceil(at(events[3]!) / 1000).toString(); // Unix seconds, rounded up to include it
    const window = await get(`/v1/events?created[gte]=${from}&created[lte]=${to}`);
    expect(window.body.data.map((e: { id: string }) => e.id)).toEqual([events[3], events[2]]);

    expect((await get('/v1/events?limit=0')).body.error.error_code).toBe('1010');
    expect((await get('/v1/events?limit=101')).body.error.error_code).toBe('1010');
    expect((await get('/v1/events?created[gte]=yesterday')).body.error.error_code).toBe('1010');
    expect((await get('/v1/events?color=red')).status).toBe(400);
  });

  it('a test event is signed: it verifies with the standardwebhooks reference library', async () => {
    const res = await http(`${gw.url}/v1/events/test`, { method: 'POST', headers: bearer(shop.secret), body: { type: 'refund.succeeded', url: rx.url } });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    for (let i = 0; i < 100 && rx.forId(id).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const [receipt] = rx.forId(id);
    expect(receipt).toBeDefined();
    // The gateway signed at its (manual) clock; verify at that instant.
    const wh = new Webhook(shop.webhookSecret);
    const now = Math.floor(gw.clock.now() / 1000);
    const verified = wh.verify(receipt!.body, { 'webhook-id': receipt!.id, 'webhook-timestamp': String(now), 'webhook-signature': receipt!.signature }) as {
      type: string;
      data: { test: boolean };
    };
    expect(receipt!.timestamp).toBe(String(now));
    expect(verified).toMatchObject({ type: 'refund.succeeded', data: { test: true } });
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 9).toString('base64')}`).verify(receipt!.body, {
        'webhook-id': receipt!.id,
        'webhook-timestamp': receipt!.timestamp,
        'webhook-signature': receipt!.signature,
      }),
    ).toThrow();
  });

  it('a test event goes only to a URL on the merchant allow-list, of a known type', async () => {
    const off = await http(`${gw.url}/v1/events/test`, { method: 'POST', headers: bearer(shop.secret), body: { url: 'https://attacker.example/hook' } });
    expect(off.status).toBe(400);
    expect(off.body.error.error_code).toBe('1201');
    const metadata = await http(`${gw.url}/v1/events/test`, { method: 'POST', headers: bearer(shop.secret), body: { url: 'http://169.254.169.254/latest' } });
    expect(metadata.body.error.error_code).toBe('1201');
    const type = await http(`${gw.url}/v1/events/test`, { method: 'POST', headers: bearer(shop.secret), body: { url: rx.url, type: 'money.sent' } });
    expect(type.body.error.error_code).toBe('1010');
    expect((await http(`${gw.url}/v1/events/test`, { method: 'POST', body: { url: rx.url } })).status).toBe(401);
  });

  it("attack: another merchant's events are invisible (404 1011), in the list, by id, and as a cursor", async () => {
    const mine = await get('/v1/events?limit=1');
    const id = mine.body.data[0].id as string;
    const byId = await get(`/v1/events/${id}`, thief.secret);
    expect(byId.status).toBe(404);
    expect(byId.body.error.error_code).toBe('1011');
    const cursor = await get(`/v1/events?starting_after=${id}`, thief.secret);
    expect(cursor.status).toBe(404);
    expect(cursor.body.error.error_code).toBe('1011');
    const list = await get('/v1/events?limit=100', thief.secret);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect((await get('/v1/events?limit=100')).body.data.length).toBeGreaterThan(0);
    const unknown = await get('/v1/events/evt_aaaaaaaaaaaaaaaaaaaa');
    expect(unknown.body.error.error_code).toBe('1011');
  });
});
