import type { Generated } from 'kysely';

/**
 * Table types shared by both dialects. Times are integer milliseconds since
 * the epoch (bigint in PostgreSQL, parsed back to number); lists and maps are
 * JSON text so the same migrations run on SQLite and PostgreSQL.
 */
export interface MerchantsTable {
  id: string;
  name: string;
  mode: 'test' | 'live';
  /** JSON array of lower-case host names (redirect / notify allow-list). */
  redirect_hosts: string;
  /** off | warn | enforce, or null for the default (warn for 14 days, then enforce). */
  fingerprint_mode: string | null;
  created_at: number;
  updated_at: number;
}

export interface MerchantKeysTable {
  key_id: string;
  merchant_id: string;
  mode: 'test' | 'live';
  /** Argon2id PHC string of the whole merchant_secret. */
  secret_hash: string;
  /** JSON array of CIDR strings; empty = any source address. */
  ip_allowlist: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface WebhookSecretsTable {
  id: string;
  merchant_id: string;
  /** Fernet token of the whsec_ secret under a key derived from the master key. */
  ciphertext: string;
  created_at: number;
  /** Set when superseded by a rotation: the old secret still signs until then. */
  expires_at: number | null;
}

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
}

export interface Database {
  merchants: MerchantsTable;
  merchant_keys: MerchantKeysTable;
  webhook_secrets: WebhookSecretsTable;
  audit_log: AuditLogTable;
}
