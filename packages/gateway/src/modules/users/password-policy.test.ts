import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('dashboard password policy', async () => {
  it('refuses short passwords', async () => {
    expect(await passwordProblem('short-pass1', 'a@shop.example')).toMatch(/at least 12/);
  });

  it('refuses commonly used passwords from the list package, whatever the case', async () => {
    // Both are 12+ characters and on the common-passwords list.
    expect(await passwordProblem('qwertyuiop123', 'a@shop.example')).toMatch(/commonly used/);
    expect(await passwordProblem('1q2w3e4r5t6y', 'a@shop.example')).toMatch(/commonly used/);
    expect(await passwordProblem('QWERTYUIOP123', 'a@shop.example')).toMatch(/commonly used/);
  });

  it('refuses the e-mail address and one repeated character', async () => {
    expect(await passwordProblem('ada.lovelace@shop.example', 'Ada.Lovelace@shop.example')).toMatch(/e-mail/);
    expect(await passwordProblem('aaaaaaaaaaaaaaaa', 'a@shop.example')).toBeDefined();
  });

  it('accepts a long uncommon passphrase', async () => {
    expect(await passwordProblem('copper kettle under 9 moons', 'a@shop.example')).toBeUndefined();
  });
});
