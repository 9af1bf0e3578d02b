import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import { ApiError } from '../../errors.js';
import type { Storage } from '../../storage/database.js';
import type { OtpChannel } from '../../storage/schema.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { OtpChallengeRepository } from './otp-repository.js';
import type { OtpPolicy } from './policy.js';
import type { OtpSender } from './providers/index.js';
import type { Admission, RateLimiter } from './rate-limiter.js';

/** What the OTP use cases need, wired once in otp-service.ts. */
export interface OtpDeps {
  storage: Storage;
  challenges: OtpChallengeRepository;
  limiter: RateLimiter;
  /** The session module's named transition for a proved code (it owns checkout_sessions). */
  sessions: Pick<SessionService, 'markOtpVerified'>;
  /** The session's customer e-mail and phone, decrypted from the personal-data keyring. */
  contacts: Pick<SessionService, 'decryptCustomer'>;
  merchants: Pick<MerchantService, 'get'>;
  /** One sender per channel that is on; a channel configured `off` has none. */
  senders: Partial<Record<OtpChannel, OtpSender>>;
  /** HMAC key for code hashes and destination keys (HKDF from the master key). */
  otpKey: Buffer;
  policy: OtpPolicy;
  clock: Clock;
  logger: Logger;
}

/** 429 code 1402, with Retry-After: the whole seconds until the limit lets the next attempt through. */
export function rateLimited(refusal: Extract<Admission, { admitted: false }>): ApiError {
  const seconds = String(refusal.retryAfterSeconds);
  return new ApiError('1402', `${refusal.reason}; try again in ${seconds} seconds`, { 'Retry-After': seconds });
}
