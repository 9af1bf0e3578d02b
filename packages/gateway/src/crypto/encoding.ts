/**
 * Strict base64 decoding. Buffer.from(s, 'base64') silently skips characters
 * outside the alphabet and accepts either alphabet, so a mangled token could
 * still "decode". For authenticated formats we want one spelling per value:
 * decode, re-encode, and accept only if the result is the input again.
 */

const BASE64URL_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;
const BASE64URL_UNPADDED = /^[A-Za-z0-9_-]*$/;
const BASE64_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function padBase64(unpadded: string): string {
  return unpadded + '='.repeat((4 - (unpadded.length % 4)) % 4);
}

/** base64url with `=` padding, as the Fernet spec writes keys and tokens. */
export function encodeBase64UrlPadded(bytes: Buffer): string {
  return padBase64(bytes.toString('base64url'));
}

/** Decodes padded base64url; undefined unless the input is the canonical spelling. */
export function decodeBase64UrlPadded(text: string): Buffer | undefined {
  if (!BASE64URL_PADDED.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return encodeBase64UrlPadded(bytes) === text ? bytes : undefined;
}

/** Decodes unpadded base64url (RFC 4648 §5 without padding); canonical spelling only. */
export function decodeBase64UrlUnpadded(text: string): Buffer | undefined {
  if (!BASE64URL_UNPADDED.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Decodes padded standard base64 (RFC 4648 §4); canonical spelling only. */
export function decodeBase64Padded(text: string): Buffer | undefined {
  if (!BASE64_PADDED.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
