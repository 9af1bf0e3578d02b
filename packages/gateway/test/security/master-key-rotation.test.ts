import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReencryptionJob } from '../../src/modules/master-key/background.js';
import { PDIRECT_BIN, runCli } from '../support/cli.js';
import { sessionBody } from '../support/checkout.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/gateway.js';
import { bearer, http } from '../support/http.js';
import { freshContact, otpSend, outbox } from '../support/otp.js';

const V1 = TEST_MASTER_KEY; // v1:…
const V2 = `v2:${Buffer.alloc(32, 9).toString('base64')}`;
const BOTH = `${V1},${V2}`;

interface Minted {
  sessionId: string;
  token: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  customer: { email: string; phone: string };
}

async function mint(gw: TestGateway, secret: string, requireOtp = false): Promise<Minted> {
  const customer = freshContact();
  const idempotencyKey = `rot-${randomBytes(8).toString('hex')}`;
  const body = sessionBody({ customer, metadata: { basket: randomBytes(4).toString('hex') }, require_otp: requireOtp });
  const res = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: { ...bearer(secret), 'idempotency-key': idempotencyKey }, body });
  if (res.status !== 201) throw new Error(`mint failed: ${res.status} ${res.text}`);
  return { sessionId: res.body.session_id, token: res.body.session_token, idempotencyKey, body, customer };
}

/** Counts sealed values per key version in every keyring column. */
async function versions(gw: TestGateway): Promise<Record<string, number>> {
  const db = gw.services.storage.db;
  const counts: Record<string, number> = {};
  const add = (v: string | null) => {
    if (v) counts[v.split(':')[1]!] = (counts[v.split(':')[1]!] ?? 0) + 1;
  };
  for (const r of await db.selectFrom('checkout_sessions').select(['customer_enc', 'metadata_enc']).execute()) [r.customer_enc, r.metadata_enc].forEach(add);
  for (const r of await db.selectFrom('idempotency_keys').select(['request_fingerprint', 'response']).execute())
    [r.request_fingerprint, r.response].forEach(add);
  for (const r of await db.selectFrom('otp_outbox').select('sealed').execute()) add(r.sealed);
  return counts;
}

// I2: master-key rotation finishes. Rotate while the gateway serves traffic,
// kill -9 the rotation half way, run it again, drop the old version:
// everything sealed still opens.
describe.each(testDatabases())('master-key rotation ($name)', (factory) => {
  let db: TestDatabase;
  let gw: TestGateway;
  let secret: string;
  let merchantId: string;
  const minted: Minted[] = [];

  beforeAll(async () => {
    db = await factory.create();
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_MASTER_KEY: V1 } });
    const created = await gw.services.merchants.create({ name: 'Rotating Shop', redirectHosts: ['localhost', '127.0.0.1'] });
    secret = created.merchantSecret.reveal();
    merchantId = created.merchant.id;
    for (let i = 0; i < 12; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => mint(gw, secret, j === 0)));
      minted.push(...batch);
    }
    for (const m of minted.filter((x) => x.body.require_otp)) expect((await otpSend(gw, m.token)).status).toBe(200);
    await gw.close();
  }, 120_000);
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('rotates under live traffic, survives kill -9 half way, resumes, and the old version can be dropped', async () => {
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_MASTER_KEY: BOTH } });
    const before = await versions(gw);
    expect(before['1']).toBeGreaterThan(400);
    expect(before['2']).toBeUndefined();

    // Live traffic for the whole rotation: new sessions (sealed under v2) and idempotent replays of old ones (opened under v1 or v2).
    let stop = false;
    let trafficErrors = 0;
    const traffic = (async () => {
      for (let i = 0; i < 400 && !stop; i++) {
        try {
          minted.push(await mint(gw, secret));
          const old = minted[i % 120]!;
          const replay = await http(`${gw.url}/v1/sessions`, {
            method: 'POST',
            headers: { ...bearer(secret), 'idempotency-key': old.idempotencyKey },
            body: old.body,
          });
          if (replay.status !== 201 || replay.headers['idempotent-replayed'] !== 'true') trafficErrors++;
        } catch {
          trafficErrors++;
        }
      }
    })();

    // The first run, killed with SIGKILL once it has committed some batches of the first column.
    const child = spawn(process.execPath, [PDIRECT_BIN, 'master-key', 'rotate', '--batch-size', '5', '--pause-ms', '40'], {
      env: { PATH: process.env.PATH, PDIRECT_MASTER_KEY: BOTH, PDIRECT_DATABASE_URL: db.url, PDIRECT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`rotation made no progress: ${stderr}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        const done = [...stderr.matchAll(/progress checkout_sessions\.customer_enc reencrypted=(\d+) left=(\d+)/g)].at(-1);
        if (done && Number(done[1]) >= 30 && Number(done[2]) > 0) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect(await exit).toBe('SIGKILL');
    const halfway = await versions(gw);
    expect(halfway['1']).toBeGreaterThan(0);
    expect(halfway['2']).toBeGreaterThanOrEqual(30);

    // Resume: a plain re-run picks up what is left — while this process's background job rotates too (two rotations at once).
    const job = startReencryptionJob(gw.services.storage.db, gw.services.keys, gw.gateway.logger, 10);
    const resumed = await runCli(['master-key', 'rotate', '--batch-size', '50', '--json'], { PDIRECT_MASTER_KEY: BOTH, PDIRECT_DATABASE_URL: db.url });
    await job.stop();
    expect(resumed.stderr).toContain('v1 can now be removed');
    expect(resumed.code).toBe(0);
    expect(resumed.json.remaining).toBe(0);
    expect(resumed.json.columns.every((c: { unreadable: number }) => c.unreadable === 0)).toBe(true);
    stop = true;
    await traffic;
    expect(trafficErrors).toBe(0);
    // Anything the traffic wrote meanwhile was written under v2 already.
    const after = await versions(gw);
    expect(after['1']).toBeUndefined();

    const status = await runCli(['master-key', 'status', '--json'], { PDIRECT_MASTER_KEY: BOTH, PDIRECT_DATABASE_URL: db.url });
    expect(status.json).toMatchObject({ not_under_active: 0, old_versions_can_be_dropped: true });
    await gw.close();

    // Drop v1: the gateway now holds only v2, and everything still opens.
    gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_MASTER_KEY: V2 } });
    for (const m of minted) {
      const view = await http(`${gw.url}/v1/sessions/${m.sessionId}`, { headers: bearer(secret) });
      expect(view.status).toBe(200);
      expect(view.body.customer).toEqual(m.customer);
      expect(view.body.metadata).toEqual(m.body.metadata);
      const replay = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: { ...bearer(secret), 'idempotency-key': m.idempotencyKey }, body: m.body });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.session_id).toBe(m.sessionId);
    }
    for (const m of minted.filter((x) => x.body.require_otp)) {
      const [message] = await outbox(gw, secret, m.sessionId);
      expect(message?.to).toBe(m.customer.phone);
      expect(message?.code).toMatch(/^\d{6}$/);
    }
    const secrets = await gw.services.storage.db.selectFrom('webhook_secrets').select('ciphertext').where('merchant_id', '=', merchantId).execute();
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(gw.services.keys.webhookSecrets.open(s.ciphertext)).toMatch(/^whsec_/);
  }, 180_000);
});

// The background side: a serve process holding two versions finishes the rotation on its own.
describe.each(testDatabases())('master-key rotation in the background ($name)', (factory) => {
  it('moves every sealed value to the active version, step by step', async () => {
    const db = await factory.create();
    let gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_MASTER_KEY: V1 } });
    try {
      const secret = (await gw.services.merchants.create({ name: 'Background Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
      for (let i = 0; i < 30; i++) await mint(gw, secret);
      await gw.close();
      gw = await startTestGateway({ databaseUrl: db.url, env: { PDIRECT_MASTER_KEY: BOTH } });
      expect((await versions(gw))['1']).toBe(120);
      const job = startReencryptionJob(gw.services.storage.db, gw.services.keys, gw.gateway.logger, 20);
      try {
        for (let i = 0; i < 500 && (await versions(gw))['1'] !== undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await job.stop();
      }
      expect(await versions(gw)).toEqual({ '2': 120 });
      expect(gw.logs()).toContain('every sealed value is under the active version');
    } finally {
      await gw.close();
      await db.drop();
    }
  }, 120_000);
});
