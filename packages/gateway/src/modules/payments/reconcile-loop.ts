/**
 * Reconciliation in the background: at start, then every RECONCILE_INTERVAL_MS,
 * (one lease, PDIRECT_PAYMENT_LEASE_SECONDS) in every long-running process (`serve` and `pdirect worker`). Several
 * processes may run it at once: every settlement is a compare-and-set, and a
 * payment a live process holds (lease) is skipped.
 */
import type { Logger } from 'pino';
import { startPeriodic } from '../../periodic.js';
import { LEASE_TTL_MS } from './payment-deps.js';
import type { PaymentService } from './payment-service.js';

export const RECONCILE_INTERVAL_MS = LEASE_TTL_MS;

export function startReconciling(payments: PaymentService, logger: Logger, intervalMs = RECONCILE_INTERVAL_MS): { stop(): Promise<void> } {
  return startPeriodic(
    'reconcile-payments',
    intervalMs,
    async () => {
      const settled = (await payments.reconcile()).filter((e) => e.result === 'succeeded' || e.result === 'failed');
      if (settled.length > 0) logger.info({ settled }, 'reconciled with the card network');
    },
    logger,
    { immediately: true },
  );
}
