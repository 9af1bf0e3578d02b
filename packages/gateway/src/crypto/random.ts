import { randomBytes, randomFillSync, randomInt } from 'node:crypto';

/** RFC 4648 §6 base32 alphabet, lowercase: ids and key ids stay URL- and case-safe. */
export const BASE32_LOWER_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function assertCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > 4096) {
    throw new RangeError(`${name} must be an integer between 1 and 4096`);
  }
}

/** `bytes` CSPRNG bytes as unpadded base64url (32 bytes → 43 characters). */
export function randomBase64Url(bytes: number): string {
  assertCount('bytes', bytes);
  return randomBytes(bytes).toString('base64url');
}

/**
 * `chars` characters from the lowercase base32 alphabet, 5 bits of entropy
 * each. Unbiased because 256 is a multiple of 32: the low 5 bits of a uniform
 * byte are uniform over the alphabet, so no rejection step is needed.
 */
export function randomBase32Lower(chars: number): string {
  assertCount('chars', chars);
  const bytes = randomBytes(chars);
  let out = '';
  for (const byte of bytes) out += BASE32_LOWER_ALPHABET[byte & 31];
  return out;
}

/** CSPRNG bytes fetched 4 KiB at a time for public identifiers (one call per ~170 ids instead of one per id). */
const idPool = Buffer.alloc(4096);
let idPoolUsed = idPool.length;

/**
 * `randomBase32Lower` for public identifiers (request, payment, session ids):
 * the same CSPRNG bytes, drawn from a buffer refilled 4 KiB at a time, each
 * byte used once — a request id per request made a native call per request.
 * Not for secrets: upcoming identifiers sit in memory until used.
 */
export function randomIdChars(chars: number): string {
  assertCount('chars', chars);
  if (chars > idPool.length) return randomBase32Lower(chars);
  if (idPoolUsed + chars > idPool.length) {
    randomFillSync(idPool);
    idPoolUsed = 0;
  }
  let out = '';
  for (let i = idPoolUsed, end = idPoolUsed + chars; i < end; i++) out += BASE32_LOWER_ALPHABET[idPool[i]! & 31];
  idPoolUsed += chars;
  return out;
}

/**
 * `n` decimal digits (leading zeros kept), for OTPs. crypto.randomInt rejects
 * and redraws out-of-range values, so each digit is uniform — unlike
 * `byte % 10`, which favours 0–5.
 */
export function randomDigits(n: number): string {
  assertCount('n', n);
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(0, 10));
  return out;
}
