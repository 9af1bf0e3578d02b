import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_LIFETIME_MS } from '../src/index.js';
import { MpgsClient, initiateBody, payBody, startTestSimulator, uniqueId, type TestSimulator } from './helpers.js';

let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator({ merchants: { TESTPDIRECT: 'sandbox', TESTOTHER: 'other-password' } });
});
afterAll(async () => {
  await t.sim.close();
});

describe('information and authentication', () => {
  it('reports OPERATING without credentials, for any version 1..100', async () => {
    for (const version of [100, 57, 1]) {
      const response = await fetch(`${t.sim.url}/api/rest/version/${version}/information`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ gatewayVersion: '100.0.0', status: 'OPERATING' });
    }
    expect((await fetch(`${t.sim.url}/api/rest/version/101/information`)).status).toBe(400);
  });

  it('answers 401 Invalid credentials for a wrong password, a missing header, or an unknown merchant', async () => {
    const wrong = new MpgsClient(t.sim.url, 'TESTPDIRECT', 'not-the-password');
    const unknown = new MpgsClient(t.sim.url, 'TESTNOBODY', 'sandbox');
    for (const response of [
      await wrong.createSession(),
      await unknown.createSession(),
      await fetch(`${t.api.merchantBase}/session`, { method: 'POST' }).then(async (r) => ({ status: r.status, body: await r.json() })),
    ]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ result: 'ERROR', error: { cause: 'INVALID_REQUEST', explanation: 'Invalid credentials.' } });
    }
  });

  it('refuses valid credentials of another merchant on this merchant path', async () => {
    const response = await t.api.request('POST', `${t.api.merchantBase}/session`, undefined, {
      headers: { Authorization: t.api.authHeader('merchant.TESTOTHER', 'other-password') },
    });
    expect(response.status).toBe(401);
    expect(response.body.error.explanation).toBe('Authenticated entity not authorised to perform operation for target entity');
  });
});

describe('session', () => {
  it('creates a session shaped like MPGS', async () => {
    const response = await t.api.createSession({ session: { authenticationLimit: 25 } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ merchant: 'TESTPDIRECT', result: 'SUCCESS', session: { authenticationLimit: 25, updateStatus: 'NO_UPDATE' } });
    expect(response.body.session.id).toMatch(/^SESSION[0-9A-Z]{24}$/);
    expect(response.body.session.version).toMatch(/^[0-9a-f]{10}$/);
    expect(Buffer.from(response.body.session.aes256Key, 'base64')).toHaveLength(32);
    const noBody = await t.api.createSession();
    expect(noBody.body.session.authenticationLimit).toBe(5);
  });

  it('updates card and order, gives a new version each time, and never shows the PAN or CSC', async () => {
    const id = (await t.api.createSession()).body.session.id as string;
    const first = await t.api.updateSession(id, {
      order: { amount: '12.50', currency: 'USD' },
      sourceOfFunds: {
        provided: { card: { number: '5123450000000008', expiry: { month: '01', year: '39' }, securityCode: '100', nameOnCard: 'Ada Lovelace' } },
      },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      merchant: 'TESTPDIRECT',
      order: { amount: '12.50', currency: 'USD' },
      session: { id, updateStatus: 'SUCCESS' },
      sourceOfFunds: {
        provided: {
          card: {
            brand: 'MASTERCARD',
            expiry: { month: '1', year: '39' },
            fundingMethod: 'DEBIT',
            nameOnCard: 'Ada Lovelace',
            number: '512345xxxxxx0008',
            scheme: 'MASTERCARD',
            securityCode: 'xxx',
          },
        },
      },
      version: '100',
    });
    const second = await t.api.updateSession(id, { order: { amount: '13.00' }, session: { version: first.body.session.version } });
    expect(second.body.session.version).toMatch(/^[0-9a-f]{10}$/);
    expect(second.body.session.version).not.toBe(first.body.session.version);
    expect(second.body.order).toEqual({ amount: '13.00', currency: 'USD' });

    const read = await t.api.getSession(id);
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('5123450000000008');
    expect(JSON.stringify(read.body.sourceOfFunds)).not.toContain('100');
    expect(read.body.sourceOfFunds.provided.card.number).toBe('512345xxxxxx0008');
  });

  it('refuses a stale session.version', async () => {
    const created = await t.api.createSession();
    const id = created.body.session.id as string;
    await t.api.updateSession(id, { order: { currency: 'USD' } });
    const stale = await t.api.updateSession(id, { order: { amount: '1.00' }, session: { version: created.body.session.version } });
    expect(stale.status).toBe(400);
    expect(stale.body).toEqual({
      result: 'ERROR',
      error: { cause: 'INVALID_REQUEST', explanation: expect.any(String), field: 'session.version', validationType: 'INVALID' },
    });
  });

  it('refuses unknown or Luhn-invalid card numbers', async () => {
    const id = (await t.api.createSession()).body.session.id as string;
    for (const number of ['5123450000000009', '6011003179988686', '12345', 'abcd']) {
      const response = await t.api.updateSession(id, { sourceOfFunds: { provided: { card: { number, expiry: { month: '1', year: '39' } } } } });
      expect(response.status, number).toBe(400);
      expect(response.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'sourceOfFunds.provided.card.number', validationType: 'INVALID' });
    }
    const badYear = await t.api.updateSession(id, {
      sourceOfFunds: { provided: { card: { number: '5123450000000008', expiry: { month: '1', year: '2039' } } } },
    });
    expect(badYear.body.error.field).toBe('sourceOfFunds.provided.card.expiry.year');
  });

  it('deletes the stored CSC once an operation other than an update used the session', async () => {
    const id = await t.api.sessionWithCard({ number: '5123450000000008', csc: '100' });
    expect((await t.api.getSession(id)).body.sourceOfFunds.provided.card.securityCode).toBe('xxx');
    const initiated = await t.api.put(uniqueId('order'), 'auth-1', initiateBody(id));
    expect(initiated.status).toBe(201);
    expect((await t.api.getSession(id)).body.sourceOfFunds.provided.card.securityCode).toBeUndefined();
  });

  it('expires 15 minutes after the last update (injected clock)', async () => {
    const id = await t.api.sessionWithCard({ number: '5111111111111118' });
    t.clock.advance(SESSION_LIFETIME_MS - 1);
    expect((await t.api.getSession(id)).status).toBe(200);
    await t.api.updateSession(id, { order: { amount: '12.50' } }); // an update extends the life
    t.clock.advance(SESSION_LIFETIME_MS - 1);
    expect((await t.api.getSession(id)).status).toBe(200);
    t.clock.advance(1);
    const expired = await t.api.getSession(id);
    expect(expired.status).toBe(400);
    expect(expired.body.error).toMatchObject({ cause: 'INVALID_REQUEST', field: 'session.id' });
    const pay = await t.api.put(uniqueId('order'), 'pay-1', payBody(id));
    expect(pay.status).toBe(400);
    expect(pay.body.error.field).toBe('session.id');
  });

  it('binds a session to the API version it was created with', async () => {
    const id = await t.api.sessionWithCard({ number: '5111111111111118' });
    const other = new MpgsClient(t.sim.url, 'TESTPDIRECT', 'sandbox', 99);
    const response = await other.getSession(id);
    expect(response.status).toBe(400);
    expect(response.body.error.explanation).toMatch(/API version 100/);
  });

  it('keeps sessions per merchant', async () => {
    const id = await t.api.sessionWithCard({ number: '5111111111111118' });
    const other = new MpgsClient(t.sim.url, 'TESTOTHER', 'other-password');
    expect((await other.getSession(id)).status).toBe(400);
  });

  it('reads the body as JSON whatever the Content-Type', async () => {
    const id = (await t.api.createSession()).body.session.id as string;
    const response = await fetch(`${t.api.merchantBase}/session/${id}`, {
      method: 'PUT',
      headers: { Authorization: t.api.authHeader(), 'Content-Type': 'text/plain' },
      body: JSON.stringify({ order: { currency: 'EUR' } }),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).order.currency).toBe('EUR');
    const broken = await fetch(`${t.api.merchantBase}/session/${id}`, {
      method: 'PUT',
      headers: { Authorization: t.api.authHeader(), 'Content-Type': 'application/json' },
      body: '{nope',
    });
    expect(broken.status).toBe(400);
    expect((await broken.json()).result).toBe('ERROR');
  });
});
