import { invalidField, missingField } from '../errors.js';
import { randomDigits } from '../ids.js';
import { getPath } from '../mpgs-json.js';
import { consumeSessionCsc } from '../sessions.js';
import { touch, type OrderRecord, type TransactionRecord } from '../store.js';
import { PAYMENT_RESPONSES, paymentOutcomeForExpiry, type PaymentGatewayCode } from '../test-cards.js';
import {
  amountFor,
  assertSessionOrder,
  cardFor,
  cardSecurityCodeFor,
  cardViewOf,
  currencyFor,
  newTransaction,
  orderFor,
  referenceOf,
  sessionFromBody,
  type OperationInput,
  type OperationResult,
} from './common.js';

/**
 * PAY (authorise + capture) and AUTHORIZE. The outcome comes from the test
 * card's expiry (test-cards.ts), unless 3-D Secure blocks it first:
 * once 3DS has been started on the order, the payment must rest on an
 * authentication that ended with gatewayRecommendation PROCEED
 * (successful, attempted, or unavailable); otherwise it is declined with
 * gatewayCode AUTHENTICATION_FAILED and never reaches the acquirer.
 */
export function pay(input: OperationInput): OperationResult {
  return performPayment(input, 'PAYMENT');
}

export function authorize(input: OperationInput): OperationResult {
  return performPayment(input, 'AUTHORIZATION');
}

function performPayment(input: OperationInput, type: 'PAYMENT' | 'AUTHORIZATION'): OperationResult {
  const session = sessionFromBody(input);
  const card = cardFor(input, session);
  const currency = currencyFor(input, session, 'order.currency');
  const amountMinor = amountFor(input, session, currency, 'order.amount');
  assertSessionOrder(session, currency, amountMinor);
  const order = orderFor(input, currency);
  const authentication = authenticationFor(input, order);

  const blocked = authentication.blocked;
  const gatewayCode: PaymentGatewayCode | 'AUTHENTICATION_FAILED' = blocked
    ? 'AUTHENTICATION_FAILED'
    : paymentOutcomeForExpiry(Number(card.expiryMonth), Number(card.expiryYear), input.ctx.now());
  const response = PAYMENT_RESPONSES[gatewayCode];
  const approved = gatewayCode === 'APPROVED';
  const csc = blocked ? undefined : cardSecurityCodeFor(card, order);

  const transaction = newTransaction(input, {
    type,
    amountMinor,
    currency,
    result: response.result,
    gatewayCode,
    gatewayRecommendation: response.recommendation,
    ...(response.acquirerCode ? { acquirerCode: response.acquirerCode } : {}),
    ...(response.acquirerMessage ? { acquirerMessage: response.acquirerMessage } : {}),
    ...(csc ? { cardSecurityCode: csc } : {}),
    cardView: cardViewOf(card),
    authenticationStatus: authentication.transaction?.authenticationStatus ?? 'AUTHENTICATION_NOT_IN_EFFECT',
    ...(authentication.transaction ? { authenticationTransactionId: authentication.transaction.id } : {}),
    ...(response.acquirerCode ? { stan: randomDigits(6), acquirerTransactionId: randomDigits(15) } : {}),
    ...(approved ? { authorizationCode: randomDigits(6), receipt: randomDigits(12) } : {}),
  });
  const reference = referenceOf(input.body, 'transaction.reference');
  if (reference !== undefined) transaction.reference = reference;

  if (approved) {
    order.totalAuthorizedMinor += amountMinor;
    if (type === 'PAYMENT') order.totalCapturedMinor += amountMinor;
  }
  order.amountMinor ??= amountMinor;
  order.reference ??= referenceOf(input.body, 'order.reference');
  order.cardView = cardViewOf(card);
  if (csc) order.cardSecurityCode ??= csc;
  order.transactions.push(transaction);
  touch(order, transaction, input.ctx.now());
  return { order, transaction, afterCommit: () => session && consumeSessionCsc(input.ctx, session) };
}

/**
 * Which authentication the payment rests on, and whether 3DS blocks it.
 * An explicit authentication.transactionId must name an AUTHENTICATION
 * transaction of this order; it is required once the order has one (MISSING
 * otherwise). No authentication at all → not in effect, not blocked.
 */
function authenticationFor(input: OperationInput, order: OrderRecord): { transaction?: TransactionRecord; blocked: boolean } {
  const referenced = getPath(input.body, 'authentication.transactionId');
  let authentication: TransactionRecord | undefined;
  if (referenced !== undefined) {
    authentication = order.transactions.find((t) => t.id === referenced && t.type === 'AUTHENTICATION');
    if (!authentication) {
      throw invalidField('authentication.transactionId', `No authentication transaction '${String(referenced)}' on order '${order.id}'`);
    }
  } else if (order.transactions.some((t) => t.type === 'AUTHENTICATION')) {
    // The payer was authenticated (or authentication was attempted) on this order: the
    // payment must name that authentication, whatever its outcome — even "unavailable".
    throw missingField(
      'authentication.transactionId',
      `Missing parameter value for 'authentication.transactionId': order '${order.id}' has an authentication transaction`,
    );
  }
  if (!authentication) return { blocked: false };
  const finished = authentication.authenticationStatus !== 'AUTHENTICATION_AVAILABLE' && authentication.authenticationStatus !== 'AUTHENTICATION_PENDING';
  const proceed = finished && authentication.gatewayRecommendation === 'PROCEED';
  return { transaction: authentication, blocked: !proceed };
}
