import type { Generated } from 'kysely';

/** The audit log and the head of its tamper-evident chain (modules/audit). */

export interface AuditLogTable {
  id: Generated<number>;
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
  /** JSON array of warnings, e.g. a fingerprint mismatch in warn mode. */
  warnings: string;
  /** Position in the tamper-evident chain (1, 2, …); null only for records written before it existed. */
  chain_seq: number | null;
  /** HMAC-SHA256 hex of the previous record's chain_hash and this record (modules/audit/chain.ts). */
  chain_hash: string | null;
  /** Master-key version whose derived chain key made chain_hash. */
  chain_key_version: number | null;
}

/** The head of the audit chain: one row (`main`), locked by every append. */
export interface AuditChainTable {
  id: string;
  seq: number;
  hash: string;
  updated_at: number;
}
