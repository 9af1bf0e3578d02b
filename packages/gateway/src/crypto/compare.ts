import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Per-process key for comparison digests. It never leaves this module and
 * needs no persistence: it only has to be unknown to whoever picks the inputs.
 */
const COMPARE_KEY = randomBytes(32);

function digest(value: string | Buffer): Buffer {
  return createHmac('sha256', COMPARE_KEY).update(value).digest();
}

/**
 * Compares two secrets, tokens, hashes or signatures without leaking where
 * they differ — or how long the expected one is.
 *
 * crypto.timingSafeEqual throws on different lengths, and a plain length check
 * returns early, both of which tell an attacker the length. Instead both sides
 * are HMAC'd under a random per-process key into 32-byte digests, which are
 * then compared in constant time: the work done depends only on the input
 * sizes, never on their contents, and a length difference is just one more way
 * for the digests to differ. Strings are compared as their UTF-8 bytes.
 *
 * Never throws: anything that is not a string or Buffer (say, a missing header
 * reaching here from untyped code) compares unequal.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  if (!isComparable(a) || !isComparable(b)) return false;
  return timingSafeEqual(digest(a), digest(b));
}

function isComparable(value: unknown): value is string | Buffer {
  return typeof value === 'string' || Buffer.isBuffer(value);
}
