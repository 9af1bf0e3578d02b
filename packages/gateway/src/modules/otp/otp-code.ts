import { constantTimeEqual } from '../../crypto/compare.js';
import { hmacSha256Hex } from '../../crypto/hash.js';
import { randomDigits } from '../../crypto/random.js';
import { Secret } from '../../crypto/secret.js';
import type { OtpChannel } from '../../storage/schema.js';

/** A fresh code from the CSPRNG (uniform digits, leading zeros kept), wrapped so it cannot be logged by accident. */
export function generateCode(digits: number): Secret<string> {
  return new Secret(randomDigits(digits));
}

/**
 * What is stored instead of the code: HMAC-SHA256 under the OTP key (HKDF
 * from the master key) of the session id and the code. Keyed, because a
 * plain hash of a 6-digit code is reversed by trying a million values; bound
 * to the session, so a hash copied to another session's row is useless.
 */
export function codeHash(otpKey: Buffer, sessionId: string, code: Secret<string>): string {
  return hmacSha256Hex(otpKey, `pdirect-otp-code:v1:${sessionId}:${code.reveal()}`);
}

/** Stands in when there is no stored code, so "no code" takes the same path and time as "wrong code". */
const NO_CODE = '0'.repeat(64);

/** Constant-time comparison of the presented code's hash with the stored one (or with nothing). */
export function codeMatches(otpKey: Buffer, sessionId: string, code: Secret<string>, storedHash: string | undefined): boolean {
  const matches = constantTimeEqual(codeHash(otpKey, sessionId, code), storedHash ?? NO_CODE);
  return matches && storedHash !== undefined;
}

/** The rate-limit key of a phone number or e-mail address: an HMAC, so the database never holds the destination in clear. */
export function destinationKey(otpKey: Buffer, channel: OtpChannel, destination: string): string {
  const normalised = channel === 'email' ? destination.trim().toLowerCase() : destination.replace(/[\s().-]/g, '');
  return hmacSha256Hex(otpKey, `pdirect-otp-destination:v1:${channel}:${normalised}`);
}
