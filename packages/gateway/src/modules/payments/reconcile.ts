/**
 * Reconcile: learn the outcome of payments left pending (or stranded by a
 * crash mid-call) and of pending refunds, by asking the network about the
 * ids recorded before the call. Never by paying again.
 */
import { failPayment, settlePayment, settleRefund } from './outcomes.js';
import { metrics } from '../../observability/metrics.js';
import { PROCESSING_STALE_MS, RECONCILE_BACKOFF_MS, RECONCILE_MAX_ATTEMPTS, RECONCILE_SLOW_BACKOFF_MS, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';

export async function reconcileDue(deps: PaymentDeps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  let settled = 0;
  for (const payment of await deps.payments.dueForReconciliation(now, now - PROCESSING_STALE_MS, limit)) {
    const outcome = await deps.network.reconcilePayment(payment.network_order_ref, payment.pay_txn_id).catch((err) => {
      deps.logger.warn({ err, payment_id: payment.id }, 'reconciliation failed; will retry');
      return undefined;
    });
    if (outcome === undefined || outcome?.status === 'pending') {
      await requeue(deps, payment, now, outcome?.gatewayCode ?? null);
      continue;
    }
    settled++;
    if (outcome === null) await failPayment(deps, payment, payment.status, 'the card network never received the payment', 'NOT_RECEIVED');
    else await settlePayment(deps, payment, payment.status, outcome, 'reconciled with the card network');
  }

  for (const refund of await deps.payments.pendingRefunds(now - PROCESSING_STALE_MS, limit)) {
    const payment = (await deps.payments.findById(refund.payment_id))!;
    const outcome = await deps.network.reconcilePayment(payment.network_order_ref, refund.network_txn_ref).catch(() => undefined);
    if (outcome === undefined || outcome?.status === 'pending') continue;
    settled++;
    await settleRefund(deps, payment, refund, outcome === null ? 'failed' : outcome.status, outcome?.gatewayCode ?? 'NOT_RECEIVED');
  }
  return settled;
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
  const backoff = attempts >= RECONCILE_MAX_ATTEMPTS ? RECONCILE_SLOW_BACKOFF_MS : RECONCILE_BACKOFF_MS;
  await deps.payments.requeue(payment.id, now + backoff, attempts);
}
