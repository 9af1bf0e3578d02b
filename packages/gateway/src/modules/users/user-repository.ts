import type { Kysely, Selectable } from 'kysely';
import type { Database, DashboardSessionsTable, DashboardSetupLinksTable, DashboardUsersTable } from '../../storage/schema.js';

export type DashboardUser = Selectable<DashboardUsersTable>;
export type SetupLink = Selectable<DashboardSetupLinksTable>;
export type DashboardSession = Selectable<DashboardSessionsTable>;

/** Storage of dashboard users, their setup links, recovery codes and browser sessions. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(user: DashboardUser, trx: Kysely<Database> = this.db): Promise<void> {
    await trx.insertInto('dashboard_users').values(user).execute();
  }

  async findById(id: string): Promise<DashboardUser | undefined> {
    return this.db.selectFrom('dashboard_users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByEmail(email: string): Promise<DashboardUser | undefined> {
    return this.db.selectFrom('dashboard_users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  async listByMerchant(merchantId: string): Promise<DashboardUser[]> {
    return this.db.selectFrom('dashboard_users').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at').execute();
  }

  async countActiveOwners(merchantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('dashboard_users')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('merchant_id', '=', merchantId)
      .where('role', '=', 'owner')
      .where('status', '!=', 'disabled')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(
    id: string,
    changes: Partial<Pick<DashboardUser, 'role' | 'status' | 'password_hash' | 'totp_secret_enc' | 'totp_last_step'>>,
    at: number,
    trx: Kysely<Database> = this.db,
  ): Promise<void> {
    await trx
      .updateTable('dashboard_users')
      .set({ ...changes, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** Compare-and-set on the last accepted TOTP step: two requests with the same code cannot both pass. */
  async advanceTotpStep(id: string, step: number, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_users')
      .set({ totp_last_step: step, updated_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertSetupLink(link: SetupLink, trx: Kysely<Database> = this.db): Promise<void> {
    await trx.insertInto('dashboard_setup_links').values(link).execute();
  }

  async findSetupLink(tokenHash: string): Promise<SetupLink | undefined> {
    return this.db.selectFrom('dashboard_setup_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Offers a TOTP secret on the link once; a second caller gets the first one's (reloading the page keeps the QR code). */
  async offerPendingTotp(tokenHash: string, sealed: string): Promise<void> {
    await this.db
      .updateTable('dashboard_setup_links')
      .set({ pending_totp_enc: sealed })
      .where('token_hash', '=', tokenHash)
      .where('pending_totp_enc', 'is', null)
      .execute();
  }

  /** Spends the link (compare-and-set): false when it was already used. */
  async useSetupLink(tokenHash: string, at: number, trx: Kysely<Database>): Promise<boolean> {
    const result = await trx
      .updateTable('dashboard_setup_links')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Earlier links of a user stop working when a new one is issued. */
  async retireSetupLinks(userId: string, at: number, trx: Kysely<Database> = this.db): Promise<void> {
    await trx.updateTable('dashboard_setup_links').set({ used_at: at }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
  }

  async replaceRecoveryCodes(userId: string, hashes: string[], trx: Kysely<Database>): Promise<void> {
    await trx.deleteFrom('dashboard_recovery_codes').where('user_id', '=', userId).execute();
    await trx
      .insertInto('dashboard_recovery_codes')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
      .execute();
  }

  async useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_recovery_codes')
      .set({ used_at: at })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertSession(session: DashboardSession): Promise<void> {
    await this.db.insertInto('dashboard_sessions').values(session).execute();
  }

  async findSession(idHash: string): Promise<DashboardSession | undefined> {
    return this.db.selectFrom('dashboard_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  async touchSession(idHash: string, at: number): Promise<void> {
    await this.db.updateTable('dashboard_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  /** Deletes the session; false if it was already gone (a code step already used). */
  async deleteSession(idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('dashboard_sessions').where('id_hash', '=', idHash).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('dashboard_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Sessions past their absolute end, or idle since `idleBefore`. */
  async deleteExpiredSessions(now: number, idleBefore: number): Promise<void> {
    await this.db
      .deleteFrom('dashboard_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
      .execute();
  }
}
