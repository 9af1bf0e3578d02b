// The cost of durable audit records (group commit): run with
//   npx tsx bench/audit-durability.ts            (SQLite; PostgreSQL too when PDIRECT_BENCH_POSTGRES_URL is set)
// Three routes of one gateway process, each doing the same storage read:
//   bare     — no audit record;
//   async    — a record queued and written by the group committer, the answer not waiting (the old, lossy behaviour);
//   durable  — a record the answer waits for (what every audited route does now).
// Prints requests/s and latency for each. BENCH_SECONDS, BENCH_CONNECTIONS tune the load.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

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
          requestId: request.id, at: services.clock.now(), credentialType: 'public', credentialId: null, merchantId, sourceIp: request.ip,
          userAgent: null, method: 'GET', path: '/bench/async', status: 200, durationMs: 0, bodyFingerprint: null, warnings: [],
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
  console.log(`audit durability: ${connections} connections, ${seconds} s per route`);
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
    const rows: string[] = [];
    for (const route of ['bare', 'async', 'durable']) {
      await autocannon({ url: `${url}/bench/${route}`, connections, duration: 1 }); // warm-up
      const r = await autocannon({ url: `${url}/bench/${route}`, connections, duration: seconds });
      rows.push(`  ${name.padEnd(8)} ${route.padEnd(8)} ${String(Math.round(r.requests.average)).padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`);
    }
    console.log(rows.join('\n'));
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
