// Webhook delivery figures for `npm run bench`: a `pdirect worker` process
// delivering to a local receiver. Two numbers: the latency from the state
// change (the outbox row committing) to the receiver seeing the first attempt,
// under a steady trickle of events; and deliveries per second when a burst
// of events is queued at once.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../packages/gateway/src/config.js';
import { createServices } from '../packages/gateway/src/gateway.js';
import { createLogger } from '../packages/gateway/src/logger.js';
import { enqueueWebhookEvent } from '../packages/gateway/src/modules/webhooks/outbox.js';

const BURST = Number(process.env.BENCH_WEBHOOK_BURST ?? 2000);
const TRICKLE_INTERVAL_MS = 10;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  // From source, like the gateways (bin/pdirect.js would run whatever dist/ was last built).
  const bin = path.join(import.meta.dirname, '../packages/gateway/src/cli/bin.ts');
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, 'worker')}`] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=pdirect-source', ...prof, bin, 'worker', '--json'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"worker_id"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`pdirect worker exited with ${code}`)));
  });
  return child;
}

export interface WebhookFigure {
  key: string;
  figure: string;
  number: number;
  value: string;
  goal: string;
}

export async function benchWebhooks(label: string, databaseUrl: string, seconds: number): Promise<WebhookFigure[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-wh-'));
  const env = { ...process.env, PDIRECT_DATABASE_URL: databaseUrl, PDIRECT_DATA_DIR: dataDir, PDIRECT_MODE: 'sandbox', PDIRECT_LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  // This process enqueues (as the payments code does) and receives; the worker process delivers.
  const services = await createServices(config, { logger: createLogger('warn') });
  const firstSeen = new Map<string, number>();
  let waiting: { count: number; resolve(): void } | undefined;
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!firstSeen.has(id)) firstSeen.set(id, performance.timeOrigin + performance.now());
      if (waiting && firstSeen.size >= waiting.count) waiting.resolve();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // Fails (rather than waiting for ever) when deliveries stop arriving: a refused or failing attempt is retried seconds later at the earliest.
  const allSeen = (count: number) =>
    new Promise<void>((resolve, reject) => {
      if (firstSeen.size >= count) return resolve();
      const stalled = setTimeout(() => reject(new Error(`[${label}] webhooks: ${firstSeen.size} of ${count} arrived within 120 s`)), 120_000);
      waiting = { count, resolve: () => (clearTimeout(stalled), resolve()) };
    });
  // The worker checks the notify URL against the merchant's allow-list at delivery time (docs/reliability.md):
  // without 127.0.0.1 on it every attempt is refused (notify_url_not_allowed) and the burst never arrives.
  const merchantId = (await services.merchants.create({ name: `Bench Webhooks ${Date.now()}`, redirectHosts: ['127.0.0.1'] })).merchant.id;
  const enqueue = (n: number) => async (trx: Parameters<typeof enqueueWebhookEvent>[0]) =>
    (
      await enqueueWebhookEvent(trx, {
        merchantId,
        type: 'payment.succeeded',
        notifyUrl,
        data: { object: { id: `pay_bench_${n}`, status: 'succeeded', amount: '12.50' } },
        at: Date.now(),
      })
    ).eventId;

  const worker = await startWorker(env);
  try {
    process.stderr.write(`[${label}] webhooks: steady trickle, one event every ${TRICKLE_INTERVAL_MS} ms for ${seconds}s…\n`);
    const now = () => performance.timeOrigin + performance.now();
    const committedAt = new Map<string, number>();
    const until = Date.now() + seconds * 1000;
    let n = 0;
    while (Date.now() < until) {
      const id = await services.storage.db.transaction().execute(enqueue(n++));
      committedAt.set(id, now());
      await new Promise((resolve) => setTimeout(resolve, TRICKLE_INTERVAL_MS));
    }
    await allSeen(committedAt.size);
    const latencies = [...committedAt].map(([id, at]) => firstSeen.get(id)! - at).sort((a, b) => a - b);

    // Two bursts. "Streamed" is how this figure was first measured: 20 transactions of 100 events, the clock
    // started before the first commits, so delivering overlaps enqueuing — and on PostgreSQL this process's
    // 4,000 sequential inserts alone take seconds, which caps the figure whatever the worker does. "At once":
    // all events committed in one transaction, then the clock runs from that commit; the drain rate (first
    // arrival → last) leaves out how long the worker took to notice (its poll, on SQLite: see the row below).
    const burst = async (transactions: number) => {
      const ids: string[] = [];
      const seenBefore = firstSeen.size;
      const startedAt = now();
      const cpuBefore = cpuSeconds(worker.pid!);
      for (let t = 0; t < transactions; t++) {
        await services.storage.db.transaction().execute(async (trx) => {
          for (let j = 0; j < BURST / transactions; j++) ids.push(await enqueue(n++)(trx));
        });
      }
      const committedAt = now();
      await allSeen(seenBefore + ids.length);
      const workerCpu = cpuSeconds(worker.pid!) - cpuBefore;
      const arrivals = ids.map((id) => firstSeen.get(id)!).sort((a, b) => a - b);
      const first = arrivals[0]!;
      const last = arrivals.at(-1)!;
      return {
        fromStart: ids.length / ((last - startedAt) / 1000),
        fromCommit: ids.length / ((last - committedAt) / 1000),
        drain: (ids.length - 1) / ((last - first) / 1000),
        /** The worker process's CPU per delivery, µs: far less at the mercy of other load on the machine than the rates. */
        cpuPerDeliveryUs: (1e6 * workerCpu) / ids.length,
        enqueueMs: committedAt - startedAt,
        wakeMs: first - committedAt,
      };
    };
    process.stderr.write(`[${label}] webhooks: burst of ${BURST} events, in 20 transactions…\n`);
    const streamed = await burst(20);
    process.stderr.write(`[${label}] webhooks: burst of ${BURST} events, in one transaction…\n`);
    const atOnce = await burst(1);
    const load = os.loadavg()[0]!.toFixed(1);

    const key = label.toLowerCase();
    const wake = label === 'SQLite' ? 'separate process: no in-process signal, so the poll' : 'LISTEN/NOTIFY';
    return [
      {
        key: `webhook_burst_per_s_${key}`,
        figure: `**webhook burst deliveries/s (${label}, ${BURST} events committed at once, one \`pdirect worker\`), first → last arrival**`,
        number: atOnce.drain,
        value: `${atOnce.drain.toFixed(0)} (from the commit ${atOnce.fromCommit.toFixed(0)}/s, first arrival after ${atOnce.wakeMs.toFixed(0)} ms; worker CPU ${atOnce.cpuPerDeliveryUs.toFixed(0)} µs per delivery; load average ${load})`,
        goal: '≥ 2000',
      },
      {
        key: `webhook_burst_streamed_per_s_${key}`,
        figure: `webhook burst deliveries/s (${label}), enqueued in 20 transactions while delivering: from the first enqueue (the earlier figure) / first → last arrival`,
        number: streamed.fromStart,
        value: `${streamed.fromStart.toFixed(0)} / ${streamed.drain.toFixed(0)} (the last commit after ${streamed.enqueueMs.toFixed(0)} ms)`,
        goal: '',
      },
      {
        key: `webhook_commit_to_attempt_p99_ms_${key}`,
        figure: `commit → first attempt at a separate \`pdirect worker\` (${label}, ${wake}; poll ${config.webhooks.pollIntervalMs} ms), p50 / p99 ms`,
        number: percentile(latencies, 99),
        value: `${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)}`,
        goal: '',
      },
    ];
  } finally {
    await new Promise((resolve) => (worker.once('exit', resolve), worker.kill('SIGTERM')));
    await new Promise((resolve) => receiver.close(resolve));
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
