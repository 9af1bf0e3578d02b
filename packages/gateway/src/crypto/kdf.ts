import { hkdfSync } from 'node:crypto';

/** HKDF-SHA256 (RFC 5869): extract-then-expand, `length` bytes of output. */
export function hkdfSha256(ikm: Buffer, salt: Buffer, info: Buffer | string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
}

/**
 * Fixed HKDF salt for every sub-key Pdirect derives from a master key. The
 * master key is already uniformly random, so the salt is not needed for
 * strength (RFC 5869 §3.1); a fixed, product-specific value keeps Pdirect's
 * derivations apart from anyone else's use of the same key material.
 */
const PDIRECT_HKDF_SALT = Buffer.from('pdirect.hkdf.salt.v1', 'utf8');

/**
 * One sub-key per purpose: `label` goes into HKDF's `info`, so two labels can
 * never produce related keys and a key leaked from one purpose says nothing
 * about another. Labels are fixed strings in code, never user input.
 */
export function deriveSubkey(masterKey: Buffer, label: string, length = 32): Buffer {
  if (masterKey.length < 32) throw new RangeError('master key must be at least 32 bytes');
  if (label.length === 0) throw new RangeError('sub-key label must not be empty');
  return hkdfSha256(masterKey, PDIRECT_HKDF_SALT, label, length);
}
