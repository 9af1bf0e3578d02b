import { describe, expect, it } from 'vitest';
import { deriveSubkey, hkdfSha256 } from './kdf.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('hkdfSha256 — RFC 5869 Appendix A', () => {
  it('test case 1 (SHA-256, basic)', () => {
    const okm = hkdfSha256(Buffer.alloc(22, 0x0b), hex('000102030405060708090a0b0c'), hex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(okm.toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('test case 3 (SHA-256, zero-length salt and info)', () => {
    const okm = hkdfSha256(Buffer.alloc(22, 0x0b), Buffer.alloc(0), Buffer.alloc(0), 42);
    expect(okm.toString('hex')).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });
});

describe('deriveSubkey', () => {
  const master = Buffer.alloc(32, 7);

  it('is deterministic and 32 bytes by default', () => {
    expect(deriveSubkey(master, 'a')).toEqual(deriveSubkey(master, 'a'));
    expect(deriveSubkey(master, 'a')).toHaveLength(32);
  });

  it('gives unrelated keys for different labels and different masters', () => {
    expect(deriveSubkey(master, 'a')).not.toEqual(deriveSubkey(master, 'b'));
    expect(deriveSubkey(master, 'a')).not.toEqual(deriveSubkey(Buffer.alloc(32, 8), 'a'));
  });

  it('refuses short master keys and empty labels', () => {
    expect(() => deriveSubkey(Buffer.alloc(16), 'a')).toThrow(RangeError);
    expect(() => deriveSubkey(master, '')).toThrow(RangeError);
  });
});
