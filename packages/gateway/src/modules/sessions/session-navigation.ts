import { ApiError, urlNotAllowed } from '../../errors.js';
import { negotiateLocale, isLocale, type Locale } from '../../locales/checkout-messages.js';
import { checkAllowedUrl } from './redirect-url.js';
import type { SessionDeps } from './session-deps.js';
import type { CheckoutSession } from './session-repository.js';

/**
 * Where the shopper goes from a checkout session (SessionService): the
 * merchant's redirect URLs (checked again at use), the way back to the
 * merchant, the checkout's language, and what a reopened session says.
 */

/**
 * Why `url` may no longer be used for this merchant (null: still allowed).
 * The allow-list is checked again at use — every redirect and every webhook
 * delivery — so a host removed from the merchant's list stops receiving
 * both at once, whatever sessions were minted before.
 */
export async function urlRefused(deps: Pick<SessionDeps, 'merchants' | 'sandbox'>, merchantId: string, url: string): Promise<string | null> {
  // Only "no such merchant" means it is gone; a database error is not a refusal (it propagates: 503, retry).
  const merchant = await deps.merchants.get(merchantId).catch((err: unknown) => {
    if (err instanceof ApiError && err.code === '1011') return undefined;
    throw err;
  });
  if (!merchant) return 'the merchant no longer exists';
  const verdict = checkAllowedUrl(url, merchant.redirectHosts, { sandbox: deps.sandbox });
  return verdict.ok ? null : verdict.reason;
}

/** The session's success or fail URL, if the merchant still allows its host; else 1201. */
export async function allowedRedirect(
  deps: Pick<SessionDeps, 'merchants' | 'sandbox'>,
  session: CheckoutSession,
  field: 'success_redirect_url' | 'fail_redirect_url',
): Promise<URL> {
  const refused = await urlRefused(deps, session.merchant_id, session[field]);
  if (refused) throw urlNotAllowed(field, `${refused} (the merchant's allow-list changed after the session was created)`);
  return new URL(session[field]);
}

/**
 * Where "Back to {merchant}" leads: the session's cancel_url, else its
 * fail page; both carry `session_id` so the merchant knows which checkout
 * came back. A paid session leads to its success page.
 */
export function backUrl(session: CheckoutSession): string {
  const target = new URL(session.status === 'paid' ? session.success_redirect_url : (session.cancel_url ?? session.fail_redirect_url));
  target.searchParams.set('session_id', session.id);
  return target.toString();
}

/** The checkout's language: the session's own, else the shopper's Accept-Language. */
export function localeFor(session: CheckoutSession | undefined, acceptLanguage: string | undefined): Locale {
  return session && isLocale(session.locale) ? session.locale : negotiateLocale(acceptLanguage);
}

/**
 * What GET /checkout/{id} needs before any token is seen: the session (for
 * its language) and, when it can no longer take a payment, its final state
 * and the merchant's name — what a shopper reopening it is told, with or
 * without the token. Undefined for an unknown id.
 */
export async function landing(
  deps: Pick<SessionDeps, 'sessions' | 'merchants' | 'clock'>,
  sessionId: string,
): Promise<{ session: CheckoutSession; final: { state: 'paid' | 'expired' | 'cancelled' | 'locked'; merchantName: string } | null } | undefined> {
  const session = await deps.sessions.findById(sessionId);
  if (!session) return undefined;
  const now = deps.clock.now();
  const state =
    session.status === 'paid' || session.status === 'cancelled' || session.status === 'locked' || session.status === 'expired'
      ? session.status
      : session.status === 'open' && session.expires_at <= now
        ? 'expired'
        : undefined;
  if (!state) return { session, final: null };
  const merchant = await deps.merchants.get(session.merchant_id);
  return { session, final: { state, merchantName: merchant.name } };
}

/**
 * What the pages around the 3-D Secure return need to speak to the shopper:
 * the checkout's language, the merchant's name and the way back to it.
 */
export async function returnContext(
  deps: Pick<SessionDeps, 'sessions' | 'merchants'>,
  sessionId: string,
  acceptLanguage: string | undefined,
): Promise<{ locale: Locale; merchantName: string; backUrl: string } | undefined> {
  const session = await deps.sessions.findById(sessionId);
  if (!session) return undefined;
  const merchant = await deps.merchants.get(session.merchant_id);
  return { locale: localeFor(session, acceptLanguage), merchantName: merchant.name, backUrl: backUrl(session) };
}
