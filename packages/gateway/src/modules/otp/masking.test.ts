import { describe, expect, it } from 'vitest';
import { maskDestination, maskEmail, maskPhone } from './masking.js';

describe('masking where a code went', () => {
  it.each([
    ['+447700900123', '+44•••••0123'],
    ['+14155550100', '+14•••••0100'],
    ['+3312345', '+33•••••45'],
  ])('phone %s → %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));

  it.each([
    ['alice@example.com', 'a•••@example.com'],
    ['b@shop.example', 'b•••@shop.example'],
    ['"odd@local"@example.com', '"•••@example.com'],
    ['no-at-sign', '•••'],
  ])('e-mail %s → %s', (email, masked) => expect(maskEmail(email)).toBe(masked));

  it('does not tell the length of what it hides', () => {
    expect(maskPhone('+447700900123').length).toBe(maskPhone('+4477009001234').length);
    expect(maskEmail('al@example.com')).toBe(maskEmail('alexandra@example.com'));
  });

  it('picks the form by channel', () => {
    expect(maskDestination('sms', '+447700900123')).toBe('+44•••••0123');
    expect(maskDestination('email', 'alice@example.com')).toBe('a•••@example.com');
  });
});
