import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { idempotencyScope, requestFingerprint } from '../../src/modules/idempotency/idempotency-request.js';
import { dumpPostgres, readSqliteFiles, testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http, type HttpResponse } from '../support/http.js';
import { createProbe, deferred, type Probe, registerProbeRoutes } from '../support/idempotency-probe.js';
import { spawnGatewayProcess } from '../support/spawn-gateway.js';

const HOUR = 3_600_000;
const newKey = () => `key-${randomBytes(9).toString('base64url')}`;

type Body = Record<string, unknown>;

// docs/api.md#http-api: every POST honours Idempotency-Key.
describe.each(testDatabases())('Idempotency-Key ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let probe: Probe;
  let merchantA: { id: string; secret: string };
  let merchantB: { id: string; secret: string };

  beforeAll(async () => {
    db = await factory.create();
    probe = createProbe();
    gw = await startTestGateway({ databaseUrl: db.url, extraRoutes: (app) => registerProbeRoutes(app, probe) });
    for (const name of ['A', 'B']) {
      const created = await gw.services.merchants.create({ name: `Idem Shop ${name}` });
      const m = { id: created.merchant.id, secret: created.merchantSecret.reveal() };
      if (name === 'A') merchantA = m;
      else merchantB = m;
    }
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  const call = (
    key: string | undefined,
    body: Body | undefined = {},
    options: { path?: string; method?: string; secret?: string; base?: string } = {},
  ): Promise<HttpResponse> =>
    http(`${options.base ?? gw.url}${options.path ?? '/test/probe'}`, {
      method: options.method ?? 'POST',
      headers: { ...bearer(options.secret ?? merchantA.secret), ...(key === undefined ? {} : { 'idempotency-key': key }) },
      body,
    });

  // Authenticate once on a fresh gateway, so the race below is between idempotency claims, not Argon2id verifications.
  // Leases and expiry are times: processes sharing a key must agree on the clock. Earlier
  // tests moved this gateway's clock a day ahead; bring it back to the other process's time.
  const syncClock = () => gw.clock.set(Date.now());
  const warmUp = async (base: string) => expect((await http(`${base}/v1/merchant`, { headers: bearer(merchantA.secret) })).status).toBe(200);

  const rowsFor = (key: string) => gw.services.storage.db.selectFrom('idempotency_keys').selectAll().where('idempotency_key', '=', key).execute();

  it('replays the stored response: same status, body and headers, Idempotent-Replayed, a new X-Request-Id', async () => {
    const key = newKey();
    const before = probe.executions;
    const first = await call(key, { note: 'first' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const again = await call(key, { note: 'first' });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['location']).toBe(first.headers['location']);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['x-request-id']).toMatch(/^req_/);
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(probe.executions).toBe(before + 1);

    // The replay is its own request in the audit log.
    await gw.services.audit.flush();
    const [record] = await gw.services.auditRepository.findByRequestId(again.headers['x-request-id']!);
    expect(record).toMatchObject({ merchantId: merchantA.id, method: 'POST', path: '/test/probe', status: 201 });
  });

  it('stores 4xx answers too: a handler refusal and a body that fails validation are replayed, not re-run', async () => {
    const before = probe.executions;
    const refusedKey = newKey();
    const refused = await call(refusedKey, { respond: 'rejected' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.error_code).toBe('1201');
    const refusedAgain = await call(refusedKey, { respond: 'rejected' });
    expect(refusedAgain.headers['idempotent-replayed']).toBe('true');
    expect(refusedAgain.text).toBe(refused.text); // the original request_id inside the stored body
    expect(probe.executions).toBe(before + 1);

    // Claimed in preValidation, so the schema's 400 is this key's answer.
    const invalidKey = newKey();
    const invalid = await call(invalidKey, { unknown_field: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.error_code).toBe('1010');
    const invalidAgain = await call(invalidKey, { unknown_field: 1 });
    expect(invalidAgain.status).toBe(400);
    expect(invalidAgain.headers['idempotent-replayed']).toBe('true');
    expect(probe.executions).toBe(before + 1);
    // ...and a corrected body under the same key is a different request.
    expect((await call(invalidKey, { note: 'fixed' })).body.error.error_code).toBe('1301');
  });

  it.each([
    ['a different body', { body: { note: 'other' } }],
    ['a different path', { path: '/test/probe/other' }],
    ['a different method', { method: 'PATCH' }],
    ['a different query string', { path: '/test/probe?expand=1' }],
  ])('answers 422 code 1301 for the same key with %s', async (_label, change: { body?: Body; path?: string; method?: string }) => {
    const key = newKey();
    expect((await call(key, { note: 'original' })).status).toBe(201);
    const before = probe.executions;
    const res = await call(key, change.body ?? { note: 'original' }, { path: change.path, method: change.method });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ status: 422, error_code: '1301', request_id: res.headers['x-request-id'] });
    expect(res.body.error.message).toContain('POST /test/probe');
    expect(probe.executions).toBe(before);
    // The original is still replayed afterwards.
    expect((await call(key, { note: 'original' })).headers['idempotent-replayed']).toBe('true');
  });

  it('answers 409 code 1302 while the first request is still running, then replays it', async () => {
    const key = newKey();
    probe.started = deferred();
    probe.gate = deferred();
    const before = probe.executions;
    const first = call(key, { wait: true });
    try {
      await probe.started.promise; // the handler is running: the key is held
      const concurrent = await call(key, { wait: true });
      expect(concurrent.status).toBe(409);
      expect(concurrent.body.error.error_code).toBe('1302');
      // A different body under the held key is still a different request.
      expect((await call(key, { note: 'x' })).body.error.error_code).toBe('1301');
    } finally {
      probe.gate.resolve(); // also on failure: a waiting handler would hang the gateway's close
    }
    const done = await first;
    expect(done.status).toBe(201);
    const replay = await call(key, { wait: true });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(done.text);
    expect(probe.executions).toBe(before + 1);
  });

  it('does not store a 5xx: the key is released and a retry runs again', async () => {
    const key = newKey();
    const before = probe.executions;
    const crashed = await call(key, { respond: 'crash' });
    expect(crashed.status).toBe(500);
    expect(crashed.body.error.error_code).toBe('1900');
    expect(await rowsFor(key)).toEqual([]);

    const retried = await call(key, { respond: 'crash' });
    expect(retried.status).toBe(500);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(probe.executions).toBe(before + 2);

    // After a 5xx the key is free for any request, and a success is then stored.
    const ok = await call(key, { note: 'after the crash' });
    expect(ok.status).toBe(201);
    expect((await call(key, { note: 'after the crash' })).headers['idempotent-replayed']).toBe('true');
    expect(probe.executions).toBe(before + 3);
  });

  it.each([
    ['empty', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a control character (tab)', 'abc\tdef'],
    ['a non-ASCII byte', 'caf\u00e9'],
  ])('refuses an Idempotency-Key that is %s with 400 code 1010 naming the header', async (_label, key) => {
    const before = probe.executions;
    const res = await call(key, { note: 'v' });
    expect(res.status).toBe(400);
    expect(res.body.error.error_code).toBe('1010');
    expect(res.body.error.message).toContain('Idempotency-Key');
    expect(probe.executions).toBe(before);
  });

  it('accepts a 255-character key of printable ASCII, spaces included', async () => {
    const key = `${newKey()} ~!@#$%^&*()`.padEnd(255, 'x');
    expect((await call(key, { note: 'long' })).status).toBe(201);
    expect((await call(key, { note: 'long' })).headers['idempotent-replayed']).toBe('true');
  });

  it('leaves requests without the header, and opted-out routes, untouched', async () => {
    const before = probe.executions;
    const rowsBefore = (await gw.services.storage.db.selectFrom('idempotency_keys').select('scope').execute()).length;
    for (let i = 0; i < 2; i++) expect((await call(undefined, { note: 'plain' })).headers['idempotent-replayed']).toBeUndefined();
    const key = newKey();
    for (let i = 0; i < 2; i++) {
      const res = await call(key, { note: 'plain' }, { path: '/test/probe/opted-out' });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(probe.executions).toBe(before + 4);
    expect((await gw.services.storage.db.selectFrom('idempotency_keys').select('scope').execute()).length).toBe(rowsBefore);
  });

  it('scopes keys to the merchant: two merchants use the same key independently', async () => {
    const key = newKey();
    const a = await call(key, { note: 'from A' });
    const b = await call(key, { note: 'from B' }, { secret: merchantB.secret });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect((await call(key, { note: 'from A' })).body.note).toBe('from A');
    expect((await call(key, { note: 'from B' }, { secret: merchantB.secret })).body.note).toBe('from B');
    expect((await rowsFor(key)).map((r) => r.scope).sort()).toEqual([`merchant:${merchantA.id}`, `merchant:${merchantB.id}`].sort());
  });

  it('keeps a key for 24 h: replayed until then, treated as absent after, and swept', async () => {
    const key = newKey();
    const first = await call(key, { note: 'day one' });
    gw.clock.advance(24 * HOUR - 1);
    expect((await call(key, { note: 'day one' })).text).toBe(first.text);
    gw.clock.advance(1);
    // Expired: the key is free, even for a different request (no 1301).
    const next = await call(key, { note: 'day two' });
    expect(next.status).toBe(201);
    expect(next.headers['idempotent-replayed']).toBeUndefined();

    const stale = newKey();
    await call(stale, { note: 'to be swept' });
    gw.clock.advance(24 * HOUR);
    const fresh = newKey();
    await call(fresh, { note: 'fresh' });
    expect(await rowsFor(stale)).toHaveLength(1);
    expect(await gw.services.idempotency.sweep()).toBeGreaterThanOrEqual(2);
    expect(await rowsFor(stale)).toEqual([]);
    expect(await rowsFor(key)).toEqual([]);
    expect(await rowsFor(fresh)).toHaveLength(1);
  });

  it('runs the periodic sweep while the server listens', () => {
    expect(gw.services.idempotency.sweeping).toBe(true);
  });

  it('lets a request take over a key whose in-flight holder crashed, once its lease has lapsed', async () => {
    // The crashed holder: claimed exactly as a request does, then never settled.
    const key = newKey();
    const body = { note: 'after a crash' };
    const scope = idempotencyScope({ merchantId: merchantA.id })!;
    const crashed = await gw.services.idempotency.begin({
      scope,
      key,
      requestId: 'req_crashedholder',
      method: 'POST',
      path: '/test/probe',
      fingerprint: requestFingerprint({ method: 'POST', url: '/test/probe', rawBody: JSON.stringify(body) }),
    });
    expect(crashed.kind).toBe('claimed');
    expect((await call(key, body)).body.error.error_code).toBe('1302');

    gw.clock.advance(60_000); // PDIRECT_IDEMPOTENCY_LEASE_SECONDS default
    const taken = await call(key, body);
    expect(taken.status).toBe(201);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();

    // The lapsed holder waking up can neither overwrite nor free the new owner's row.
    if (crashed.kind !== 'claimed') throw new Error('unreachable');
    await gw.services.idempotency.complete(crashed.claim, { status: 200, headers: {}, body: '{"stale":true}', encoding: 'utf8' });
    await gw.services.idempotency.release(crashed.claim);
    expect((await call(key, body)).text).toBe(taken.text);

    // A row left by a crashed process (even an unreadable one) is free once its lease is past.
    const orphan = newKey();
    const now = gw.clock.now();
    await gw.services.storage.db
      .insertInto('idempotency_keys')
      .values({
        scope,
        idempotency_key: orphan,
        state: 'in_flight',
        owner_request_id: 'req_otherprocess',
        method: 'POST',
        path: '/test/probe',
        request_fingerprint: 'pdk1:1:not-a-real-token',
        locked_until: now - 1,
        response_status: null,
        response: null,
        created_at: now - 61_000,
        expires_at: now + 24 * HOUR,
      })
      .execute();
    expect((await call(orphan, { note: 'orphan' })).status).toBe(201);
    expect((await rowsFor(orphan))[0]).toMatchObject({ state: 'completed', response_status: 201 });
  });

  it('keeps the stored response and request sealed: no token, body or request text in clear in the database', async () => {
    const marker = `REQUEST-MARKER-${randomBytes(8).toString('hex')}`;
    const key = newKey();
    const first = await call(key, { note: marker });
    const token = first.body.session_token as string;
    expect(token).toMatch(/^pd_st_/);
    expect((await call(key, { note: marker })).body.session_token).toBe(token);

    const [row] = await rowsFor(key);
    expect(row!.response).toMatch(/^pdk1:/);
    expect(row!.request_fingerprint).toMatch(/^pdk1:/);

    const haystack = db.file ? readSqliteFiles(db.file) : Buffer.from(await dumpPostgres(db.url));
    expect(haystack.includes(Buffer.from(key))).toBe(true); // the key itself is stored (it is the lookup)
    for (const secret of probe.secrets) {
      const random = Buffer.from(secret.slice('pd_st_'.length), 'base64url');
      for (const needle of [secret, secret.slice(6), random.toString('hex'), random.toString('base64')]) {
        expect(haystack.includes(Buffer.from(needle)), `found ${needle.slice(0, 10)}… at rest`).toBe(false);
      }
    }
    expect(haystack.includes(Buffer.from(marker))).toBe(false);
  });

  it('runs the handler exactly once for 20 concurrent identical requests', async () => {
    const key = newKey();
    const before = probe.executions;
    const body = { note: 'race', delay_ms: 25 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(key, body)));
    expect(probe.executions).toBe(before + 1);
    assertOneExecution(answers);
  });

  it('runs the handler exactly once across two gateways on the same database', async () => {
    const secondProbe = createProbe();
    const second = await startTestGateway({ databaseUrl: db.url, extraRoutes: (app) => registerProbeRoutes(app, secondProbe) });
    try {
      syncClock();
      await warmUp(second.url);
      const key = newKey();
      const before = probe.executions;
      const body = { note: 'two gateways', delay_ms: 50 };
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(key, body, { base: i % 2 ? second.url : gw.url })));
      expect(probe.executions - before + secondProbe.executions).toBe(1);
      assertOneExecution(answers);
    } finally {
      await second.close();
    }
    expect(second.services.idempotency.sweeping).toBe(false); // the sweep stops with the server
  });

  it('runs the handler exactly once across two gateway OS processes on the same database', async () => {
    const child = await spawnGatewayProcess(db.url);
    try {
      syncClock();
      await warmUp(child.url);
      const key = newKey();
      const before = probe.executions;
      const body = { note: 'two processes', delay_ms: 50 };
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(key, body, { base: i % 2 ? child.url : gw.url })));
      const childExecutions = (await http(`${child.url}/test/probe/executions`)).body.executions as number;
      expect(probe.executions - before + childExecutions).toBe(1);
      assertOneExecution(answers);
      // Whoever ran it, both processes replay the same stored answer.
      const viaChild = await call(key, body, { base: child.url });
      const viaHere = await call(key, body);
      expect(viaChild.text).toBe(viaHere.text);
      expect(viaChild.headers['idempotent-replayed']).toBe('true');
    } finally {
      await child.stop();
    }
  });
});

describe('Idempotency-Key configuration', () => {
  it('defaults to the promised 24 h retention and a 60 s lease', () => {
    const config = loadConfig({}, '/tmp');
    expect(config.idempotencyRetentionHours).toBe(24);
    expect(config.idempotencyLeaseSeconds).toBe(60);
  });

  it('refuses a retention below the promised 24 h and a lease out of range, naming each variable', () => {
    const attempt = () => loadConfig({ PDIRECT_IDEMPOTENCY_RETENTION_HOURS: '12', PDIRECT_IDEMPOTENCY_LEASE_SECONDS: '2' }, '/tmp');
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('PDIRECT_IDEMPOTENCY_RETENTION_HOURS');
      expect(problems).toContain('PDIRECT_IDEMPOTENCY_LEASE_SECONDS');
    }
  });
});

/** One original 201; every other answer is 1302 or a byte-identical replay of it. */
function assertOneExecution(answers: HttpResponse[]): void {
  const originals = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
  expect(originals).toHaveLength(1);
  for (const a of answers) {
    if (a === originals[0]) continue;
    if (a.status === 409) expect(a.body.error.error_code).toBe('1302');
    else {
      expect(a.status).toBe(201);
      expect(a.headers['idempotent-replayed']).toBe('true');
      expect(a.text).toBe(originals[0]!.text);
    }
  }
}
