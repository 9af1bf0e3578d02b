import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { RiskRepository } from '../../src/modules/risk/risk-repository.js';
import { VELOCITY_CAP } from '../../src/modules/risk/velocity-query.js';
import { RiskService } from '../../src/modules/risk/risk-service.js';
import type { RiskContext } from '../../src/modules/risk/types.js';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { dumpPostgres, readSqliteFiles, testDatabases, type TestDatabase } from '../support/databases.js';

const IDENTITY_KEY = Buffer.alloc(32, 9);
const HOUR = 3_600_000;

describe.each(testDatabases())('risk signals and counters in the database ($name)', (factory) => {
  let db: TestDatabase;
  // Two storages on one database: two connection pools, as two gateway processes have.
  let a: Storage;
  let b: Storage;
  let clock: ManualClock;
  let riskA: RiskService;
  let riskB: RiskService;
  let merchant = 0;

  beforeAll(async () => {
    db = await factory.create();
    a = openStorage(db.url);
    await migrateToLatest(a);
    // SQLite: one connection per process (better-sqlite3 is synchronous; a second connection in the same
    // process would wait on the first while blocking it). Two processes on SQLite are covered by the otp suite.
    b = factory.name === 'postgres' ? openStorage(db.url) : a;
    clock = new ManualClock(Date.UTC(2026, 2, 2, 14, 0));
    const service = (s: Storage) =>
      new RiskService({ repository: new RiskRepository(s.db), payments: { findById: async () => undefined }, identityKey: IDENTITY_KEY, clock });
    riskA = service(a);
    riskB = service(b);
  });
  afterAll(async () => {
    await a?.close();
    if (b !== a) await b?.close();
    await db?.drop();
  });

  const newMerchant = () => `mch_risktest${String(++merchant).padStart(8, '0')}`;
  const ctx = (
    merchantId: string,
    o: { amount?: number; customer?: string; email?: string; ip?: string; device?: string; card?: string; cardCountry?: string } = {},
  ): RiskContext => {
    const minor = Math.round((o.amount ?? 12.5) * 100);
    return {
      merchantId,
      session: {
        amount: (minor / 100).toFixed(2),
        amountMinor: minor,
        currency: 'usd',
        customerReference: o.customer ?? 'cust_ann',
        email: o.email ?? 'ann@gmail.com',
        createdAt: clock.now(),
      },
      clientIp: o.ip ?? '8.8.8.8',
      deviceFingerprint: o.device ?? 'aa'.repeat(32),
      card: { brand: 'MASTERCARD', masked: o.card ?? '512345xxxxxx2346', expiry: '01/39', issuingCountry: o.cardCountry ?? 'US' },
    };
  };
  const codes = (d: { reasons: Array<{ code: string }> }) => d.reasons.map((r) => r.code);
  const addRule = (service: RiskService, merchantId: string, action: 'block' | 'review' | 'request_3ds' | 'allow', predicate: string) =>
    service.addRule(merchantId, { action, predicate });

  it('a card-testing burst from one device and IP is scored highest and blocked, naming the velocity reasons', async () => {
    const m = newMerchant();
    const first = await riskA.assess(ctx(m, { device: 'bb'.repeat(32), ip: '41.58.0.1', cardCountry: 'US', card: '512345xxxxxx0000' }));
    expect(first.level).toBe('normal');
    for (let i = 1; i <= 12; i++) {
      const attempt = ctx(m, {
        device: 'bb'.repeat(32),
        ip: '41.58.0.1',
        card: `512345xxxxxx${String(i).padStart(4, '0')}`,
        cardCountry: 'US',
        email: `x${i}@mailinator.com`,
        customer: `guest_${i}`,
      });
      await riskA.recordAttempt({ context: attempt, outcome: 'declined' });
      clock.advance(10_000);
    }
    const next = await riskA.assess(
      ctx(m, { device: 'bb'.repeat(32), ip: '41.58.0.1', card: '512345xxxxxx9999', cardCountry: 'US', email: 'y@mailinator.com', customer: 'guest_x' }),
    );
    expect(next).toMatchObject({ level: 'highest', action: 'block' });
    expect(next.score).toBeGreaterThanOrEqual(75);
    expect(codes(next)).toEqual(expect.arrayContaining(['velocity_device', 'velocity_ip', 'ip_card_country_mismatch', 'disposable_email']));
    expect(next.reasons.find((r) => r.code === 'velocity_device')?.detail).toBe('12 attempts from this device in the last hour');
  });

  it('windows slide: hourly counts fall out after an hour, daily ones after a day', async () => {
    const m = newMerchant();
    const hourly = await addRule(riskA, m, 'review', ':declines_per_device_hourly: >= 5');
    const daily = await addRule(riskA, m, 'request_3ds', ':declines_per_card_daily: >= 5');
    for (let i = 0; i < 5; i++) await riskA.recordAttempt({ context: ctx(m, { device: 'cc'.repeat(32) }), outcome: 'declined' });
    expect(await riskA.assess(ctx(m, { device: 'cc'.repeat(32) }))).toMatchObject({ action: 'review', ruleId: hourly.id });
    clock.advance(HOUR + 1);
    expect(await riskA.assess(ctx(m, { device: 'cc'.repeat(32) }))).toMatchObject({ action: 'request_3ds', ruleId: daily.id });
    clock.advance(23 * HOUR);
    const later = await riskA.assess(ctx(m, { device: 'cc'.repeat(32) }));
    expect(later.ruleId).toBeUndefined();
    expect(await riskA.sweep()).toBeGreaterThanOrEqual(5);
  });

  it('counters and history are exact under concurrent writers on two connections (two processes)', async () => {
    const m = newMerchant();
    const exactly = await addRule(riskA, m, 'block', ':attempts_per_ip_hourly: = 40 and :declines_per_ip_hourly: = 20');
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? riskA : riskB).recordAttempt({
        context: ctx(m, { ip: '81.2.69.142', customer: `c${i % 4}`, device: `${(i % 4) + 1}`.repeat(64) }),
        outcome: i % 4 < 2 ? 'declined' : 'succeeded',
      }),
    );
    await Promise.all(writes);
    // Seen alike from either process.
    expect(await riskB.assess(ctx(m, { ip: '81.2.69.142' }))).toMatchObject({ action: 'block', ruleId: exactly.id });
    expect(await riskA.assess(ctx(m, { ip: '81.2.69.142' }))).toMatchObject({ action: 'block', ruleId: exactly.id });
    const profile = await new RiskRepository(a.db).db.selectFrom('risk_merchant_profiles').selectAll().where('merchant_id', '=', m).executeTakeFirstOrThrow();
    expect(profile.n).toBe(20);
    expect(profile.h14).toBe(20);
  });

  it('a busy identity costs a bounded read: counts saturate at the cap', async () => {
    const m = newMerchant();
    const capped = await addRule(riskA, m, 'block', `:attempts_per_ip_hourly: = ${VELOCITY_CAP} and :attempts_per_device_hourly: = 1`);
    for (let i = 0; i < VELOCITY_CAP + 30; i++)
      await riskA.recordAttempt({
        context: ctx(m, { ip: '8.8.4.4', device: i === 0 ? '99'.repeat(32) : `${i}`.padStart(64, 'e'), customer: `c${i}` }),
        outcome: 'succeeded',
      });
    const decision = await riskA.assess(ctx(m, { ip: '8.8.4.4', device: '99'.repeat(32) }));
    expect(decision.ruleId).toBe(capped.id);
  });

  it("a known customer on a new device abroad is named; the merchant's own history flags amount and hour", async () => {
    const m = newMerchant();
    // Sixty days of one purchase a day at 14:00 UTC.
    for (let i = 0; i < 60; i++) {
      await riskA.recordAttempt({
        context: ctx(m, { customer: 'cust_bob', amount: 10 + (i % 7), ip: '8.8.8.8', device: 'dd'.repeat(32) }),
        outcome: 'succeeded',
      });
      clock.advance(24 * HOUR);
    }
    const usual = await riskA.assess(ctx(m, { customer: 'cust_bob', amount: 12, device: 'dd'.repeat(32) }));
    expect(codes(usual)).not.toEqual(expect.arrayContaining(['new_device_for_customer']));
    expect(usual.level).toBe('normal');

    const takeover = await riskA.assess(ctx(m, { customer: 'cust_bob', amount: 12, device: 'ee'.repeat(32), ip: '41.58.0.1', cardCountry: 'US' }));
    expect(codes(takeover)).toEqual(expect.arrayContaining(['new_device_for_customer', 'ip_card_country_mismatch']));
    const newDevice = await addRule(riskA, m, 'review', ':is_new_device_for_customer: = true');
    expect(await riskA.assess(ctx(m, { customer: 'cust_bob', device: 'ee'.repeat(32) }))).toMatchObject({ action: 'review', ruleId: newDevice.id });
    await riskA.removeRule(m, newDevice.id);

    const big = await riskA.assess(ctx(m, { customer: 'cust_carol', amount: 900 }));
    expect(codes(big)).toContain('unusual_amount');
    clock.advance(13 * HOUR);
    const night = await riskA.assess(ctx(m, { customer: 'cust_carol', amount: 12 }));
    expect(codes(night)).toContain('unusual_hour');
    expect(night.reasons.find((r) => r.code === 'unusual_hour')?.detail).toBe('03:00 UTC is a rare hour for this merchant');
    clock.advance(11 * HOUR);
  });

  it('e-mail signals: disposable domain, bad syntax, and a domain new for the customer', async () => {
    const m = newMerchant();
    const rule = await addRule(riskA, m, 'request_3ds', ":is_disposable_email: = true or :email_domain: in ('example.test')");
    expect(await riskA.assess(ctx(m, { email: 'tmp@yopmail.com' }))).toMatchObject({ action: 'request_3ds', ruleId: rule.id });
    expect(codes(await riskA.assess(ctx(m, { email: 'tmp@yopmail.com' })))).toContain('disposable_email');
    await riskA.removeRule(m, rule.id);
    await riskA.recordAttempt({ context: ctx(m, { customer: 'cust_dan', email: 'dan@gmail.com' }), outcome: 'succeeded' });
    expect(codes(await riskA.assess(ctx(m, { customer: 'cust_dan', email: 'dan@outlook.com' })))).toContain('email_domain_changed');
    // A malformed address is a weak signal on its own (the model learned so): it raises the score a little.
    expect((await riskA.assess(ctx(m, { email: 'not-an-address@' }))).score).toBeGreaterThan((await riskA.assess(ctx(m, { email: 'ann@gmail.com' }))).score);
  });

  it('3-D Secure outcome moves the score both ways', async () => {
    const m = newMerchant();
    const base = ctx(m);
    const failed = await riskA.assess({ ...base, threeDs: 'failed' });
    const none = await riskA.assess(base);
    const authenticated = await riskA.assess({ ...base, threeDs: 'authenticated' });
    expect(failed.score).toBeGreaterThan(none.score);
    expect(authenticated.score).toBeLessThanOrEqual(none.score);
    expect(codes(failed)).toContain('three_ds_failed');
  });

  it('retrain --synthetic stores a fresh fit that every RiskService on the database then scores with', async () => {
    const result = await riskA.retrain({ synthetic: true });
    expect(result).toMatchObject({ source: 'synthetic', model_id: expect.any(Number) });
    expect(result.metrics.roc_auc).toBeGreaterThanOrEqual(0.97);
    expect((await riskB.currentModel()).label).toBe(`model_${result.model_id}`);
  });

  it('identities are stored only as keyed hashes: no e-mail, IP, card or fingerprint in clear', async () => {
    const m = newMerchant();
    const c = ctx(m, {
      email: 'secret.person@example-corp.co.uk',
      ip: '203.0.113.77',
      device: 'f0'.repeat(32),
      card: '999999xxxxxx4242',
      customer: 'cust_secret_ref',
    });
    await riskA.assess(c);
    await riskA.recordAttempt({ context: c, outcome: 'succeeded' });
    const stored = db.file ? readSqliteFiles(db.file).toString('latin1') : await dumpPostgres(db.url);
    for (const clear of ['secret.person', 'example-corp', '203.0.113.77', 'f0f0f0f0f0f0', '999999xxxxxx4242', 'cust_secret_ref'])
      expect(stored).not.toContain(clear);
  });
});
