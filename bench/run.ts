// npm run bench — throughput and latency of an authenticated endpoint against
// a bare endpoint of the same server doing the same storage work, in one run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import { benchRisk } from './risk.js';
import { benchWebhooks } from './webhooks.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(url: string, headers: Record<string, string>, duration: number): Promise<Figures> {
  const result = await autocannon({ url, headers, connections, duration, pipelining: 1 });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function startServer(databaseUrl: string, dataDir: string): Promise<{ url: string; secret: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'server.ts')], {
    env: { ...process.env, PDIRECT_DATABASE_URL: databaseUrl, PDIRECT_DATA_DIR: dataDir, PDIRECT_PORT: '0', PDIRECT_MODE: 'sandbox' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const { url, secret } = JSON.parse(line) as { url: string; secret: string };
  return {
    url,
    secret,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function benchAuth(label: string, databaseUrl: string): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-'));
  const server = await startServer(databaseUrl, dataDir);
  const auth = { authorization: `Bearer ${server.secret}` };
  try {
    process.stderr.write(`[${label}] warming up…\n`);
    await measure(`${server.url}/bench/bare`, {}, 1);
    await measure(`${server.url}/v1/merchant`, auth, 1);
    // Interleave the two so drift (thermal, GC, WAL growth) hits both alike.
    const bare: Figures[] = [];
    const authed: Figures[] = [];
    for (let round = 1; round <= 2; round++) {
      process.stderr.write(`[${label}] round ${round}/2: bare endpoint ${seconds}s…\n`);
      bare.push(await measure(`${server.url}/bench/bare`, {}, seconds));
      process.stderr.write(`[${label}] round ${round}/2: authenticated endpoint ${seconds}s…\n`);
      authed.push(await measure(`${server.url}/v1/merchant`, auth, seconds));
    }
    const avg = (xs: Figures[]): Figures => ({
      rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
      p50: xs.reduce((a, x) => a + x.p50, 0) / xs.length,
      p99: xs.reduce((a, x) => a + x.p99, 0) / xs.length,
      errors: xs.reduce((a, x) => a + x.errors, 0),
      non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
    });
    const b = avg(bare);
    const a = avg(authed);
    if (b.errors + b.non2xx + a.errors + a.non2xx > 0) throw new Error(`bench saw failures: ${JSON.stringify({ bare: b, authenticated: a })}`);
    console.log(`\n## Merchant authentication (${label}, ${connections} connections, 2×${seconds}s each)`);
    console.log('| endpoint | req/s | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|');
    console.log(`| bare GET /bench/bare (same storage work, no auth, no audit) | ${b.rps.toFixed(0)} | ${b.p50} | ${b.p99} |`);
    console.log(`| GET /v1/merchant (Argon2id key, audit record) | ${a.rps.toFixed(0)} | ${a.p50} | ${a.p99} |`);
    console.log(`| **ratio authenticated / bare** | **${(a.rps / b.rps).toFixed(2)}** | | |`);
    console.log(`Goal: ≥ 0.60. Node ${process.version}, ${os.cpus().length} cores.`);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-db-'));
await benchAuth('SQLite', `sqlite:${path.join(sqliteDir, 'bench.db')}`);
await benchWebhooks('SQLite', `sqlite:${path.join(sqliteDir, 'bench-webhooks.db')}`, seconds);
await benchRisk('SQLite', `sqlite:${path.join(sqliteDir, 'bench-risk.db')}`);
fs.rmSync(sqliteDir, { recursive: true, force: true });
if (process.env.PDIRECT_BENCH_POSTGRES_URL) await benchAuth('PostgreSQL', process.env.PDIRECT_BENCH_POSTGRES_URL);
if (process.env.PDIRECT_BENCH_POSTGRES_URL) await benchWebhooks('PostgreSQL', process.env.PDIRECT_BENCH_POSTGRES_URL, seconds);
if (process.env.PDIRECT_BENCH_POSTGRES_URL) await benchRisk('PostgreSQL', process.env.PDIRECT_BENCH_POSTGRES_URL);
