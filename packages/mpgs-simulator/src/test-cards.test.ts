import { describe, expect, it } from 'vitest';
import {
  brandOf,
  cscResultFor,
  EXPIRY_OUTCOMES,
  luhnValid,
  maskPan,
  paymentOutcomeForExpiry,
  PLAIN_TEST_CARDS,
  THREE_DS_TABLE,
  threeDsCardFor,
} from './test-cards.js';

const JAN_2026 = Date.UTC(2026, 0, 15);

describe('test card table', () => {
  it('every published card is Luhn-valid and of a supported brand', () => {
    for (const pan of [...PLAIN_TEST_CARDS.map((c) => c.number), ...Object.keys(THREE_DS_TABLE)]) {
      expect(luhnValid(pan), pan).toBe(true);
      expect(brandOf(pan), pan).toBeDefined();
    }
    for (const card of PLAIN_TEST_CARDS) expect(brandOf(card.number)).toBe(card.brand);
  });

  it('maps every published expiry to its gateway code, independent of the clock', () => {
    for (const row of EXPIRY_OUTCOMES) {
      expect(paymentOutcomeForExpiry(row.month, row.year, JAN_2026)).toBe(row.gatewayCode);
      expect(paymentOutcomeForExpiry(row.month, row.year, Date.UTC(2040, 0, 1))).toBe(row.gatewayCode);
    }
  });

  it('approves other future expiries and calls past ones expired', () => {
    expect(paymentOutcomeForExpiry(12, 30, JAN_2026)).toBe('APPROVED');
    expect(paymentOutcomeForExpiry(1, 26, JAN_2026)).toBe('APPROVED'); // January 2026 is still valid in January 2026
    expect(paymentOutcomeForExpiry(12, 25, JAN_2026)).toBe('EXPIRED_CARD');
  });

  it('reads CSC outcomes, with the 4-digit table for Amex', () => {
    expect(cscResultFor('100', 'MASTERCARD')).toEqual({ gatewayCode: 'MATCH', acquirerCode: 'M' });
    expect(cscResultFor('101', 'VISA')).toEqual({ gatewayCode: 'NOT_PROCESSED', acquirerCode: 'P' });
    expect(cscResultFor('102', 'VISA')).toEqual({ gatewayCode: 'NO_MATCH', acquirerCode: 'N' });
    expect(cscResultFor('1020', 'AMEX').gatewayCode).toBe('NO_MATCH');
  });

  it('knows the 3DS behaviour of each browser test card', () => {
    expect(threeDsCardFor('5123450000000008').behaviour).toBe('CHALLENGE');
    expect(threeDsCardFor('4440000042200014').behaviour).toBe('FRICTIONLESS');
    expect(threeDsCardFor('5506900140100503').behaviour).toBe('REJECTED');
    expect(threeDsCardFor('5111111111111118').behaviour).toBe('NOT_ENROLLED');
  });
});

describe('card number facts', () => {
  it('rejects bad Luhn and unknown brands', () => {
    expect(luhnValid('5123450000000009')).toBe(false);
    expect(brandOf('6011003179988686')).toBeUndefined(); // Discover: not accepted by the simulator
    expect(brandOf('4508750015741019')).toBe('VISA');
    expect(brandOf('2223000000000007')).toBe('MASTERCARD');
    expect(brandOf('371881634498004')).toBe('AMEX');
  });

  it('masks as first 6 + x + last 4, keeping the length', () => {
    expect(maskPan('5123450000000008')).toBe('512345xxxxxx0008');
    expect(maskPan('371881634498004')).toBe('371881xxxxx8004');
  });
});
