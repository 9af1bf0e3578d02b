import { spawn } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { cardSession, mintSession } from '../support/checkout.js';
import { PDIRECT_BIN, runCli } from '../support/cli.js';
import { TEST_MASTER_KEY } from '../support/gateway.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import { bearer, http } from '../support/http.js';
import { insertProcessingPayment } from '../support/payments.js';

const PLAIN_APPROVED = { number: '5111111111111118', expiry: '01/39' };

// `pdirect reconcile` settles what crashed processes left behind (by the
// system clock, in its own process) and prints each payment; one still
// inside its attempt deadline is left waiting.
describe.each(testDatabases())('pdirect reconcile ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Ops Shop', fingerprintMode: 'off' } });

  it('settles a charged and a never-sent attempt, leaves one inside its deadline waiting; --json and text', async () => {
    const { gw, secret, db } = fixture;
    const longAgo = Date.now() - 600_000;
    const ids = { charged: `pay_${'f'.repeat(20)}`, neverSent: `pay_${'g'.repeat(20)}`, inFlight: `pay_${'h'.repeat(20)}` };
    const sessions: Record<string, string> = {};
    for (const [name, id] of Object.entries(ids)) {
      const { sessionId, token } = await mintSession(gw, secret);
      const hosted = await cardSession(gw, token, PLAIN_APPROVED);
      const attemptDeadlineAt = name === 'inFlight' ? Date.now() + 600_000 : longAgo + 300_000;
      await insertProcessingPayment(gw, { id, sessionId, hostedSessionId: hosted, at: longAgo, leaseExpiresAt: longAgo + 30_000, attemptDeadlineAt });
      sessions[name] = sessionId;
      if (name === 'charged')
        await gw.services.network!.pay({ orderId: id, payTransactionId: 'pay-1', hostedSessionId: hosted, amount: '12.50', currency: 'USD' });
    }
    const env = {
      PDIRECT_DATABASE_URL: db.url,
      PDIRECT_MPGS_BASE_URL: gw.simulator!.url,
      PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
      PDIRECT_MPGS_API_PASSWORD: 'sandbox',
    };

    const first = await runCli(['reconcile', '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json).toMatchObject({ succeeded: 1, failed: 1, waiting: 1, error: 0 });
    expect(first.json.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payment', id: ids.charged, result: 'succeeded' }),
        expect.objectContaining({ kind: 'payment', id: ids.neverSent, result: 'failed' }),
        expect.objectContaining({ kind: 'payment', id: ids.inFlight, result: 'waiting' }),
      ]),
    );
    expect((await http(`${gw.url}/v1/sessions/${sessions.charged}`, { headers: bearer(secret) })).body.status).toBe('paid');
    expect((await http(`${gw.url}/v1/sessions/${sessions.neverSent}`, { headers: bearer(secret) })).body.status).toBe('open');
    expect((await http(`${gw.url}/v1/sessions/${sessions.inFlight}`, { headers: bearer(secret) })).body.status).toBe('processing');

    // Nothing more is due (the waiting one was pushed back): the text form says so.
    const again = await runCli(['reconcile'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^succeeded\s+0\nfailed\s+0\nwaiting\s+0\nerror\s+0\n$/);
    expect((await runCli(['reconcile', '--limit', 'lots'], env)).code).toBe(1);
  });
});

// `pdirect worker` reconciles too, at start: a deployment whose API processes
// restart often still settles what they left behind.
describe.each(testDatabases())('pdirect worker reconciles at start ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Worker Shop', fingerprintMode: 'off' } });

  it('a charged attempt left by a dead process is settled by a freshly started worker', async () => {
    const { gw, secret, db } = fixture;
    const longAgo = Date.now() - 600_000;
    const id = `pay_${'k'.repeat(20)}`;
    const { sessionId, token } = await mintSession(gw, secret);
    const hosted = await cardSession(gw, token, PLAIN_APPROVED);
    await insertProcessingPayment(gw, {
      id,
      sessionId,
      hostedSessionId: hosted,
      at: longAgo,
      leaseExpiresAt: longAgo + 30_000,
      attemptDeadlineAt: longAgo + 300_000,
    });
    await gw.services.network!.pay({ orderId: id, payTransactionId: 'pay-1', hostedSessionId: hosted, amount: '12.50', currency: 'USD' });

    const worker = spawn(process.execPath, [PDIRECT_BIN, 'worker', '--json'], {
      env: {
        PATH: process.env.PATH,
        PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
        PDIRECT_LOG_LEVEL: 'warn',
        PDIRECT_DATABASE_URL: db.url,
        PDIRECT_MPGS_BASE_URL: gw.simulator!.url,
        PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
        PDIRECT_MPGS_API_PASSWORD: 'sandbox',
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      await vi.waitFor(async () => expect((await http(`${gw.url}/v1/sessions/${sessionId}`, { headers: bearer(secret) })).body.status).toBe('paid'), {
        timeout: 20_000,
        interval: 100,
      });
      expect((await http(`${gw.url}/v1/payments/${id}`, { headers: bearer(secret) })).body.status).toBe('succeeded');
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
