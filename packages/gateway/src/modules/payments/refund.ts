/**
 * Refund: full (no amount) or partial, never above what was captured, even
 * under concurrent requests. The amount is reserved and the refund recorded
 * (with its network id) in one transaction before the network is called; a
 * refused refund gives the amount back; an unknown outcome stays pending and
 * is reconciled.
 */
import { NetworkRejected, type PaymentOutcome } from '../../connectors/card-network.js';
import { ApiError, invalidField } from '../../errors.js';
import { newId } from '../../ids.js';
import { currencyCode, formatMinor, parseAmount } from '../../money.js';
import { settleRefund } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment, Refund } from './payment-repository.js';
import type { RefundInput } from './payment-schemas.js';

const AMOUNT_PROBLEMS = {
  precision: 'has more decimals than the currency allows',
  zero: 'must be greater than zero',
  format: 'a decimal string such as "5.00"',
  too_large: 'a decimal string such as "5.00"',
} as const;

export async function refund(deps: PaymentDeps, payment: Payment, input: RefundInput): Promise<Refund> {
  if (payment.status !== 'succeeded') {
    throw new ApiError('1010', `payment ${payment.id} is ${payment.status}; only a succeeded payment can be refunded`);
  }
  const code = currencyCode(payment.currency)!;
  let minor = payment.amount_captured_minor - payment.amount_refunded_minor;
  if (input.amount !== undefined) {
    const parsed = parseAmount(input.amount, code);
    if ('problem' in parsed) throw invalidField('amount', AMOUNT_PROBLEMS[parsed.problem]);
    minor = parsed.minor;
  }

  const now = deps.clock.now();
  const id = newId('re');
  const pending: Refund = {
    id,
    payment_id: payment.id,
    merchant_id: payment.merchant_id,
    amount: formatMinor(minor, code),
    amount_minor: minor,
    currency: payment.currency,
    status: 'pending',
    network_txn_ref: id,
    gateway_code: null,
    created_at: now,
    updated_at: now,
  };
  const reserved = await deps.storage.db.transaction().execute(async (trx) => {
    if (minor <= 0 || !(await deps.payments.reserveRefund(payment.id, minor, trx))) return false;
    await deps.payments.insertRefund(pending, trx);
    return true;
  });
  if (!reserved) {
    const left = formatMinor(Math.max(0, payment.amount_captured_minor - payment.amount_refunded_minor), code);
    throw invalidField('amount', `exceeds what can still be refunded (${left} ${payment.currency})`);
  }

  let outcome: PaymentOutcome;
  try {
    outcome = await deps.network.refund({
      orderId: payment.network_order_ref,
      refundTransactionId: pending.network_txn_ref,
      amount: pending.amount,
      currency: code,
    });
  } catch (err) {
    if (!(err instanceof NetworkRejected)) throw err; // transport trouble: the refund stays pending and is reconciled
    await settleRefund(deps, payment, pending, 'failed', err.reason);
    throw new ApiError('1601', `refund refused by the card network (${err.reason})`);
  }
  return settleRefund(deps, payment, pending, outcome.status, outcome.gatewayCode);
}
