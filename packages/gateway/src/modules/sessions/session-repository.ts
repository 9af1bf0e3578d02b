import type { Kysely, Selectable } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { CheckoutSessionsTable, Database, SessionStatus } from '../../storage/schema.js';
import { assertSessionTransition } from './state-machine.js';

export type CheckoutSession = Selectable<CheckoutSessionsTable>;

/** Storage of checkout sessions. State changes are compare-and-set: they name the state they expect. */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: CheckoutSession): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('checkout_sessions').values(row).execute();
      await trx
        .insertInto('session_transitions')
        .values({ session_id: row.id, from_status: null, to_status: row.status, cause: 'minted', at: row.created_at })
        .execute();
    });
  }

  // Every SDK request and every collect read these (several times): built once (storage/precompiled.ts).
  readonly #byId = precompiled(
    () => this.db,
    (param) => this.db.selectFrom('checkout_sessions').selectAll().where('id', '=', param('id')),
  );
  readonly #byTokenHash = precompiled(
    () => this.db,
    (param) => this.db.selectFrom('checkout_sessions').selectAll().where('token_hash', '=', param('tokenHash')),
  );

  async findById(id: string, db: Kysely<Database> = this.db): Promise<CheckoutSession | undefined> {
    return (await this.#byId({ id }, db))[0];
  }

  async findByTokenHash(tokenHash: string): Promise<CheckoutSession | undefined> {
    return (await this.#byTokenHash({ tokenHash }))[0];
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

  /**
   * Compare-and-set of the session state: moves the session from `from` to
   * `to` only if it is still in `from` (another process may have moved it),
   * and records the transition with its cause. The state machine is asserted
   * first: an illegal transition throws, whatever the row holds. Returns
   * whether this caller won.
   */
  async transition(
    id: string,
    from: SessionStatus,
    to: SessionStatus,
    cause: string,
    at: number,
    extra: { current_payment_id?: string | null } = {},
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    assertSessionTransition(from, to);
    const result = await db
      .updateTable('checkout_sessions')
      .set({ status: to, updated_at: at, ...extra })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await db
      .insertInto('session_transitions')
      .values({ session_id: id, from_status: from, to_status: to, cause: cause.slice(0, 255), at })
      .execute();
    return true;
  }

  async transitions(sessionId: string): Promise<Array<{ from: SessionStatus | null; to: SessionStatus; cause: string; at: number }>> {
    const rows = await this.db.selectFrom('session_transitions').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
    return rows.map((r) => ({ from: r.from_status, to: r.to_status, cause: r.cause, at: Number(r.at) }));
  }

  /** Open sessions whose time is up, oldest first. */
  async dueForExpiry(now: number, limit: number): Promise<CheckoutSession[]> {
    return this.#pastTtl('open', now, limit);
  }

  /** Sessions held by an attempt (processing) whose time is up, oldest first. */
  async stalledPastTtl(now: number, limit: number): Promise<CheckoutSession[]> {
    return this.#pastTtl('processing', now, limit);
  }

  #pastTtl(status: SessionStatus, now: number, limit: number): Promise<CheckoutSession[]> {
    return this.db
      .selectFrom('checkout_sessions')
      .selectAll()
      .where('status', '=', status)
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
}
