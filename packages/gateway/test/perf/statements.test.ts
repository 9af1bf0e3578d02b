import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStatementCounter } from '../../src/storage/postgres-prepared.js';
import { sqliteStatementCounter } from '../../src/storage/sqlite-dialect.js';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';

const APPROVED = { number: '5111111111111118', expiry: '01/39' };

/**
 * SQL statements one full checkout costs (mint → card session → collect,
 * audit records included; webhook delivery excluded: the worker is off).
 * A regression check: when a change adds statements to the hot path this
 * fails, and the budget is raised only on purpose, with the reason in the
 * commit. Lower it when an optimisation removes some.
 */
// 47: the per-address failed-authentication limit (edge hardening, L3) reads its row on every merchant-key request.
// 61: card-entry defence (docs/card-defence.md): the card session is counted and recorded (3) and spent in the claim (1);
//     the risk engine scores every attempt before PAY (its history and rules reads) and records the outcome (one transaction): 10.
// 66: the in-flight attempt's lease is released (1) and the collect's audit record is appended inside its state change's transaction (chain head read-and-lock, insert, head update), besides the answer-time record that carries the risk warning.
const BUDGET: Record<'sqlite' | 'postgres', number> = { sqlite: 66, postgres: 66 };

describe.each(testDatabases())('SQL statements per checkout ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  const counter = factory.name === 'sqlite' ? sqliteStatementCounter : postgresStatementCounter;

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: true, env: { PDIRECT_WEBHOOK_WORKER: 'off' } });
    secret = (await gw.services.merchants.create({ name: 'Count Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  async function oneCheckout(): Promise<number> {
    await gw.services.audit.flush();
    const before = counter.executed;
    const { token } = await mintSession(gw, secret);
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, APPROVED) });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('succeeded');
    await gw.services.audit.flush();
    return counter.executed - before;
  }

  it('stays within its budget', async () => {
    await oneCheckout(); // warm: caches (authentication, merchant) filled as in steady state
    const counts = [await oneCheckout(), await oneCheckout(), await oneCheckout()];
    const steady = Math.max(...counts);
    process.stderr.write(`[${factory.name}] SQL statements per full checkout: ${counts.join(', ')} (budget ${BUDGET[factory.name]})\n`);
    expect(steady).toBeGreaterThan(0);
    expect(steady).toBeLessThanOrEqual(BUDGET[factory.name]);
  });
});
