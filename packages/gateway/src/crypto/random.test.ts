import { describe, expect, it } from 'vitest';
import { BASE32_LOWER_ALPHABET, randomBase32Lower, randomBase64Url, randomDigits, randomIdChars } from './random.js';

describe('randomBase64Url', () => {
  it('encodes the requested number of bytes, unpadded, in the URL-safe alphabet', () => {
    const value = randomBase64Url(32);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(value, 'base64url')).toHaveLength(32);
  });

  it('does not repeat', () => {
    expect(randomBase64Url(32)).not.toBe(randomBase64Url(32));
  });

  it('rejects nonsense sizes', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 1_000_000]) expect(() => randomBase64Url(bad)).toThrow(RangeError);
  });
});

describe('randomBase32Lower', () => {
  it('uses only the RFC 4648 lowercase alphabet and the requested length', () => {
    for (const n of [1, 16, 20, 24, 100]) expect(randomBase32Lower(n)).toMatch(new RegExp(`^[a-z2-7]{${n}}$`));
  });

  it('covers the whole alphabet roughly uniformly', () => {
    const sample = Array.from({ length: 1000 }, () => randomBase32Lower(32)).join('');
    const counts = new Map<string, number>();
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe([...BASE32_LOWER_ALPHABET].sort().join(''));
    // Expected 1000 each; the bound is > 8 standard deviations wide (sd ≈ 31).
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(260);
  });
});

describe('randomIdChars (pooled, for public ids)', () => {
  it('uses only the lowercase alphabet and the requested length, across many pool refills', () => {
    for (const n of [1, 20, 24, 100, 4000, 4096, 7]) expect(randomIdChars(n)).toMatch(new RegExp(`^[a-z2-7]{${n}}$`));
  });

  it('never hands out the same bytes twice: 20,000 ids of 20 characters (about 100 refills), all distinct and uniform', () => {
    const ids = Array.from({ length: 20_000 }, () => randomIdChars(20));
    expect(new Set(ids).size).toBe(ids.length);
    const counts = new Map<string, number>();
    for (const c of ids.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    // Expected 12,500 each (sd ≈ 110); a slice reused or left unfilled would skew this far beyond the bound.
    for (const ch of BASE32_LOWER_ALPHABET) expect(Math.abs((counts.get(ch) ?? 0) - 12_500)).toBeLessThan(900);
  });
});

describe('randomDigits', () => {
  it('returns exactly n decimal digits, leading zeros kept', () => {
    for (const n of [1, 6, 8, 12]) expect(randomDigits(n)).toMatch(new RegExp(`^[0-9]{${n}}$`));
  });

  it('covers every digit roughly uniformly', () => {
    const sample = Array.from({ length: 2000 }, () => randomDigits(10)).join('');
    const counts = new Array<number>(10).fill(0);
    for (const c of sample) counts[Number(c)]! += 1;
    // Expected 2000 each; sd ≈ 42, bound > 8 sd.
    for (const count of counts) expect(Math.abs(count - 2000)).toBeLessThan(360);
  });
});
