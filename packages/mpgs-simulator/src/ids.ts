import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const SESSION_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `SESSION` + 24 characters of [0-9A-Z], like SESSION0002816562472I0271878F98. */
export function newSessionId(): string {
  let suffix = '';
  for (let i = 0; i < 24; i += 1) suffix += SESSION_ALPHABET[randomInt(SESSION_ALPHABET.length)];
  return `SESSION${suffix}`;
}

/** Session versions are 10 lowercase hex characters, new on every update. */
export function newSessionVersion(previous?: string): string {
  for (;;) {
    const version = randomBytes(5).toString('hex');
    if (version !== previous) return version;
  }
}

/** Base64 of 32 random bytes, as MPGS returns in session.aes256Key. */
export function newAes256Key(): string {
  return randomBytes(32).toString('base64');
}

export function newUuid(): string {
  return randomUUID();
}

export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += String(randomInt(10));
  return out;
}
