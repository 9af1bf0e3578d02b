import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionBody } from '../support/checkout.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http, type HttpResponse } from '../support/http.js';
import { fillDisk, mountTinyFs } from '../support/full-disk.js';

// SQLite on a disk that fills up, and a database locked by another process.
// The full disk is real: a 4 MB tmpfs mounted for the test (needs root, as in CI).

function expect503(res: HttpResponse) {
  expect(res.status, res.text).toBe(503);
  expect(res.body.error).toMatchObject({ status: 503, error_code: '1901', request_id: res.headers['x-request-id'] });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('SQLite on a full disk', () => {
  let mountPoint: string;
  let tinyFs: ReturnType<typeof mountTinyFs> | undefined;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    tinyFs = mountTinyFs({ sizeMb: 4 });
    mountPoint = tinyFs.dir;
    gw = await startTestGateway({ databaseUrl: `sqlite:${path.join(mountPoint, 'pdirect.db')}` });
    secret = (await gw.services.merchants.create({ name: 'Full Disk Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    tinyFs?.unmount();
  });

  const mint = () => http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body: sessionBody() });

  it('answers 503 1901 on writes, reports the disk in /readyz, stays live, and recovers by itself when space returns', async () => {
    expect((await mint()).status).toBe(201);
    const filler = fillDisk(mountPoint);

    // Writes fail once the WAL can no longer grow: never a 500.
    let refused: HttpResponse | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await mint();
      if (res.status === 503) refused = res;
      else expect(res.status, res.text).toBe(201);
    }
    expect(refused, 'no write was refused on a full disk').toBeDefined();
    expect503(refused!);
    expect(refused!.body.error.message).toContain('storage is full');

    const ready = await http(`${gw.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ disk: 'full', migrations: 'ok' });
    expect((await http(`${gw.url}/healthz`)).status).toBe(200);
    // An authenticated read cannot leave without its audit record either: refused the same way, nothing unrecorded.
    const read = await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) });
    expect503(read);
    expect(read.body.error.message).toContain('storage is full');

    fs.rmSync(filler);
    await until('writes to succeed again', async () => (await mint()).status === 201);
    expect((await http(`${gw.url}/readyz`)).body).toMatchObject({ status: 'ready', checks: { disk: 'ok', database: 'ok', migrations: 'ok' } });

    // The WAL does not keep the space it took: the periodic checkpoint truncates it.
    for (let i = 0; i < 20; i++) expect((await mint()).status).toBe(201);
    const wal = path.join(mountPoint, 'pdirect.db-wal');
    await until('the WAL to be truncated', async () => !fs.existsSync(wal) || fs.statSync(wal).size === 0, 15_000);
  });

  it('restarted on a full disk: boots, says not ready (disk full) instead of healthy, and becomes ready when space returns', async () => {
    await gw.close();
    const filler = fillDisk(mountPoint);
    gw = await startTestGateway({ databaseUrl: `sqlite:${path.join(mountPoint, 'pdirect.db')}` });
    expect((await http(`${gw.url}/healthz`)).status).toBe(200);
    const ready = await http(`${gw.url}/readyz`);
    expect(ready.status, ready.text).toBe(503);
    expect(ready.body.checks).toMatchObject({ disk: 'full' });
    expect503(await mint());

    fs.rmSync(filler);
    await until('readiness', async () => (await http(`${gw.url}/readyz`)).status === 200);
    expect((await mint()).status).toBe(201);
  });
});

describe('SQLite locked by another process', () => {
  let dir: string;
  let gw: TestGateway;
  let secret: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-locked-'));
    // A short busy timeout: the same refusal as after the default 5 s, without waiting 5 s per statement.
    gw = await startTestGateway({ databaseUrl: `sqlite:${path.join(dir, 'pdirect.db')}`, env: { PDIRECT_SQLITE_BUSY_TIMEOUT_MS: '200' } });
    secret = (await gw.services.merchants.create({ name: 'Locked Shop', redirectHosts: ['localhost', '127.0.0.1'] })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 1901 (not 500) when a write waits longer than the busy timeout, then serves again', async () => {
    // PDIRECT_SQLITE_BUSY_TIMEOUT_MS reached the connection.
    const { rows } = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(gw.services.storage.db);
    expect(rows[0]).toEqual({ timeout: 200 });
    const other = new SQLite(path.join(dir, 'pdirect.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const res = await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body: sessionBody() });
      expect503(res);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await http(`${gw.url}/v1/sessions`, { method: 'POST', headers: bearer(secret), body: sessionBody() })).status).toBe(201);
  });
});
