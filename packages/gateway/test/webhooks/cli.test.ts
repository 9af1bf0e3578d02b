import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../../../sdk-node/src/index.js';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { runCli } from '../support/cli.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from './receiver.js';

// The operator's side: `pdirect webhook-secret rotate`, `webhook redeliver`, `webhook show`, run as real processes.
describe.each(testDatabases())('webhook CLI ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;
  let merchantId: string;
  let firstSecret: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await factory.create();
    env = { PDIRECT_DATABASE_URL: db.url };
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    const created = await gw.services.merchants.create({ name: 'CLI Hook Shop', redirectHosts: ['127.0.0.1'] });
    merchantId = created.merchant.id;
    firstSecret = created.webhookSecret.reveal();
    rx = await startReceiver((r) => (r.body.includes('"payment.failed"') ? { status: 410 } : { status: 200 }));
  });
  afterAll(async () => {
    await rx?.close();
    await gw?.close();
    await db?.drop();
  });

  const enqueue = (type: 'payment.succeeded' | 'payment.failed') =>
    gw.services.storage.db
      .transaction()
      .execute((trx) => enqueueWebhookEvent(trx, { merchantId, type, notifyUrl: rx.url, data: {}, at: gw.clock.now() }))
      .then((r) => r.eventId);

  it('webhook-secret rotate prints the new secret once; both sign during the overlap, then only the new one', async () => {
    const res = await runCli(['webhook-secret', 'rotate', '--merchant', merchantId, '--overlap', '1h', '--json'], env);
    expect(res.code).toBe(0);
    const newSecret = res.json.webhook_secret as string;
    expect(newSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Date.parse(res.json.previous_secret_expires_at) - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(res.stderr).not.toContain(newSecret.slice(6));

    // The gateway's clock is the wall clock give or take the test's runtime.
    gw.clock.set(Date.now());
    const during = await enqueue('payment.succeeded');
    await gw.services.webhooks.worker.runDue();
    const receipt = rx.forId(during)[0]!;
    const now = () => gw.clock.now();
    expect(receipt.signature.split(' ')).toHaveLength(2);
    expect(verifyWebhook(receipt.body, receipt.headers, firstSecret, { now }).id).toBe(during);
    expect(verifyWebhook(receipt.body, receipt.headers, newSecret, { now }).id).toBe(during);

    gw.clock.advance(3_600_000 + 60_000);
    const after = await enqueue('payment.succeeded');
    await gw.services.webhooks.worker.runDue();
    const later = rx.forId(after)[0]!;
    expect(verifyWebhook(later.body, later.headers, newSecret, { now }).id).toBe(after);
    expect(() => verifyWebhook(later.body, later.headers, firstSecret, { now })).toThrow(WebhookVerificationError);

    const plain = await runCli(['webhook-secret', 'rotate', '--merchant', merchantId], env);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/webhook_secret\s+whsec_/);
    expect(plain.stderr).toContain('shown only now');
  });

  it('webhook redeliver sends a delivered or dead event again; webhook show lists every attempt', async () => {
    gw.clock.set(Date.now());
    const dead = await enqueue('payment.failed');
    await gw.services.webhooks.worker.runDue();
    const before = await runCli(['webhook', 'show', '--event', dead, '--json'], env);
    expect(before.code).toBe(0);
    expect(before.json.deliveries).toEqual([expect.objectContaining({ state: 'dead', attempts: 1 })]);
    expect(before.json.attempts).toEqual([expect.objectContaining({ attempt: 1, response_status: 410, outcome: 'failed' })]);

    const res = await runCli(['webhook', 'redeliver', '--event', dead, '--json'], env);
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ event_id: dead, state: 'pending' });
    const busy = await runCli(['webhook', 'redeliver', '--event', dead], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('still being delivered');

    gw.clock.set(Date.now() + 1000);
    expect(await gw.services.webhooks.worker.runDue()).toBe(1);
    expect(rx.forId(dead)).toHaveLength(2);
    const after = await runCli(['webhook', 'show', '--event', dead], env);
    expect(after.stdout).toContain('#1');
    expect(after.stdout.match(/410/g)).toHaveLength(2);
  });

  it('webhook list shows an unreachable endpoint as failing, then paused, with its backlog; trigger sends a test event to an allowed URL only', async () => {
    const shop = (await gw.services.merchants.create({ name: 'CLI List Shop', redirectHosts: ['127.0.0.1'] })).merchant.id;
    const down = 'http://127.0.0.1:1/hooks';
    for (let i = 0; i < 3; i++) {
      await gw.services.storage.db.transaction().execute((trx) =>
        enqueueWebhookEvent(trx, {
          merchantId: shop,
          type: 'payment.succeeded',
          notifyUrl: down,
          data: { object: { order_id: `o-${i}` } },
          at: gw.clock.now(),
        }),
      );
    }
    await gw.services.webhooks.worker.runDue();
    const failing = await runCli(['webhook', 'list', '--json'], env);
    expect(failing.code).toBe(0);
    expect(failing.json.endpoints).toContainEqual(
      expect.objectContaining({ endpoint: 'http://127.0.0.1:1', state: 'failing', backlog: 3, consecutive_failures: 3, last_error: 'connection_refused' }),
    );
    const text = await runCli(['webhook', 'list', '--merchant', shop], env);
    expect(text.stdout).toMatch(/http:\/\/127\.0\.0\.1:1\s+failing\s+backlog 3/);
    expect(text.stdout.match(/payment\.succeeded/g)).toHaveLength(3);

    const refused = await runCli(['webhook', 'trigger', 'payment.succeeded', '--url', 'https://elsewhere.example/hooks', '--merchant', shop, '--no-wait'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('allow-list');
    const sent = await runCli(['webhook', 'trigger', 'refund.succeeded', '--url', rx.url, '--merchant', shop, '--no-wait', '--json'], env);
    expect(sent.code).toBe(0);
    expect(sent.json).toMatchObject({ type: 'refund.succeeded', attempted: false });
    gw.clock.set(Date.now() + 1000);
    await gw.services.webhooks.worker.runDue();
    const [receipt] = rx.forId(sent.json.event_id);
    expect(JSON.parse(receipt!.body)).toMatchObject({ type: 'refund.succeeded', data: { test: true } });
  });

  it.each([
    [['webhook', 'redeliver', '--event', 'evt_nosucheventxxxxxxxxx'], 'no event'],
    [['webhook', 'redeliver', '--event', 'pay_123'], 'event:'],
    [['webhook-secret', 'rotate', '--merchant', 'mch_nosuchmerchantxxxxx'], 'no merchant'],
    [['webhook-secret', 'rotate', '--merchant', 'x', '--overlap', 'a while'], 'overlap'],
    [['webhook-secret', 'rotate', '--merchant', 'x', '--overlap', '90d'], 'overlap'],
  ])('explains bad input: %j', async (args, words) => {
    const res = await runCli(args as string[], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(words);
    expect(res.stdout).toBe('');
  });
});
