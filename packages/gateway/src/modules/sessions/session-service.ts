import type { Kysely } from 'kysely';
import type { HostedFields, HostedFieldsOrder } from '../../connectors/card-network.js';
import type { Secret } from '../../crypto/secret.js';
import { ApiError } from '../../errors.js';
import type { Locale } from '../../locales/checkout-messages.js';
import type { Database } from '../../storage/schema.js';
import { issueCardSession, spendCardSession } from './card-defence.js';
import { CardSessionRepository } from './card-session-repository.js';
import { mintSession, type MintedSession } from './mint-session.js';
import { admitDevice, admitSdk, assertAttemptAllowed, sessionForToken, type SdkCaller } from './sdk-admission.js';
import type { SessionDeps } from './session-deps.js';
import { allowedRedirect, backUrl, landing, localeFor, returnContext, urlRefused } from './session-navigation.js';
import type { CheckoutSession } from './session-repository.js';
import type { MintSessionInput } from './session-schemas.js';
import { SessionTransitions } from './session-transitions.js';
import { checkoutUrl, checkoutView, decryptCustomer, merchantView } from './session-views.js';

export type { MintedSession } from './mint-session.js';
export type { SdkCaller } from './sdk-admission.js';
export type { EndedUnpaidListener } from './session-transitions.js';
export type { MintSessionInput } from './session-schemas.js';
export { sessionEventView } from './session-views.js';

/**
 * Checkout sessions: minting (mint-session.ts), the SDK boundary's admission
 * (sdk-admission.ts), card-entry defence (card-defence.ts), where the shopper
 * goes (session-navigation.ts), the views (session-views.ts), and the only
 * way anyone changes a session's state — the named transitions it inherits
 * (session-transitions.ts: claimForPayment, reopen, markPaid, expire, cancel,
 * lockFingerprint, markOtpVerified), each a checked compare-and-set with a
 * history row. Payments and OTP call these; nothing else writes
 * checkout_sessions.
 */
export class SessionService extends SessionTransitions {
  constructor(deps: SessionDeps) {
    super(deps);
    this.#cards = new CardSessionRepository(deps.storage.db);
  }

  readonly #cards: CardSessionRepository;

  /** POST /v1/sessions (mint-session.ts). */
  mint(merchantId: string, input: MintSessionInput): Promise<MintedSession> {
    return mintSession(this.deps, merchantId, input);
  }

  /** Why `url` may no longer be used for this merchant (null: still allowed); session-navigation.ts. */
  urlRefused(merchantId: string, url: string): Promise<string | null> {
    return urlRefused(this.deps, merchantId, url);
  }

  /** The session's success or fail URL, if the merchant still allows its host; else 1201. */
  allowedRedirect(session: CheckoutSession, field: 'success_redirect_url' | 'fail_redirect_url'): Promise<URL> {
    return allowedRedirect(this.deps, session, field);
  }

  /** A session by id, inside the caller's transaction when given one. */
  get(sessionId: string, db?: Kysely<Database>): Promise<CheckoutSession | undefined> {
    return this.deps.sessions.findById(sessionId, db);
  }

  async getForMerchant(merchantId: string, sessionId: string): Promise<CheckoutSession> {
    const session = await this.deps.sessions.findById(sessionId);
    if (!session || session.merchant_id !== merchantId) throw new ApiError('1011', `no session ${sessionId}`);
    return session;
  }

  /** The session's transition history, oldest first. */
  history(sessionId: string) {
    return this.deps.sessions.transitions(sessionId);
  }

  // -- the SDK boundary (sdk-admission.ts) ----------------------------------

  /** The session a `Bearer pd_st_...` token belongs to: 1001 when malformed, 1002 when unknown. */
  sessionForToken(authorization: string | undefined): Promise<CheckoutSession> {
    return sessionForToken(this.deps, authorization);
  }

  /** Whether the session may still be used, and from this device: 1004 expired, 1005 used, 1006 fingerprint. */
  admitSdk(session: CheckoutSession, fingerprint: string | undefined): Promise<SdkCaller> {
    return admitSdk(this.deps, this, session, fingerprint);
  }

  /** The device check alone, in any state (GET /v1/checkout/status). */
  admitDevice(session: CheckoutSession, fingerprint: string | undefined): Promise<SdkCaller> {
    return admitDevice(this.deps, this, session, fingerprint);
  }

  // -- card-entry defence (card-defence.ts, docs/card-defence.md) -----------

  /** Whether the session may take a new attempt (a card session or a collect): 1602 locked, 1005 final, 1004 time up. */
  assertAttemptAllowed(session: CheckoutSession): void {
    assertAttemptAllowed(this.deps, session);
  }

  /** POST /v1/card/sessions: a hosted card session at the network, within the caps. */
  issueCardSession(
    session: CheckoutSession,
    client: { ip: string; device: string | undefined },
    open: (order: HostedFieldsOrder) => Promise<HostedFields>,
  ): Promise<HostedFields> {
    return issueCardSession(this.deps, this.#cards, session, client, open);
  }

  /** Spends the hosted card session for a payment attempt, inside the attempt's transaction; 1104/1105 when it cannot. */
  spendCardSession(session: CheckoutSession, hostedSessionId: string, paymentId: string, db: Kysely<Database>): Promise<void> {
    return spendCardSession(this.deps, this.#cards, session, hostedSessionId, paymentId, db);
  }

  // -- where the shopper goes (session-navigation.ts) -----------------------

  /** Where "Back to {merchant}" leads: cancel_url, else the fail page (the success page once paid), with `session_id`. */
  backUrl(session: CheckoutSession): string {
    return backUrl(session);
  }

  /** The checkout's language: the session's own, else the shopper's Accept-Language. */
  localeFor(session: CheckoutSession | undefined, acceptLanguage: string | undefined): Locale {
    return localeFor(session, acceptLanguage);
  }

  /** What GET /checkout/{id} needs before any token is seen; undefined for an unknown id. */
  landing(sessionId: string) {
    return landing(this.deps, sessionId);
  }

  /** The checkout's language, the merchant's name and the way back, for the pages around the 3-D Secure return. */
  returnContext(sessionId: string, acceptLanguage: string | undefined) {
    return returnContext(this.deps, sessionId, acceptLanguage);
  }

  // -- views (session-views.ts) ------------------------------------------------

  /** What the customer sees (GET /v1/checkout); `acceptLanguage` picks the locale when the session names none. */
  checkoutView(session: CheckoutSession, acceptLanguage?: string) {
    return checkoutView(this.deps, session, acceptLanguage);
  }

  /** What the merchant sees (GET /v1/sessions/{id}); personal data decrypted only here. */
  merchantView(session: CheckoutSession) {
    return merchantView(this.deps, session);
  }

  /** The hosted checkout page; the token travels in the fragment, which browsers never send to a server. */
  checkoutUrl(sessionId: string, token?: Secret<string>): string {
    return checkoutUrl(this.deps, sessionId, token);
  }

  decryptCustomer(session: CheckoutSession): { email?: string; phone?: string } | null {
    return decryptCustomer(this.deps, session);
  }
}
