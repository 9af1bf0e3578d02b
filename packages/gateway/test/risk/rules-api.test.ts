import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { riskView, type RiskContext, type RiskDecision } from '../../src/modules/risk/types.js';

const plainOf = ({ ruleId: _ruleId, ...rest }: RiskDecision): RiskDecision => rest;

describe.each(testDatabases())('risk rules API ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let shop: { id: string; secret: string };
  let other: { id: string; secret: string };

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url });
    const a = await gw.services.merchants.create({ name: 'Rules Shop' });
    const b = await gw.services.merchants.create({ name: 'Other Shop' });
    shop = { id: a.merchant.id, secret: a.merchantSecret.reveal() };
    other = { id: b.merchant.id, secret: b.merchantSecret.reveal() };
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const addRule = (secret: string, body: unknown) => http(`${gw.url}/v1/risk/rules`, { method: 'POST', headers: bearer(secret), body: body as object });
  const context = (merchantId: string, overrides: Partial<RiskContext['session']> = {}, extra: Partial<RiskContext> = {}): RiskContext => ({
    merchantId,
    session: {
      amount: '12.50',
      amountMinor: 1250,
      currency: 'usd',
      customerReference: 'cust_1',
      email: 'ann@gmail.com',
      createdAt: gw.clock.now(),
      ...overrides,
    },
    clientIp: '81.2.69.142',
    deviceFingerprint: 'd1'.repeat(32),
    card: { brand: 'MASTERCARD', masked: '512345xxxxxx2346', expiry: '01/39', issuingCountry: 'GB' },
    ...extra,
  });

  it('add, list in order, delete; rules need a merchant key', async () => {
    const first = await addRule(shop.secret, { action: 'block', predicate: ":card_country: in ('NG', 'RU') and :amount: > 500" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      object: 'risk_rule',
      id: expect.stringMatching(/^rule_[a-z2-7]{20}$/),
      action: 'block',
      predicate: ":card_country: in ('NG', 'RU') and :amount: > 500",
    });
    const second = await addRule(shop.secret, { action: 'review', predicate: ':risk_score: >= 50' });
    expect(second.status).toBe(201);
    const list = await http(`${gw.url}/v1/risk/rules`, { headers: bearer(shop.secret) });
    expect(list.status).toBe(200);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([first.body.id, second.body.id]);
    expect((await http(`${gw.url}/v1/risk/rules`, { headers: bearer(other.secret) })).body.data).toEqual([]);
    expect((await http(`${gw.url}/v1/risk/rules`)).status).toBe(401);

    const removed = await http(`${gw.url}/v1/risk/rules/${first.body.id}`, { method: 'DELETE', headers: bearer(shop.secret) });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ object: 'risk_rule', id: first.body.id, deleted: true });
    expect((await http(`${gw.url}/v1/risk/rules/${first.body.id}`, { method: 'DELETE', headers: bearer(shop.secret) })).status).toBe(404);
    await http(`${gw.url}/v1/risk/rules/${second.body.id}`, { method: 'DELETE', headers: bearer(shop.secret) });
  });

  it("another merchant's rule id on DELETE is 404 1011 and the rule keeps working", async () => {
    const rule = await addRule(shop.secret, { action: 'block', predicate: ':amount: > 900' });
    const stolen = await http(`${gw.url}/v1/risk/rules/${rule.body.id}`, { method: 'DELETE', headers: bearer(other.secret) });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.error_code).toBe('1011');
    expect((await http(`${gw.url}/v1/risk/rules`, { headers: bearer(shop.secret) })).body.data.map((r: { id: string }) => r.id)).toContain(rule.body.id);
    const decision = await gw.services.risk.assess(context(shop.id, { amount: '950.00', amountMinor: 95000 }));
    expect(decision).toMatchObject({ action: 'block', ruleId: rule.body.id });
    // The other merchant's attempts never see it.
    expect((await gw.services.risk.assess(context(other.id, { amount: '950.00', amountMinor: 95000 }))).ruleId).toBeUndefined();
    await http(`${gw.url}/v1/risk/rules/${rule.body.id}`, { method: 'DELETE', headers: bearer(shop.secret) });
  });

  it.each([
    [':amount: > 1; process.exit()', "unexpected character ';' at position 13", 13],
    [':amount: > 1 and :favourite_colour: = 1', 'unknown attribute :favourite_colour: at position 18', 18],
    [`${'('.repeat(40)}:amount: > 1${')'.repeat(40)}`, 'nesting deeper than 12 at position 13', 13],
    [`:amount: > 1${' or :amount: > 1'.repeat(640)}`, 'predicate longer than 2048 characters at position 2049', 2049],
    [":currency: = 'usd' :amount:", "expected and, or or the end of the predicate but found ':amount:' at position 20", 20],
  ])('a bad predicate is 400 1010 naming the field and position: %#', async (predicate, message, position) => {
    const res = await addRule(shop.secret, { action: 'block', predicate });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      status: 400,
      error_code: '1010',
      message: `predicate: ${message}`,
      param: 'predicate',
      position,
      request_id: expect.any(String),
    });
    expect(res.body.error.errors).toEqual([{ param: 'predicate', code: 'invalid_predicate', message }]);
    expect((await http(`${gw.url}/v1/risk/rules`, { headers: bearer(shop.secret) })).body.data).toEqual([]);
  });

  it('the 10 kB predicate is refused (by the parser, not stored), and so are a bad action and extra fields', async () => {
    const big = await addRule(shop.secret, { action: 'block', predicate: `:amount: > 1 ${'or :amount: > 1 '.repeat(640)}` });
    expect(big.status).toBe(400);
    expect(big.body.error.error_code).toBe('1010');
    const action = await addRule(shop.secret, { action: 'explode', predicate: ':amount: > 1' });
    expect(action.status).toBe(400);
    expect(action.body.error.error_code).toBe('1010');
    const extra = await addRule(shop.secret, { action: 'block', predicate: ':amount: > 1', position: 0 });
    expect(extra.status).toBe(400);
    expect((await http(`${gw.url}/v1/risk/rules`, { headers: bearer(shop.secret) })).body.data).toEqual([]);
  });

  it('evaluation: in order, allow short-circuits, block ends, review/request_3ds raise; every decision names its rule', async () => {
    const trusted = await addRule(shop.secret, { action: 'allow', predicate: ":customer_reference: = 'vip_1'" });
    const big = await addRule(shop.secret, { action: 'block', predicate: ':amount: >= 1000' });
    const foreign = await addRule(shop.secret, { action: 'request_3ds', predicate: ":ip_country: != 'US'" });
    const gbCard = await addRule(shop.secret, { action: 'review', predicate: ":card_country: = 'GB' and :currency: = 'usd'" });

    const vip = await gw.services.risk.assess(context(shop.id, { customerReference: 'vip_1', amount: '5000.00', amountMinor: 500000 }));
    expect(vip).toMatchObject({ action: 'allow', ruleId: trusted.body.id });
    expect(vip.reasons[0]).toEqual({ code: 'merchant_rule', detail: `rule ${trusted.body.id} (allow) matched` });

    const blocked = await gw.services.risk.assess(context(shop.id, { amount: '1000.00', amountMinor: 100000 }));
    expect(blocked).toMatchObject({ action: 'block', ruleId: big.body.id });
    // What the payment object, its webhooks and the audit record carry.
    expect(riskView(blocked)).toEqual({ score: blocked.score, level: blocked.level, action: 'block', reasons: blocked.reasons, rule_id: big.body.id });
    expect(Object.keys(riskView(plainOf(blocked)))).toEqual(['score', 'level', 'action', 'reasons']);

    // IP in GB (81.2.69.142): request_3ds matches, then review (more severe) matches: review wins, named.
    const reviewed = await gw.services.risk.assess(context(shop.id));
    expect(reviewed).toMatchObject({ action: 'review', ruleId: gbCard.body.id });
    const threeDs = await gw.services.risk.assess(
      context(shop.id, {}, { card: { brand: 'VISA', masked: '411111xxxxxx1111', expiry: '01/39', issuingCountry: 'FR' } }),
    );
    expect(threeDs).toMatchObject({ action: 'request_3ds', ruleId: foreign.body.id });

    // No rule matches: the model's own action, no rule named.
    const plain = await gw.services.risk.assess(
      context(shop.id, {}, { clientIp: '8.8.8.8', card: { brand: 'VISA', masked: '411111xxxxxx1111', expiry: '01/39', issuingCountry: 'US' } }),
    );
    expect(plain.ruleId).toBeUndefined();
    expect(plain).toMatchObject({ level: 'normal', action: 'allow' });

    for (const r of [trusted, big, foreign, gbCard]) await http(`${gw.url}/v1/risk/rules/${r.body.id}`, { method: 'DELETE', headers: bearer(shop.secret) });
  });

  it('a merchant holds at most 100 rules', async () => {
    for (let i = 0; i < 100; i++) expect((await addRule(other.secret, { action: 'review', predicate: `:amount: = ${i}` })).status).toBe(201);
    const full = await addRule(other.secret, { action: 'review', predicate: ':amount: = 100' });
    expect(full.status).toBe(400);
    expect(full.body.error).toMatchObject({ error_code: '1010', message: expect.stringContaining('at most 100 rules') });
  });
});
