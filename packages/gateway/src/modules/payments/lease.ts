/**
 * The lease of an in-flight attempt: while the process working on it lives,
 * a heartbeat keeps `lease_expires_at` ahead of the clock, and the reconciler
 * leaves the payment alone. A process that dies stops renewing; its lease
 * runs out after the lease (PDIRECT_PAYMENT_LEASE_SECONDS) and the attempt can be reconciled.
 */
import { paymentTimings, type PaymentDeps } from './payment-deps.js';

/** Runs `work` (the network calls of one attempt) while renewing the payment's lease. */
export async function holdingLease<T>(deps: PaymentDeps, paymentId: string, work: () => Promise<T>): Promise<T> {
  const { leaseMs, renewMs } = paymentTimings(deps);
  const renew = () =>
    deps.payments.renewLease(paymentId, deps.clock.now() + leaseMs).catch((err: unknown) => {
      deps.logger.warn({ err, payment_id: paymentId }, 'could not renew the payment lease');
    });
  const heartbeat = setInterval(renew, renewMs);
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
export function freshLease(deps: Pick<PaymentDeps, 'clock' | 'leaseTtlMs' | 'leaseRenewMs'>): number {
  return deps.clock.now() + paymentTimings(deps).leaseMs;
}
