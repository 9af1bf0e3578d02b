import type { AuditRepository, StoredAuditRecord } from './audit-repository.js';
import { chainHash, GENESIS_HASH, sameHash } from './chain.js';

export interface ChainBreak {
  /** The place in the chain where it stops holding. */
  seq: number;
  /** The row found there (absent when the record is missing). */
  id: number | null;
  requestId: string | null;
  reason: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Chained records checked. */
  records: number;
  /** Records chained under a master-key version no longer configured: linked, but not authenticated. */
  unverifiable: number;
  /** Versions those records name. */
  missingKeyVersions: number[];
  head: { seq: number; hash: string };
  firstBreak?: ChainBreak;
}

/**
 * Walks the audit chain from its first record to the head as it stood when
 * the walk began (records appended meanwhile are left for the next run) and
 * names the first link that does not hold: a record altered (its HMAC no
 * longer matches), missing (a gap in the places), added behind the
 * gateway's back (no place, or past the head), or cut off the end.
 */
export async function verifyAuditChain(
  repository: AuditRepository,
  keys: ReadonlyArray<{ version: number; key: Buffer }>,
  options: { pageSize?: number; onProgress?: (checked: number, total: number) => void } = {},
): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 1000;
  const head = await repository.head();
  const keyByVersion = new Map(keys.map((k) => [k.version, k.key]));
  const missing = new Set<number>();
  let expected = 1;
  let previous = GENESIS_HASH;
  let unverifiable = 0;
  const report = (firstBreak?: ChainBreak): VerifyReport => ({
    ok: !firstBreak,
    records: expected - 1,
    unverifiable,
    missingKeyVersions: [...missing].sort((a, b) => a - b),
    head,
    ...(firstBreak ? { firstBreak } : {}),
  });
  const at = (row: StoredAuditRecord, reason: string): ChainBreak => ({ seq: Number(row.chain_seq), id: Number(row.id), requestId: row.request_id, reason });

  while (expected <= head.seq) {
    const page = await repository.chainPage(expected - 1, Math.min(pageSize, head.seq - expected + 1));
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.chain_seq);
      if (seq > head.seq) break;
      if (seq !== expected) {
        return report({
          seq: expected,
          id: null,
          requestId: null,
          reason: `record #${expected} is missing (deleted): the chain jumps to #${seq} (request ${row.request_id})`,
        });
      }
      const key = row.chain_key_version === null ? undefined : keyByVersion.get(row.chain_key_version);
      if (!row.chain_hash || row.chain_key_version === null) return report(at(row, `record #${seq} has lost its chain hash`));
      if (!key) {
        unverifiable += 1;
        missing.add(row.chain_key_version);
      } else if (!sameHash(chainHash(key, previous, seq, row), row.chain_hash)) {
        return report(
          at(row, `record #${seq} (request ${row.request_id}) does not match its chain hash: it was altered, or its place was taken by another record`),
        );
      }
      previous = row.chain_hash;
      expected += 1;
    }
    options.onProgress?.(expected - 1, head.seq);
  }
  if (expected <= head.seq) {
    return report({ seq: expected, id: null, requestId: null, reason: `records #${expected} to #${head.seq} are missing from the end of the chain (deleted)` });
  }
  if (!sameHash(previous, head.hash)) {
    return report({
      seq: head.seq,
      id: null,
      requestId: null,
      reason: `the last record #${head.seq} does not match the chain head: records were replaced at the end`,
    });
  }
  const stray = await repository.unchainedAfterChainStart();
  if (stray)
    return report({
      seq: head.seq + 1,
      id: Number(stray.id),
      requestId: stray.request_id,
      reason: `row ${stray.id} (request ${stray.request_id}) has no place in the chain: it was added behind the gateway's back`,
    });
  return report();
}
