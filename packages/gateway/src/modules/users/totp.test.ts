import { generate, verify } from 'otplib';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode, totpUri, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the test vectors (8 digits, T0 = 0, X = 30) for the
// seeds "12345678901234567890" (SHA-1), 32 bytes (SHA-256) and 64 bytes (SHA-512).
const SEEDS = {
  sha1: '12345678901234567890',
  sha256: '12345678901234567890123456789012',
  sha512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;
const VECTORS: Array<[number, string, string, string]> = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

describe('TOTP (otplib) against the RFC 6238 test vectors', () => {
  for (const [time, sha1, sha256, sha512] of VECTORS) {
    it(`T = ${time}`, async () => {
      for (const [algorithm, expected] of [
        ['sha1', sha1],
        ['sha256', sha256],
        ['sha512', sha512],
      ] as const) {
        const secret = new TextEncoder().encode(SEEDS[algorithm]);
        expect(await generate({ secret, epoch: time, digits: 8, algorithm })).toBe(expected);
        expect((await verify({ secret, token: expected, epoch: time, digits: 8, algorithm })).valid).toBe(true);
      }
    });
  }
});

describe('dashboard TOTP', () => {
  const at = Date.UTC(2026, 0, 1, 12, 0, 10);

  it('accepts the current code once, and the previous step, but not a replay or a future step', async () => {
    const secret = await newTotpSecret();
    const now = await totpCode(secret, at);
    const step = await verifyTotp(secret, now, at, null);
    expect(step).toBe(Math.floor(at / 30_000));
    expect(await verifyTotp(secret, now, at, step!)).toBeUndefined();
    const previous = await totpCode(secret, at - 30_000);
    expect(await verifyTotp(secret, previous, at, null)).toBe(step! - 1);
    const future = await totpCode(secret, at + 60_000);
    expect(await verifyTotp(secret, future, at, null)).toBeUndefined();
    const old = await totpCode(secret, at - 120_000);
    expect(await verifyTotp(secret, old, at, null)).toBeUndefined();
  });

  it('refuses anything but six digits', async () => {
    const secret = await newTotpSecret();
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(await verifyTotp(secret, code, at, null)).toBeUndefined();
  });

  it('makes 160-bit base32 secrets and otpauth URIs', async () => {
    const secret = await newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await totpUri(secret, 'ada@shop.example')).toMatch(/^otpauth:\/\/totp\/Pdirect:ada%40shop\.example\?secret=[A-Z2-7]{32}/);
  });
});
