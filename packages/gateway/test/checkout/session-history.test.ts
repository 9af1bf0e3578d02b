import { beforeAll, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../src/modules/sessions/session-repository.js';
import { IllegalSessionTransition } from '../../src/modules/sessions/state-machine.js';
import { cardSession, collect, mintSession } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';

const DECLINED = { number: '5111111111111118', expiry: '05/39' };
const APPROVED = { number: '5111111111111118', expiry: '01/39' };

/** Every change of a session's state is a checked transition with a history row. */
describe.each(testDatabases())('checkout session state machine ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, {
    gateway: { simulator: true },
    merchant: { name: 'History Shop', redirectHosts: ['localhost', '127.0.0.1'] },
  });
  let gw: TestGateway;
  let secret: string;

  beforeAll(() => ({ gw, secret } = fixture));

  it('records mint, each claim, the reopening after a decline, and paid — with causes naming the payments', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    const declined = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, DECLINED) });
    expect(declined.status).toBe(402);
    const paid = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, APPROVED) });
    expect(paid.body.status).toBe('succeeded');

    const history = await gw.services.sessions.history(sessionId);
    expect(history.map((h) => [h.from, h.to])).toEqual([
      [null, 'open'],
      ['open', 'processing'],
      ['processing', 'open'],
      ['open', 'processing'],
      ['processing', 'paid'],
    ]);
    expect(history[4]!.cause).toBe(`${paid.body.id} succeeded`);
    expect(history[1]!.cause).toMatch(/^claimed by pay_/);
  });

  it('the repository refuses a transition the table does not allow, before touching the row', async () => {
    const { sessionId, token } = await mintSession(gw, secret);
    await collect(gw, token, { hosted_session_id: await cardSession(gw, token, APPROVED) });
    const repository = new SessionRepository(gw.services.storage.db);
    await expect(repository.transition(sessionId, 'paid', 'open', 'attack: reopen a paid session', gw.clock.now())).rejects.toThrow(IllegalSessionTransition);
    expect((await gw.services.sessions.get(sessionId))?.status).toBe('paid');
    // A legal transition from a state the session is not in loses the compare-and-set.
    expect(await gw.services.sessions.expire(sessionId)).toBe(false);
    expect((await gw.services.sessions.history(sessionId)).at(-1)?.to).toBe('paid');
  });

  it('an expired session cannot be claimed by a new attempt', async () => {
    const { sessionId } = await mintSession(gw, secret);
    expect(await gw.services.sessions.expire(sessionId)).toBe(true);
    const session = (await gw.services.sessions.get(sessionId))!;
    expect(await gw.services.sessions.claimForPayment(session, 'pay_aaaaaaaaaaaaaaaaaaaa')).toBe(false);
    expect((await gw.services.sessions.get(sessionId))?.status).toBe('expired');
  });
});
