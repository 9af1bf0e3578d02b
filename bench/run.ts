// npm run bench — every figure of the performance goals, measured in one run
// on this machine, printed as one Markdown table (BENCH_JSON=path also writes
// them as JSON, to compare commits).
//
// Method: this process is the load generator (autocannon, the checkout
// driver, the webhook receivers). Unless BENCH_PIN=off it re-executes itself
// pinned to CPU 0 with `taskset`, and starts every server (the bare baseline,
// the simulator, the gateways) on all CPUs, so the load it generates costs
// the same in every measurement. Servers run as separate processes, as in
// production. BENCH_SECONDS sets each measurement's length (default 5; the
// whole run then takes a few minutes). PDIRECT_BENCH_POSTGRES_URL adds the
// PostgreSQL rows; BENCH_CPU_PROF=dir writes a --cpu-prof profile of every
// gateway process into dir.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { CheckoutDriver, percentile } from './checkout.js';
import { benchRisk } from './risk.js';
import { benchWebhooks } from './webhooks.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const postgresUrl = process.env.PDIRECT_BENCH_POSTGRES_URL;
const cpuProfDir = process.env.BENCH_CPU_PROF;
/** BENCH_SECTIONS=limit,checkout,webhooks,burst,risk,postgres (default: all) — e.g. only what a profile needs. */
const sections = new Set((process.env.BENCH_SECTIONS ?? 'limit,checkout,webhooks,burst,risk,postgres').split(','));

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Row {
  figure: string;
  value: string;
  goal: string;
  /** Machine-readable copy for BENCH_JSON. */
  key: string;
  number: number;
}

const rows: Row[] = [];
function record(key: string, figure: string, number: number, value: string, goal = ''): void {
  rows.push({ key, figure, number, value, goal });
  process.stderr.write(`  ${figure}: ${value}\n`);
}

/** Starts a TypeScript server as its own process (all CPUs) and reads the JSON line it prints. */
async function startProcess(script: string, env: NodeJS.ProcessEnv, label: string): Promise<{ info: any; child: ChildProcess; stop(): Promise<void> }> {
  const all = `0-${os.cpus().length - 1}`;
  const nodeArgs = [
    '--import',
    'tsx',
    ...(cpuProfDir && label !== 'bare' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfDir, label)}`] : []),
    path.join(import.meta.dirname, script),
  ];
  const [cmd, args] = process.env.BENCH_PINNED === '1' ? ['taskset', ['-c', all, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(cmd, args as string[], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
  });
  return {
    info: JSON.parse(line),
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function autocannonRps(url: string, headers: Record<string, string>, duration: number): Promise<{ rps: number; p50: number; p99: number }> {
  const result = await autocannon({ url, headers, connections, duration, pipelining: 1 });
  if (result.errors + result.non2xx > 0) throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/** A webhook receiver: records when each webhook-id was first seen. */
async function startReceiver(hang: boolean): Promise<{ url: string; firstSeen: Map<string, number>; close(): Promise<void> }> {
  const firstSeen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    if (hang) return void req.resume(); // accepts and never answers: the worst kind of dead endpoint
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!firstSeen.has(id)) firstSeen.set(id, performance.timeOrigin + performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    firstSeen,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function freshPostgresSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

function gatewayEnv(databaseUrl: string, dataDir: string, simulatorUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PDIRECT_DATABASE_URL: databaseUrl,
    PDIRECT_DATA_DIR: dataDir,
    PDIRECT_PORT: '0',
    PDIRECT_MODE: 'sandbox',
    PDIRECT_LOG_LEVEL: 'warn',
    PDIRECT_MPGS_BASE_URL: simulatorUrl,
    PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
    PDIRECT_MPGS_API_PASSWORD: 'sandbox',
    // Every simulated customer connects from 127.0.0.1: the per-address card-session limit (30 a
    // minute by default) would stop the load within seconds. It is still counted on every request.
    PDIRECT_CARD_SESSIONS_PER_MINUTE: '100000',
    ...extra,
  };
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-'));
  const stops: Array<() => Promise<void>> = [];
  const pinned = process.env.BENCH_PINNED === '1';
  try {
    // (a) The limit, and the authenticated request against it: both servers up, measured in
    // alternating rounds so that drift (other load on the machine, WAL growth) hits both alike.
    const bare = await startProcess('bare-server.ts', {}, 'bare');
    stops.push(bare.stop);
    const simulator = await startProcess('simulator-server.ts', {}, 'simulator');
    stops.push(simulator.stop);
    const dead = await startReceiver(true);
    const healthy = await startReceiver(false);
    stops.push(dead.close, healthy.close);

    const sqliteDir = path.join(tmp, 'sqlite');
    fs.mkdirSync(sqliteDir);
    const gw = await startProcess('server.ts', gatewayEnv(`sqlite:${path.join(sqliteDir, 'pdirect.db')}`, sqliteDir, simulator.info.url), 'gateway-sqlite');
    stops.push(gw.stop);
    const auth = { authorization: `Bearer ${gw.info.secret}` };
    await autocannonRps(`${bare.info.url}/bare`, {}, 1);
    await autocannonRps(`${gw.info.url}/v1/merchant`, auth, 1);
    const bareRounds: Array<{ rps: number; p50: number; p99: number }> = [];
    const authRounds: Array<{ rps: number; p50: number; p99: number }> = [];
    // CPU each server process spent per request: less at the mercy of other load on the machine than req/s.
    const bareCpu: Array<{ machineBusy: number; processCores: number }> = [];
    const authCpu: Array<{ machineBusy: number; processCores: number }> = [];
    for (let round = 1; round <= 2; round++) {
      process.stderr.write(
        `[limit] round ${round}/2: bare Fastify + raw better-sqlite3, then GET /v1/merchant, ${connections} connections, ${seconds}s each…\n`,
      );
      let cpu = cpuMeter([bare.child.pid!]);
      bareRounds.push(await autocannonRps(`${bare.info.url}/bare`, {}, seconds));
      bareCpu.push(cpu());
      cpu = cpuMeter([gw.child.pid!]);
      authRounds.push(await autocannonRps(`${gw.info.url}/v1/merchant`, auth, seconds));
      authCpu.push(cpu());
    }
    await bare.stop();
    const mean = (xs: Array<{ rps: number; p50: number; p99: number }>) => ({
      rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length,
      p50: Math.max(...xs.map((x) => x.p50)),
      p99: Math.max(...xs.map((x) => x.p99)),
    });
    const limit = mean(bareRounds);
    const merchant = mean(authRounds);
    record(
      'limit_rps',
      'limit: bare Fastify + raw better-sqlite3 read + insert, req/s',
      limit.rps,
      `${limit.rps.toFixed(0)} (p50 ${limit.p50} ms, p99 ${limit.p99} ms)`,
    );
    record(
      'merchant_rps_sqlite',
      'authenticated GET /v1/merchant, req/s (SQLite)',
      merchant.rps,
      `${merchant.rps.toFixed(0)} (p50 ${merchant.p50} ms, p99 ${merchant.p99} ms)`,
    );
    record('merchant_ratio_sqlite', '**authenticated / limit**', merchant.rps / limit.rps, (merchant.rps / limit.rps).toFixed(3), '≥ 0.6');
    const cpuPerRequest = (cpu: typeof bareCpu, rounds: typeof bareRounds) =>
      (1000 * cpu.reduce((a, c) => a + c.processCores, 0)) / rounds.reduce((a, r) => a + r.rps, 0);
    const bareMs = cpuPerRequest(bareCpu, bareRounds);
    const authMs = cpuPerRequest(authCpu, authRounds);
    record(
      'merchant_cpu_ratio_sqlite',
      `server CPU per request: bare ${(bareMs * 1000).toFixed(0)} µs, authenticated ${(authMs * 1000).toFixed(0)} µs (/proc; machine ${(100 * Math.max(...authCpu.map((c) => c.machineBusy))).toFixed(0)} % busy) — **bare / authenticated**`,
      bareMs / authMs,
      (bareMs / authMs).toFixed(3),
      '(≥ 0.6, CPU form)',
    );

    // (b) Full checkouts; their webhooks go to a dead endpoint, building its backlog.
    if (sections.has('checkout')) {
      process.stderr.write(`[sqlite] full checkouts, 16 concurrent, ${seconds}s (webhooks to a dead endpoint)…\n`);
      const driver = new CheckoutDriver({ gatewayUrls: [gw.info.url], simulatorUrl: simulator.info.url, merchantSecret: gw.info.secret, notifyUrl: dead.url });
      await driver.load(4, 1);
      const riskBefore = await riskHistogram(gw.info.url);
      const checkoutCpu = cpuMeter([gw.child.pid!, simulator.child.pid!]);
      const gatewayCpu = cpuMeter([gw.child.pid!]);
      const load = await driver.load(16, seconds);
      const both = checkoutCpu();
      const gatewayOnly = gatewayCpu();
      const risk = riskDelta(riskBefore, await riskHistogram(gw.info.url));
      if (load.failures > 0) process.stderr.write(`  ${load.failures} checkouts failed, e.g. ${load.firstFailure}\n`);
      record(
        'checkouts_per_s_sqlite',
        'full sandbox checkouts/s (16 concurrent, SQLite)',
        load.perSecond,
        `${load.perSecond.toFixed(1)} (${load.checkouts} in ${load.seconds.toFixed(1)}s, ${load.failures} failed)`,
      );
      record(
        'checkout_cpu_ms_sqlite',
        `CPU per checkout, ms: gateway / gateway + simulator (machine ${(100 * both.machineBusy).toFixed(0)} % busy)`,
        (1000 * gatewayOnly.processCores) / load.perSecond,
        `${((1000 * gatewayOnly.processCores) / load.perSecond).toFixed(1)} / ${((1000 * both.processCores) / load.perSecond).toFixed(1)}`,
      );
      record('checkout_p50_ms_sqlite', 'checkout latency p50 / p99, ms', load.p50, `${load.p50.toFixed(0)} / ${load.p99.toFixed(0)}`);
      record('checkout_ratio_sqlite', '**checkouts/s / limit**', load.perSecond / limit.rps, (load.perSecond / limit.rps).toFixed(4), '≥ 0.075');
      record(
        'risk_on_collect_within_2ms_sqlite',
        `**risk engine on collect under this load**: assessments within 2 ms (in-process \`pdirect_risk_assess_seconds\`, ${risk.count} collects; p50 ≤ ${risk.p50} ms, p99 ≤ ${risk.p99} ms)`,
        risk.within2ms,
        `${(100 * risk.within2ms).toFixed(1)} %`,
        '≥ 99 % (p99 ≤ 2 ms)',
      );

      // (c) Payment → first webhook attempt at a healthy endpoint, while the dead one is backlogged.
      if (sections.has('webhooks')) {
        const payments = Math.max(50, Math.min(200, seconds * 20));
        process.stderr.write(`[sqlite] ${payments} payments to a healthy endpoint while the dead one has a backlog…\n`);
        const paidAt = new Map<string, number>();
        const ids: string[] = [];
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (ids.length < payments) {
              ids.push('');
              const { orderId } = await driver.checkout(healthy.url);
              paidAt.set(orderId, performance.timeOrigin + performance.now());
            }
          }),
        );
        // Match receipts to payments by the event's order, read back from the events API.
        const deadline = Date.now() + 30_000;
        while (healthy.firstSeen.size < paidAt.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        const latencies = await webhookLatencies(gw.info.url, gw.info.secret, paidAt, healthy.firstSeen);
        const backlog = await deadBacklog(gw.info.url, gw.info.secret, dead.url);
        record(
          'webhook_first_attempt_p50_ms',
          `payment → first webhook attempt at a healthy endpoint, p50 ms (${latencies.length}/${paidAt.size} arrived; dead endpoint backlog ${backlog})`,
          percentile(latencies, 50),
          percentile(latencies, 50).toFixed(1),
        );
        record(
          'webhook_first_attempt_p99_ms',
          '**payment → first webhook attempt, p99 ms**',
          percentile(latencies, 99),
          percentile(latencies, 99).toFixed(1),
          '≤ 100',
        );
      }
      await driver.close();
    }
    await gw.stop();

    // (d) Webhook bursts, one `pdirect worker` process.
    if (sections.has('burst'))
      for (const w of await benchWebhooks('SQLite', `sqlite:${path.join(sqliteDir, 'webhooks.db')}`, seconds))
        record(w.key, w.figure, w.number, w.value, w.goal);
    if (postgresUrl && sections.has('burst')) {
      const schema = await freshPostgresSchema(postgresUrl);
      stops.push(schema.drop);
      for (const w of await benchWebhooks('PostgreSQL', schema.url, seconds)) record(w.key, w.figure, w.number, w.value, w.goal);
    }

    // The risk engine's cost on collect (bench/risk.ts), on each database.
    if (sections.has('risk')) {
      const sqliteRisk = await benchRisk('SQLite', `sqlite:${path.join(sqliteDir, 'risk.db')}`);
      record(
        'risk_assess_p99_ms_sqlite',
        'risk engine on collect, added p50 / p99 ms (SQLite)',
        sqliteRisk.assessP99,
        `${sqliteRisk.assessP50.toFixed(2)} / ${sqliteRisk.assessP99.toFixed(2)}`,
        '≤ 2 (p99)',
      );
      if (postgresUrl) {
        const schema = await freshPostgresSchema(postgresUrl);
        stops.push(schema.drop);
        const pgRisk = await benchRisk('PostgreSQL', schema.url);
        record(
          'risk_assess_p99_ms_postgres',
          'risk engine on collect, added p50 / p99 ms (PostgreSQL)',
          pgRisk.assessP99,
          `${pgRisk.assessP50.toFixed(2)} / ${pgRisk.assessP99.toFixed(2)}`,
          '≤ 2 (p99)',
        );
      }
    }

    // (e) PostgreSQL: 1 and 2 gateway processes, the same load generator.
    if (postgresUrl && sections.has('postgres')) {
      const schema = await freshPostgresSchema(postgresUrl);
      stops.push(schema.drop);
      const pgDir = path.join(tmp, 'pg');
      fs.mkdirSync(pgDir);
      const first = await startProcess('server.ts', gatewayEnv(schema.url, pgDir, simulator.info.url), 'gateway-pg-1');
      stops.push(first.stop);
      const pgAuth = { authorization: `Bearer ${first.info.secret}` };
      await autocannonRps(`${first.info.url}/v1/merchant`, pgAuth, 1);
      const pgMerchant = await autocannonRps(`${first.info.url}/v1/merchant`, pgAuth, seconds);
      record(
        'merchant_ratio_postgres',
        'authenticated GET /v1/merchant on PostgreSQL / limit',
        pgMerchant.rps / limit.rps,
        `${(pgMerchant.rps / limit.rps).toFixed(3)} (${pgMerchant.rps.toFixed(0)} req/s)`,
      );
      const target = { simulatorUrl: simulator.info.url, merchantSecret: first.info.secret, notifyUrl: healthy.url };
      process.stderr.write(`[postgres] full checkouts, 1 gateway process, ${seconds}s…\n`);
      const one = new CheckoutDriver({ ...target, gatewayUrls: [first.info.url] });
      await one.load(4, 1);
      const cpuOne = cpuMeter([first.child.pid!]);
      const oneRun = await one.load(16, seconds);
      const oneCpu = cpuOne();
      await one.close();
      const second = await startProcess('server.ts', gatewayEnv(schema.url, pgDir, simulator.info.url, { BENCH_MERCHANT: 'existing' }), 'gateway-pg-2');
      stops.push(second.stop);
      process.stderr.write(`[postgres] full checkouts, 2 gateway processes, ${seconds}s…\n`);
      const two = new CheckoutDriver({ ...target, gatewayUrls: [first.info.url, second.info.url] });
      await two.load(4, 1);
      const cpuTwo = cpuMeter([first.child.pid!, second.child.pid!]);
      const twoRun = await two.load(16, seconds);
      const twoCpu = cpuTwo();
      await two.close();
      record(
        'checkouts_per_s_pg_1',
        'full checkouts/s on PostgreSQL, 1 gateway process',
        oneRun.perSecond,
        `${oneRun.perSecond.toFixed(1)} (p50 ${oneRun.p50.toFixed(0)} ms, p99 ${oneRun.p99.toFixed(0)} ms, ${oneRun.failures} failed)`,
      );
      record(
        'checkouts_per_s_pg_2',
        'full checkouts/s on PostgreSQL, 2 gateway processes',
        twoRun.perSecond,
        `${twoRun.perSecond.toFixed(1)} (p50 ${twoRun.p50.toFixed(0)} ms, p99 ${twoRun.p99.toFixed(0)} ms, ${twoRun.failures} failed)`,
      );
      record(
        'pg_machine_busy_1',
        "machine CPU busy during the 1-process / 2-process runs (all processes, /proc/stat); gateway processes' CPU, cores",
        oneCpu.machineBusy,
        `${(100 * oneCpu.machineBusy).toFixed(0)} % / ${(100 * twoCpu.machineBusy).toFixed(0)} %; ${oneCpu.processCores.toFixed(2)} / ${twoCpu.processCores.toFixed(2)}`,
      );
      record(
        'pg_scale_2_over_1',
        '**2 processes / 1 process**',
        twoRun.perSecond / oneRun.perSecond,
        (twoRun.perSecond / oneRun.perSecond).toFixed(2),
        '≥ 1.7',
      );
      await second.stop();
      await first.stop();
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  console.log(`\n## npm run bench — ${new Date().toISOString()}`);
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${seconds}s per measurement, ${connections} connections; load generator ${pinned ? 'pinned to CPU 0 (taskset)' : 'not pinned'}, servers on all CPUs; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (1 / 5 / 15 min) at the end.\n`,
  );
  console.log('| figure | value | goal |');
  console.log('|---|---:|---|');
  for (const r of rows) console.log(`| ${r.figure} | ${r.value} | ${r.goal} |`);
  if (process.env.BENCH_JSON) {
    fs.writeFileSync(
      process.env.BENCH_JSON,
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: os.cpus().length, seconds, pinned, figures: Object.fromEntries(rows.map((r) => [r.key, r.number])) }, null, 2)}\n`,
    );
  }
}

/**
 * Starts measuring CPU: the whole machine's busy share (/proc/stat, every
 * process, other users' too) and the given processes' CPU in cores
 * (/proc/PID/stat utime + stime). Linux only; NaN elsewhere.
 */
function cpuMeter(pids: number[]): () => { machineBusy: number; processCores: number } {
  const machine = () => {
    try {
      const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = f[3]! + (f[4] ?? 0);
      return { idle, total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: Number.NaN, total: Number.NaN };
    }
  };
  const ticks = () =>
    pids.reduce((sum, pid) => {
      try {
        const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return sum + Number(fields[11]) + Number(fields[12]);
      } catch {
        return Number.NaN;
      }
    }, 0);
  const m0 = machine();
  const p0 = ticks();
  const t0 = performance.now();
  return () => {
    const m1 = machine();
    const seconds = (performance.now() - t0) / 1000;
    const hz = 100; // USER_HZ on Linux
    return { machineBusy: 1 - (m1.idle - m0.idle) / (m1.total - m0.total), processCores: (ticks() - p0) / hz / seconds };
  };
}

type Buckets = Map<number, number>;

/** The gateway's own histogram of RiskService.assess durations (GET /metrics, loopback): cumulative count per upper bound, seconds. */
async function riskHistogram(gatewayUrl: string): Promise<Buckets> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const out: Buckets = new Map();
  for (const m of text.matchAll(/^pdirect_risk_assess_seconds_bucket\{le="([^"]+)"[^}]*\} (\d+)/gm))
    out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/** Between two scrapes: how many assessments, the share within 2 ms, and the bucket bounds holding the p50 and p99. */
function riskDelta(before: Buckets, after: Buckets): { count: number; within2ms: number; p50: string; p99: string } {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const at = (le: number) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const count = at(Infinity);
  const bound = (q: number) => {
    const le = bounds.find((b) => at(b) >= q * count);
    return le === undefined || le === Infinity ? '∞' : String(le * 1000);
  };
  return { count, within2ms: count ? at(0.002) / count : Number.NaN, p50: bound(0.5), p99: bound(0.99) };
}

/** For each paid order: its event's first arrival at the healthy receiver minus the moment collect answered. */
async function webhookLatencies(gatewayUrl: string, secret: string, paidAt: Map<string, number>, firstSeen: Map<string, number>): Promise<number[]> {
  const out: number[] = [];
  for (const [orderId, at] of paidAt) {
    const res = await fetch(`${gatewayUrl}/v1/events?order_id=${encodeURIComponent(orderId)}&limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    const list = (await res.json()) as { data: Array<{ id: string }> };
    const seen = list.data[0] ? firstSeen.get(list.data[0].id) : undefined;
    if (seen !== undefined) out.push(Math.max(0, seen - at));
  }
  return out.sort((a, b) => a - b);
}

/** How many of the dead endpoint's events exist (its backlog, roughly: none of them can have succeeded). */
async function deadBacklog(gatewayUrl: string, secret: string, _deadUrl: string): Promise<string> {
  let count = 0;
  let after: string | undefined;
  for (let page = 0; page < 200; page++) {
    const res = await fetch(`${gatewayUrl}/v1/events?limit=100${after ? `&starting_after=${after}` : ''}`, { headers: { authorization: `Bearer ${secret}` } });
    const list = (await res.json()) as { data: Array<{ id: string; notify_url: string }>; has_more: boolean };
    count += list.data.filter((e) => e.notify_url.startsWith(_deadUrl)).length;
    if (!list.has_more) break;
    after = list.data.at(-1)!.id;
  }
  return `${count} events`;
}

if (process.env.BENCH_PIN !== 'off' && process.env.BENCH_PINNED !== '1' && os.cpus().length > 1 && hasTaskset()) {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' },
  });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
