import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { createWebhookService, type WebhookService } from '../../src/modules/webhooks/webhook-service.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

// Live mode: webhooks only to https on public addresses, checked after DNS
// on the connecting socket; a refusal is a failed attempt like any other.
describe.each(testDatabases())('webhook SSRF rule in live mode ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let live: WebhookService;
  let merchantId: string;
  let server: net.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    merchantId = (await gw.services.merchants.create({ name: 'Live Hook Shop' })).merchant.id;
    const config = (await import('../../src/config.js')).loadConfig({ PDIRECT_DATA_DIR: '/nonexistent' });
    // The same module, wired as a live gateway wires it.
    live = createWebhookService({
      storage: gw.services.storage,
      clock: gw.clock,
      logger: gw.gateway.logger,
      gatewayKeys: gw.services.keys,
      settings: { ...config.webhooks, timeoutMs: 2000 },
      mode: 'live',
    });
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await live?.worker.stop();
    await new Promise((resolve) => server?.close(resolve));
    await gw?.close();
    await db?.drop();
  });

  it.each([
    [`https://localhost:PORT/hooks`, 'ssrf_refused'],
    [`https://127.0.0.1:PORT/hooks`, 'ssrf_refused'],
    [`https://[::1]:PORT/hooks`, 'ssrf_refused'],
    [`https://[::ffff:127.0.0.1]:PORT/hooks`, 'ssrf_refused'],
    [`https://169.254.169.254/latest/meta-data`, 'ssrf_refused'],
    [`https://10.0.0.1/hooks`, 'ssrf_refused'],
    // IPv4-compatible IPv6 (::/96): loopback and private addresses in disguise.
    [`https://[::7f00:1]:PORT/hooks`, 'ssrf_refused'],
    [`https://[::a00:1]/hooks`, 'ssrf_refused'],
    [`https://[::808:808]/hooks`, 'ssrf_refused'],
    [`https://[64:ff9b:1::a00:1]/hooks`, 'ssrf_refused'],
    [`https://[2001:db8::1]/hooks`, 'ssrf_refused'],
    [`https://[100::1]/hooks`, 'ssrf_refused'],
    [`http://127.0.0.1:PORT/hooks`, 'insecure_url'],
  ])('%s is refused (%s), recorded as a failed attempt, never contacted', async (template, error) => {
    const url = template.replace('PORT', String(port));
    const { eventId } = await gw.services.storage.db
      .transaction()
      .execute((trx) => enqueueWebhookEvent(trx, { merchantId, type: 'payment.succeeded', notifyUrl: url, data: {}, at: gw.clock.now() }));
    expect(await live.worker.runDue()).toBe(1);
    const view = await live.describeEvent(eventId);
    expect(view.attempts).toEqual([expect.objectContaining({ outcome: 'failed', error, response_status: null })]);
    expect(view.deliveries[0]!.state).toBe('pending');
    expect(connections).toBe(0);
  });
});
