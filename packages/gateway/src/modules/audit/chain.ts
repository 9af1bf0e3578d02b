import { hmacSha256Hex } from '../../crypto/hash.js';
import { constantTimeEqual } from '../../crypto/compare.js';

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

/** The chained fields of a record, exactly as stored. */
export interface ChainedFields {
  request_id: string;
  at: number;
  credential_type: string;
  credential_id: string | null;
  merchant_id: string | null;
  source_ip: string;
  user_agent: string | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  body_fingerprint: string | null;
  /** The stored JSON text. */
  warnings: string;
}

/** A fixed-order JSON array: unambiguous, and independent of column order or driver. */
export function canonicalRecord(seq: number, r: ChainedFields): string {
  return JSON.stringify([
    seq,
    r.request_id,
    r.at,
    r.credential_type,
    r.credential_id,
    r.merchant_id,
    r.source_ip,
    r.user_agent,
    r.method,
    r.path,
    r.status,
    r.duration_ms,
    r.body_fingerprint,
    r.warnings,
  ]);
}

export function chainHash(key: Buffer, previousHash: string, seq: number, record: ChainedFields): string {
  return hmacSha256Hex(key, `${previousHash}\n${canonicalRecord(seq, record)}`);
}

export function sameHash(a: string, b: string): boolean {
  return constantTimeEqual(a, b);
}
