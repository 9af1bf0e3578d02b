import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database, MerchantsTable } from '../../storage/schema.js';

export type FingerprintMode = 'off' | 'warn' | 'enforce';

export interface Merchant {
  id: string;
  name: string;
  mode: 'test' | 'live';
  redirectHosts: string[];
  fingerprintMode: FingerprintMode | null;
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

  async findByName(name: string): Promise<Merchant | undefined> {
    const row = await this.db.selectFrom('merchants').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
    return row ? toMerchant(row) : undefined;
  }

  async update(id: string, changes: { redirectHosts?: string[]; fingerprintMode?: FingerprintMode | null }, at: number): Promise<Merchant | undefined> {
    await this.db
      .updateTable('merchants')
      .set({
        ...(changes.redirectHosts !== undefined ? { redirect_hosts: JSON.stringify(changes.redirectHosts) } : {}),
        ...(changes.fingerprintMode !== undefined ? { fingerprint_mode: changes.fingerprintMode } : {}),
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
