import { describe, expect, it } from 'vitest';
import { bearerToken, generateMerchantSecret, isKeyId, parseMerchantSecret } from './key-format.js';

describe('merchant_secret format', () => {
  it('generates pd_{mode}_sk_{key_id}_{secret} with a 16-char base32 key id and 32-byte base64url secret', () => {
    const { keyId, token } = generateMerchantSecret('test');
    expect(token.reveal()).toMatch(/^pd_test_sk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/);
    expect(token.reveal().slice(11, 27)).toBe(keyId);
    expect(Buffer.from(token.reveal().slice(28), 'base64url')).toHaveLength(32);
    expect(isKeyId(keyId)).toBe(true);
  });

  it('round-trips through the parser, including secrets that contain underscores', () => {
    const value = `pd_live_sk_abcdefghijklmnop_${'_'.repeat(10)}${'A'.repeat(33)}`;
    const parsed = parseMerchantSecret(value);
    expect(parsed?.mode).toBe('live');
    expect(parsed?.keyId).toBe('abcdefghijklmnop');
    expect(parsed?.token.reveal()).toBe(value);
  });

  it.each([
    '',
    'pd_test_sk_',
    'pd_prod_sk_abcdefghijklmnop_' + 'A'.repeat(43),
    'pd_test_sk_ABCDEFGHIJKLMNOP_' + 'A'.repeat(43),
    'pd_test_sk_abcdefghijklmno1_' + 'A'.repeat(43), // 1 is not base32
    'pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(42),
    'pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(44),
    'pd_test_sk_abcdefghijklmnop_' + 'A'.repeat(42) + '=',
    'pd_st_' + 'A'.repeat(43),
  ])('rejects malformed %j', (value) => {
    expect(parseMerchantSecret(value)).toBeUndefined();
  });

  it('never prints the secret when the parsed value is logged', () => {
    const { token } = generateMerchantSecret('test');
    const parsed = parseMerchantSecret(token.reveal())!;
    expect(JSON.stringify(parsed)).not.toContain(token.reveal().slice(28));
    expect(String(parsed.token)).toBe('[redacted]');
  });
});

describe('bearerToken', () => {
  it('reads a single Bearer token', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
  });
  it.each([undefined, '', 'Bearer', 'Bearer ', 'bearer abc', 'Basic abc', 'Bearer a b', 'Bearer  abc', `Bearer ${'x'.repeat(513)}`])('rejects %j', (header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});
