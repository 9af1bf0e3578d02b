// Risk engine micro-benchmark: the time `RiskService.assess` adds to a payment
// attempt (features from 3 indexed reads, 10 merchant rules, the model, one
// assessment row written), against a database holding a day of history.
// Also `recordAttempt`, which runs after the network answers.
//   npx tsx bench/risk.ts                      (SQLite)
//   PDIRECT_BENCH_POSTGRES_URL=postgres://... npx tsx bench/risk.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../packages/gateway/src/clock.js';
import { RiskRepository } from '../packages/gateway/src/modules/risk/risk-repository.js';
import { RiskService } from '../packages/gateway/src/modules/risk/risk-service.js';
import type { RiskContext } from '../packages/gateway/src/modules/risk/types.js';
import { openStorage } from '../packages/gateway/src/storage/database.js';
import { migrateToLatest } from '../packages/gateway/src/storage/migrate.js';

const ITERATIONS = Number(process.env.BENCH_RISK_ITERATIONS ?? 3000);
const HISTORY = Number(process.env.BENCH_RISK_HISTORY ?? 5000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchRisk(label: string, databaseUrl: string): Promise<{ assessP50: number; assessP99: number; recordP99: number }> {
  const storage = openStorage(databaseUrl);
  try {
    await migrateToLatest(storage);
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
    const risk = new RiskService({
      repository: new RiskRepository(storage.db),
      payments: { findById: async () => undefined },
      identityKey: Buffer.alloc(32, 3),
      clock,
    });
    const merchantId = `mch_bench${Date.now().toString(36)}`;
    const predicates = [
      ":card_country: in ('NG', 'RU', 'VN') and :amount: > 500",
      ':declines_per_device_hourly: >= 5',
      ':ip_country: != :card_country: and :risk_score: > 50',
      ':cards_per_device_daily: > 4',
      ":email_domain: in ('mailinator.com', 'yopmail.com')",
      ":amount_zscore: > 3 and not :three_ds: = 'authenticated'",
      ":customer_reference: = 'vip_1'",
      ':attempts_per_ip_hourly: > 20 or :attempts_per_card_hourly: > 5',
      ":currency: = 'eur' and :amount: > 2000",
      ':is_new_device_for_customer: = true and :is_ip_card_country_mismatch: = true',
    ];
    for (const [i, predicate] of predicates.entries()) await risk.addRule(merchantId, { action: i === 6 ? 'allow' : i % 2 ? 'review' : 'block', predicate });
    const ips = ['81.2.69.142', '8.8.8.8', '41.58.0.1', '2a00:1450:4009:81f::200e', '103.10.0.1'];
    const ctx = (i: number): RiskContext => ({
      merchantId,
      session: {
        amount: (5 + (i % 97)).toFixed(2),
        amountMinor: (5 + (i % 97)) * 100,
        currency: 'usd',
        customerReference: `cust_${i % 300}`,
        email: `c${i % 300}@gmail.com`,
        createdAt: clock.now(),
      },
      clientIp: ips[i % ips.length],
      deviceFingerprint: (i % 400).toString(16).padStart(64, '0'),
      card: { brand: 'MASTERCARD', masked: `512345xxxxxx${String(i % 500).padStart(4, '0')}`, expiry: '01/39', issuingCountry: i % 7 === 0 ? 'NG' : 'GB' },
    });
    process.stderr.write(`[${label}] seeding ${HISTORY} attempts of history…\n`);
    const start = clock.now();
    for (let i = 0; i < HISTORY; i++) {
      clock.set(start - 23 * 3_600_000 + Math.floor((i / HISTORY) * 23 * 3_600_000));
      await risk.recordAttempt({ context: ctx(i), outcome: i % 9 === 0 ? 'declined' : 'succeeded' });
    }
    clock.set(start);
    for (let i = 0; i < 300; i++) await risk.assess(ctx(i * 7)); // warm-up: JIT, caches, GeoIP load
    const assess: number[] = [];
    const record: number[] = [];
    let assessCpuMicros = 0;
    process.stderr.write(`[${label}] ${ITERATIONS} assessments…\n`);
    for (let i = 0; i < ITERATIONS; i++) {
      const c = ctx(i * 13 + 1);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await risk.assess(c);
      const t1 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      assessCpuMicros += cpu.user + cpu.system;
      await risk.recordAttempt({ context: c, outcome: 'succeeded' });
      const t2 = performance.now();
      assess.push(t1 - t0);
      record.push(t2 - t1);
      clock.advance(50);
    }
    assess.sort((a, b) => a - b);
    record.sort((a, b) => a - b);
    const f = (x: number) => x.toFixed(3);
    const result = { assessP50: percentile(assess, 50), assessP99: percentile(assess, 99), recordP99: percentile(record, 99) };
    console.log(`\n## Risk engine (${label}: ${HISTORY} attempts of history, 10 rules, ${ITERATIONS} sequential calls)`);
    console.log('| call | p50 ms | p99 ms | max ms |');
    console.log('|---|---:|---:|---:|');
    console.log(`| RiskService.assess (before money moves) | ${f(percentile(assess, 50))} | ${f(result.assessP99)} | ${f(assess.at(-1)!)} |`);
    console.log(`| RiskService.recordAttempt (after the network answers) | ${f(percentile(record, 50))} | ${f(result.recordP99)} | ${f(record.at(-1)!)} |`);
    console.log(`CPU of this process per assess: ${(assessCpuMicros / ITERATIONS / 1000).toFixed(3)} ms (less inflated by machine load than the latencies).`);
    console.log(`Goal: assess p99 ≤ 2 ms. Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}.`);
    return result;
  } finally {
    await storage.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-bench-risk-'));
  try {
    await benchRisk('SQLite', `sqlite:${path.join(dir, 'risk.db')}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.env.PDIRECT_BENCH_POSTGRES_URL) await benchRisk('PostgreSQL', process.env.PDIRECT_BENCH_POSTGRES_URL);
}
