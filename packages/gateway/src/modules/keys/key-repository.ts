import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database, MerchantKeysTable } from '../../storage/schema.js';
import type { KeyMode } from './key-format.js';

export interface MerchantKey {
  keyId: string;
  merchantId: string;
  mode: KeyMode;
  secretHash: string;
  ipAllowlist: string[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

function toKey(row: Selectable<MerchantKeysTable>): MerchantKey {
  return {
    keyId: row.key_id,
    merchantId: row.merchant_id,
    mode: row.mode,
    secretHash: row.secret_hash,
    ipAllowlist: JSON.parse(row.ip_allowlist) as string[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export function keyIsActive(key: Pick<MerchantKey, 'revokedAt' | 'expiresAt'>, now: number): boolean {
  if (key.revokedAt !== null && key.revokedAt <= now) return false;
  if (key.expiresAt !== null && key.expiresAt <= now) return false;
  return true;
}

export class KeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: MerchantKey, trx: Kysely<Database> = this.db): Promise<void> {
    await trx
      .insertInto('merchant_keys')
      .values({
        key_id: key.keyId,
        merchant_id: key.merchantId,
        mode: key.mode,
        secret_hash: key.secretHash,
        ip_allowlist: JSON.stringify(key.ipAllowlist),
        created_at: key.createdAt,
        expires_at: key.expiresAt,
        revoked_at: key.revokedAt,
      })
      .execute();
  }

  // Authentication and GET /v1/merchant run these on every request: built once (storage/precompiled.ts).
  readonly #byId = precompiled(
    () => this.db,
    (param) => this.db.selectFrom('merchant_keys').selectAll().where('key_id', '=', param('keyId')),
  );
  readonly #byMerchant = precompiled(
    () => this.db,
    (param) => this.db.selectFrom('merchant_keys').selectAll().where('merchant_id', '=', param('merchantId')).orderBy('created_at'),
  );

  async findById(keyId: string): Promise<MerchantKey | undefined> {
    const [row] = await this.#byId({ keyId });
    return row ? toKey(row) : undefined;
  }

  async listByMerchant(merchantId: string): Promise<MerchantKey[]> {
    const rows = await this.#byMerchant({ merchantId });
    return rows.map(toKey);
  }

  /** Revoke at `at` (now) or schedule it by setting an expiry; never extends a key's life. */
  async revoke(keyId: string, change: { revokedAt?: number; expiresAt?: number }): Promise<MerchantKey | undefined> {
    const key = await this.findById(keyId);
    if (!key) return undefined;
    const revokedAt = change.revokedAt !== undefined ? Math.min(change.revokedAt, key.revokedAt ?? Infinity) : key.revokedAt;
    const expiresAt = change.expiresAt !== undefined ? Math.min(change.expiresAt, key.expiresAt ?? Infinity) : key.expiresAt;
    await this.db.updateTable('merchant_keys').set({ revoked_at: revokedAt, expires_at: expiresAt }).where('key_id', '=', keyId).execute();
    return { ...key, revokedAt, expiresAt };
  }

  async setIpAllowlist(keyId: string, ipAllowlist: string[]): Promise<void> {
    await this.db
      .updateTable('merchant_keys')
      .set({ ip_allowlist: JSON.stringify(ipAllowlist) })
      .where('key_id', '=', keyId)
      .execute();
  }
}
