import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { dumpPostgres, readSqliteFiles, testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { DOWN_URL, type Receiver, startReceiver } from './receiver.js';

// docs/api.md#credentials: after signing and delivering (and failing, and rotating), no
// webhook_secret is in the logs or the database, in any encoding.
describe.each(testDatabases())('webhook secrets stay secret ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    // A receiver that echoes what it got, headers included, into the stored response body.
    rx = await startReceiver((r) => ({ status: r.nth === 1 ? 500 : 200, body: JSON.stringify(r.headers) }));
    for (const name of ['Alpha', 'Beta']) {
      const created = await gw.services.merchants.create({ name, redirectHosts: ['127.0.0.1'] });
      secrets.push(created.webhookSecret.reveal());
      secrets.push((await gw.services.webhooks.rotateSecret(created.merchant.id)).webhookSecret.reveal());
      for (const url of [rx.url, DOWN_URL]) {
        await gw.services.storage.db
          .transaction()
          .execute((trx) =>
            enqueueWebhookEvent(trx, { merchantId: created.merchant.id, type: 'payment.succeeded', notifyUrl: url, data: {}, at: gw.clock.now() }),
          );
      }
    }
    await gw.services.webhooks.worker.runDue();
    gw.clock.advance(6_000);
    await gw.services.webhooks.worker.runDue();
    expect(rx.receipts.length).toBe(4);
  });
  afterAll(async () => {
    await rx?.close();
    await gw?.close();
    await db?.drop();
  });

  const needles = () =>
    secrets.flatMap((s) => {
      const encoded = s.slice('whsec_'.length);
      const raw = Buffer.from(encoded, 'base64');
      return [s, encoded, raw.toString('hex'), raw.toString('base64url')];
    });

  it('the database holds no webhook secret', async () => {
    const haystack = db.file ? readSqliteFiles(db.file) : Buffer.from(await dumpPostgres(db.url));
    expect(haystack.includes(Buffer.from('webhook-signature'))).toBe(true); // the echoed headers are there…
    for (const needle of needles()) expect(haystack.includes(Buffer.from(needle)), `found ${needle.slice(0, 8)}… at rest`).toBe(false);
  });

  it('the logs hold no webhook secret', () => {
    const logs = gw.logs();
    expect(logs).toContain('webhook attempt failed');
    for (const needle of needles()) expect(logs.includes(needle), `found ${needle.slice(0, 8)}… in the logs`).toBe(false);
  });
});
