import { describe, expect, it } from 'vitest';
import { idPattern, isId, newId } from './ids.js';

describe('ids', () => {
  it('every new id matches its own pattern and no other kind', () => {
    for (const prefix of ['mch', 'req', 'whs', 'cs', 'pay', 're', 'evt', 'usr'] as const) {
      const id = newId(prefix);
      expect(isId(prefix, id)).toBe(true);
      expect(id).toMatch(new RegExp(idPattern(prefix)));
    }
    expect(isId('re', newId('req'))).toBe(false);
    expect(isId('pay', newId('cs'))).toBe(false);
  });

  it('patterns are anchored and exact', () => {
    expect(idPattern('pay')).toBe('^pay_[a-z2-7]{20}$');
    expect(idPattern('req')).toBe('^req_[a-z2-7]{24}$');
    expect(isId('pay', `${newId('pay')}x`)).toBe(false);
    expect(isId('pay', `x${newId('pay')}`)).toBe(false);
    expect(isId('pay', 'pay_AAAAAAAAAAAAAAAAAAAA')).toBe(false);
  });
});
