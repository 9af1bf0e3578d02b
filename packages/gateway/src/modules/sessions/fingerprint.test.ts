import { describe, expect, it } from 'vitest';
import { decideFingerprint, DEFAULT_WARN_PERIOD_MS, effectiveFingerprintMode } from './fingerprint.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('effectiveFingerprintMode', () => {
  it('uses the configured mode', () => {
    expect(effectiveFingerprintMode('off', 0, 10 ** 12)).toBe('off');
    expect(effectiveFingerprintMode('enforce', 0, 1)).toBe('enforce');
  });
  it('unset: warn for 14 days after the merchant was created, then enforce', () => {
    expect(effectiveFingerprintMode(null, 0, DEFAULT_WARN_PERIOD_MS - 1)).toBe('warn');
    expect(effectiveFingerprintMode(null, 0, DEFAULT_WARN_PERIOD_MS)).toBe('enforce');
  });
});

describe('decideFingerprint', () => {
  it('off ignores everything', () => {
    expect(decideFingerprint('off', A, B)).toEqual({ action: 'allow' });
    expect(decideFingerprint('off', null, undefined)).toEqual({ action: 'allow' });
  });
  it('locks the first fingerprint presented (case-insensitive hex)', () => {
    expect(decideFingerprint('enforce', null, A.toUpperCase())).toEqual({ action: 'allow', lock: A });
    expect(decideFingerprint('warn', null, A)).toEqual({ action: 'allow', lock: A });
  });
  it('allows a match', () => {
    expect(decideFingerprint('enforce', A, A)).toEqual({ action: 'allow' });
  });
  it.each([
    [A, B, 'mismatch'],
    [A, undefined, 'missing'],
    [null, undefined, 'missing'],
    [A, 'not-hex', 'malformed'],
    [null, 'a'.repeat(63), 'malformed'],
  ] as const)('enforce rejects, warn records: locked %s presented %s', (locked, presented, reason) => {
    expect(decideFingerprint('enforce', locked, presented)).toEqual({ action: 'reject', reason });
    expect(decideFingerprint('warn', locked, presented)).toEqual({ action: 'warn', warning: `fingerprint_${reason}` });
  });
});
