import { hmacSha256Hex } from '../../crypto/hash.js';
import { constantTimeEqual } from '../../crypto/compare.js';
import type { AuditLogTable } from '../../storage/schema.js';

/**
 * The tamper-evident audit chain. Every record has a place `seq` (1, 2, …,
 * no gaps) and
 *
 *   chain_hash(n) = HMAC-SHA256(chain key, chain_hash(n-1) ‖ "\n" ‖ canonical(record n))
 *
 * with chain_hash(0) = 64 zeros, and the chain key derived from the master
 * key (HKDF label `pdirect/v1/audit/chain-hmac`, one key per master-key
 * version; each record names its version). Whoever can write to the database
 * but does not hold the master key cannot edit, insert, delete or reorder a
 * record without `pdirect audit verify` naming the first link that no longer
 * holds; cutting records off the end is caught by the chain head row.
 *
 * There is one chain for the whole database, not one per process: appends
 * take the head row's lock (a row lock on PostgreSQL, the write lock on
 * SQLite) for one short transaction per batch, so several gateway processes
 * append in a single well-defined order.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The chained columns of audit_log, in chain order: this list is the one
 * source of what the HMAC covers and in which order (changing it breaks every
 * existing chain).
 */
export const CHAINED_FIELDS = [
  'request_id',
  'at',
  'credential_type',
  'credential_id',
  'merchant_id',
  'source_ip',
  'user_agent',
  'method',
  'path',
  'status',
  'duration_ms',
  'body_fingerprint',
  'warnings',
] as const satisfies ReadonlyArray<keyof AuditLogTable>;

/** The chained fields of a record, exactly as stored (`warnings` is the stored JSON text). */
export type ChainedFields = Pick<AuditLogTable, (typeof CHAINED_FIELDS)[number]>;

/** A fixed-order JSON array: unambiguous, and independent of column order or driver. */
export function canonicalRecord(seq: number, r: ChainedFields): string {
  return JSON.stringify([seq, ...CHAINED_FIELDS.map((field) => r[field])]);
}

export function chainHash(key: Buffer, previousHash: string, seq: number, record: ChainedFields): string {
  return hmacSha256Hex(key, `${previousHash}\n${canonicalRecord(seq, record)}`);
}

export function sameHash(a: string, b: string): boolean {
  return constantTimeEqual(a, b);
}
