import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../sdk-node/src/index.js';
import { ManualClock } from '../../src/clock.js';
import { enqueueWebhookEvent } from '../../src/modules/webhooks/outbox.js';
import { PDIRECT_BIN } from '../support/cli.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/gateway.js';
import { type Receiver, startReceiver } from './receiver.js';

/** The real clock, where the test gateway expects a ManualClock. */
class WallClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

const postgres = testDatabases().find((f) => f.name === 'postgres');
const EVENTS = 300;
const WORKER_ENV = { PDIRECT_WEBHOOK_POLL_MS: '50', PDIRECT_WEBHOOK_CONCURRENCY: '8', PDIRECT_WEBHOOK_RETRY_SCHEDULE: '1s,1s' };

// docs/api.md#cli: several processes share one PostgreSQL database and each attempt
// still happens once. Two `pdirect worker` OS processes and the worker inside
// a serving gateway poll for real; every fifth event fails its first attempt,
// so retries are claimed across processes too.
describe.skipIf(!postgres)('webhook delivery by several processes on PostgreSQL', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let rx: Receiver;
  let dataDir: string;
  const children: ChildProcess[] = [];

  function spawnWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [PDIRECT_BIN, 'worker', '--json'], {
      env: {
        PATH: process.env.PATH,
        PDIRECT_DATABASE_URL: db.url,
        PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
        PDIRECT_DATA_DIR: dataDir,
        PDIRECT_LOG_LEVEL: 'warn',
        ...WORKER_ENV,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"worker_id"')) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`pdirect worker exited with ${code} before it was ready`)));
    });
  }

  beforeAll(async () => {
    db = await postgres!.create();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-workers-'));
    gw = await startTestGateway({ databaseUrl: db.url, clock: new WallClock(), env: WORKER_ENV });
    await Promise.all([spawnWorker(), spawnWorker()]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))));
    await rx?.close();
    await gw?.close();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${EVENTS} events: each delivered once per attempt, one success each, by all three workers`, async () => {
    const created = await gw.services.merchants.create({ name: 'Busy Shop', redirectHosts: ['127.0.0.1'] });
    const secret = created.webhookSecret.reveal();
    rx = await startReceiver((r) => {
      const n = (JSON.parse(r.body) as { data: { n: number } }).data.n;
      return { status: n % 5 === 0 && r.nth === 1 ? 503 : 200, delayMs: 5 + (n % 4) * 5 };
    });

    const expected = new Map<string, number>();
    for (let batch = 0; batch < EVENTS / 30; batch++) {
      await gw.services.storage.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 30; i++) {
          const n = batch * 30 + i;
          const { eventId } = await enqueueWebhookEvent(trx, {
            merchantId: created.merchant.id,
            type: 'payment.succeeded',
            notifyUrl: rx.url,
            data: { n },
            at: Date.now(),
          });
          expected.set(eventId, n % 5 === 0 ? 2 : 1);
        }
      });
    }

    // Bounded wait: poll the database until every delivery has succeeded.
    const deadline = Date.now() + 60_000;
    const db_ = gw.services.storage.db;
    for (;;) {
      const { done } = await db_
        .selectFrom('webhook_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('done'))
        .where('state', '=', 'succeeded')
        .executeTakeFirstOrThrow();
      if (Number(done) === EVENTS) break;
      if (Date.now() > deadline) throw new Error(`only ${done} of ${EVENTS} delivered within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // The receiver saw each attempt exactly once…
    for (const [id, attempts] of expected) expect(rx.forId(id), id).toHaveLength(attempts);
    expect(rx.receipts).toHaveLength([...expected.values()].reduce((a, b) => a + b));
    // …each one genuine…
    for (const r of rx.receipts) expect(verifyWebhook(r.body, r.headers, secret).id).toBe(r.id);
    // …and the stored attempts match it one to one.
    const attempts = await db_.selectFrom('webhook_attempts').select(['event_id', 'attempt_number', 'outcome', 'worker_id']).execute();
    expect(attempts).toHaveLength(rx.receipts.length);
    const keys = new Set(attempts.map((a) => `${a.event_id}#${a.attempt_number}`));
    expect(keys.size).toBe(attempts.length);
    expect(attempts.filter((a) => a.outcome === 'succeeded')).toHaveLength(EVENTS);
    const workers = new Set(attempts.map((a) => a.worker_id));
    expect(workers.size, `attempts by ${[...workers].join(', ')}`).toBe(3);

    // Graceful stop of the worker processes.
    const exits = children.map((c) => new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code))));
    for (const c of children) c.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  }, 90_000);
});
