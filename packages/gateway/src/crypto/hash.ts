import { createHash, createHmac } from 'node:crypto';

/** Bytes to hash or authenticate; strings are taken as UTF-8. */
export type BinaryLike = string | Buffer;

/** SHA-256 as lowercase hex: how session tokens are stored (docs/api.md#credentials). */
export function sha256Hex(data: BinaryLike): string {
  return createHash('sha256').update(data).digest('hex');
}

/** HMAC-SHA256, raw 32 bytes. A string key is taken as its UTF-8 bytes. */
export function hmacSha256(key: BinaryLike, data: BinaryLike): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** HMAC-SHA256 as lowercase hex: audit body fingerprints, cache keys. */
export function hmacSha256Hex(key: BinaryLike, data: BinaryLike): string {
  return hmacSha256(key, data).toString('hex');
}

/** HMAC-SHA256 as standard padded base64: the Standard Webhooks `v1,` signature form. */
export function hmacSha256Base64(key: BinaryLike, data: BinaryLike): string {
  return hmacSha256(key, data).toString('base64');
}
