import type { Keyring } from '../../crypto/keyring.js';
import type { Secret } from '../../crypto/secret.js';
import type { Clock } from '../../clock.js';
import { ApiError, invalidField, urlNotAllowed } from '../../errors.js';
import { newId } from '../../ids.js';
import { currencyCode, parseAmount } from '../../money.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { checkAllowedUrl } from './redirect-url.js';
import type { CheckoutSession, SessionRepository } from './session-repository.js';
import { generateSessionToken, sessionTokenHash } from './session-token.js';
import type { MintSessionInput } from './session-schemas.js';

export interface MintedSession {
  session: CheckoutSession;
  /** Shown once, in the 201 answer; only its SHA-256 is stored. */
  token: Secret<string>;
}

export interface MintDeps {
  sessions: SessionRepository;
  merchants: MerchantService;
  personalData: Keyring;
  clock: Clock;
  sandbox: boolean;
  /** Which OTP channels this gateway can deliver on (PDIRECT_OTP_SMS / PDIRECT_OTP_EMAIL not `off`). */
  otpChannels: { email: boolean; sms: boolean };
}

const AMOUNT_PROBLEMS = {
  format: 'a decimal string such as "12.50" (no sign, exponent or spaces)',
  precision: 'has more decimals than the currency allows',
  zero: 'must be greater than zero',
  too_large: 'is too large',
} as const;

/**
 * POST /v1/sessions: validate everything, bind amount, currency and customer
 * to the session, seal the personal data, and mint the session's token.
 */
export async function mintSession(deps: MintDeps, merchantId: string, input: MintSessionInput): Promise<MintedSession> {
  if (input.capture_mode === 'DIRECT_CAPTURE') throw new ApiError('1501', 'capture_mode DIRECT_CAPTURE is reserved and not implemented; use HOSTED_SESSION');
  const code = currencyCode(input.currency);
  if (!code) throw invalidField('currency', 'an ISO 4217 code such as "usd"');
  const amount = parseAmount(input.amount, code);
  if ('problem' in amount) throw invalidField('amount', AMOUNT_PROBLEMS[amount.problem]);
  if (input.require_otp && !input.customer?.email && !input.customer?.phone) {
    throw invalidField('customer', 'require_otp needs customer.email or customer.phone to send the code to');
  }
  if (input.require_otp && !(input.customer?.email && deps.otpChannels.email) && !(input.customer?.phone && deps.otpChannels.sms)) {
    throw invalidField(
      'customer',
      'this gateway cannot deliver a one-time code to the given contact (OTP by SMS / e-mail is off: PDIRECT_OTP_SMS, PDIRECT_OTP_EMAIL)',
    );
  }

  const merchant = await deps.merchants.get(merchantId);
  const urls = {} as Record<'notify_url' | 'success_redirect_url' | 'fail_redirect_url', string>;
  for (const field of ['notify_url', 'success_redirect_url', 'fail_redirect_url'] as const) {
    const verdict = checkAllowedUrl(input[field], merchant.redirectHosts, { sandbox: deps.sandbox });
    if (!verdict.ok) throw urlNotAllowed(field, verdict.reason);
    urls[field] = verdict.url;
  }
  let cancelUrl: string | null = null;
  if (input.cancel_url !== undefined) {
    const verdict = checkAllowedUrl(input.cancel_url, merchant.redirectHosts, { sandbox: deps.sandbox });
    if (!verdict.ok) throw urlNotAllowed('cancel_url', verdict.reason);
    cancelUrl = verdict.url;
  }
  const existing = await deps.sessions.findByOrderId(merchantId, input.order_id);
  if (existing) throw invalidField('order_id', `already used by session ${existing.id}; order ids are unique per merchant`);

  const now = deps.clock.now();
  const id = newId('cs');
  const token = generateSessionToken();
  const seal = (value: object | undefined) => (value && Object.keys(value).length > 0 ? deps.personalData.encrypt(JSON.stringify(value), id) : null);
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
    cancel_url: cancelUrl,
    locale: input.locale ?? null,
    capture_mode: 'HOSTED_SESSION',
    capture_method: input.capture_method ?? 'automatic',
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
    await deps.sessions.insert(session);
  } catch (err) {
    // Two concurrent mints with one order_id: the unique constraint decides.
    if (await deps.sessions.findByOrderId(merchantId, input.order_id)) {
      throw invalidField('order_id', 'already used by another session; order ids are unique per merchant');
    }
    throw err;
  }
  return { session, token };
}
