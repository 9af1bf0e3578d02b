import { beforeAll, describe, expect, it } from 'vitest';
import { cardSession, collect, mintSession, postForm } from '../support/checkout.js';
import { testDatabases } from '../support/databases.js';
import { useGatewayWithMerchant } from '../support/fixture.js';
import type { TestGateway } from '../support/gateway.js';
import { http } from '../support/http.js';

const CHALLENGE = { number: '5123450000000008', expiry: '01/39' };

/** Plays the ACS up to the auto-POST back to the gateway: the return's URL and fields. */
async function acsReturn(redirectHtml: string): Promise<{ action: string; fields: Record<string, string> }> {
  const acsUrl = /action="([^"]+\/acs\/challenge)"/.exec(redirectHtml)![1]!;
  const creq = /name="creq" value="([^"]+)"/.exec(redirectHtml)![1]!;
  const page = await postForm(acsUrl, { creq });
  const acsTransID = /name="acsTransID" value="([^"]+)"/.exec(page.text)![1]!;
  const back = await postForm(`${new URL(acsUrl).origin}/acs/challenge/result`, { acsTransID, outcome: 'Y' });
  const action = /<form[^>]*action="([^"]+)"/.exec(back.text)![1]!.replace(/&amp;/g, '&');
  const fields = Object.fromEntries([...back.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { action, fields };
}

// Found by the fault campaign (npm run chaos): the browser posted the 3-D
// Secure return again (its first request's process was killed while paying)
// and was sent to the merchant's FAIL page while the payment was still in
// flight — then the charge went through. The customer was told "declined"
// and charged; they would pay again.
describe.each(testDatabases())('the 3-D Secure return while the payment is in flight ($name)', (factory) => {
  const fixture = useGatewayWithMerchant(factory, { gateway: { simulator: true }, merchant: { name: 'Return Shop', fingerprintMode: 'off' } });
  let gw: TestGateway;
  let secret: string;
  beforeAll(() => {
    ({ gw, secret } = fixture);
  });

  it('answers "confirming" (202, a page that comes back by itself), never the fail URL; once settled, the success URL', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    expect(res.body.status).toBe('requires_action');
    const { action, fields } = await acsReturn(res.body.next_action.html);

    // The first return's PAY is slow at the network; the browser posts the return again meanwhile.
    gw.simulator!.faults.add({ kind: 'delay', delayMs: 1500, apiOperation: 'PAY' });
    const first = postForm(action, fields);
    while (gw.simulator!.faults.list().length > 0) await new Promise((resolve) => setImmediate(resolve));
    const again = await postForm(action, fields);
    expect(again.status).toBe(202);
    expect(again.headers.location).toBeUndefined();
    expect(again.text).toContain('<meta http-equiv="refresh" content="3;url=/v1/3ds/return/');
    expect(again.text).toContain('Please do not pay again');
    expect((await http(`${gw.url}/v1/payments/${res.body.id}`, { headers: { authorization: `Bearer ${secret}` } })).body.status).toBe('processing');

    const settled = await first;
    expect(settled.status).toBe(303);
    expect(settled.headers.location).toMatch(/^http:\/\/localhost:3000\/thanks\?/);
    // The page's refresh (GET) now lands on the success URL too.
    const refreshed = await http(`${gw.url}/v1/3ds/return/${res.body.id}`);
    expect(refreshed.status).toBe(303);
    expect(refreshed.headers.location).toMatch(/^http:\/\/localhost:3000\/thanks\?/);

    // One audit record each, with the status answered.
    await gw.services.audit.flush();
    for (const [answer, status] of [
      [again, 202],
      [settled, 303],
      [refreshed, 303],
    ] as const) {
      const rows = await gw.services.storage.db
        .selectFrom('audit_log')
        .selectAll()
        .where('request_id', '=', answer.headers['x-request-id'] as string)
        .execute();
      expect(rows.map((r) => r.status)).toEqual([status]);
    }
  });

  // Found by the fault campaign: a database error while re-checking the redirect's allow-list was read as "the
  // merchant no longer exists" and answered 400 1201 — a settled payment's customer got an error for good.
  it('a database error while re-checking the allow-list is a retry (5xx), not "the merchant no longer exists" (1201)', async () => {
    const { token } = await mintSession(gw, secret);
    const res = await collect(gw, token, { hosted_session_id: await cardSession(gw, token, CHALLENGE) });
    const { action, fields } = await acsReturn(res.body.next_action.html);
    const merchants = gw.services.merchants;
    const get = merchants.get.bind(merchants);
    merchants.get = async () => {
      throw new Error('Connection terminated unexpectedly');
    };
    try {
      const back = await postForm(action, fields);
      expect(back.status).toBeGreaterThanOrEqual(500);
      expect(back.body.error.error_code).not.toBe('1201');
    } finally {
      merchants.get = get;
    }
    const retried = await postForm(action, fields);
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toMatch(/^http:\/\/localhost:3000\/thanks\?/);
  });
});
