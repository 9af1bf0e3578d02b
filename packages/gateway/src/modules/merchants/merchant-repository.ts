import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database, MerchantsTable } from '../../storage/schema.js';
import type { MerchantKey } from '../keys/key-repository.js';

export type FingerprintMode = 'off' | 'warn' | 'enforce';

/** The network's security-code results (connectors/card-network.ts SecurityCodeResult). */
export const SECURITY_CODE_RESULTS = ['match', 'no_match', 'not_processed', 'not_provided'] as const;
export type SecurityCodeCheck = (typeof SECURITY_CODE_RESULTS)[number];
/** What a merchant who never chose declines: a wrong code, and no code at all. */
export const DEFAULT_SECURITY_CODE_DECLINE: readonly SecurityCodeCheck[] = ['no_match', 'not_provided'];

export interface Merchant {
  id: string;
  name: string;
  mode: 'test' | 'live';
  redirectHosts: string[];
  fingerprintMode: FingerprintMode | null;
  /** Security-code results whose payments are declined (never captured); null = DEFAULT_SECURITY_CODE_DECLINE. */
  securityCodeDecline: SecurityCodeCheck[] | null;
  createdAt: number;
  updatedAt: number;
}

function toMerchant(row: Selectable<MerchantsTable>): Merchant {
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    redirectHosts: JSON.parse(row.redirect_hosts) as string[],
    fingerprintMode: row.fingerprint_mode as FingerprintMode | null,
    securityCodeDecline: row.security_code_decline === null ? null : (JSON.parse(row.security_code_decline) as SecurityCodeCheck[]),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class MerchantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(merchant: Merchant, trx: Kysely<Database> = this.db): Promise<void> {
    await trx
      .insertInto('merchants')
      .values({
        id: merchant.id,
        name: merchant.name,
        mode: merchant.mode,
        redirect_hosts: JSON.stringify(merchant.redirectHosts),
        fingerprint_mode: merchant.fingerprintMode,
        security_code_decline: merchant.securityCodeDecline === null ? null : JSON.stringify(merchant.securityCodeDecline),
        created_at: merchant.createdAt,
        updated_at: merchant.updatedAt,
      })
      .execute();
  }

  /** On every authenticated request: built once (storage/precompiled.ts). */
  readonly #byId = precompiled(
    () => this.db,
    (param) => this.db.selectFrom('merchants').selectAll().where('id', '=', param('id')),
  );

  async findById(id: string): Promise<Merchant | undefined> {
    const [row] = await this.#byId({ id });
    return row ? toMerchant(row) : undefined;
  }

  /** GET /v1/merchant on every call: the merchant and its keys (oldest first) in one statement, built once. */
  readonly #withKeys = precompiled(
    () => this.db,
    (param) =>
      this.db
        .selectFrom('merchants as m')
        .leftJoin('merchant_keys as k', 'k.merchant_id', 'm.id')
        .selectAll('m')
        .select(['k.key_id', 'k.mode as key_mode', 'k.ip_allowlist', 'k.created_at as key_created_at', 'k.expires_at', 'k.revoked_at'])
        .where('m.id', '=', param('id'))
        .orderBy('k.created_at'),
  );

  /** The merchant and its keys without their secret hashes; undefined when there is no such merchant. */
  async findWithKeys(id: string): Promise<{ merchant: Merchant; keys: Array<Omit<MerchantKey, 'secretHash'>> } | undefined> {
    const rows = await this.#withKeys({ id });
    if (rows.length === 0) return undefined;
    const keys = rows.flatMap((r) =>
      r.key_id === null
        ? []
        : [
            {
              keyId: r.key_id,
              merchantId: r.id,
              mode: r.key_mode!,
              ipAllowlist: JSON.parse(r.ip_allowlist!) as string[],
              createdAt: r.key_created_at!,
              expiresAt: r.expires_at,
              revokedAt: r.revoked_at,
            },
          ],
    );
    return { merchant: toMerchant(rows[0]!), keys };
  }

  async findByName(name: string): Promise<Merchant | undefined> {
    const row = await this.db.selectFrom('merchants').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
    return row ? toMerchant(row) : undefined;
  }

  async update(
    id: string,
    changes: { redirectHosts?: string[]; fingerprintMode?: FingerprintMode | null; securityCodeDecline?: SecurityCodeCheck[] | null },
    at: number,
  ): Promise<Merchant | undefined> {
    await this.db
      .updateTable('merchants')
      .set({
        ...(changes.redirectHosts !== undefined ? { redirect_hosts: JSON.stringify(changes.redirectHosts) } : {}),
        ...(changes.fingerprintMode !== undefined ? { fingerprint_mode: changes.fingerprintMode } : {}),
        ...(changes.securityCodeDecline !== undefined
          ? { security_code_decline: changes.securityCodeDecline === null ? null : JSON.stringify(changes.securityCodeDecline) }
          : {}),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    return this.findById(id);
  }

  /** Locks the merchant's row for the caller's transaction (a no-op write); false when there is no such merchant. */
  async lockForUpdate(id: string, at: number, trx: Kysely<Database>): Promise<boolean> {
    const locked = await trx.updateTable('merchants').set({ updated_at: at }).where('id', '=', id).executeTakeFirst();
    return Number(locked.numUpdatedRows) === 1;
  }
}
