import { describe, expect, it } from 'vitest';
import { authenticateMerchant } from './auth.js';
import { MpgsError } from './errors.js';

const merchants = new Map([
  ['TESTA', 'secret-a'],
  ['TESTB', 'secret-b'],
]);
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function failure(fn: () => void): MpgsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MpgsError) return error;
    throw error;
  }
  throw new Error('expected an MpgsError');
}

describe('authenticateMerchant', () => {
  it('accepts merchant.<MID>:<password> on that merchant path', () => {
    expect(() => authenticateMerchant(basic('merchant.TESTA', 'secret-a'), 'TESTA', merchants)).not.toThrow();
  });

  it('answers 401 Invalid credentials for a wrong password, unknown merchant or missing header', () => {
    for (const header of [basic('merchant.TESTA', 'nope'), basic('merchant.TESTX', 'secret-a'), basic('TESTA', 'secret-a'), undefined, 'Bearer x']) {
      const error = failure(() => authenticateMerchant(header, 'TESTA', merchants));
      expect(error.status).toBe(401);
      expect(error.explanation).toBe('Invalid credentials.');
    }
  });

  it('refuses valid credentials of another merchant', () => {
    const error = failure(() => authenticateMerchant(basic('merchant.TESTB', 'secret-b'), 'TESTA', merchants));
    expect(error.status).toBe(401);
    expect(error.explanation).toMatch(/not authorised/);
  });
});
