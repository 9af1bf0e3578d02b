import { describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useTwoGatewayProcesses } from '../support/fixture.js';

const postgres = testDatabases().find((f) => f.name === 'postgres');

// Exactly one charge when the same session is paid through two gateway
// processes sharing PostgreSQL: the session claim is a compare-and-set in
// the database, not a lock in memory.
describe.runIf(postgres)('two gateway processes on PostgreSQL', () => {
  const fixture = useTwoGatewayProcesses(postgres!);

  it('concurrent collects through both processes: one charge per session', async () => {
    const { gw, other, sim, secret } = fixture;
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
