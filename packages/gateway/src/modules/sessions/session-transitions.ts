import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import type { SessionDeps } from './session-deps.js';
import { backUrl } from './session-navigation.js';
import type { CheckoutSession } from './session-repository.js';
import { sessionEventView } from './session-views.js';
import { isPayable } from './state-machine.js';

/**
 * Told, inside the transaction that ends it, that a session can no longer be
 * paid (expired, locked, cancelled). The payments module listens: when the
 * session had a failed attempt, it announces `payment.failed`.
 */
export type EndedUnpaidListener = (session: CheckoutSession, db: Kysely<Database>) => Promise<void>;

/**
 * The only way anyone changes a session's state: the named transitions
 * (claimForPayment, reopen, markPaid, expire, cancel, lockFingerprint,
 * markOtpVerified), each a checked compare-and-set with a history row; a
 * session that ends unpaid is announced in the same transaction.
 * SessionService (session-service.ts) is these plus the rest of the module.
 */
export class SessionTransitions {
  constructor(protected readonly deps: SessionDeps) {}

  #endedUnpaid: EndedUnpaidListener | undefined;

  /** Registers the one listener told when a session ends unpaid (the payments module, in its constructor). */
  onEndedUnpaid(listener: EndedUnpaidListener): void {
    this.#endedUnpaid = listener;
  }

  async #announceEnd(session: CheckoutSession, to: 'expired' | 'locked' | 'cancelled', now: number, db: Kysely<Database>): Promise<void> {
    const ended = { ...session, status: to, updated_at: now };
    if (to !== 'cancelled') {
      await enqueueWebhookEvent(db, {
        merchantId: session.merchant_id,
        type: to === 'locked' ? 'session.locked' : 'session.expired',
        notifyUrl: session.notify_url,
        data: { object: sessionEventView(ended) },
        at: now,
      });
    }
    await this.#endedUnpaid?.(ended, db);
  }

  /**
   * An attempt claims the session (open → processing, or processing →
   * processing once the caller has failed the abandoned challenge it
   * replaces), naming the payment. False when the session moved meanwhile.
   */
  async claimForPayment(session: CheckoutSession, paymentId: string, db?: Kysely<Database>): Promise<boolean> {
    if (!isPayable(session.status)) return false;
    return this.deps.sessions.transition(
      session.id,
      session.status,
      'processing',
      `claimed by ${paymentId}`,
      this.deps.clock.now(),
      { current_payment_id: paymentId },
      db,
    );
  }

  /**
   * A failed attempt lets go: the session reopens for another card, expires
   * if its time is up, or locks once `failedAttempts` reaches the limit
   * (card testing). Expiry and lock are announced (session.expired,
   * session.locked, and payment.failed through the listener) in the caller's
   * transaction. Answers the session's new status, undefined when the
   * attempt no longer held it.
   */
  async reopen(sessionId: string, paymentId: string, db: Kysely<Database>, failedAttempts = 0): Promise<'open' | 'expired' | 'locked' | undefined> {
    const now = this.deps.clock.now();
    const session = await this.deps.sessions.findById(sessionId, db);
    if (session?.status !== 'processing' || session.current_payment_id !== paymentId) return undefined;
    const to = session.expires_at <= now ? 'expired' : failedAttempts >= this.deps.cardDefence.declinesBeforeLock ? 'locked' : 'open';
    const cause = to === 'locked' ? `${paymentId} failed: ${failedAttempts} failed attempts, locked` : `${paymentId} failed`;
    if (!(await this.deps.sessions.transition(session.id, 'processing', to, cause, now, {}, db))) return undefined;
    if (to !== 'open') await this.#announceEnd(session, to, now, db);
    return to;
  }

  /** Sessions held by an attempt whose time is up (an abandoned 3-D Secure challenge): the sweeper fails the attempt. */
  stalledPastTtl(limit: number): Promise<CheckoutSession[]> {
    return this.deps.sessions.stalledPastTtl(this.deps.clock.now(), limit);
  }

  /** A payment of the session succeeded: paid, whatever it was doing (a late, reconciled success still counts). */
  async markPaid(sessionId: string, paymentId: string, db?: Kysely<Database>): Promise<void> {
    const now = this.deps.clock.now();
    // Bounded: each lost race means another process moved the session; paid and cancelled are final.
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = await this.deps.sessions.findById(sessionId, db);
      if (!session || !['open', 'processing', 'expired', 'authorized'].includes(session.status)) return;
      if (await this.deps.sessions.transition(sessionId, session.status, 'paid', `${paymentId} succeeded`, now, {}, db)) return;
    }
  }

  /** A payment of the session is authorized and waits for the merchant's capture: no new attempt is taken. */
  async markAuthorized(sessionId: string, paymentId: string, db?: Kysely<Database>): Promise<void> {
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = await this.deps.sessions.findById(sessionId, db);
      if (!session || !['open', 'processing', 'expired'].includes(session.status)) return;
      if (await this.deps.sessions.transition(sessionId, session.status, 'authorized', `${paymentId} authorized`, now, {}, db)) return;
    }
  }

  /** The session's authorization was voided (by the merchant, or not captured in time): the session is cancelled. */
  async cancelAuthorized(sessionId: string, cause: string, db?: Kysely<Database>): Promise<boolean> {
    return this.deps.sessions.transition(sessionId, 'authorized', 'cancelled', cause, this.deps.clock.now(), {}, db);
  }

  /** An open session whose time is up; false when it was no longer open. */
  expire(sessionId: string, db?: Kysely<Database>): Promise<boolean> {
    return this.deps.sessions.transition(sessionId, 'open', 'expired', 'time is up', this.deps.clock.now(), {}, db);
  }

  /** An open session the merchant no longer wants paid; announced (payment.failed after a failed attempt) in the same transaction. */
  async cancel(sessionId: string, cause: string, db?: Kysely<Database>): Promise<boolean> {
    const run = async (trx: Kysely<Database>): Promise<boolean> => {
      const session = await this.deps.sessions.findById(sessionId, trx);
      const now = this.deps.clock.now();
      if (session?.status !== 'open' || !(await this.deps.sessions.transition(sessionId, 'open', 'cancelled', cause, now, {}, trx))) return false;
      await this.#announceEnd(session, 'cancelled', now, trx);
      return true;
    };
    return db ? run(db) : this.deps.storage.db.transaction().execute(run);
  }

  /**
   * POST /v1/checkout/cancel: the shopper chose "Back to {merchant}". An open
   * session is cancelled (named transition open → cancelled) and announced
   * (session.cancelled) in one transaction; a session an attempt holds
   * (processing: a payment may still settle) or one already final is left as
   * it is. Either way the answer says where the shopper goes back to.
   */
  async cancelByCustomer(session: CheckoutSession): Promise<{ status: CheckoutSession['status']; redirectUrl: string }> {
    const now = this.deps.clock.now();
    let status = session.status;
    if (session.status === 'open' && session.expires_at > now) {
      await this.deps.storage.db.transaction().execute(async (trx) => {
        if (!(await this.cancel(session.id, 'cancelled by the customer', trx))) return;
        status = 'cancelled';
        await enqueueWebhookEvent(trx, {
          merchantId: session.merchant_id,
          type: 'session.cancelled',
          notifyUrl: session.notify_url,
          data: { object: sessionEventView({ ...session, status: 'cancelled', updated_at: now }) },
          at: now,
        });
      });
      if (status !== 'cancelled') status = (await this.deps.sessions.findById(session.id))?.status ?? status;
    }
    return { status, redirectUrl: backUrl(session) };
  }

  /** Locks the first device fingerprint seen; false when another request locked one first. */
  lockFingerprint(sessionId: string, fingerprint: string): Promise<boolean> {
    return this.deps.sessions.lockFingerprint(sessionId, fingerprint, this.deps.clock.now());
  }

  /** The customer proved the one-time code (OTP calls this inside its own transaction). */
  markOtpVerified(sessionId: string, at: number, db?: Kysely<Database>): Promise<void> {
    return this.deps.sessions.markOtpVerified(sessionId, at, db);
  }

  /** Expires open sessions past their time and announces each (session.expired; payment.failed after a failed attempt) in the same transaction. */
  async expireDue(limit = 100): Promise<number> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (const session of await this.deps.sessions.dueForExpiry(now, limit)) {
      await this.deps.storage.db.transaction().execute(async (trx) => {
        if (!(await this.expire(session.id, trx))) return;
        expired++;
        await this.#announceEnd(session, 'expired', now, trx);
      });
    }
    return expired;
  }
}
