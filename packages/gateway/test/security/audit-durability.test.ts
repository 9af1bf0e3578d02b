import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/modules/audit/verify.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { spawnGatewayProcess } from '../support/spawn-gateway.js';

/** `loops` clients calling `url` back to back; returns the request ids of the answers received until `stop()`. */
function hammer(url: string, secret: string, loops: number, max: number) {
  const answered: string[] = [];
  let stopped = false;
  const done = Promise.all(
    Array.from({ length: loops }, async () => {
      while (!stopped && answered.length < max) {
        try {
          const res = await http(`${url}/v1/merchant`, { headers: bearer(secret) });
          if (res.status === 200) answered.push(res.headers['x-request-id']!);
        } catch {
          return; // the process was killed under this request: it was never answered
        }
      }
    }),
  );
  return { answered, done, stop: () => (stopped = true) };
}

// F3: an answered authenticated request always has its audit record, even
// when the process is killed (SIGKILL, no chance to flush) right after
// answering; and the chain stays whole with several processes appending.
describe.each(testDatabases())('audit durability ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    secret = (await gw.services.merchants.create({ name: 'Durable Shop' })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('kill -9 right after answering: every answered request has its record', async () => {
    const child = await spawnGatewayProcess(db.url);
    const load = hammer(child.url, secret, 8, 10_000);
    // Kill while requests are in flight, once a good number have been answered.
    for (let i = 0; i < 600 && load.answered.length < 150; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    process.kill(child.pid, 'SIGKILL');
    await child.stop();
    load.stop();
    await load.done;
    expect(load.answered.length).toBeGreaterThanOrEqual(150);

    const recorded = new Set(
      (await gw.services.storage.db.selectFrom('audit_log').select('request_id').where('request_id', 'in', load.answered).execute()).map((r) => r.request_id),
    );
    const missing = load.answered.filter((id) => !recorded.has(id));
    expect(missing).toEqual([]);
    expect((await verifyAuditChain(gw.services.auditRepository, gw.services.keys.auditChain)).ok).toBe(true);
  }, 120_000);

  it('two processes appending at once: one chain, no gap, every record verified', async () => {
    const child = await spawnGatewayProcess(db.url);
    try {
      const head = await gw.services.auditRepository.head();
      const here = hammer(gw.url, secret, 6, 150);
      const there = hammer(child.url, secret, 6, 150);
      await Promise.all([here.done, there.done]);
      const answered = [...here.answered, ...there.answered];
      expect(answered.length).toBeGreaterThanOrEqual(300);
      const report = await verifyAuditChain(gw.services.auditRepository, gw.services.keys.auditChain);
      expect(report.firstBreak).toBeUndefined();
      expect(report.ok).toBe(true);
      expect(report.head.seq - head.seq).toBe(answered.length);
      const rows = await gw.services.storage.db.selectFrom('audit_log').select(['chain_seq', 'request_id']).where('request_id', 'in', answered).execute();
      expect(rows).toHaveLength(answered.length);
    } finally {
      await child.stop();
    }
  }, 120_000);

  it('a record that cannot be written turns the answer into 503 1901: the result never leaves unrecorded', async () => {
    const db_ = gw.services.storage.db;
    const head = await db_.selectFrom('audit_chain').selectAll().executeTakeFirstOrThrow();
    await db_.deleteFrom('audit_chain').execute();
    try {
      const res = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ status: 503, error_code: '1901', request_id: res.headers['x-request-id'] });
      expect(res.headers['retry-after']).toBe('1');
      expect(res.text).not.toContain('Durable Shop');
    } finally {
      await db_.insertInto('audit_chain').values(head).execute();
    }
    const again = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    expect(again.status).toBe(200);
    expect(await gw.services.auditRepository.findByRequestId(again.headers['x-request-id']!)).toHaveLength(1);
  });
});
