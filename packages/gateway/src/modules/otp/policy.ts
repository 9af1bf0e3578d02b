import type { OtpSettings } from '../../config.js';

/** At most `max` hits in any `windowMs` (a sliding window). */
export interface WindowLimit {
  max: number;
  windowMs: number;
}

/**
 * The OTP rules in one place. Code length, lifetime and the two per-session
 * limits are fixed by docs/api.md#http-api; the per-destination limit and the lockout are
 * operator settings (config.ts).
 */
export interface OtpPolicy {
  digits: number;
  codeTtlMs: number;
  /** Verify attempts per session (every attempt counts, right or wrong). */
  verify: WindowLimit;
  /** Codes issued per session, by `send` and `resend` alike: one budget, or `send` would bypass the resend limit. */
  issue: WindowLimit;
  /**
   * Codes one merchant's sessions send to one phone number or e-mail
   * address: each merchant has its own share, so one merchant (or whoever
   * drives its checkout) cannot use up a phone's codes for every other shop.
   */
  destination: WindowLimit;
  /** Codes sent to one destination across every merchant: the ceiling that stops flooding through many shops. */
  destinationCeiling: WindowLimit;
  /**
   * Wrong codes after which the current code is dead until a fresh send.
   * Default 3, below the verify limit on purpose: with 5 verifies per 5
   * minutes and a 5-minute code, a lockout at 5 could never be reached.
   */
  maxWrongCodes: number;
}

const FIVE_MINUTES = 5 * 60_000;
/** The global ceiling per destination, in merchant shares (PDIRECT_OTP_DESTINATION_LIMIT each). */
export const DESTINATION_CEILING_SHARES = 3;

export function otpPolicy(settings: Pick<OtpSettings, 'destinationLimitPerHour' | 'maxWrongCodes'>): OtpPolicy {
  return {
    digits: 6,
    codeTtlMs: FIVE_MINUTES,
    verify: { max: 5, windowMs: FIVE_MINUTES },
    issue: { max: 5, windowMs: FIVE_MINUTES },
    destination: { max: settings.destinationLimitPerHour, windowMs: 60 * 60_000 },
    destinationCeiling: { max: settings.destinationLimitPerHour * DESTINATION_CEILING_SHARES, windowMs: 60 * 60_000 },
    maxWrongCodes: settings.maxWrongCodes,
  };
}
