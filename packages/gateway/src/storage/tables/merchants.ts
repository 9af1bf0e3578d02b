/** Merchants and their API credentials (modules/merchants, modules/keys). */

export interface MerchantsTable {
  id: string;
  name: string;
  mode: 'test' | 'live';
  /** JSON array of lower-case host names (redirect / notify allow-list). */
  redirect_hosts: string;
  /** off | warn | enforce, or null for the default (warn for 14 days, then enforce). */
  fingerprint_mode: string | null;
  /** JSON array of the security-code results declined (match, no_match, not_processed, not_provided); null = the default. */
  security_code_decline: string | null;
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

/** Failed merchant authentications per client address and minute (0008). */
export interface AuthFailuresTable {
  client_ip: string;
  window_start: number;
  failures: number;
}
