import { describe, expect, it } from 'vitest';
import { idempotencyScope, isValidIdempotencyKey, requestFingerprint } from './idempotency-request.js';

describe('isValidIdempotencyKey', () => {
  it.each([
    ['a single character', 'a'],
    ['a UUID', '3f2b8c1e-9d4a-4c7e-b1f0-2a6d8e4c9b17'],
    ['255 characters', 'k'.repeat(255)],
    ['every printable ASCII character', Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('')],
    ['inner spaces', 'order 42 attempt 1'],
  ])('accepts %s', (_label, key) => {
    expect(isValidIdempotencyKey(key)).toBe(true);
  });

  it.each([
    ['the empty string', ''],
    ['256 characters', 'k'.repeat(256)],
    ['a tab', 'abc\tdef'],
    ['a newline', 'abc\ndef'],
    ['NUL', 'abc\u0000'],
    ['DEL (0x7F)', 'abc\u007f'],
    ['a Latin-1 letter', 'caf\u00e9'],
    ['an emoji', 'key-\u{1f511}'],
    ['a non-string', undefined],
    ['an array (repeated header)', ['a', 'b']],
  ])('refuses %s', (_label, key) => {
    expect(isValidIdempotencyKey(key)).toBe(false);
  });

  it('refuses every control character', () => {
    for (let c = 0; c < 0x20; c++) expect(isValidIdempotencyKey(`k${String.fromCharCode(c)}k`)).toBe(false);
  });
});

describe('requestFingerprint', () => {
  const base = { method: 'POST', url: '/v1/sessions', rawBody: '{"amount":"12.50"}' };

  it('is SHA-256 of method, URL and the body digest (a fixed vector)', () => {
    // sha256("POST\n/v1/sessions\n" + sha256hex('{"amount":"12.50"}')), computed independently with coreutils sha256sum.
    expect(requestFingerprint(base)).toBe('655ace700c7ce92250bb973cb2c3b24af65c124bc1af93738cb41ba2592f370c');
  });

  it('is equal for the same request', () => {
    expect(requestFingerprint({ ...base })).toBe(requestFingerprint(base));
  });

  it.each([
    ['method', { method: 'PATCH' }],
    ['path', { url: '/v1/sessions/other' }],
    ['query string', { url: '/v1/sessions?expand=payment' }],
    ['body bytes', { rawBody: '{"amount":"12.51"}' }],
    ['key order in the body', { rawBody: '{ "amount":"12.50"}' }],
    ['no body', { rawBody: undefined }],
  ])('differs when the %s differs', (_label, change) => {
    expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
  });

  it('treats no body and an empty body alike (both are zero bytes)', () => {
    expect(requestFingerprint({ ...base, rawBody: undefined })).toBe(requestFingerprint({ ...base, rawBody: '' }));
  });

  it('normalises the method case', () => {
    expect(requestFingerprint({ ...base, method: 'post' })).toBe(requestFingerprint(base));
  });
});

describe('idempotencyScope', () => {
  it('scopes SDK calls to the session, merchant calls to the merchant, and nothing else', () => {
    expect(idempotencyScope({ sessionId: 'cs_1', merchantId: 'mch_1' })).toBe('session:cs_1');
    expect(idempotencyScope({ merchantId: 'mch_1' })).toBe('merchant:mch_1');
    expect(idempotencyScope({})).toBeNull();
  });
});
