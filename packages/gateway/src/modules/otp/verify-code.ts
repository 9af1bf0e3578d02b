import type { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { codeMatches } from './otp-code.js';
import { type OtpDeps, rateLimited } from './otp-deps.js';
import type { OtpChallenge } from './otp-repository.js';

/**
 * The one answer to every code that does not verify — wrong, expired, used,
 * superseded, locked, never sent, or a session that needs no code — so the
 * answer says nothing about the session, its destination or its state.
 */
export const WRONG_OR_EXPIRED = 'the code is wrong or has expired; check it, or request a new code';

/**
 * POST /v1/otp/verify. Every attempt counts against the session's verify
 * limit first, right or wrong. The presented code is always hashed and
 * compared in constant time, also when there is nothing to compare with.
 * A right code is used once and marks the session verified in the same
 * transaction; a wrong one counts towards the lockout of the current code.
 */
export async function verifyCode(deps: OtpDeps, session: CheckoutSession, code: Secret<string>): Promise<{ verifiedAt: number }> {
  const now = deps.clock.now();
  const admission = await deps.limiter.admit([{ bucket: `verify:${session.id}`, ...deps.policy.verify, reason: 'too many verification attempts' }], now);
  if (!admission.admitted) throw rateLimited(admission);

  const challenge = await deps.challenges.find(session.id);
  const matches = codeMatches(deps.otpKey, session.id, code, challenge?.code_hash);
  const live =
    challenge !== undefined &&
    session.require_otp === 1 &&
    challenge.consumed_at === null &&
    challenge.expires_at > now &&
    challenge.wrong_attempts < deps.policy.maxWrongCodes;

  if (live && matches && (await consumeAndMarkVerified(deps, challenge, now))) {
    deps.logger.info({ session_id: session.id }, 'OTP verified');
    return { verifiedAt: now };
  }
  if (live && !matches) await deps.challenges.recordWrongCode(challenge);
  throw new ApiError('1401', WRONG_OR_EXPIRED);
}

async function consumeAndMarkVerified(deps: OtpDeps, challenge: OtpChallenge, now: number): Promise<boolean> {
  return deps.storage.db.transaction().execute(async (trx) => {
    if (!(await deps.challenges.consume(challenge, now, deps.policy.maxWrongCodes, trx))) return false;
    await deps.sessions.markOtpVerified(challenge.session_id, now, trx);
    return true;
  });
}
