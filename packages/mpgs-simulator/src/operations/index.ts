import type { SimulatorContext } from '../context.js';
import { invalidField, invalidRequest, missingField, unsupportedField } from '../errors.js';
import { canonicalRequest, isPlainObject, toMpgsJson } from '../mpgs-json.js';
import { renderTransaction } from '../render.js';
import type { StoredExchange } from '../store.js';
import { authenticatePayer, initiateAuthentication } from './authentication.js';
import type { OperationInput, OperationResult } from './common.js';
import { authorize, pay } from './payment.js';
import { capture, refund, voidTransaction } from './post-payment.js';

export const API_OPERATIONS = {
  INITIATE_AUTHENTICATION: initiateAuthentication,
  AUTHENTICATE_PAYER: authenticatePayer,
  PAY: pay,
  AUTHORIZE: authorize,
  CAPTURE: capture,
  REFUND: refund,
  VOID: voidTransaction,
} as const satisfies Record<string, (input: OperationInput) => OperationResult>;

type ApiOperation = keyof typeof API_OPERATIONS;

function isApiOperation(value: string): value is ApiOperation {
  return Object.hasOwn(API_OPERATIONS, value);
}

/** MPGS order and transaction ids: 1–40 characters, no control characters. */
function checkId(value: string, field: string): void {
  if (value.length < 1 || value.length > 40 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw invalidField(field, `Value for '${field}' must be 1 to 40 characters`);
  }
}

export interface TransactionPut {
  merchantId: string;
  apiVersion: string;
  orderId: string;
  transactionId: string;
  body: unknown;
}

/**
 * PUT …/order/{orderId}/transaction/{transactionId}.
 *
 * Idempotent per (order, transaction, apiOperation): the same request again
 * gets the first answer back byte for byte and nothing is performed twice;
 * the same ids with a different body are refused (inferred — docs/card-network.md).
 * INITIATE_AUTHENTICATION followed by AUTHENTICATE_PAYER is the one pair of
 * different operations that share a transaction id.
 *
 * The operation works on a copy of the order, which replaces the stored one
 * only when the operation succeeds, so a refused request changes nothing.
 */
export function performTransactionPut(ctx: SimulatorContext, put: TransactionPut): StoredExchange {
  checkId(put.orderId, 'order.id');
  checkId(put.transactionId, 'transaction.id');
  if (!isPlainObject(put.body)) throw invalidRequest('Request body must be a JSON object');
  const body = put.body;
  const operation = body.apiOperation;
  if (operation === undefined) throw missingField('apiOperation');
  if (typeof operation !== 'string' || !isApiOperation(operation)) {
    throw unsupportedField('apiOperation', `Value '${String(operation)}' is not supported for this request`);
  }

  const request = canonicalRequest(body);
  const stored = ctx.store.getOrder(put.merchantId, put.orderId);
  const existingStored = stored?.transactions.find((t) => t.id === put.transactionId);
  if (existingStored) {
    const previous = existingStored.exchanges[operation];
    if (previous) {
      if (previous.request === request) return previous;
      throw invalidRequest(`Transaction '${put.transactionId}' on order '${put.orderId}' was already submitted with a different ${operation} request`);
    }
    if (!(operation === 'AUTHENTICATE_PAYER' && existingStored.type === 'AUTHENTICATION')) {
      throw invalidRequest(`Transaction '${put.transactionId}' already exists on order '${put.orderId}'`);
    }
  }

  const order = stored ? structuredClone(stored) : undefined;
  const input: OperationInput = {
    ctx,
    merchantId: put.merchantId,
    apiVersion: put.apiVersion,
    orderId: put.orderId,
    transactionId: put.transactionId,
    body,
    order,
    existing: order?.transactions.find((t) => t.id === put.transactionId),
  };
  const result = API_OPERATIONS[operation](input);

  const exchange: StoredExchange = {
    request,
    status: 201,
    body: toMpgsJson(renderTransaction(put.merchantId, put.apiVersion, result.order, result.transaction)),
  };
  result.transaction.exchanges[operation] = exchange;
  ctx.store.putOrder(result.order);
  result.afterCommit?.();
  ctx.store.save();
  return exchange;
}
