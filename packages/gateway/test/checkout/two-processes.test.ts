import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@pdirect/mpgs-simulator';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { freePort, startTestGateway, type TestGateway } from '../support/gateway.js';
import { spawnGatewayProcess, type GatewayProcess } from '../support/spawn-gateway.js';

const postgres = testDatabases().find((f) => f.name === 'postgres');

// Exactly one charge when the same session is paid through two gateway
// processes sharing PostgreSQL: the session claim is a compare-and-set in
// the database, not a lock in memory.
describe.runIf(postgres)('two gateway processes on PostgreSQL', () => {
  let db: TestDatabase;
  let sim: RunningSimulator;
  let gw: TestGateway;
  let other: GatewayProcess;
  let secret: string;

  beforeAll(async () => {
    db = await postgres!.create();
    sim = await startSimulator();
    gw = await startTestGateway({ databaseUrl: db.url, simulator: sim });
    const port = await freePort();
    other = await spawnGatewayProcess(db.url, 30_000, {
      PDIRECT_PORT: String(port),
      PDIRECT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PDIRECT_MPGS_BASE_URL: sim.url,
      PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
      PDIRECT_MPGS_API_PASSWORD: 'sandbox',
    });
    secret = (
      await gw.services.merchants.create({ name: 'Two Process Shop', redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
    ).merchantSecret.reveal();
  }, 60_000);
  afterAll(async () => {
    await other?.stop();
    await gw?.close();
    await sim?.close();
    await db?.drop();
  });

  it('concurrent collects through both processes: one charge per session', async () => {
    for (let round = 0; round < 5; round++) {
      const { sessionId, token } = await mintSession(gw, secret);
      const [a, b] = await Promise.all([0, 1].map(() => cardSession(gw, token, { number: '5111111111111118', expiry: '01/39' })));
      const answers = await Promise.all([collect(gw, token, { hosted_session_id: a! }), collect({ ...gw, url: other.url }, token, { hosted_session_id: b! })]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      const rows = await gw.services.storage.db.selectFrom('payments').select(['id', 'status']).where('session_id', '=', sessionId).execute();
      expect(rows).toEqual([{ id: expect.any(String), status: 'succeeded' }]);
      const order = (await (
        await fetch(`${sim.url}/api/rest/version/100/merchant/TESTPDIRECT/order/${rows[0]!.id}`, {
          headers: { authorization: `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}` },
        })
      ).json()) as { totalCapturedAmount: number };
      expect(order.totalCapturedAmount).toBe(12.5);
    }
  });
});
