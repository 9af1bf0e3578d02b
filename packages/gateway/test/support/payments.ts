import type { TestGateway } from './gateway.js';

/** An attempt as a process that died mid-collect leaves it (see insertProcessingPayment). */
export interface ProcessingAttempt {
  /** The payment id, also its order reference at the network. */
  id: string;
  sessionId: string;
  hostedSessionId: string;
  /** created_at and updated_at. */
  at: number;
  /** Null (left out) when no live process held the attempt. */
  leaseExpiresAt?: number;
  attemptDeadlineAt?: number;
}

/**
 * Writes what a crash leaves behind, as no API call can: a `processing`
 * payment on the session with its network ids recorded (order reference =
 * the payment id, auth-1, pay-1) but no outcome stored, and the session
 * claimed by it. The amount and references are the session's; the card,
 * codes and timers not given are null, as the table defaults them.
 */
export async function insertProcessingPayment(gw: TestGateway, attempt: ProcessingAttempt): Promise<void> {
  const db = gw.services.storage.db;
  const session = await db.selectFrom('checkout_sessions').selectAll().where('id', '=', attempt.sessionId).executeTakeFirstOrThrow();
  const { merchant_id, order_id, amount, amount_minor, currency, customer_reference } = session;
  await db
    .insertInto('payments')
    .values({
      id: attempt.id,
      session_id: session.id,
      merchant_id,
      order_id,
      amount,
      amount_minor,
      currency,
      customer_reference,
      status: 'processing',
      hosted_session_id: attempt.hostedSessionId,
      network: 'mpgs',
      network_order_ref: attempt.id,
      auth_txn_id: 'auth-1',
      pay_txn_id: 'pay-1',
      amount_refunded_minor: 0,
      lease_expires_at: attempt.leaseExpiresAt ?? null,
      attempt_deadline_at: attempt.attemptDeadlineAt ?? null,
      created_at: attempt.at,
      updated_at: attempt.at,
    })
    .execute();
  await db.updateTable('checkout_sessions').set({ status: 'processing', current_payment_id: attempt.id }).where('id', '=', session.id).execute();
}
