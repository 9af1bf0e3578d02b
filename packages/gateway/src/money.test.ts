import { describe, expect, it } from 'vitest';
import { currencyCode, formatMinor, parseAmount } from './money.js';

describe('parseAmount', () => {
  it.each([
    ['12.50', 'USD', 1250],
    ['12.5', 'USD', 1250],
    ['12', 'USD', 1200],
    ['0.01', 'USD', 1],
    ['1000', 'JPY', 1000],
    ['1.234', 'KWD', 1234],
    ['999999999.99', 'USD', 99_999_999_999],
  ])('%s %s → %d', (amount, code, minor) => {
    expect(parseAmount(amount, code)).toEqual({ minor });
  });

  it.each([
    ['12.345', 'USD', 'precision'],
    ['1.5', 'JPY', 'precision'],
    ['0', 'USD', 'zero'],
    ['0.00', 'USD', 'zero'],
    ['-1.00', 'USD', 'format'],
    ['+1.00', 'USD', 'format'],
    ['1e3', 'USD', 'format'],
    ['1E3', 'USD', 'format'],
    ['0x10', 'USD', 'format'],
    [' 1.00', 'USD', 'format'],
    ['1.00 ', 'USD', 'format'],
    ['1,00', 'USD', 'format'],
    ['.5', 'USD', 'format'],
    ['5.', 'USD', 'format'],
    ['01.00', 'USD', 'format'],
    ['', 'USD', 'format'],
    ['NaN', 'USD', 'format'],
    ['Infinity', 'USD', 'format'],
    ['1000000000', 'USD', 'too_large'],
    ['99999999999999999999', 'USD', 'format'],
  ])('rejects %j in %s (%s)', (amount, code, problem) => {
    expect(parseAmount(amount, code)).toEqual({ problem });
  });
});

describe('currencyCode', () => {
  it('accepts ISO 4217 codes in any case', () => {
    expect(currencyCode('usd')).toBe('USD');
    expect(currencyCode('EUR')).toBe('EUR');
  });
  it.each(['', 'us', 'usdd', 'XYZ', 'u$d', '123'])('rejects %j', (c) => expect(currencyCode(c)).toBeUndefined());
});

describe('formatMinor', () => {
  it.each([
    [1250, 'USD', '12.50'],
    [1, 'USD', '0.01'],
    [1000, 'JPY', '1000'],
    [1234, 'KWD', '1.234'],
  ])('%d %s → %s', (minor, code, text) => expect(formatMinor(minor, code)).toBe(text));
});
