import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacHasher } from './resolve.js';

describe('hmacHasher', () => {
  const key = Buffer.from('0b'.repeat(20), 'hex');

  it('is HMAC-SHA256 of "kind NUL value", base64url, 32 characters — cached or not', () => {
    // RFC 4231 test case 1 (key 0x0b × 20, data "Hi There") pins the primitive the hasher is built on.
    expect(createHmac('sha256', key).update('Hi There').digest('hex')).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
    const hash = hmacHasher(key);
    const expected = createHmac('sha256', key).update('ip\u000081.2.69.142').digest('base64url').slice(0, 32);
    expect(hash('ip', '81.2.69.142')).toBe(expected);
    expect(hash('ip', '81.2.69.142')).toBe(expected);
    expect(hash('ip', '81.2.69.142')).toHaveLength(32);
    // The kind is part of the message: the same value under two kinds gives two hashes.
    expect(hash('device', '81.2.69.142')).not.toBe(expected);
    // Another key, another hash.
    expect(hmacHasher(Buffer.alloc(32, 1))('ip', '81.2.69.142')).not.toBe(expected);
  });

  it('keeps at most cacheSize results, evicting the oldest, and still answers right after eviction', () => {
    const hash = hmacHasher(key, 2);
    const a = hash('ip', 'a');
    const b = hash('ip', 'b');
    hash('ip', 'c'); // evicts a
    expect(hash('ip', 'a')).toBe(a);
    expect(hash('ip', 'b')).toBe(b);
    expect(hash('ip', 'c')).toBe(createHmac('sha256', key).update('ip\u0000c').digest('base64url').slice(0, 32));
  });
});
