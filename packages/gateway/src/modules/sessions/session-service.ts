import type { Clock } from '../../clock.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Storage } from '../../storage/database.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { currencyCode, parseAmount } from '../payments/money.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { decideFingerprint, effectiveFingerprintMode } from './fingerprint.js';
import { checkAllowedUrl } from './redirect-url.js';
import type { CheckoutSession, SessionRepository } from './session-repository.js';
import { generateSessionToken, isSessionToken, sessionTokenHash } from './session-token.js';

export interface MintSessionInput {
  amount: string;
  currency: string;
  customer_reference: string;
  order_id: string;
  notify_url: string;
  success_redirect_url: string;
  fail_redirect_url: string;
  ttl_seconds?: number;
  require_otp?: boolean;
  customer?: { email?: string; phone?: string };
  metadata?: Record<string, string>;
  capture_mode?: 'HOSTED_SESSION' | 'DIRECT_CAPTURE';
}

export interface MintedSession {
  session: CheckoutSession;
  /** Shown once, in the 201 answer; only its SHA-256 is stored. */
  token: Secret<string>;
}

export interface SdkCaller {
  session: CheckoutSession;
  /** Audit warnings (fingerprint mismatch in warn mode). */
  warnings: string[];
}

const AMOUNT_PROBLEMS = {
  format: 'a decimal string such as "12.50" (no sign, exponent or spaces)',
  precision: 'has more decimals than the currency allows',
  zero: 'must be greater than zero',
  too_large: 'is too large',
} as const;

export class SessionService {
  constructor(
    private readonly deps: {
      storage: Storage;
      sessions: SessionRepository;
      merchants: MerchantService;
      personalData: Keyring;
      clock: Clock;
      publicUrl: string;
      sandbox: boolean;
      /** Which OTP channels this gateway can deliver on (PDIRECT_OTP_SMS / PDIRECT_OTP_EMAIL not `off`). */
      otpChannels: { email: boolean; sms: boolean };
    },
  ) {}

  /** POST /v1/sessions: validate everything, bind amount/currency/customer to the session, mint its token. */
  async mint(merchantId: string, input: MintSessionInput): Promise<MintedSession> {
    if (input.capture_mode === 'DIRECT_CAPTURE') throw new ApiError('1501', 'capture_mode DIRECT_CAPTURE is reserved and not implemented; use HOSTED_SESSION');
    const code = currencyCode(input.currency);
    if (!code) throw new ApiError('1010', 'currency: an ISO 4217 code such as "usd"');
    const amount = parseAmount(input.amount, code);
    if ('problem' in amount) throw new ApiError('1010', `amount: ${AMOUNT_PROBLEMS[amount.problem]}`);
    if (input.require_otp && !input.customer?.email && !input.customer?.phone) {
      throw new ApiError('1010', 'customer: require_otp needs customer.email or customer.phone to send the code to');
    }
    if (input.require_otp && !(input.customer?.email && this.deps.otpChannels.email) && !(input.customer?.phone && this.deps.otpChannels.sms)) {
      throw new ApiError('1010', 'customer: this gateway cannot deliver a one-time code to the given contact (OTP by SMS / e-mail is off: PDIRECT_OTP_SMS, PDIRECT_OTP_EMAIL)');
    }

    const merchant = await this.deps.merchants.get(merchantId);
    const urls = {} as Record<'notify_url' | 'success_redirect_url' | 'fail_redirect_url', string>;
    for (const field of ['notify_url', 'success_redirect_url', 'fail_redirect_url'] as const) {
      const verdict = checkAllowedUrl(input[field], merchant.redirectHosts, { sandbox: this.deps.sandbox });
      if (!verdict.ok) throw new ApiError('1201', `${field} ${verdict.reason}`);
      urls[field] = verdict.url;
    }
    const existing = await this.deps.sessions.findByOrderId(merchantId, input.order_id);
    if (existing) throw new ApiError('1010', `order_id: already used by session ${existing.id}; order ids are unique per merchant`);

    const now = this.deps.clock.now();
    const id = newId('cs');
    const token = generateSessionToken();
    const seal = (value: object | undefined) => (value && Object.keys(value).length > 0 ? this.deps.personalData.encrypt(JSON.stringify(value), id) : null);
    const session: CheckoutSession = {
      id,
      merchant_id: merchantId,
      token_hash: sessionTokenHash(token.reveal()),
      amount: input.amount,
      amount_minor: amount.minor,
      currency: input.currency,
      customer_reference: input.customer_reference,
      order_id: input.order_id,
      ...urls,
      capture_mode: 'HOSTED_SESSION',
      require_otp: input.require_otp ? 1 : 0,
      otp_verified_at: null,
      customer_enc: seal(input.customer),
      metadata_enc: seal(input.metadata),
      status: 'open',
      device_fingerprint: null,
      current_payment_id: null,
      expires_at: now + (input.ttl_seconds ?? 1800) * 1000,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.deps.sessions.insert(session);
    } catch (err) {
      // Two concurrent mints with one order_id: the unique constraint decides.
      if (await this.deps.sessions.findByOrderId(merchantId, input.order_id)) {
        throw new ApiError('1010', 'order_id: already used by another session; order ids are unique per merchant');
      }
      throw err;
    }
    return { session, token };
  }

  async getForMerchant(merchantId: string, sessionId: string): Promise<CheckoutSession> {
    const session = await this.deps.sessions.findById(sessionId);
    if (!session || session.merchant_id !== merchantId) throw new ApiError('1011', `no session ${sessionId}`);
    return session;
  }

  /**
   * The SDK boundary's authentication: a single-use, short-lived session
   * token, then the device fingerprint rules. Order of refusals: malformed
   * (1001), unknown (1002), expired (1004), used (1005), fingerprint (1006).
   */
  async authenticateSdk(authorization: string | undefined, fingerprint: string | undefined): Promise<SdkCaller> {
    return this.admitSdk(await this.sessionForToken(authorization), fingerprint);
  }

  /** The session a `Bearer pd_st_...` token belongs to: 1001 when malformed, 1002 when unknown. */
  async sessionForToken(authorization: string | undefined): Promise<CheckoutSession> {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!token || !isSessionToken(token)) throw new ApiError('1001', 'Authorization must be "Bearer pd_st_..." with a session token');
    const session = await this.deps.sessions.findByTokenHash(sessionTokenHash(token));
    if (!session) throw new ApiError('1002', 'unknown session token');
    return session;
  }

  /** Whether the session may still be used, and from this device: 1004 expired, 1005 used, 1006 fingerprint. */
  async admitSdk(session: CheckoutSession, fingerprint: string | undefined): Promise<SdkCaller> {
    const now = this.deps.clock.now();
    if (session.status === 'expired' || (session.status === 'open' && session.expires_at <= now)) throw new ApiError('1004', 'the checkout session has expired');
    if (session.status === 'paid' || session.status === 'cancelled') throw new ApiError('1005', `the checkout session is already ${session.status === 'paid' ? 'paid' : 'cancelled'}`);

    const merchant = await this.deps.merchants.get(session.merchant_id);
    const mode = effectiveFingerprintMode(merchant.fingerprintMode, merchant.createdAt, now);
    let decision = decideFingerprint(mode, session.device_fingerprint, fingerprint);
    if (decision.action === 'allow' && decision.lock) {
      if (!(await this.deps.sessions.lockFingerprint(session.id, decision.lock, now))) {
        // Another request locked a fingerprint first: judge against that one.
        const locked = (await this.deps.sessions.findById(session.id))?.device_fingerprint ?? null;
        decision = decideFingerprint(mode, locked, fingerprint);
      } else {
        session.device_fingerprint = decision.lock;
      }
    }
    if (decision.action === 'reject') throw new ApiError('1006', `device fingerprint ${decision.reason}`);
    return { session, warnings: decision.action === 'warn' ? [decision.warning] : [] };
  }

  /** What the customer sees (GET /v1/checkout). */
  async checkoutView(session: CheckoutSession) {
    const merchant = await this.deps.merchants.get(session.merchant_id);
    return {
      object: 'checkout' as const,
      session_id: session.id,
      status: session.status,
      amount: session.amount,
      currency: session.currency,
      merchant_name: merchant.name,
      order_id: session.order_id,
      require_otp: session.require_otp === 1,
      otp_verified: session.otp_verified_at !== null,
      expires_at: new Date(session.expires_at).toISOString(),
    };
  }

  /** What the merchant sees (GET /v1/sessions/{id}); personal data decrypted only here. */
  merchantView(session: CheckoutSession) {
    return {
      ...sessionEventView(session),
      capture_mode: session.capture_mode,
      notify_url: session.notify_url,
      success_redirect_url: session.success_redirect_url,
      fail_redirect_url: session.fail_redirect_url,
      require_otp: session.require_otp === 1,
      otp_verified: session.otp_verified_at !== null,
      customer: this.decryptCustomer(session),
      metadata: this.#open<Record<string, string>>(session.metadata_enc, session.id) ?? {},
      checkout_url: this.checkoutUrl(session.id),
    };
  }

  /** The hosted checkout page; the token travels in the fragment, which browsers never send to a server. */
  checkoutUrl(sessionId: string, token?: Secret<string>): string {
    return `${this.deps.publicUrl}/checkout/${sessionId}${token ? `#${token.reveal()}` : ''}`;
  }

  decryptCustomer(session: CheckoutSession): { email?: string; phone?: string } | null {
    return this.#open<{ email?: string; phone?: string }>(session.customer_enc, session.id);
  }

  /** Personal data is sealed with the session id as associated data: a value moved to another row does not open. */
  #open<T>(sealed: string | null, sessionId: string): T | null {
    return sealed ? (JSON.parse(this.deps.personalData.decrypt(sealed, sessionId)) as T) : null;
  }


  /** Expires open sessions past their time and announces each (session.expired) in the same transaction. */
  async expireDue(limit = 100): Promise<number> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (const session of await this.deps.sessions.dueForExpiry(now, limit)) {
      await this.deps.storage.db.transaction().execute(async (trx) => {
        if (!(await this.deps.sessions.transition(session.id, 'open', 'expired', now, {}, trx))) return;
        expired++;
        await enqueueWebhookEvent(trx, {
          merchantId: session.merchant_id,
          type: 'session.expired',
          notifyUrl: session.notify_url,
          data: { object: sessionEventView({ ...session, status: 'expired' }) },
          at: now,
        });
      });
    }
    return expired;
  }
}

/**
 * A session as webhook events carry it: no customer data and no metadata
 * (SPEC §6 keeps those encrypted at rest, and event payloads are stored in
 * the outbox as sent). The merchant reads them with GET /v1/sessions/{id}.
 */
export function sessionEventView(session: CheckoutSession) {
  return {
    object: 'checkout_session' as const,
    id: session.id,
    status: session.status,
    amount: session.amount,
    currency: session.currency,
    customer_reference: session.customer_reference,
    order_id: session.order_id,
    payment_id: session.current_payment_id,
    expires_at: new Date(session.expires_at).toISOString(),
    created_at: new Date(session.created_at).toISOString(),
  };
}
