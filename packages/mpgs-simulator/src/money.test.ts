import { describe, expect, it } from 'vitest';
import { formatMinor, parseAmountToMinor } from './money.js';

describe('parseAmountToMinor', () => {
  it('parses decimal strings and numbers per currency exponent', () => {
    expect(parseAmountToMinor('12.50', 'USD')).toBe(1250);
    expect(parseAmountToMinor('12.5', 'USD')).toBe(1250);
    expect(parseAmountToMinor(12.5, 'USD')).toBe(1250);
    expect(parseAmountToMinor('100', 'JPY')).toBe(100);
    expect(parseAmountToMinor('1.234', 'KWD')).toBe(1234);
    expect(parseAmountToMinor('0.10', 'USD')).toBe(10);
    expect(parseAmountToMinor(0.1 + 0.2, 'USD')).toBeUndefined(); // 0.30000000000000004: refused, not rounded
  });

  it('refuses too many decimals, signs, junk and unknown currencies', () => {
    expect(parseAmountToMinor('1.001', 'USD')).toBeUndefined();
    expect(parseAmountToMinor('1.5', 'JPY')).toBeUndefined();
    expect(parseAmountToMinor('-1.00', 'USD')).toBeUndefined();
    expect(parseAmountToMinor('1e3', 'USD')).toBeUndefined();
    expect(parseAmountToMinor('abc', 'USD')).toBeUndefined();
    expect(parseAmountToMinor('1.00', 'XXX')).toBeUndefined();
    expect(parseAmountToMinor('1234567890123', 'USD')).toBeUndefined();
  });
});

describe('formatMinor', () => {
  it('formats minor units with the currency exponent', () => {
    expect(formatMinor(1250, 2)).toBe('12.50');
    expect(formatMinor(5, 2)).toBe('0.05');
    expect(formatMinor(0, 2)).toBe('0.00');
    expect(formatMinor(100, 0)).toBe('100');
    expect(formatMinor(1234, 3)).toBe('1.234');
  });
});
