import type { Secret } from '../../../crypto/secret.js';
import type { OtpChannel } from '../../../storage/schema.js';

/** What a provider needs besides the destination and the code: nothing secret. */
export interface OtpDelivery {
  channel: OtpChannel;
  sessionId: string;
  merchantId: string;
  merchantName: string;
  expiresAt: number;
  ttlMinutes: number;
}

/**
 * One delivery channel's provider (sandbox outbox, SMTP, HTTPS SMS). Resolves
 * once the provider accepted the message; otherwise throws OtpDeliveryError.
 * Providers are stateless towards the OTP rules: storage, limits and
 * verification belong to the use cases.
 */
export interface OtpSender {
  /** For logs: `outbox`, `smtp`, `https`. */
  readonly name: string;
  send(to: string, code: Secret<string>, delivery: OtpDelivery): Promise<void>;
  close?(): Promise<void>;
}

/**
 * A failed delivery. `reason` is built by the provider from status codes and
 * error classes only — never from the message, the code, the destination or
 * anything the remote side echoed — so it is safe to log.
 */
export class OtpDeliveryError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`OTP delivery failed: ${reason}`);
    this.name = 'OtpDeliveryError';
    this.reason = reason;
  }
}

/**
 * The text the customer receives. The code comes first (it shows in a
 * notification preview, and no line wrapping of an e-mail can split it);
 * the merchant's name, without control characters and cut to 40, says who asks.
 */
export function otpMessageText(code: Secret<string>, delivery: OtpDelivery): string {
  const merchant = [...delivery.merchantName.replace(/\p{C}/gu, '')].slice(0, 40).join('').trim() || 'your payment';
  return `${code.reveal()} is your verification code for ${merchant}.\nIt expires in ${delivery.ttlMinutes} minutes. Never share it.`;
}

export const OTP_EMAIL_SUBJECT = 'Your payment verification code';
