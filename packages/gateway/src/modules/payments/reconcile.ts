/**
 * Reconcile: learn the outcome of payments left pending (or stranded by a
 * crash mid-call), of captures and voids whose outcome is unknown, and of
 * pending refunds, by asking the network about the ids recorded before the
 * call. Never by paying again: a CAPTURE or VOID the network never received
 * is sent again under the same ids (the network performs an id once).
 *
 * Never "not charged" while the attempt may still be in flight: a payment
 * whose lease a live process holds is not even looked at, and "the network
 * has no such transaction" means "not yet" until the attempt's own deadline
 * (the connector's worst case) has passed.
 */
import type { Payment, Refund } from './payment-repository.js';
import { afterAuthorization, sendCapture, settleCapture, settleVoid, voidAuthorization } from './charge.js';
import { failPayment, settlePayment, settleRefund } from './outcomes.js';
import { metrics } from '../../observability/metrics.js';
import { paymentTimings, refundStaleMs, RECONCILE_MAX_ATTEMPTS, RECONCILE_SLOW_BACKOFF_MS, type PaymentDeps } from './payment-deps.js';

/** One line of what a reconciliation pass did (printed by `pdirect reconcile`). */
export interface ReconcileEntry {
  kind: 'payment' | 'refund';
  id: string;
  payment_id: string;
  /** `succeeded` / `failed`: settled now; `waiting`: the network does not know it yet (deadline not passed) or is still pending; `error`: could not ask. */
  result: 'succeeded' | 'failed' | 'waiting' | 'error';
  detail: string;
}

export async function reconcileReport(deps: PaymentDeps, limit = 50): Promise<ReconcileEntry[]> {
  const now = deps.clock.now();
  const entries: ReconcileEntry[] = [];
  for (const payment of await deps.payments.dueForReconciliation(now, now - paymentTimings(deps).processingStaleMs, limit)) {
    entries.push(await reconcilePayment(deps, payment, now));
  }
  for (const refund of await deps.payments.pendingRefunds(now - refundStaleMs(deps), limit)) {
    entries.push(await reconcileRefund(deps, refund));
  }
  return entries;
}

/** How many payments and refunds a pass settled. */
export async function reconcileDue(deps: PaymentDeps, limit = 50): Promise<number> {
  return (await reconcileReport(deps, limit)).filter((e) => e.result === 'succeeded' || e.result === 'failed').length;
}

async function reconcilePayment(deps: PaymentDeps, payment: Payment, now: number): Promise<ReconcileEntry> {
  const entry = (result: ReconcileEntry['result'], detail: string): ReconcileEntry => ({
    kind: 'payment',
    id: payment.id,
    payment_id: payment.id,
    result,
    detail,
  });
  const txnId = payment.status === 'capturing' ? payment.capture_txn_id : payment.status === 'canceling' ? payment.void_txn_id : payment.pay_txn_id;
  const outcome = await deps.network.reconcilePayment(payment.network_order_ref, txnId ?? payment.pay_txn_id).catch((err) => {
    deps.logger.warn({ err, payment_id: payment.id }, 'reconciliation failed; will retry');
    return undefined;
  });
  if (outcome === undefined || outcome?.status === 'pending') {
    await requeue(deps, payment, now, outcome?.gatewayCode ?? null);
    return outcome === undefined ? entry('error', 'the card network could not be asked') : entry('waiting', 'the card network says pending');
  }
  if (payment.status === 'capturing' || payment.status === 'canceling') {
    await settleCaptureOrVoid(deps, payment, outcome);
    const after = (await deps.payments.findById(payment.id))!;
    return entry(
      resultOf(after),
      `${payment.status}: ${outcome === null ? 'sent again under the same id' : `reconciled: ${outcome.gatewayCode ?? outcome.status}`}`,
    );
  }
  if (outcome === null) {
    if (payment.attempt_deadline_at !== null && now < payment.attempt_deadline_at) {
      // Not found YET: a request of this attempt may still be on its way to the network.
      await deps.payments.setReconcileAfter(payment.id, Math.min(payment.attempt_deadline_at, now + paymentTimings(deps).reconcileBackoffMs));
      return entry('waiting', `not at the card network yet; the attempt may still arrive until ${new Date(payment.attempt_deadline_at).toISOString()}`);
    }
    const failed = await failPayment(deps, payment, payment.status, 'the card network never received the payment', 'NOT_RECEIVED');
    return entry(resultOf(failed), 'the card network never received the payment');
  }
  const settled =
    outcome.transactionType === 'AUTHORIZATION' && outcome.status === 'succeeded'
      ? await afterAuthorization(deps, payment, payment.status === 'pending' ? 'pending' : 'processing', outcome)
      : await settlePayment(deps, payment, payment.status, outcome, 'reconciled with the card network');
  return entry(resultOf(settled), `reconciled: ${outcome.gatewayCode ?? outcome.status}`);
}

function resultOf(payment: Payment): ReconcileEntry['result'] {
  // An authorization now waiting for the merchant, or a voided one, is settled too.
  if (payment.status === 'succeeded' || payment.status === 'requires_capture') return 'succeeded';
  if (payment.status === 'failed' || payment.status === 'canceled') return 'failed';
  return 'waiting';
}

async function reconcileRefund(deps: PaymentDeps, refund: Refund): Promise<ReconcileEntry> {
  const entry = (result: ReconcileEntry['result'], detail: string): ReconcileEntry => ({
    kind: 'refund',
    id: refund.id,
    payment_id: refund.payment_id,
    result,
    detail,
  });
  const payment = (await deps.payments.findById(refund.payment_id))!;
  const outcome = await deps.network.reconcilePayment(payment.network_order_ref, refund.network_txn_ref).catch(() => undefined);
  if (outcome === undefined) return entry('error', 'the card network could not be asked');
  if (outcome?.status === 'pending') return entry('waiting', 'the card network says pending');
  const status = outcome === null ? 'failed' : outcome.status;
  await settleRefund(deps, payment, refund, status, outcome?.gatewayCode ?? 'NOT_RECEIVED');
  return entry(status, outcome === null ? 'the card network never received the refund' : `reconciled: ${outcome.gatewayCode ?? status}`);
}

/**
 * Bounded re-queue: RECONCILE_MAX_ATTEMPTS fast rounds, then one alert (error log and
 * pdirect_reconcile_exhausted_total) and hourly rounds. The payment stays pending: an
 * outcome the network has not decided is never turned into a failure here.
 */
async function requeue(deps: PaymentDeps, payment: Payment, now: number, gatewayCode: string | null): Promise<void> {
  const attempts = payment.reconcile_attempts + 1;
  if (attempts === RECONCILE_MAX_ATTEMPTS) {
    metrics.reconcileExhausted();
    deps.logger.error(
      { payment_id: payment.id, network: payment.network, attempts, gateway_code: gatewayCode, alert: 'reconcile_exhausted' },
      'payment outcome still undecided after the reconciliation rounds; check it with the card network',
    );
  }
  const backoff = attempts >= RECONCILE_MAX_ATTEMPTS ? RECONCILE_SLOW_BACKOFF_MS : paymentTimings(deps).reconcileBackoffMs;
  await deps.payments.requeue(payment.id, now + backoff, attempts);
}

/** A CAPTURE or VOID the network never received is sent again with the same ids; one it answered is settled. */
async function settleCaptureOrVoid(deps: PaymentDeps, payment: Payment, outcome: Awaited<ReturnType<PaymentDeps['network']['reconcilePayment']>>) {
  if (payment.status === 'capturing') return outcome === null ? sendCapture(deps, payment) : settleCapture(deps, payment, outcome);
  return outcome === null ? voidAuthorization(deps, payment) : settleVoid(deps, payment, outcome);
}
