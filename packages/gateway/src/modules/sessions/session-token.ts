import { sha256Hex } from '../../crypto/hash.js';
import { randomBase64Url } from '../../crypto/random.js';
import { Secret } from '../../crypto/secret.js';

/** session_token = pd_st_ + 32 random bytes base64url (docs/api.md#credentials); stored only as its SHA-256. */
const SESSION_TOKEN = /^pd_st_[A-Za-z0-9_-]{43}$/;

export function generateSessionToken(): Secret<string> {
  return new Secret(`pd_st_${randomBase64Url(32)}`);
}

export function isSessionToken(value: string): boolean {
  return SESSION_TOKEN.test(value);
}

export function sessionTokenHash(token: string): string {
  return sha256Hex(token);
}
