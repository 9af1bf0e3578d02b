/**
 * The merchant decides on an authorization (manual capture, or a review):
 * capture all or part of it, or cancel it. The sweeper cancels the ones left
 * past the capture window.
 *
 *   requires_capture → record the CAPTURE id and amount (compare-and-set) → CAPTURE → settle
 *   requires_capture → record the VOID id (compare-and-set) → VOID → settle
 *
 * The compare-and-set makes a second, concurrent capture or cancel lose
 * before any call (409 1604); an unknown outcome is answered as it stands
 * (`capturing`, `canceling`) and reconciled, never sent again under new ids.
 */
import { ApiError, invalidField } from '../../errors.js';
import { currencyCode, formatMinor, parseAmount } from '../../money.js';
import { networkTxnId, sendCapture, voidAuthorization } from './charge.js';
import { paymentTimings, type PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import type { CaptureInput } from './payment-schemas.js';

const AMOUNT_PROBLEMS = {
  precision: 'has more decimals than the currency allows',
  zero: 'must be greater than zero',
  format: 'a decimal string such as "5.00"',
  too_large: 'a decimal string such as "5.00"',
} as const;

function notCapturable(payment: Payment, action: 'captured' | 'canceled'): ApiError {
  const detail = payment.status === 'capturing' ? 'a capture is in flight' : payment.status === 'canceling' ? 'a cancellation is in flight' : payment.status;
  return new ApiError('1604', `payment ${payment.id} is ${detail}; only a requires_capture payment can be ${action}`);
}

export async function capture(deps: PaymentDeps, payment: Payment, input: CaptureInput): Promise<Payment> {
  if (payment.status !== 'requires_capture') throw notCapturable(payment, 'captured');
  const code = currencyCode(payment.currency)!;
  let minor = payment.amount_minor;
  if (input.amount !== undefined) {
    const parsed = parseAmount(input.amount, code);
    if ('problem' in parsed) throw invalidField('amount', AMOUNT_PROBLEMS[parsed.problem]);
    if (parsed.minor > payment.amount_minor) throw invalidField('amount', `exceeds the authorized amount (${payment.amount} ${payment.currency})`);
    minor = parsed.minor;
  }
  const now = deps.clock.now();
  const started = await deps.payments.transition(payment.id, 'requires_capture', 'capturing', `capture of ${formatMinor(minor, code)} requested`, now, {
    capture_txn_id: networkTxnId('capture'),
    capture_requested_minor: minor,
    reconcile_after: now + paymentTimings(deps).reconcileBackoffMs,
  });
  if (!started) throw notCapturable((await deps.payments.findById(payment.id))!, 'captured');
  const settled = await sendCapture(deps, (await deps.payments.findById(payment.id))!);
  if (settled.status === 'requires_capture') throw new ApiError('1601', 'the card network refused the capture; the authorization still stands');
  return settled;
}

export async function cancel(deps: PaymentDeps, payment: Payment, cause = 'canceled by the merchant'): Promise<Payment> {
  if (payment.status !== 'requires_capture') throw notCapturable(payment, 'canceled');
  const now = deps.clock.now();
  const started = await deps.payments.transition(payment.id, 'requires_capture', 'canceling', cause, now, {
    void_txn_id: networkTxnId('void'),
    reconcile_after: now + paymentTimings(deps).reconcileBackoffMs,
  });
  if (!started) throw notCapturable((await deps.payments.findById(payment.id))!, 'canceled');
  const settled = await voidAuthorization(deps, (await deps.payments.findById(payment.id))!);
  if (settled.status === 'requires_capture') throw new ApiError('1601', 'the card network refused to void the authorization; it still stands');
  return settled;
}

/** The sweeper: authorizations not captured within the capture window are voided (payment.canceled). */
export async function voidExpiredAuthorizations(deps: PaymentDeps, limit = 50): Promise<number> {
  let voided = 0;
  for (const payment of await deps.payments.uncapturedBefore(deps.clock.now(), limit)) {
    try {
      const after = await cancel(deps, payment, 'not captured within the capture window');
      if (after.status === 'canceled') voided++;
    } catch (err) {
      // Lost to a concurrent capture or cancel, or refused: the next sweep looks again.
      deps.logger.warn({ err, payment_id: payment.id }, 'voiding an uncaptured authorization failed');
    }
  }
  return voided;
}
