import { describe, expect, it } from 'vitest';
import { deriveOrderStatus } from './order-status.js';
import type { OrderRecord, TransactionRecord } from './store.js';

function order(partial: Partial<OrderRecord>): OrderRecord {
  return {
    merchantId: 'M',
    id: 'o',
    currency: 'USD',
    creationTime: 0,
    lastUpdatedTime: 0,
    totalAuthorizedMinor: 0,
    totalCapturedMinor: 0,
    totalRefundedMinor: 0,
    transactions: [],
    events: 0,
    ...partial,
  };
}

let events = 0;
function txn(type: TransactionRecord['type'], result: TransactionRecord['result']): TransactionRecord {
  return {
    id: type,
    type,
    amountMinor: 100,
    currency: 'USD',
    result,
    gatewayCode: 'X',
    timeOfRecord: 0,
    timeOfLastUpdate: 0,
    lastEvent: ++events,
    exchanges: {},
  };
}

describe('deriveOrderStatus', () => {
  it('follows the money', () => {
    expect(deriveOrderStatus(order({ totalAuthorizedMinor: 100 }))).toBe('AUTHORIZED');
    expect(deriveOrderStatus(order({ totalAuthorizedMinor: 100, totalCapturedMinor: 40 }))).toBe('PARTIALLY_CAPTURED');
    expect(deriveOrderStatus(order({ totalAuthorizedMinor: 100, totalCapturedMinor: 100 }))).toBe('CAPTURED');
    expect(deriveOrderStatus(order({ totalAuthorizedMinor: 100, totalCapturedMinor: 100, totalRefundedMinor: 30 }))).toBe('PARTIALLY_REFUNDED');
    expect(deriveOrderStatus(order({ totalAuthorizedMinor: 100, totalCapturedMinor: 100, totalRefundedMinor: 100 }))).toBe('REFUNDED');
  });

  it('tells declined, unknown and voided payments apart', () => {
    expect(deriveOrderStatus(order({ transactions: [txn('PAYMENT', 'FAILURE')] }))).toBe('FAILED');
    expect(deriveOrderStatus(order({ transactions: [txn('PAYMENT', 'UNKNOWN')] }))).toBe('INITIATED');
    expect(deriveOrderStatus(order({ transactions: [txn('AUTHORIZATION', 'SUCCESS'), txn('VOID_AUTHORIZATION', 'SUCCESS')] }))).toBe('CANCELLED');
  });

  it('falls back to the authentication state', () => {
    const auth = txn('AUTHENTICATION', 'PENDING');
    auth.threeDs = {
      behaviour: 'CHALLENGE',
      acceptVersions: '3DS2',
      channel: 'PAYER_BROWSER',
      purpose: 'PAYMENT_TRANSACTION',
      methodSupported: true,
      methodCompleted: false,
      serverTransactionId: 'x',
      orderStatus: 'AUTHENTICATION_INITIATED',
    };
    expect(deriveOrderStatus(order({ transactions: [auth] }))).toBe('AUTHENTICATION_INITIATED');
  });
});

describe('deriveOrderStatus chronology', () => {
  it('lets a later authentication outrank an earlier declined attempt', () => {
    const declined = txn('PAYMENT', 'FAILURE');
    const auth = txn('AUTHENTICATION', 'SUCCESS');
    auth.threeDs = {
      behaviour: 'CHALLENGE',
      acceptVersions: '3DS2',
      channel: 'PAYER_BROWSER',
      purpose: 'PAYMENT_TRANSACTION',
      methodSupported: true,
      methodCompleted: false,
      serverTransactionId: 'x',
      orderStatus: 'AUTHENTICATED',
    };
    auth.lastEvent = declined.lastEvent - 1;
    expect(deriveOrderStatus(order({ transactions: [auth, declined] }))).toBe('FAILED');
    auth.lastEvent = declined.lastEvent + 1; // the challenge was answered after the decline
    expect(deriveOrderStatus(order({ transactions: [auth, declined] }))).toBe('AUTHENTICATED');
  });
});
