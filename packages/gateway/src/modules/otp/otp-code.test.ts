import { describe, expect, it } from 'vitest';
import { Secret } from '../../crypto/secret.js';
import { codeHash, codeMatches, destinationKey, generateCode } from './otp-code.js';

const KEY = Buffer.alloc(32, 9);
const OTHER_KEY = Buffer.alloc(32, 8);

describe('OTP codes', () => {
  it('are 6 CSPRNG digits (leading zeros kept), wrapped as secrets', () => {
    const codes = Array.from({ length: 2000 }, () => generateCode(6));
    for (const code of codes) expect(code.reveal()).toMatch(/^[0-9]{6}$/);
    expect(String(codes[0])).toBe('[redacted]');
    expect(JSON.stringify({ code: codes[0] })).not.toMatch(/[0-9]{6}/);
    // Every digit turns up in every position (a biased or constant generator would not).
    for (let position = 0; position < 6; position++) {
      expect(new Set(codes.map((c) => c.reveal()[position])).size).toBe(10);
    }
    expect(new Set(codes.map((c) => c.reveal())).size).toBeGreaterThan(1990);
  });

  it('are stored as a keyed HMAC bound to the session', () => {
    const code = new Secret('042917');
    const hash = codeHash(KEY, 'cs_a', code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('042917');
    expect(codeHash(KEY, 'cs_a', code)).toBe(hash);
    expect(codeHash(KEY, 'cs_b', code)).not.toBe(hash);
    expect(codeHash(OTHER_KEY, 'cs_a', code)).not.toBe(hash);
  });

  it('match only the right code for the right session, and never "no code"', () => {
    const stored = codeHash(KEY, 'cs_a', new Secret('042917'));
    expect(codeMatches(KEY, 'cs_a', new Secret('042917'), stored)).toBe(true);
    expect(codeMatches(KEY, 'cs_a', new Secret('042918'), stored)).toBe(false);
    expect(codeMatches(KEY, 'cs_b', new Secret('042917'), stored)).toBe(false);
    expect(codeMatches(KEY, 'cs_a', new Secret('042917'), undefined)).toBe(false);
  });
});

describe('destination keys', () => {
  it('are HMACs of the normalised destination, per channel, never the destination', () => {
    const key = destinationKey(KEY, 'email', 'Alice@Example.com ');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(destinationKey(KEY, 'email', 'alice@example.com')).toBe(key);
    expect(destinationKey(KEY, 'sms', '+44 7700 900-123')).toBe(destinationKey(KEY, 'sms', '+447700900123'));
    expect(destinationKey(KEY, 'sms', 'alice@example.com')).not.toBe(key);
    expect(destinationKey(OTHER_KEY, 'email', 'alice@example.com')).not.toBe(key);
  });
});
