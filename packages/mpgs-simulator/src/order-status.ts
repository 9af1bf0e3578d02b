import type { OrderRecord, TransactionRecord } from './store.js';

/**
 * order.status, derived from the totals and the transactions rather than
 * stored, so capture / refund / void can never leave it stale.
 *
 * Money first (REFUNDED … AUTHORIZED), then what happened to the last
 * payment attempt (CANCELLED after a full void, FAILED after a decline,
 * INITIATED while the outcome is UNKNOWN), then the authentication state.
 */
export function deriveOrderStatus(order: OrderRecord): string {
  const authorized = order.totalAuthorizedMinor;
  const captured = order.totalCapturedMinor;
  const refunded = order.totalRefundedMinor;
  if (refunded > 0) return refunded >= captured ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  if (captured > 0) return captured >= authorized ? 'CAPTURED' : 'PARTIALLY_CAPTURED';
  if (authorized > 0) return 'AUTHORIZED';

  const financial = order.transactions.filter((t) => t.type === 'PAYMENT' || t.type === 'AUTHORIZATION');
  if (financial.some((t) => t.result === 'SUCCESS')) return 'CANCELLED';

  // No money moved: the latest payment attempt or authentication decides.
  const latest = latestOf(order.transactions.filter((t) => t.type === 'PAYMENT' || t.type === 'AUTHORIZATION' || t.type === 'AUTHENTICATION'));
  if (!latest) return 'INITIATED';
  if (latest.type === 'AUTHENTICATION') return latest.threeDs?.orderStatus ?? 'INITIATED';
  return latest.result === 'UNKNOWN' ? 'INITIATED' : 'FAILED';
}

function latestOf(transactions: TransactionRecord[]): TransactionRecord | undefined {
  let latest: TransactionRecord | undefined;
  for (const transaction of transactions) if (!latest || transaction.lastEvent >= latest.lastEvent) latest = transaction;
  return latest;
}

/** order.authenticationStatus: that of the latest authentication transaction. */
export function orderAuthenticationStatus(order: OrderRecord): string | undefined {
  return latestOf(order.transactions.filter((t) => t.type === 'AUTHENTICATION'))?.authenticationStatus;
}
