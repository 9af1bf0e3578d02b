import { CARD_FIELD_PATHS, maskedCardView, validateCard, type CardFieldKey, type StoredCard } from '../card-input.js';
import type { SimulatorContext } from '../context.js';
import { invalidField, invalidRequest, missingField } from '../errors.js';
import { isKnownCurrency, parseAmountToMinor } from '../money.js';
import { getPath, isPlainObject } from '../mpgs-json.js';
import { requireSession } from '../sessions.js';
import { CSC_NOT_PRESENT, cscResultFor } from '../test-cards.js';
import type { OrderRecord, SessionRecord, TransactionRecord, TransactionType } from '../store.js';

/** Everything one transaction PUT works with. `order` is a private copy: it is stored only if the operation succeeds. */
export interface OperationInput {
  ctx: SimulatorContext;
  merchantId: string;
  apiVersion: string;
  orderId: string;
  transactionId: string;
  body: Record<string, unknown>;
  order: OrderRecord | undefined;
  /** The transaction with this id already on the order (INITIATE → AUTHENTICATE_PAYER). */
  existing: TransactionRecord | undefined;
}

export interface OperationResult {
  order: OrderRecord;
  transaction: TransactionRecord;
  /** Side effects on sessions / challenges, run only once the order is stored. */
  afterCommit?: () => void;
}

export function sessionFromBody(input: OperationInput): SessionRecord | undefined {
  const id = getPath(input.body, 'session.id');
  if (id === undefined) return undefined;
  return requireSession(input.ctx, input.merchantId, id, input.apiVersion);
}

/** The card of the request: from the session, or given directly in sourceOfFunds.provided.card. */
export function cardFor(input: OperationInput, session: SessionRecord | undefined): StoredCard {
  const direct = getPath(input.body, 'sourceOfFunds.provided.card');
  if (direct !== undefined) {
    if (!isPlainObject(direct)) throw invalidField('sourceOfFunds.provided.card', 'Invalid card details');
    const validation = validateCard(
      {
        number: direct.number,
        expiryMonth: getPath(direct, 'expiry.month'),
        expiryYear: getPath(direct, 'expiry.year'),
        securityCode: direct.securityCode,
        nameOnCard: direct.nameOnCard,
      },
      { lenient: false },
    );
    if (!validation.ok) {
      const [key, problem] = Object.entries(validation.errors)[0] as [CardFieldKey, string];
      const field = CARD_FIELD_PATHS[key];
      throw problem === 'missing' ? missingField(field) : invalidField(field, `Value for '${field}' is invalid`);
    }
    return validation.card;
  }
  if (session?.card) return session.card;
  if (session) {
    throw missingField(CARD_FIELD_PATHS.cardNumber, `Session '${session.id}' does not contain card details`);
  }
  throw missingField('session.id', 'Provide session.id of a session holding card details, or sourceOfFunds.provided.card');
}

/** Order currency from the request (order.currency, else transaction.currency) or the session; must match an existing order. */
export function currencyFor(input: OperationInput, session: SessionRecord | undefined, field: 'order.currency' | 'transaction.currency'): string {
  const requested =
    getPath(input.body, field) ??
    getPath(input.body, field === 'order.currency' ? 'transaction.currency' : 'order.currency') ??
    getPath(session?.fields, 'order.currency');
  if (requested === undefined) {
    if (input.order) return input.order.currency;
    throw missingField(field);
  }
  if (!isKnownCurrency(requested)) throw invalidField(field, `Invalid currency '${String(requested)}'`);
  if (input.order && input.order.currency !== requested) {
    throw invalidField(field, `Currency '${requested}' does not match the order currency '${input.order.currency}'`);
  }
  return requested;
}

/** A positive amount in minor units from `field` (falling back to the session's order.amount). */
export function amountFor(input: OperationInput, session: SessionRecord | undefined, currency: string, field: 'order.amount' | 'transaction.amount'): number {
  const raw = getPath(input.body, field) ?? (field === 'order.amount' ? getPath(session?.fields, 'order.amount') : undefined);
  if (raw === undefined) throw missingField(field);
  const minor = parseAmountToMinor(raw, currency);
  if (minor === undefined || minor <= 0) throw invalidField(field, `Invalid amount for currency ${currency}`);
  return minor;
}

export function requireOrder(input: OperationInput): OrderRecord {
  if (!input.order) throw invalidRequest(`Order '${input.orderId}' does not exist`);
  return input.order;
}

export function orderFor(input: OperationInput, currency: string): OrderRecord {
  if (input.order) return input.order;
  const now = input.ctx.now();
  return {
    merchantId: input.merchantId,
    id: input.orderId,
    currency,
    creationTime: now,
    lastUpdatedTime: now,
    totalAuthorizedMinor: 0,
    totalCapturedMinor: 0,
    totalRefundedMinor: 0,
    transactions: [],
    events: 0,
  };
}

/** order.reference / transaction.reference strings from the request, if any. */
export function referenceOf(body: Record<string, unknown>, path: 'order.reference' | 'transaction.reference'): string | undefined {
  const value = getPath(body, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 40) throw invalidField(path, 'Value must be a string of at most 40 characters');
  return value;
}

export function newTransaction(
  input: OperationInput,
  fields: Pick<TransactionRecord, 'type' | 'amountMinor' | 'currency' | 'result' | 'gatewayCode'> & Partial<TransactionRecord>,
): TransactionRecord {
  const now = input.ctx.now();
  return { id: input.transactionId, timeOfRecord: now, timeOfLastUpdate: now, lastEvent: 0, exchanges: {}, ...fields };
}

export function cardViewOf(card: StoredCard): Record<string, unknown> {
  return maskedCardView(card, { showStoredCsc: false });
}

export const FINANCIAL_TYPES: ReadonlySet<TransactionType> = new Set(['PAYMENT', 'AUTHORIZATION', 'CAPTURE', 'REFUND']);

/**
 * The order written into the session (PUT …/session/{id}) binds every
 * transaction that uses the session: another currency, or another amount,
 * is refused, so a tampered amount never reaches the acquirer.
 */
export function assertSessionOrder(session: SessionRecord | undefined, currency: string, amountMinor?: number): void {
  if (!session) return;
  const sessionCurrency = getPath(session.fields, 'order.currency');
  if (typeof sessionCurrency === 'string' && sessionCurrency.toUpperCase() !== currency.toUpperCase()) {
    throw invalidField('order.currency', `Currency '${currency}' does not match the order currency '${sessionCurrency}' of session '${session.id}'`);
  }
  const sessionAmount = getPath(session.fields, 'order.amount');
  if (amountMinor !== undefined && sessionAmount !== undefined && parseAmountToMinor(sessionAmount, currency) !== amountMinor) {
    throw invalidField('order.amount', `Amount does not match the order amount of session '${session.id}'`);
  }
}

/**
 * The card security code check: the published test values when a CSC is
 * stored (100 MATCH, 101 NOT_PROCESSED, 102 NO_MATCH), else the result
 * already made on the order (the session's CSC is deleted after its first
 * use), else NOT_PRESENT.
 */
export function cardSecurityCodeFor(card: StoredCard, order: OrderRecord | undefined): { gatewayCode: string; acquirerCode: string } {
  if (card.securityCode !== undefined) return cscResultFor(card.securityCode, card.brand);
  return order?.cardSecurityCode ?? { ...CSC_NOT_PRESENT };
}
