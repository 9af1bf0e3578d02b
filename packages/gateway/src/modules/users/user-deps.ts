import type { Clock } from '../../clock.js';
import { hmacSha256Hex } from '../../crypto/hash.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Storage } from '../../storage/database.js';
import type { SignInThrottle } from './sign-in-throttle.js';
import type { UserRepository } from './user-repository.js';

/** What the dashboard users module needs, wired once in index.ts (UserService). */
export interface UserDeps {
  storage: Storage;
  users: UserRepository;
  throttle: SignInThrottle;
  /** Seals TOTP secrets at rest (user id as associated data). */
  keyring: Keyring;
  /** HMAC key for recovery codes, throttle buckets and CSRF tokens. */
  hmacKey: Buffer;
  clock: Clock;
  publicUrl: string;
}

export const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

export function normaliseEmail(email: string): string {
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

/** A recovery code is stored as a keyed HMAC: handed out at setup (user-setup.ts), spent at sign-in (sign-in.ts). */
export function recoveryHash(deps: Pick<UserDeps, 'hmacKey'>, userId: string, code: string): string {
  return hmacSha256Hex(deps.hmacKey, `recovery:${userId}:${code.replace('-', '').toLowerCase()}`);
}
