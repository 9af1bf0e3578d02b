import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, PaymentsTable, RefundsTable } from '../../storage/schema.js';
import type { RiskAction, RiskLevel } from '../risk/types.js';
import { assertTransition, type PaymentStatus } from './state-machine.js';

export type Payment = Omit<Selectable<PaymentsTable>, 'status'> & { status: PaymentStatus };
export type Refund = Selectable<RefundsTable>;
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

/** Every way a decimal amount may have been written with 0–3 decimals ("12.5" → 12.5, 12.50, 12.500): the amount as the merchant sent it. */
export function amountSpellings(amount: string): string[] {
  const [whole = '', fraction = ''] = amount.split('.');
  const significant = fraction.replace(/0+$/, '');
  const spellings = [];
  for (let places = significant.length; places <= 3; places++) spellings.push(places === 0 ? whole : `${whole}.${significant.padEnd(places, '0')}`);
  return spellings;
}

/** Storage of payments, their transition history and refunds. Every status change is a checked compare-and-set. */
export class PaymentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(payment: Payment, cause: string, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('payments').values(payment).execute();
    await db
      .insertInto('payment_transitions')
      .values({ payment_id: payment.id, from_status: null, to_status: payment.status, cause, at: payment.created_at })
      .execute();
  }

  async findById(id: string, db: Kysely<Database> = this.db): Promise<Payment | undefined> {
    return (await db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst()) as Payment | undefined;
  }

  /** How many attempts on this checkout session have failed (the card-testing lock counts them). */
  async countFailed(sessionId: string, db: Kysely<Database> = this.db): Promise<number> {
    const row = await db
      .selectFrom('payments')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('session_id', '=', sessionId)
      .where('status', '=', 'failed')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async listByOrderId(merchantId: string, orderId: string): Promise<Payment[]> {
    return (await this.db
      .selectFrom('payments')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('order_id', '=', orderId)
      .orderBy('created_at', 'desc')
      .execute()) as Payment[];
  }

  /**
   * Moves a payment from `from` to `to` only if it is still in `from`
   * (another process may have moved it), recording the transition.
   * Returns false when this caller lost the race.
   */
  async transition(
    id: string,
    from: PaymentStatus,
    to: PaymentStatus,
    cause: string,
    at: number,
    changes: Omit<Updateable<PaymentsTable>, 'id' | 'status' | 'updated_at'> = {},
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    assertTransition(from, to);
    const result = await db
      .updateTable('payments')
      // Only a payment waiting for the payer has a 3-D Secure step.
      .set({ ...(to === 'requires_action' ? {} : { three_ds_step: null }), ...changes, status: to, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await db.insertInto('payment_transitions').values({ payment_id: id, from_status: from, to_status: to, cause, at }).execute();
    return true;
  }

  async transitions(paymentId: string): Promise<Array<{ from: string | null; to: string; cause: string; at: number }>> {
    const rows = await this.db.selectFrom('payment_transitions').selectAll().where('payment_id', '=', paymentId).orderBy('id').execute();
    return rows.map((r) => ({ from: r.from_status, to: r.to_status, cause: r.cause, at: r.at }));
  }

  /**
   * Payments whose outcome must be learned from the network: pending ones that are due, processing ones left
   * behind by a crash, and captures or voids whose outcome is unknown (or whose process died mid-call).
   * Never one whose lease a live process still holds.
   */
  async dueForReconciliation(now: number, staleProcessingBefore: number, limit: number): Promise<Payment[]> {
    return (await this.db
      .selectFrom('payments')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', 'in', ['pending', 'capturing', 'canceling']), eb('reconcile_after', '<=', now)]),
          eb.and([
            eb('status', '=', 'processing'),
            eb('updated_at', '<=', staleProcessingBefore),
            eb.or([eb('reconcile_after', 'is', null), eb('reconcile_after', '<=', now)]),
          ]),
        ]),
      )
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
      .orderBy('updated_at')
      .limit(limit)
      .execute()) as Payment[];
  }

  /** The live attempt's heartbeat: only while the payment is still processing. */
  async renewLease(id: string, until: number): Promise<void> {
    await this.db.updateTable('payments').set({ lease_expires_at: until }).where('id', '=', id).where('status', '=', 'processing').execute();
  }

  /** The attempt's process is done with it (whatever state it left). */
  async releaseLease(id: string): Promise<void> {
    await this.db.updateTable('payments').set({ lease_expires_at: null }).where('id', '=', id).execute();
  }

  /** A history row that changes no status (e.g. a late charge reversed on a failed payment). */
  async note(paymentId: string, status: PaymentStatus, cause: string, at: number): Promise<void> {
    await this.db.insertInto('payment_transitions').values({ payment_id: paymentId, from_status: status, to_status: status, cause, at }).execute();
  }

  /** Authorizations still waiting for their capture past their window (the sweeper voids them). */
  async uncapturedBefore(now: number, limit: number): Promise<Payment[]> {
    return (await this.db
      .selectFrom('payments')
      .selectAll()
      .where('status', '=', 'requires_capture')
      .where('capture_before', '<=', now)
      .orderBy('capture_before')
      .limit(limit)
      .execute()) as Payment[];
  }

  async setReconcileAfter(id: string, at: number): Promise<void> {
    await this.db.updateTable('payments').set({ reconcile_after: at }).where('id', '=', id).execute();
  }

  /** One more reconciliation round without a final answer; returns how many there have been. */
  async requeue(id: string, at: number, attempts: number): Promise<void> {
    await this.db.updateTable('payments').set({ reconcile_after: at, reconcile_attempts: attempts }).where('id', '=', id).execute();
  }

  /** Reserves `minor` of the captured amount for a refund; false when it would exceed what was captured (a partial capture bounds it). */
  async reserveRefund(paymentId: string, minor: number, db: Kysely<Database> = this.db): Promise<boolean> {
    const result = await db
      .updateTable('payments')
      .set((eb) => ({ amount_refunded_minor: eb('amount_refunded_minor', '+', minor) }))
      .where('id', '=', paymentId)
      .where('status', '=', 'succeeded')
      .where((eb) => eb(eb('amount_refunded_minor', '+', minor), '<=', eb.ref('amount_captured_minor')))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseRefund(paymentId: string, minor: number, db: Kysely<Database> = this.db): Promise<void> {
    await db
      .updateTable('payments')
      .set((eb) => ({ amount_refunded_minor: eb('amount_refunded_minor', '-', minor) }))
      .where('id', '=', paymentId)
      .execute();
  }

  async insertRefund(refund: Refund, db: Kysely<Database> = this.db): Promise<void> {
    await db.insertInto('refunds').values(refund).execute();
  }

  async settleRefund(
    id: string,
    to: Exclude<RefundStatus, 'pending'>,
    gatewayCode: string | null,
    at: number,
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable('refunds')
      .set({ status: to, gateway_code: gatewayCode, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async refundsOf(paymentId: string): Promise<Refund[]> {
    return this.db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute();
  }

  async pendingRefunds(olderThan: number, limit: number): Promise<Refund[]> {
    return this.db.selectFrom('refunds').selectAll().where('status', '=', 'pending').where('updated_at', '<=', olderThan).limit(limit).execute();
  }

  /** Dashboard search, newest first: `text` matches a payment id, order id or customer reference exactly. */
  async search(
    merchantId: string,
    filters: { text?: string; status?: string; from?: number; to?: number; riskLevel?: RiskLevel; riskAction?: RiskAction; amount?: string },
    limit: number,
    offset: number,
  ): Promise<{ rows: Payment[]; total: number }> {
    let query = this.db.selectFrom('payments').where('merchant_id', '=', merchantId);
    // `risk` is the JSON the screening stored (JSON.stringify: no spaces; a quote inside a reason is escaped, so it never matches).
    if (filters.riskLevel) query = query.where('risk', 'like', `%"level":"${filters.riskLevel}"%`);
    if (filters.riskAction) query = query.where('risk', 'like', `%"action":"${filters.riskAction}"%`);
    if (filters.text)
      query = query.where((eb) => eb.or([eb('id', '=', filters.text!), eb('order_id', '=', filters.text!), eb('customer_reference', '=', filters.text!)]));
    if (filters.status) query = query.where('status', '=', filters.status);
    if (filters.amount) query = query.where('amount', 'in', amountSpellings(filters.amount));
    if (filters.from !== undefined) query = query.where('created_at', '>=', filters.from);
    if (filters.to !== undefined) query = query.where('created_at', '<', filters.to);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows: rows as Payment[], total: Number(count.n) };
  }

  /** Dashboard charts: payments since `since`, grouped by time bucket, status and currency; and failures by gateway code. */
  async statsSince(merchantId: string, since: number, bucketMs: number) {
    // Inlined integers (computed here, never input), so SELECT and GROUP BY are the same expression on PostgreSQL.
    const bucket = sql<number | string>`(created_at - ${sql.lit(Math.trunc(since))}) / ${sql.lit(Math.trunc(bucketMs))}`;
    const series = await this.db
      .selectFrom('payments')
      .select([
        bucket.as('bucket'),
        'status',
        'currency',
        (eb) => eb.fn.countAll<number | string>().as('count'),
        (eb) => eb.fn.sum<number | string>('amount_minor').as('minor'),
      ])
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>=', since)
      .groupBy([bucket, 'status', 'currency'])
      .execute();
    const declines = await this.db
      .selectFrom('payments')
      .select(['gateway_code', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('merchant_id', '=', merchantId)
      .where('created_at', '>=', since)
      .where('status', '=', 'failed')
      .groupBy('gateway_code')
      .execute();
    return {
      series: series.map((r) => ({
        bucket: Math.floor(Number(r.bucket)),
        status: r.status,
        currency: r.currency,
        count: Number(r.count),
        minor: Number(r.minor ?? 0),
      })),
      declines: declines.map((r) => ({ code: r.gateway_code, count: Number(r.count) })),
    };
  }
}
