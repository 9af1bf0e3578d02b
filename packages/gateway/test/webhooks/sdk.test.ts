import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pdirect, PdirectError, verifyWebhook } from '../../../sdk-node/src/index.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from './receiver.js';

// @pdirect/node against the real gateway: the shapes it expects are the ones
// served, its errors carry the envelope's code and request id, and a state
// change announced through the outbox (a session expiring) verifies with it.
describe.each(testDatabases())('the Node SDK against the gateway ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;
  let pdirect: Pdirect;
  let webhookSecret: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    rx = await startReceiver();
    const created = await gw.services.merchants.create({ name: 'SDK Shop', redirectHosts: ['127.0.0.1'] });
    webhookSecret = created.webhookSecret.reveal();
    pdirect = new Pdirect({ secret: created.merchantSecret.reveal(), baseUrl: gw.url });
  });
  afterAll(async () => {
    await rx?.close();
    await gw?.close();
    await db?.drop();
  });

  it('mints and reads a session; a session that expires is announced by a signed session.expired webhook', async () => {
    const session = await pdirect.sessions.create(
      {
        amount: '12.50',
        currency: 'usd',
        customer_reference: 'cust-1',
        order_id: 'order-sdk-1',
        notify_url: rx.url,
        success_redirect_url: 'http://127.0.0.1/ok',
        fail_redirect_url: 'http://127.0.0.1/fail',
        ttl_seconds: 60,
      },
      { idempotencyKey: 'order-sdk-1' },
    );
    expect(session.session_id).toMatch(/^cs_/);
    expect(session.session_token).toMatch(/^pd_st_/);
    const state = await pdirect.sessions.retrieve(session.session_id);
    expect(state).toMatchObject({ object: 'checkout_session', id: session.session_id, status: 'open', amount: '12.50', order_id: 'order-sdk-1' });
    expect((await pdirect.payments.list({ order_id: 'order-sdk-1' })).data).toEqual([]);

    gw.clock.advance(61_000);
    await gw.services.sessions.expireDue();
    expect(await gw.services.webhooks.worker.runDue()).toBe(1);
    const [receipt] = rx.receipts;
    const event = verifyWebhook(receipt!.body, receipt!.headers, webhookSecret, { now: () => gw.clock.now() });
    expect(event.type).toBe('session.expired');
    expect(event.data).toMatchObject({ object: { id: session.session_id, status: 'expired' } });
  });

  it('maps error answers to PdirectError with the catalogue code and the request id', async () => {
    const err = await pdirect.payments.retrieve('pay_aaaaaaaaaaaaaaaaaaaa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdirectError);
    expect(err).toMatchObject({ status: 404, code: '1011', requestId: expect.stringMatching(/^req_/) });
    const bad = new Pdirect({ secret: 'pd_test_sk_aaaaaaaaaaaaaaaa_' + 'A'.repeat(43), baseUrl: gw.url });
    await expect(bad.payments.list({ order_id: 'x' })).rejects.toMatchObject({ status: 401, code: '1002' });
    await expect(
      pdirect.sessions.create({
        amount: '1.00',
        currency: 'usd',
        customer_reference: 'c',
        order_id: 'o-2',
        notify_url: 'https://evil.example/x',
        success_redirect_url: 'http://127.0.0.1/ok',
        fail_redirect_url: 'http://127.0.0.1/fail',
      }),
    ).rejects.toMatchObject({ status: 400, code: '1201' });
  });
});
