import { ApiError } from '../../errors.js';
import { decideFingerprint, effectiveFingerprintMode } from './fingerprint.js';
import type { SessionDeps } from './session-deps.js';
import type { CheckoutSession } from './session-repository.js';
import { isSessionToken, sessionTokenHash } from './session-token.js';

/**
 * The SDK boundary (SessionService): which session a token belongs to,
 * whether it may still be used, and from this device; and whether it may
 * take a new payment attempt.
 */

export interface SdkCaller {
  session: CheckoutSession;
  /** Audit warnings (fingerprint mismatch in warn mode). */
  warnings: string[];
}

/** The named transition that locks the first device fingerprint seen (SessionService.lockFingerprint). */
export interface FingerprintLock {
  lockFingerprint(sessionId: string, fingerprint: string): Promise<boolean>;
}

type AdmissionDeps = Pick<SessionDeps, 'sessions' | 'merchants' | 'clock'>;

/** The session a `Bearer pd_st_...` token belongs to: 1001 when malformed, 1002 when unknown. */
export async function sessionForToken(deps: Pick<SessionDeps, 'sessions'>, authorization: string | undefined): Promise<CheckoutSession> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token || !isSessionToken(token)) throw new ApiError('1001', 'Authorization must be "Bearer pd_st_..." with a session token');
  const session = await deps.sessions.findByTokenHash(sessionTokenHash(token));
  if (!session) throw new ApiError('1002', 'unknown session token');
  return session;
}

/** Whether the session may still be used, and from this device: 1004 expired, 1005 used, 1006 fingerprint. */
export async function admitSdk(
  deps: AdmissionDeps,
  transitions: FingerprintLock,
  session: CheckoutSession,
  fingerprint: string | undefined,
): Promise<SdkCaller> {
  const now = deps.clock.now();
  if (session.status === 'expired' || (session.status === 'open' && session.expires_at <= now)) throw new ApiError('1004', 'the checkout session has expired');
  if (session.status === 'paid' || session.status === 'cancelled' || session.status === 'authorized')
    throw new ApiError('1005', `the checkout session is already ${session.status}`);
  if (session.status === 'locked') throw locked();
  return admitDevice(deps, transitions, session, fingerprint);
}

/**
 * The device check alone, in any state: for the one read a spent session's
 * token still allows (GET /v1/checkout/status, where to go back to).
 */
export async function admitDevice(
  deps: AdmissionDeps,
  transitions: FingerprintLock,
  session: CheckoutSession,
  fingerprint: string | undefined,
): Promise<SdkCaller> {
  const now = deps.clock.now();
  const merchant = await deps.merchants.get(session.merchant_id);
  const mode = effectiveFingerprintMode(merchant.fingerprintMode, merchant.createdAt, now);
  let decision = decideFingerprint(mode, session.device_fingerprint, fingerprint);
  if (decision.action === 'allow' && decision.lock) {
    if (!(await transitions.lockFingerprint(session.id, decision.lock))) {
      // Another request locked a fingerprint first: judge against that one.
      const locked = (await deps.sessions.findById(session.id))?.device_fingerprint ?? null;
      decision = decideFingerprint(mode, locked, fingerprint);
    } else {
      session.device_fingerprint = decision.lock;
    }
  }
  if (decision.action === 'reject') throw new ApiError('1006', `device fingerprint ${decision.reason}`);
  return { session, warnings: decision.action === 'warn' ? [decision.warning] : [] };
}

/**
 * Whether the session may take a new attempt (a card session or a collect):
 * 1602 when locked, 1005 when paid or cancelled, 1004 once its time is up —
 * in every non-final state, an abandoned 3-D Secure challenge included.
 */
export function assertAttemptAllowed(deps: Pick<SessionDeps, 'clock'>, session: CheckoutSession): void {
  if (session.status === 'locked') throw locked();
  if (session.status === 'paid' || session.status === 'cancelled' || session.status === 'authorized')
    throw new ApiError('1005', `the checkout session is already ${session.status}`);
  if (session.status === 'expired' || session.expires_at <= deps.clock.now()) throw new ApiError('1004', 'the checkout session has expired');
}

function locked(): ApiError {
  return new ApiError('1602', 'too many failed card attempts: this checkout session is locked');
}
