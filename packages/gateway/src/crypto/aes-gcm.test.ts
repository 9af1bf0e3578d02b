import { describe, expect, it } from 'vitest';
import { aes256GcmDecryptRaw, aes256GcmEncryptRaw } from './aes-gcm.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/**
 * McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B,
 * the AES-256 test cases with a 96-bit IV (13–16); the same values appear in
 * NIST's GCM validation examples.
 */
const K16 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P64 = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C64 = '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const VECTORS = [
  { name: 'test case 13 (empty)', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '', aad: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    name: 'test case 14 (one zero block)',
    key: '00'.repeat(32),
    iv: '00'.repeat(12),
    pt: '00'.repeat(16),
    aad: '',
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  { name: 'test case 15 (64 bytes, no AAD)', key: K16, iv: 'cafebabefacedbaddecaf888', pt: P64, aad: '', ct: C64, tag: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    name: 'test case 16 (60 bytes, with AAD)',
    key: K16,
    iv: 'cafebabefacedbaddecaf888',
    pt: P64.slice(0, 120),
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ct: C64.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM — McGrew/Viega GCM spec vectors', () => {
  for (const v of VECTORS) {
    it(`${v.name}: encrypts to the published ciphertext and tag`, () => {
      const { ciphertext, tag } = aes256GcmEncryptRaw(hex(v.key), hex(v.iv), hex(v.pt), hex(v.aad));
      expect(ciphertext.toString('hex')).toBe(v.ct);
      expect(tag.toString('hex')).toBe(v.tag);
    });

    it(`${v.name}: decrypts, and refuses a changed tag`, () => {
      expect(aes256GcmDecryptRaw(hex(v.key), hex(v.iv), hex(v.ct), hex(v.tag), hex(v.aad)).toString('hex')).toBe(v.pt);
      const badTag = hex(v.tag);
      badTag[0]! ^= 1;
      expect(() => aes256GcmDecryptRaw(hex(v.key), hex(v.iv), hex(v.ct), badTag, hex(v.aad))).toThrow();
    });
  }

  it('refuses truncated tags, wrong key sizes and wrong IV sizes', () => {
    const v = VECTORS[3]!;
    expect(() => aes256GcmDecryptRaw(hex(v.key), hex(v.iv), hex(v.ct), hex(v.tag).subarray(0, 8), hex(v.aad))).toThrow(RangeError);
    expect(() => aes256GcmEncryptRaw(Buffer.alloc(16), hex(v.iv), Buffer.alloc(1))).toThrow(RangeError);
    expect(() => aes256GcmEncryptRaw(hex(v.key), Buffer.alloc(16), Buffer.alloc(1))).toThrow(RangeError);
  });
});
