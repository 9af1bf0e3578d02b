import type { Secret } from '../../crypto/secret.js';
import type { SessionDeps } from './session-deps.js';
import { localeFor } from './session-navigation.js';
import type { CheckoutSession } from './session-repository.js';

/**
 * A session as webhook events carry it: no customer data and no metadata
 * (those stay encrypted at rest, and event payloads are stored in the outbox
 * as sent). The merchant reads them with GET /v1/sessions/{id}.
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

/** What the customer sees (GET /v1/checkout); `acceptLanguage` picks the locale when the session names none. */
export async function checkoutView(deps: Pick<SessionDeps, 'merchants'>, session: CheckoutSession, acceptLanguage?: string) {
  const merchant = await deps.merchants.get(session.merchant_id);
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
    locale: localeFor(session, acceptLanguage),
  };
}

/** What the merchant sees (GET /v1/sessions/{id}); personal data decrypted only here. */
export function merchantView(deps: Pick<SessionDeps, 'personalData' | 'publicUrl'>, session: CheckoutSession) {
  return {
    ...sessionEventView(session),
    capture_mode: session.capture_mode,
    capture_method: session.capture_method,
    notify_url: session.notify_url,
    success_redirect_url: session.success_redirect_url,
    fail_redirect_url: session.fail_redirect_url,
    cancel_url: session.cancel_url,
    locale: session.locale,
    require_otp: session.require_otp === 1,
    otp_verified: session.otp_verified_at !== null,
    customer: decryptCustomer(deps, session),
    metadata: open<Record<string, string>>(deps, session.metadata_enc, session.id) ?? {},
    checkout_url: checkoutUrl(deps, session.id),
  };
}

/** The hosted checkout page; the token travels in the fragment, which browsers never send to a server. */
export function checkoutUrl(deps: Pick<SessionDeps, 'publicUrl'>, sessionId: string, token?: Secret<string>): string {
  return `${deps.publicUrl}/checkout/${sessionId}${token ? `#${token.reveal()}` : ''}`;
}

export function decryptCustomer(deps: Pick<SessionDeps, 'personalData'>, session: CheckoutSession): { email?: string; phone?: string } | null {
  return open<{ email?: string; phone?: string }>(deps, session.customer_enc, session.id);
}

/** Personal data is sealed with the session id as associated data (mint-session.ts): a value moved to another row does not open. */
function open<T>(deps: Pick<SessionDeps, 'personalData'>, sealed: string | null, sessionId: string): T | null {
  return sealed ? (JSON.parse(deps.personalData.decrypt(sealed, sessionId)) as T) : null;
}
