import { describe, expect, it } from 'vitest';
import { hmacSha256, hmacSha256Base64, hmacSha256Hex, sha256Hex } from './hash.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// FIPS 180-2, Appendix B (SHA-256 examples B.1, B.2, B.3); the empty message
// is the well-known digest of zero bytes, also in NIST's SHAVS short-message set.
describe('sha256Hex — FIPS 180-2 vectors', () => {
  it('B.1 "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('the empty message', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('B.2 the 448-bit message', () => {
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('B.3 one million "a"', () => {
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('hashes a Buffer the same as its UTF-8 string', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
  });
});

// RFC 4231 §4.2–§4.8, HMAC-SHA-256 rows.
const RFC4231: Array<{ name: string; key: Buffer; data: Buffer; mac: string }> = [
  {
    name: 'test case 1',
    key: Buffer.alloc(20, 0x0b),
    data: Buffer.from('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'test case 2 (key shorter than the output)',
    key: Buffer.from('Jefe'),
    data: Buffer.from('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'test case 3',
    key: Buffer.alloc(20, 0xaa),
    data: Buffer.alloc(50, 0xdd),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    name: 'test case 4',
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: Buffer.alloc(50, 0xcd),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    name: 'test case 6 (key larger than the block size)',
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    name: 'test case 7 (key and data larger than the block size)',
    key: Buffer.alloc(131, 0xaa),
    data: Buffer.from(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

describe('hmacSha256 — RFC 4231 vectors', () => {
  for (const v of RFC4231) {
    it(v.name, () => {
      expect(hmacSha256(v.key, v.data).toString('hex')).toBe(v.mac);
      expect(hmacSha256Hex(v.key, v.data)).toBe(v.mac);
      expect(hmacSha256Base64(v.key, v.data)).toBe(hex(v.mac).toString('base64'));
    });
  }

  it('test case 5 (output truncated to 128 bits)', () => {
    const mac = hmacSha256(Buffer.alloc(20, 0x0c), Buffer.from('Test With Truncation'));
    expect(mac.subarray(0, 16).toString('hex')).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('takes a string key as its UTF-8 bytes', () => {
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe(RFC4231[1]!.mac);
  });
});
