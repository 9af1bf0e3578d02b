import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintSession } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { freshContact, otpSend } from '../support/otp.js';

const MINUTE = 60_000;

// I5: the per-destination OTP limit is a share per merchant plus a ceiling
// across merchants, so one merchant cannot block a phone's codes for every shop.
describe.each(testDatabases())('OTP destination limit: per-merchant share and global ceiling ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    for (const name of ['Shop A', 'Shop B', 'Shop C', 'Shop D']) {
      secrets.push((await gw.services.merchants.create({ name, redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal());
    }
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const send = async (secret: string, phone: string) => {
    const { token } = await mintSession(gw, secret, { require_otp: true, customer: { phone } });
    return otpSend(gw, token);
  };

  it('a merchant that used up its share for a phone does not block that phone for another merchant', async () => {
    const { phone } = freshContact();
    for (let i = 0; i < 10; i++) expect((await send(secrets[0]!, phone)).status).toBe(200);
    const refused = await send(secrets[0]!, phone);
    expect(refused.status).toBe(429);
    expect(refused.body.error.error_code).toBe('1402');
    expect(refused.body.error.message).toContain('from this shop');
    // The attack of the finding: shop A's checkout flooded the phone; shop B's customer still gets a code.
    const other = await send(secrets[1]!, phone);
    expect(other.status).toBe(200);
  });

  it('the ceiling across merchants still caps what reaches one phone', async () => {
    const { phone } = freshContact();
    for (const secret of secrets.slice(0, 3)) {
      for (let i = 0; i < 10; i++) expect((await send(secret, phone)).status).toBe(200);
      gw.clock.advance(MINUTE);
    }
    // 30 codes in the hour from three shops: the fourth shop's own share is untouched, the ceiling refuses.
    const refused = await send(secrets[3]!, phone);
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toContain('too many codes sent to this phone number');
    expect(refused.body.error.message).not.toContain('from this shop');
    expect(refused.text).not.toContain(phone.slice(-6));
    // The first ten leave the window an hour after they were sent (t0), now t0+3min.
    gw.clock.advance(57 * MINUTE);
    expect((await send(secrets[3]!, phone)).status).toBe(200);
  });
});
