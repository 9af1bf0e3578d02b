import type { OtpSettings } from '../../config.js';

/** At most `max` hits in any `windowMs` (a sliding window). */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * The OTP rules in one place. Code length, lifetime and the two per-session
 * limits are fixed by SPEC §2; the per-destination limit and the lockout are
 * operator settings (config.ts).
 */
export interface OtpPolicy {
  digits: number;
  codeTtlMs: number;
  /** Verify attempts per session (every attempt counts, right or wrong). */
  verify: WindowLimit;
  /** Codes issued per session, by `send` and `resend` alike: one budget, or `send` would bypass the resend limit. */
  issue: WindowLimit;
  /** Codes sent to one phone number or e-mail address, across all sessions. */
  destination: WindowLimit;
  /**
   * Wrong codes after which the current code is dead until a fresh send.
   * Default 3, below the verify limit on purpose: with 5 verifies per 5
   * minutes and a 5-minute code, a lockout at 5 could never be reached.
   */
  maxWrongCodes: number;
}

const FIVE_MINUTES = 5 * 60_000;

export function otpPolicy(settings: Pick<OtpSettings, 'destinationLimitPerHour' | 'maxWrongCodes'>): OtpPolicy {
  return {
    digits: 6,
    codeTtlMs: FIVE_MINUTES,
    verify: { max: 5, windowMs: FIVE_MINUTES },
    issue: { max: 5, windowMs: FIVE_MINUTES },
    destination: { max: settings.destinationLimitPerHour, windowMs: 60 * 60_000 },
    maxWrongCodes: settings.maxWrongCodes,
  };
}
