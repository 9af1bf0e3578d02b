import { randomBase32Lower, randomBase64Url } from '../../crypto/random.js';
import { Secret } from '../../crypto/secret.js';

/**
 * merchant_secret = pd_{mode}_sk_{key_id}_{secret} (docs/api.md#credentials):
 * mode test|live, key_id 16 lower-case base32 characters (public), secret 32
 * random bytes in base64url (43 characters, may itself contain "_" and "-",
 * so the token is parsed by position, not by splitting).
 */
export type KeyMode = 'test' | 'live';

export interface ParsedMerchantSecret {
  mode: KeyMode;
  keyId: string;
  /** The whole token, kept wrapped: it is what the Argon2id hash covers. */
  token: Secret<string>;
}

const MERCHANT_SECRET = /^pd_(test|live)_sk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[a-z2-7]{16}$/;

export function generateMerchantSecret(mode: KeyMode): { keyId: string; token: Secret<string> } {
  const keyId = randomBase32Lower(16);
  return { keyId, token: new Secret(`pd_${mode}_sk_${keyId}_${randomBase64Url(32)}`) };
}

export function parseMerchantSecret(value: string): ParsedMerchantSecret | undefined {
  const match = MERCHANT_SECRET.exec(value);
  if (!match) return undefined;
  return { mode: match[1] as KeyMode, keyId: match[2]!, token: new Secret(value) };
}

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

/** `Authorization: Bearer <token>` → the token, or undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  return match?.[1];
}
