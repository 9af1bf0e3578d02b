import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.js';
import type { AuditRecord, AuditRepository } from './audit-repository.js';

const record = (i: number): AuditRecord => ({
  requestId: `req_${i}`,
  at: i,
  credentialType: 'merchant_key',
  credentialId: null,
  merchantId: null,
  sourceIp: '127.0.0.1',
  userAgent: null,
  method: 'GET',
  path: '/v1/merchant',
  status: 200,
  durationMs: 1,
  bodyFingerprint: null,
  warnings: [],
});

/** A repository whose writes take a while and can be made to fail. */
function slowRepository(options: { failures?: number; lostCommits?: number } = {}) {
  const batches: string[][] = [];
  const committed = new Set<string>();
  let failures = options.failures ?? 0;
  let lostCommits = options.lostCommits ?? 0;
  const repo = {
    async insertMany(records: AuditRecord[]) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      if (failures-- > 0) throw new Error('disk full');
      batches.push(records.map((r) => r.requestId));
      for (const r of records) committed.add(r.requestId);
      // The write committed, but its answer never arrived (e.g. pg_terminate_backend after COMMIT).
      if (lostCommits-- > 0) throw new Error('Connection terminated unexpectedly');
    },
    async requestIdsWritten(ids: string[]) {
      return new Set(ids.filter((id) => committed.has(id)));
    },
  } as unknown as AuditRepository;
  return { repo, batches, committed };
}

const logger = pino({ level: 'silent' });

describe('AuditLog group commit', () => {
  it('resolves each append only once its record is committed, batching concurrent ones', async () => {
    const { repo, batches, committed } = slowRepository();
    const log = new AuditLog({ repository: repo, logger });
    const seen: boolean[] = [];
    await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(record(i)).then(() => seen.push(committed.has(`req_${i}`)))));
    expect(seen).toHaveLength(60);
    expect(seen.every(Boolean)).toBe(true);
    // 60 concurrent records, not 60 transactions.
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('records arriving during a write go together in the next one', async () => {
    const { repo, batches } = slowRepository();
    const log = new AuditLog({ repository: repo, logger });
    const first = log.append(record(0));
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first write is under way
    const later = Array.from({ length: 20 }, (_, i) => log.append(record(i + 1)));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([['req_0'], Array.from({ length: 20 }, (_, i) => `req_${i + 1}`)]);
  });

  it('retries a failed write, and rejects the appends when it keeps failing', async () => {
    const transient = slowRepository({ failures: 2 });
    await new AuditLog({ repository: transient.repo, logger, retryDelaysMs: [1, 1, 1] }).append(record(1));
    expect(transient.committed.has('req_1')).toBe(true);

    const broken = slowRepository({ failures: 10 });
    const log = new AuditLog({ repository: broken.repo, logger, retryDelaysMs: [1, 1] });
    await expect(log.append(record(2))).rejects.toThrow('disk full');
    expect(broken.committed.size).toBe(0);
    await log.flush(); // nothing left hanging
    expect(log.pending).toBe(0);
  });

  it('a write that committed but lost its answer is not written again on retry (one record per request)', async () => {
    const { repo, batches } = slowRepository({ lostCommits: 1 });
    const log = new AuditLog({ repository: repo, logger, retryDelaysMs: [1, 1] });
    await Promise.all([log.append(record(1)), log.append(record(2))]);
    await log.flush();
    expect(batches.flat().sort()).toEqual(['req_1', 'req_2']);
  });
});
