/**
 * The lease of an in-flight attempt: while the process working on it lives,
 * a heartbeat keeps `lease_expires_at` ahead of the clock, and the reconciler
 * leaves the payment alone. A process that dies stops renewing; its lease
 * runs out after LEASE_TTL_MS and the attempt can be reconciled.
 */
import { LEASE_RENEW_MS, LEASE_TTL_MS, type PaymentDeps } from './payment-deps.js';

/** Runs `work` (the network calls of one attempt) while renewing the payment's lease. */
export async function holdingLease<T>(deps: PaymentDeps, paymentId: string, work: () => Promise<T>): Promise<T> {
  const renew = () =>
    deps.payments.renewLease(paymentId, deps.clock.now() + LEASE_TTL_MS).catch((err: unknown) => {
      deps.logger.warn({ err, payment_id: paymentId }, 'could not renew the payment lease');
    });
  const heartbeat = setInterval(renew, deps.leaseRenewMs ?? LEASE_RENEW_MS);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    await deps.payments.releaseLease(paymentId).catch((err: unknown) => {
      deps.logger.warn({ err, payment_id: paymentId }, 'could not release the payment lease');
    });
  }
}

/** The lease a new (or resumed) attempt starts with. */
export function freshLease(deps: Pick<PaymentDeps, 'clock'>): number {
  return deps.clock.now() + LEASE_TTL_MS;
}
