import { invalidField, invalidRequest, missingField } from '../errors.js';
import { randomDigits } from '../ids.js';
import { getPath } from '../mpgs-json.js';
import { touch, type TransactionRecord, type TransactionType } from '../store.js';
import { amountFor, currencyFor, newTransaction, referenceOf, requireOrder, type OperationInput, type OperationResult } from './common.js';

/**
 * CAPTURE, REFUND and VOID: operations on an existing order, always
 * approved by the simulated acquirer once the amounts add up.
 */

export function capture(input: OperationInput): OperationResult {
  const order = requireOrder(input);
  const currency = currencyFor(input, undefined, 'transaction.currency');
  const amountMinor = amountFor(input, undefined, currency, 'transaction.amount');
  const authorizations = order.transactions.filter((t) => t.type === 'AUTHORIZATION' && t.result === 'SUCCESS' && !t.voided);
  if (authorizations.length === 0) throw invalidRequest(`Order '${order.id}' has no authorization to capture`);
  const capturable = order.totalAuthorizedMinor - order.totalCapturedMinor;
  if (amountMinor > capturable) {
    throw invalidField('transaction.amount', 'Requested capture amount exceeds the authorized amount not yet captured');
  }
  const transaction = approved(input, 'CAPTURE', amountMinor, currency);
  order.totalCapturedMinor += amountMinor;
  return finish(input, transaction);
}

export function refund(input: OperationInput): OperationResult {
  const order = requireOrder(input);
  const currency = currencyFor(input, undefined, 'transaction.currency');
  const amountMinor = amountFor(input, undefined, currency, 'transaction.amount');
  const refundable = order.totalCapturedMinor - order.totalRefundedMinor;
  if (amountMinor > refundable) {
    throw invalidField('transaction.amount', 'Requested refund amount exceeds the captured amount not yet refunded');
  }
  const transaction = approved(input, 'REFUND', amountMinor, currency);
  order.totalRefundedMinor += amountMinor;
  return finish(input, transaction);
}

const VOID_TYPES: Partial<Record<TransactionType, TransactionType>> = {
  AUTHORIZATION: 'VOID_AUTHORIZATION',
  CAPTURE: 'VOID_CAPTURE',
  PAYMENT: 'VOID_PAYMENT',
  REFUND: 'VOID_REFUND',
};

/** VOID reverses one earlier approved transaction, once, if the totals allow it. */
export function voidTransaction(input: OperationInput): OperationResult {
  const order = requireOrder(input);
  const targetId = getPath(input.body, 'transaction.targetTransactionId');
  if (targetId === undefined) throw missingField('transaction.targetTransactionId');
  const field = 'transaction.targetTransactionId';
  const target = order.transactions.find((t) => t.id === targetId);
  if (!target) throw invalidField(field, `Transaction '${String(targetId)}' does not exist on order '${order.id}'`);
  const voidType = VOID_TYPES[target.type];
  if (!voidType || target.result !== 'SUCCESS') throw invalidField(field, `Transaction '${target.id}' cannot be voided`);
  if (target.voided) throw invalidField(field, `Transaction '${target.id}' has already been voided`);

  const amount = target.amountMinor;
  switch (target.type) {
    case 'AUTHORIZATION':
      if (order.totalAuthorizedMinor - amount < order.totalCapturedMinor) {
        throw invalidField(field, 'An authorization that has been captured cannot be voided; void the capture first');
      }
      order.totalAuthorizedMinor -= amount;
      break;
    case 'CAPTURE':
    case 'PAYMENT':
      if (order.totalCapturedMinor - amount < order.totalRefundedMinor) {
        throw invalidField(field, 'A capture that has been refunded cannot be voided; void the refund first');
      }
      order.totalCapturedMinor -= amount;
      if (target.type === 'PAYMENT') order.totalAuthorizedMinor -= amount;
      break;
    case 'REFUND':
      order.totalRefundedMinor -= amount;
      break;
    default:
      break;
  }
  target.voided = true;
  touch(order, target, input.ctx.now());
  const transaction = approved(input, voidType, amount, target.currency);
  transaction.targetTransactionId = target.id;
  return finish(input, transaction);
}

function approved(input: OperationInput, type: TransactionType, amountMinor: number, currency: string): TransactionRecord {
  const transaction = newTransaction(input, {
    type,
    amountMinor,
    currency,
    result: 'SUCCESS',
    gatewayCode: 'APPROVED',
    gatewayRecommendation: 'NO_ACTION',
    acquirerCode: '00',
    acquirerMessage: 'Approved',
    authorizationCode: randomDigits(6),
    receipt: randomDigits(12),
    stan: randomDigits(6),
    acquirerTransactionId: randomDigits(15),
  });
  const reference = referenceOf(input.body, 'transaction.reference');
  if (reference !== undefined) transaction.reference = reference;
  return transaction;
}

function finish(input: OperationInput, transaction: TransactionRecord): OperationResult {
  const order = requireOrder(input);
  if (order.cardView) transaction.cardView = order.cardView;
  order.transactions.push(transaction);
  touch(order, transaction, input.ctx.now());
  return { order, transaction };
}
