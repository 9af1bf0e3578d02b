import { describe, expect, it } from 'vitest';
import { maskedCardView, validateCard } from './card-input.js';

describe('validateCard', () => {
  it('normalises what a person types in hosted fields', () => {
    const result = validateCard({ number: '5123 4500 0000 0008', expiryMonth: '01', expiryYear: '39', securityCode: '100' }, { lenient: true });
    expect(result).toEqual({
      ok: true,
      card: { number: '5123450000000008', brand: 'MASTERCARD', fundingMethod: 'DEBIT', expiryMonth: '1', expiryYear: '39', securityCode: '100' },
    });
  });

  it('is strict on the REST side', () => {
    const result = validateCard({ number: '5123450000000008', expiryMonth: '1', expiryYear: '2039' }, { lenient: false });
    expect(result).toEqual({ ok: false, errors: { expiryYear: 'invalid' } });
  });

  it('reports every field problem with the session.js keys', () => {
    const result = validateCard({ number: '4111111111111112', expiryMonth: '13', expiryYear: '', securityCode: '12' }, { lenient: true });
    expect(result).toEqual({ ok: false, errors: { cardNumber: 'invalid', expiryMonth: 'invalid', expiryYear: 'missing' } });
    const amexCsc = validateCard({ number: '371881634498004', expiryMonth: '1', expiryYear: '39', securityCode: '100' }, { lenient: true });
    expect(amexCsc).toEqual({ ok: false, errors: { securityCode: 'invalid' } });
  });

  it('hosted fields: the security code is required, the year is two digits, a past expiry is refused', () => {
    const now = Date.UTC(2026, 11, 1);
    const card = { number: '5123450000000008', expiryMonth: '1', expiryYear: '39' };
    expect(validateCard(card, { lenient: true, now })).toEqual({ ok: false, errors: { securityCode: 'missing' } });
    expect(validateCard({ ...card, securityCode: '100', expiryYear: '2039' }, { lenient: true, now })).toEqual({
      ok: false,
      errors: { expiryYear: 'invalid' },
    });
    expect(validateCard({ ...card, securityCode: '100', expiryYear: '20' }, { lenient: true, now })).toEqual({ ok: false, errors: { expiryYear: 'invalid' } });
    expect(validateCard({ ...card, securityCode: '100', expiryMonth: '11', expiryYear: '26' }, { lenient: true, now })).toEqual({
      ok: false,
      errors: { expiryYear: 'invalid' },
    });
    expect(validateCard({ ...card, securityCode: '100', expiryMonth: '12', expiryYear: '26' }, { lenient: true, now }).ok).toBe(true);
    // REST keeps MPGS's rules: no CSC needed.
    expect(validateCard(card, { lenient: false }).ok).toBe(true);
  });

  it('merges partial REST updates over the stored card', () => {
    const first = validateCard({ number: '5111111111111118', expiryMonth: '1', expiryYear: '39' }, { lenient: false });
    if (!first.ok) throw new Error('expected ok');
    const second = validateCard({ securityCode: '102' }, { lenient: false, existing: first.card });
    expect(second.ok && second.card).toMatchObject({ number: '5111111111111118', securityCode: '102' });
  });
});

describe('maskedCardView', () => {
  it('never shows the PAN or CSC', () => {
    const card = { number: '5123450000000008', brand: 'MASTERCARD', fundingMethod: 'DEBIT', expiryMonth: '1', expiryYear: '39', securityCode: '100' } as const;
    const view = JSON.stringify(maskedCardView({ ...card }, { showStoredCsc: true }));
    expect(view).toContain('512345xxxxxx0008');
    expect(view).toContain('"securityCode":"xxx"');
    expect(view).not.toContain('5123450000000008');
    expect(view).not.toContain('100');
  });
});
