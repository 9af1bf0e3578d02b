import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('dashboard password policy', () => {
  it('refuses short passwords', () => {
    expect(passwordProblem('short-pass1', 'a@shop.example')).toMatch(/at least 12/);
  });

  it('refuses commonly used passwords from the list package, whatever the case', () => {
    // Both are 12+ characters and on the common-passwords list.
    expect(passwordProblem('qwertyuiop123', 'a@shop.example')).toMatch(/commonly used/);
    expect(passwordProblem('1q2w3e4r5t6y', 'a@shop.example')).toMatch(/commonly used/);
    expect(passwordProblem('QWERTYUIOP123', 'a@shop.example')).toMatch(/commonly used/);
  });

  it('refuses the e-mail address and one repeated character', () => {
    expect(passwordProblem('ada.lovelace@shop.example', 'Ada.Lovelace@shop.example')).toMatch(/e-mail/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa', 'a@shop.example')).toBeDefined();
  });

  it('accepts a long uncommon passphrase', () => {
    expect(passwordProblem('copper kettle under 9 moons', 'a@shop.example')).toBeUndefined();
  });
});
