// The cost of durable audit records (group commit): run with
//   npx tsx bench/audit-durability.ts            (SQLite; PostgreSQL too when PDIRECT_BENCH_POSTGRES_URL is set)
// Three routes of one gateway process, each doing the same storage read:
//   bare     — no audit record;
//   async    — a record queued and written by the group committer, the answer not waiting (the old, lossy behaviour);
//   durable  — a record the answer waits for (what every audited route does now).
// Prints requests/s and latency for each (medians of interleaved rounds). BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS tune it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

if (process.argv[2] === '--serve') {
  const { loadConfig } = await import('../packages/gateway/src/config.js');
  const { createGateway } = await import('../packages/gateway/src/gateway.js');
  const { createLogger } = await import('../packages/gateway/src/logger.js');
  const config = loadConfig();
  let merchantId = '';
  const gateway = await createGateway(config, {
    logger: createLogger('warn'),
    extraRoutes: (app, services) => {
      app.get('/bench/bare', async () => services.merchants.describe(merchantId));
      app.get('/bench/async', async (request) => {
        const view = await services.merchants.describe(merchantId);
        services.audit.record({
          requestId: request.id,
          at: services.clock.now(),
          credentialType: 'public',
          credentialId: null,
          merchantId,
          sourceIp: request.ip,
          userAgent: null,
          method: 'GET',
          path: '/bench/async',
          status: 200,
          durationMs: 0,
          bodyFingerprint: null,
          warnings: [],
        });
        return view;
      });
      app.get('/bench/durable', { config: { auditPublic: true } }, async () => services.merchants.describe(merchantId));
    },
  });
  merchantId = (await gateway.services.merchants.create({ name: 'Bench Shop', redirectHosts: ['localhost'] })).merchant.id;
  const url = await gateway.listen();
  process.stdout.write(`${JSON.stringify({ url })}\n`);
  process.once('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
} else {
  const targets: Array<[string, string]> = [['sqlite', '']];
  if (process.env.PDIRECT_BENCH_POSTGRES_URL) targets.push(['postgres', process.env.PDIRECT_BENCH_POSTGRES_URL]);
  console.log(`audit durability: ${connections} connections, ${rounds} interleaved rounds of ${seconds} s per route (medians)`);
  for (const [name, pgUrl] of targets) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-audit-'));
    const databaseUrl = pgUrl || `sqlite:${path.join(dataDir, 'bench.db')}`;
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--serve'], {
      env: { ...process.env, PDIRECT_DATABASE_URL: databaseUrl, PDIRECT_DATA_DIR: dataDir, PDIRECT_PORT: '0', PDIRECT_MODE: 'sandbox' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const { url } = JSON.parse(line) as { url: string };
    // Interleaved rounds, median per route: on a shared machine the load drifts during a run.
    const routes = ['bare', 'async', 'durable'] as const;
    const samples: Record<string, Array<{ rps: number; p50: number; p99: number; errors: number }>> = { bare: [], async: [], durable: [] };
    for (const route of routes) await autocannon({ url: `${url}/bench/${route}`, connections, duration: 1 }); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const route of routes) {
        const r = await autocannon({ url: `${url}/bench/${route}`, connections, duration: seconds });
        samples[route]!.push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows = routes.map((route) => {
      const s = samples[route]!;
      return `  ${name.padEnd(8)} ${route.padEnd(8)} ${String(Math.round(median(s.map((x) => x.rps)))).padStart(7)} req/s   p50 ${String(median(s.map((x) => x.p50))).padStart(4)} ms   p99 ${String(median(s.map((x) => x.p99))).padStart(4)} ms   errors ${s.reduce((n, x) => n + x.errors, 0)}`;
    });
    console.log(rows.join('\n'));
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
