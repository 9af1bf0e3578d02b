import type { Kysely, Selectable } from 'kysely';
import type { CheckoutSessionsTable, Database, SessionStatus } from '../../storage/schema.js';

export type CheckoutSession = Selectable<CheckoutSessionsTable>;

/** Storage of checkout sessions. State changes are compare-and-set: they name the state they expect. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: CheckoutSession): Promise<void> {
    await this.db.insertInto('checkout_sessions').values(row).execute();
  }

  async findById(id: string, db: Kysely<Database> = this.db): Promise<CheckoutSession | undefined> {
    return db.selectFrom('checkout_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByTokenHash(tokenHash: string): Promise<CheckoutSession | undefined> {
    return this.db.selectFrom('checkout_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async findByOrderId(merchantId: string, orderId: string): Promise<CheckoutSession | undefined> {
    return this.db.selectFrom('checkout_sessions').selectAll().where('merchant_id', '=', merchantId).where('order_id', '=', orderId).executeTakeFirst();
  }

  /** Locks the first fingerprint; false when another request locked one first. */
  async lockFingerprint(id: string, fingerprint: string, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('checkout_sessions')
      .set({ device_fingerprint: fingerprint, updated_at: at })
      .where('id', '=', id)
      .where('device_fingerprint', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markOtpVerified(id: string, at: number, db: Kysely<Database> = this.db): Promise<void> {
    await db.updateTable('checkout_sessions').set({ otp_verified_at: at, updated_at: at }).where('id', '=', id).execute();
  }

  /** Compare-and-set of the session state; returns whether this caller won. */
  async transition(
    id: string,
    from: SessionStatus | SessionStatus[],
    to: SessionStatus,
    at: number,
    extra: { current_payment_id?: string | null } = {},
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable('checkout_sessions')
      .set({ status: to, updated_at: at, ...extra })
      .where('id', '=', id)
      .where('status', 'in', [from].flat())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Open sessions whose time is up, oldest first. */
  async dueForExpiry(now: number, limit: number): Promise<CheckoutSession[]> {
    return this.db
      .selectFrom('checkout_sessions')
      .selectAll()
      .where('status', '=', 'open')
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
}
