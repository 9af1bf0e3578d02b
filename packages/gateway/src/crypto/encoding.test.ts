import { describe, expect, it } from 'vitest';
import { decodeBase64Padded, decodeBase64UrlPadded, decodeBase64UrlUnpadded, encodeBase64UrlPadded } from './encoding.js';

// RFC 4648 §10 test vectors, f → foobar, in each spelling.
const RFC4648 = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
] as const;

describe('strict base64', () => {
  it('RFC 4648 §10 vectors round-trip in all three spellings', () => {
    for (const [text, b64] of RFC4648) {
      const bytes = Buffer.from(text);
      expect(encodeBase64UrlPadded(bytes)).toBe(b64);
      expect(decodeBase64UrlPadded(b64)?.toString()).toBe(text);
      expect(decodeBase64Padded(b64)?.toString()).toBe(text);
      expect(decodeBase64UrlUnpadded(b64.replace(/=+$/, ''))?.toString()).toBe(text);
    }
  });

  it('keeps the two alphabets apart', () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf]);
    expect(decodeBase64UrlPadded('-_-_')?.equals(bytes)).toBe(true);
    expect(decodeBase64UrlPadded('+/+/')).toBeUndefined();
    expect(decodeBase64Padded('+/+/')?.equals(bytes)).toBe(true);
    expect(decodeBase64Padded('-_-_')).toBeUndefined();
  });

  it('rejects what Buffer.from would quietly accept', () => {
    for (const bad of ['Zg', 'Zg=', 'Zg===', 'Zh==', 'Z g==', 'Zg==Zg==', 'Zm9v!', '*Zm9v', 'Zm9v\n']) {
      expect(decodeBase64UrlPadded(bad)).toBeUndefined();
      expect(decodeBase64Padded(bad)).toBeUndefined();
    }
    for (const bad of ['Zg==', 'Z', 'Zh', 'Zm9v+']) expect(decodeBase64UrlUnpadded(bad)).toBeUndefined();
  });
});
