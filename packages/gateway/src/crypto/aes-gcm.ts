import { createCipheriv, createDecipheriv } from 'node:crypto';

/** AES-256-GCM with a 96-bit IV and a full 128-bit tag: the only shape Pdirect uses. */
const KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

function checkSizes(key: Buffer, iv: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError('AES-256-GCM key must be 32 bytes');
  if (iv.length !== GCM_IV_BYTES) throw new RangeError('AES-256-GCM IV must be 12 bytes');
}

/** One GCM encryption, no framing. The caller owns IV uniqueness. */
export function aes256GcmEncryptRaw(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer = Buffer.alloc(0)): { ciphertext: Buffer; tag: Buffer } {
  checkSizes(key, iv);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/**
 * One GCM decryption; throws if the tag does not verify. authTagLength is
 * pinned because Node otherwise accepts truncated tags (down to 4 bytes),
 * which would let a forger guess a short tag instead of a 128-bit one.
 */
export function aes256GcmDecryptRaw(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer = Buffer.alloc(0)): Buffer {
  checkSizes(key, iv);
  if (tag.length !== GCM_TAG_BYTES) throw new RangeError('AES-256-GCM tag must be 16 bytes');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
