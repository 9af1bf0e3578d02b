/**
 * The sweeper's part for payments: a session held by a 3-D Secure challenge
 * the customer walked away from would otherwise never expire. Once the
 * session's time is up, the challenge fails (no PAY can follow: the return
 * from the issuer compare-and-sets on `requires_action`), and the session
 * expires with `session.expired` — in the same transaction as `payment.failed`.
 */
import { failPayment } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';

export async function expireAbandoned(deps: PaymentDeps, limit = 50): Promise<number> {
  let failed = 0;
  for (const session of await deps.sessions.stalledPastTtl(limit)) {
    const payment = session.current_payment_id ? await deps.payments.findById(session.current_payment_id) : undefined;
    // A PAY in flight (processing, pending) is the reconciler's: it may have moved money.
    if (payment?.status !== 'requires_action') continue;
    const after = await failPayment(deps, payment, 'requires_action', '3-D Secure challenge abandoned past the session time', 'ABANDONED', {
      failure_reason: 'abandoned',
    });
    if (after.status === 'failed') failed++;
  }
  return failed;
}
