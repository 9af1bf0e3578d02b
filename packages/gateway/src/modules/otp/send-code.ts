import { ApiError } from '../../errors.js';
import type { OtpChannel } from '../../storage/schema.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { maskDestination } from './masking.js';
import { codeHash, destinationKey, generateCode } from './otp-code.js';
import { type OtpDeps, rateLimited } from './otp-deps.js';
import type { OtpChallenge } from './otp-repository.js';
import { OtpDeliveryError } from './providers/index.js';
import type { BucketLimit } from './rate-limiter.js';

export interface SendRequest {
  /** `resend` keeps the previous code's channel unless another is asked for; otherwise the two are the same. */
  kind: 'send' | 'resend';
  channel?: OtpChannel;
}

export interface SentCode {
  channel: OtpChannel;
  /** Masked: `+44•••••0123`, `a•••@example.com`. */
  sentTo: string;
  expiresAt: number;
}

/**
 * POST /v1/otp/send and /v1/otp/resend. A fresh code replaces any earlier
 * one (and lifts a lockout). Send and resend draw on one budget per session,
 * or calling `send` would bypass the resend limit; every code also counts
 * against its destination, across all sessions, so nobody can flood a phone.
 *
 * A delivery that fails withdraws the code and gives back the session's
 * budget (the customer did nothing wrong and must be able to retry), but not
 * the destination's: a timed-out provider may still have delivered.
 */
export async function sendCode(deps: OtpDeps, session: CheckoutSession, request: SendRequest): Promise<SentCode> {
  if (session.require_otp !== 1) throw new ApiError('1010', 'this session does not require a one-time code (require_otp is false): go straight to payment');
  if (session.otp_verified_at !== null) throw new ApiError('1010', 'the one-time code is already verified for this session: go on to payment');
  const previous = request.kind === 'resend' ? await deps.challenges.find(session.id) : undefined;
  const { channel, destination } = pickDestination(deps.contacts.decryptCustomer(session) ?? {}, request.channel ?? previous?.channel, deps.senders);
  const merchant = await deps.merchants.get(session.merchant_id);

  const now = deps.clock.now();
  const issue = issueLimit(deps, session.id);
  const admission = await deps.limiter.admit([issue, ...destinationLimits(deps, session.merchant_id, channel, destination)], now);
  if (!admission.admitted) throw rateLimited(admission);

  const code = generateCode(deps.policy.digits);
  const expiresAt = now + deps.policy.codeTtlMs;
  const challenge = await deps.challenges.issue({ sessionId: session.id, channel, codeHash: codeHash(deps.otpKey, session.id, code), expiresAt, at: now });
  const sender = deps.senders[channel]!;
  try {
    await sender.send(destination, code, {
      channel,
      sessionId: session.id,
      merchantId: session.merchant_id,
      merchantName: merchant.name,
      expiresAt,
      ttlMinutes: Math.round(deps.policy.codeTtlMs / 60_000),
    });
  } catch (err) {
    await takeBackUndelivered(deps, challenge, issue, now);
    const where = { session_id: session.id, channel, provider: sender.name };
    // A provider's own failures carry a reason safe to log; anything else is a bug or the database, logged whole.
    if (err instanceof OtpDeliveryError) deps.logger.warn({ ...where, reason: err.reason }, 'OTP delivery failed');
    else deps.logger.error({ ...where, err }, 'OTP delivery failed unexpectedly');
    throw new ApiError('1900', 'could not deliver the code; try again');
  }
  deps.logger.info({ session_id: session.id, channel, provider: sender.name }, 'OTP sent');
  return { channel, sentTo: maskDestination(channel, destination), expiresAt };
}

/** The asked-for channel, else the phone when there is one (and SMS is on), else the e-mail (docs/api.md#http-api). */
function pickDestination(
  customer: { email?: string; phone?: string },
  wanted: OtpChannel | undefined,
  senders: Partial<Record<OtpChannel, unknown>>,
): { channel: OtpChannel; destination: string } {
  if (wanted && !senders[wanted]) throw new ApiError('1010', `channel: OTP by ${wanted === 'sms' ? 'SMS' : 'e-mail'} is not configured on this gateway`);
  if (wanted === 'sms' && !customer.phone) throw new ApiError('1010', 'channel: this session has no phone number to text; use "email"');
  if (wanted === 'email' && !customer.email) throw new ApiError('1010', 'channel: this session has no e-mail address; use "sms"');
  const channel = wanted ?? (customer.phone && senders.sms ? 'sms' : 'email');
  if (!senders[channel]) throw new ApiError('1010', 'OTP delivery for this customer is not configured on this gateway (PDIRECT_OTP_SMS / PDIRECT_OTP_EMAIL)');
  const destination = channel === 'sms' ? customer.phone : customer.email;
  if (!destination) throw new ApiError('1010', 'this session has neither a phone number nor an e-mail address to send a code to');
  return { channel, destination };
}

function issueLimit(deps: OtpDeps, sessionId: string): BucketLimit {
  return { bucket: `issue:${sessionId}`, ...deps.policy.issue, reason: 'too many codes requested for this session' };
}

/** The merchant's own share of the destination, and the ceiling across all merchants: both must have room. */
function destinationLimits(deps: OtpDeps, merchantId: string, channel: OtpChannel, destination: string): BucketLimit[] {
  const key = destinationKey(deps.otpKey, channel, destination);
  const what = channel === 'sms' ? 'phone number' : 'e-mail address';
  return [
    { bucket: `destination:${key}:${merchantId}`, ...deps.policy.destination, reason: `too many codes sent to this ${what} from this shop` },
    { bucket: `destination:${key}`, ...deps.policy.destinationCeiling, reason: `too many codes sent to this ${what}` },
  ];
}

/** Compensation after a failed delivery; its own failure is logged, never put in place of the delivery error. */
async function takeBackUndelivered(deps: OtpDeps, challenge: OtpChallenge, issue: BucketLimit, at: number): Promise<void> {
  try {
    await deps.challenges.withdraw(challenge);
    await deps.limiter.refund(issue, at);
  } catch (err) {
    deps.logger.error({ err, session_id: challenge.session_id }, 'could not withdraw an undelivered OTP');
  }
}
