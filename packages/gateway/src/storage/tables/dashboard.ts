import type { Generated } from 'kysely';

/** Dashboard users, their setup links, recovery codes, sessions and sign-in throttle (modules/users). */

export type DashboardRole = 'owner' | 'developer' | 'viewer';

/** A dashboard user (docs/dashboard.md): invited, then active once the setup link set a password and TOTP. */
export interface DashboardUsersTable {
  id: string;
  merchant_id: string;
  email: string;
  role: DashboardRole;
  status: 'invited' | 'active' | 'disabled';
  /** Argon2id PHC string; null until setup. */
  password_hash: string | null;
  /** Keyring ciphertext of the base32 TOTP secret (user id as associated data). */
  totp_secret_enc: string | null;
  totp_last_step: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface DashboardSetupLinksTable {
  /** SHA-256 hex of the link's token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  pending_totp_enc: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface DashboardRecoveryCodesTable {
  id: Generated<number>;
  user_id: string;
  /** Keyed HMAC hex of the code. */
  code_hash: string;
  used_at: number | null;
}

export interface DashboardSessionsTable {
  /** SHA-256 hex of the cookie value. */
  id_hash: string;
  user_id: string;
  stage: 'code' | 'active';
  created_at: number;
  last_seen_at: number;
  /** Absolute end of the session. */
  expires_at: number;
}

export interface DashboardSignInThrottleTable {
  bucket: string;
  failures: number;
  locked_until: number | null;
  updated_at: number;
}
