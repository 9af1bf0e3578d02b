/**
 * Reconcile: learn the outcome of payments left pending (or stranded by a
 * crash mid-call), of captures and voids whose outcome is unknown, and of
 * pending refunds, by asking the network about the ids recorded before the
 * call. Never by paying again: a transaction the network never received is
 * sent again under the same ids (the network performs an id once).
 */
import { afterAuthorization, sendCapture, settleCapture, settleVoid, voidAuthorization } from './charge.js';
import { failPayment, settlePayment, settleRefund } from './outcomes.js';
import { PROCESSING_STALE_MS, RECONCILE_BACKOFF_MS, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';

export async function reconcileDue(deps: PaymentDeps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  let settled = 0;
  for (const payment of await deps.payments.dueForReconciliation(now, now - PROCESSING_STALE_MS, limit)) {
    const txnId = payment.status === 'capturing' ? payment.capture_txn_id : payment.status === 'canceling' ? payment.void_txn_id : payment.pay_txn_id;
    const outcome = await deps.network.reconcilePayment(payment.network_order_ref, txnId ?? payment.pay_txn_id).catch((err) => {
      deps.logger.warn({ err, payment_id: payment.id }, 'reconciliation failed; will retry');
      return undefined;
    });
    if (outcome === undefined || outcome?.status === 'pending') {
      await deps.payments.setReconcileAfter(payment.id, now + RECONCILE_BACKOFF_MS);
      continue;
    }
    settled++;
    if (payment.status === 'capturing' || payment.status === 'canceling') {
      await settleCaptureOrVoid(deps, payment, outcome);
      continue;
    }
    if (outcome === null) await failPayment(deps, payment, payment.status, 'the card network never received the payment', 'NOT_RECEIVED');
    else if (outcome.transactionType === 'AUTHORIZATION' && outcome.status === 'succeeded')
      await afterAuthorization(deps, payment, payment.status === 'pending' ? 'pending' : 'processing', outcome);
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

/** A CAPTURE or VOID the network never received is sent again with the same ids; one it answered is settled. */
async function settleCaptureOrVoid(deps: PaymentDeps, payment: Payment, outcome: Awaited<ReturnType<PaymentDeps['network']['reconcilePayment']>>) {
  if (payment.status === 'capturing') return outcome === null ? sendCapture(deps, payment) : settleCapture(deps, payment, outcome);
  return outcome === null ? voidAuthorization(deps, payment) : settleVoid(deps, payment, outcome);
}
