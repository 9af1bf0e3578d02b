import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases, type TestDatabase } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { bearer, http, type HttpResponse } from '../support/http.js';
import { spawnGatewayProcess, type GatewayProcess } from '../support/spawn-gateway.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Database faults against real processes: terminated backends, a network that
// drops everything, refused connections, and a boot with no database.
const postgres = testDatabases().find((f) => f.name === 'postgres');

function expect503(res: HttpResponse) {
  expect(res.status, res.text).toBe(503);
  expect(res.body.error).toMatchObject({ status: 503, error_code: '1901', request_id: res.headers['x-request-id'] });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.runIf(postgres)('PostgreSQL faults', () => {
  let db: TestDatabase;
  let setup: TestGateway;
  let secret: string;

  beforeAll(async () => {
    db = await postgres!.create();
    // Migrates the schema and creates the merchant the processes below serve.
    setup = await startTestGateway({ databaseUrl: db.url });
    secret = (await setup.services.merchants.create({ name: 'Fault Shop' })).merchantSecret.reveal();
  });
  afterAll(async () => {
    await setup?.close();
    await db?.drop();
  });

  const terminate = async (applicationName: string) => {
    const admin = new pg.Client({ connectionString: process.env.PDIRECT_TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>(
        'select count(pg_terminate_backend(pid))::text as n from pg_stat_activity where application_name = $1',
        [applicationName],
      );
      return Number(rows[0]!.n);
    } finally {
      await admin.end();
    }
  };

  it('survives pg_terminate_backend on all its connections, idle and during traffic, and recovers', async () => {
    const name = `pdirect_f2_${randomBytes(4).toString('hex')}`;
    const url = new URL(db.url);
    url.searchParams.set('application_name', name);
    const proc: GatewayProcess = await spawnGatewayProcess(url.toString());
    try {
      const me = () => http(`${proc.url}/v1/merchant`, { headers: bearer(secret) });
      expect((await me()).status).toBe(200);
      // Idle pooled connections die.
      expect(await terminate(name)).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(alive(proc.pid)).toBe(true);
      expect((await me()).status).toBe(200);

      // Connections die under load, three times.
      const answers: HttpResponse[] = [];
      const traffic = (async () => {
        for (let i = 0; i < 40; i++) answers.push(await me());
      })();
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 80));
        await terminate(name);
      }
      await traffic;
      expect(alive(proc.pid)).toBe(true);
      for (const res of answers) {
        if (res.status !== 200) expect503(res);
      }
      expect((await me()).status).toBe(200);
      expect((await http(`${proc.url}/readyz`)).status).toBe(200);
    } finally {
      await proc.stop();
    }
  });

  describe('behind a faulty network', () => {
    let proxy: TcpProxy;
    let gw: TestGateway;

    beforeAll(async () => {
      const base = new URL(process.env.PDIRECT_TEST_POSTGRES_URL!);
      proxy = await startTcpProxy({ host: base.hostname, port: Number(base.port || 5432) });
      gw = await startTestGateway({
        databaseUrl: proxy.via(db.url),
        env: { PDIRECT_DB_CONNECT_TIMEOUT_MS: '1000', PDIRECT_DB_STATEMENT_TIMEOUT_MS: '1000' },
      });
    });
    afterAll(async () => {
      await proxy?.setMode('pass');
      await gw?.close();
      await proxy?.close();
    });

    const timed = async (path: string, headers: Record<string, string> = {}) => {
      const started = Date.now();
      const res = await http(`${gw.url}${path}`, { headers });
      return { res, ms: Date.now() - started };
    };

    it('answers 503 1901 within the timeouts when the database goes silent; /healthz stays live; then recovers', async () => {
      expect((await timed('/v1/merchant', bearer(secret))).res.status).toBe(200);
      await proxy.setMode('blackhole');
      const api = await timed('/v1/merchant', bearer(secret));
      expect503(api.res);
      // Bounded by the 1 s timeouts: the key lookup, then the audit record's own bounded retries (its answer waits for the record).
      expect(api.ms).toBeLessThan(12_000);
      const live = await timed('/healthz');
      expect(live.res.status).toBe(200);
      expect(live.ms).toBeLessThan(500);
      const ready = await timed('/readyz');
      expect(ready.res.status).toBe(503);
      expect(ready.res.body.checks.database).not.toBe('ok');
      expect(ready.ms).toBeLessThan(3_000);

      await proxy.setMode('pass');
      await until('the API to answer again', async () => (await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).status === 200);
      expect((await http(`${gw.url}/readyz`)).body).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    });

    it('answers 503 1901 (not 500) when connections are refused, then recovers', async () => {
      await proxy.setMode('refuse');
      const api = await timed('/v1/merchant', bearer(secret));
      expect503(api.res);
      expect(api.ms).toBeLessThan(3_000);
      expect((await http(`${gw.url}/readyz`)).status).toBe(503);
      await proxy.setMode('pass');
      await until('the API to answer again', async () => (await http(`${gw.url}/v1/merchant`, { headers: bearer(secret) })).status === 200);
    });

    it('boots with the database unreachable: keeps running, serves 503 until the database comes back', async () => {
      await proxy.setMode('refuse');
      const proc = await spawnGatewayProcess(proxy.via(db.url), 30_000, { PDIRECT_DB_CONNECT_TIMEOUT_MS: '1000' });
      try {
        expect((await http(`${proc.url}/healthz`)).status).toBe(200);
        const ready = await http(`${proc.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(ready.body.checks).toMatchObject({ migrations: 'pending' });
        expect503(await http(`${proc.url}/v1/merchant`, { headers: bearer(secret) }));
        await new Promise((r) => setTimeout(r, 1_500));
        expect(alive(proc.pid)).toBe(true);

        await proxy.setMode('pass');
        await until('readiness', async () => (await http(`${proc.url}/readyz`)).status === 200, 30_000);
        expect((await http(`${proc.url}/v1/merchant`, { headers: bearer(secret) })).status).toBe(200);
      } finally {
        await proc.stop();
      }
    });
  });
});
