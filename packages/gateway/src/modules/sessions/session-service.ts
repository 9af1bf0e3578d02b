import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.js';
import type { CardDefenceSettings } from '../../config.js';
import type { HostedFields, HostedFieldsOrder } from '../../connectors/card-network.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Secret } from '../../crypto/secret.js';
import { ApiError, urlNotAllowed } from '../../errors.js';
import { currencyCode } from '../../money.js';
import type { Storage } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { CardSessionRepository, hostedSessionHash } from './card-session-repository.js';
import { decideFingerprint, effectiveFingerprintMode } from './fingerprint.js';
import { mintSession, type MintedSession } from './mint-session.js';
import { checkAllowedUrl } from './redirect-url.js';
import type { CheckoutSession, SessionRepository } from './session-repository.js';
import type { MintSessionInput } from './session-schemas.js';
import { sessionEventView } from './session-views.js';
import { isSessionToken, sessionTokenHash } from './session-token.js';
import { isPayable } from './state-machine.js';
import { negotiateLocale, isLocale, type Locale } from '../../locales/checkout-messages.js';

export type { MintedSession } from './mint-session.js';
export type { MintSessionInput } from './session-schemas.js';
export { sessionEventView } from './session-views.js';

/**
 * Told, inside the transaction that ends it, that a session can no longer be
 * paid (expired, locked, cancelled). The payments module listens: when the
 * session had a failed attempt, it announces `payment.failed`.
 */
export type EndedUnpaidListener = (session: CheckoutSession, db: Kysely<Database>) => Promise<void>;

export interface SdkCaller {
  session: CheckoutSession;
  /** Audit warnings (fingerprint mismatch in warn mode). */
  warnings: string[];
}

/**
 * Checkout sessions: minting, the SDK boundary's admission, the views, and
 * the only way anyone changes a session's state — the named transitions
 * below (claimForPayment, reopen, markPaid, expire, cancel, lockFingerprint,
 * markOtpVerified), each a checked compare-and-set with a history row.
 * Payments and OTP call these; nothing else writes checkout_sessions.
 */
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
      /** Caps on hosted card sessions and declines (docs/card-defence.md). */
      cardDefence: CardDefenceSettings;
    },
  ) {
    this.#cards = new CardSessionRepository(deps.storage.db);
  }

  readonly #cards: CardSessionRepository;
  #endedUnpaid: EndedUnpaidListener | undefined;

  /** Registers the one listener told when a session ends unpaid (the payments module, in its constructor). */
  onEndedUnpaid(listener: EndedUnpaidListener): void {
    this.#endedUnpaid = listener;
  }

  async #announceEnd(session: CheckoutSession, to: 'expired' | 'locked' | 'cancelled', now: number, db: Kysely<Database>): Promise<void> {
    const ended = { ...session, status: to, updated_at: now };
    if (to !== 'cancelled') {
      await enqueueWebhookEvent(db, {
        merchantId: session.merchant_id,
        type: to === 'locked' ? 'session.locked' : 'session.expired',
        notifyUrl: session.notify_url,
        data: { object: sessionEventView(ended) },
        at: now,
      });
    }
    await this.#endedUnpaid?.(ended, db);
  }

  /** POST /v1/sessions (mint-session.ts). */
  mint(merchantId: string, input: MintSessionInput): Promise<MintedSession> {
    return mintSession(this.deps, merchantId, input);
  }

  /**
   * Why `url` may no longer be used for this merchant (null: still allowed).
   * The allow-list is checked again at use — every redirect and every webhook
   * delivery — so a host removed from the merchant's list stops receiving
   * both at once, whatever sessions were minted before.
   */
  async urlRefused(merchantId: string, url: string): Promise<string | null> {
    // Only "no such merchant" means it is gone; a database error is not a refusal (it propagates: 503, retry).
    const merchant = await this.deps.merchants.get(merchantId).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === '1011') return undefined;
      throw err;
    });
    if (!merchant) return 'the merchant no longer exists';
    const verdict = checkAllowedUrl(url, merchant.redirectHosts, { sandbox: this.deps.sandbox });
    return verdict.ok ? null : verdict.reason;
  }

  /** The session's success or fail URL, if the merchant still allows its host; else 1201. */
  async allowedRedirect(session: CheckoutSession, field: 'success_redirect_url' | 'fail_redirect_url'): Promise<URL> {
    const refused = await this.urlRefused(session.merchant_id, session[field]);
    if (refused) throw urlNotAllowed(field, `${refused} (the merchant's allow-list changed after the session was created)`);
    return new URL(session[field]);
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

  // -- the SDK boundary ----------------------------------------------------

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
    if (session.status === 'expired' || (session.status === 'open' && session.expires_at <= now))
      throw new ApiError('1004', 'the checkout session has expired');
    if (session.status === 'paid' || session.status === 'cancelled' || session.status === 'authorized')
      throw new ApiError('1005', `the checkout session is already ${session.status}`);
    if (session.status === 'locked') throw locked();
    return this.admitDevice(session, fingerprint);
  }

  /**
   * The device check alone, in any state: for the one read a spent session's
   * token still allows (GET /v1/checkout/status, where to go back to).
   */
  async admitDevice(session: CheckoutSession, fingerprint: string | undefined): Promise<SdkCaller> {
    const now = this.deps.clock.now();
    const merchant = await this.deps.merchants.get(session.merchant_id);
    const mode = effectiveFingerprintMode(merchant.fingerprintMode, merchant.createdAt, now);
    let decision = decideFingerprint(mode, session.device_fingerprint, fingerprint);
    if (decision.action === 'allow' && decision.lock) {
      if (!(await this.lockFingerprint(session.id, decision.lock))) {
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

  // -- card-entry defence (docs/card-defence.md) ----------------------------

  /**
   * Whether the session may take a new attempt (a card session or a collect):
   * 1602 when locked, 1005 when paid or cancelled, 1004 once its time is up —
   * in every non-final state, an abandoned 3-D Secure challenge included.
   */
  assertAttemptAllowed(session: CheckoutSession): void {
    if (session.status === 'locked') throw locked();
    if (session.status === 'paid' || session.status === 'cancelled' || session.status === 'authorized')
      throw new ApiError('1005', `the checkout session is already ${session.status}`);
    if (session.status === 'expired' || session.expires_at <= this.deps.clock.now()) throw new ApiError('1004', 'the checkout session has expired');
  }

  /**
   * POST /v1/card/sessions: opens a hosted card session at the network and
   * records its id against this checkout session and merchant, within the
   * caps (per checkout session; per client IP and per device in any minute).
   */
  async issueCardSession(
    session: CheckoutSession,
    client: { ip: string; device: string | undefined },
    open: (order: HostedFieldsOrder) => Promise<HostedFields>,
  ): Promise<HostedFields> {
    this.assertAttemptAllowed(session);
    const { cardSessionsPerCheckout, cardSessionsPerMinute } = this.deps.cardDefence;
    const ip = client.ip.slice(0, 64);
    const device = client.device ? client.device.slice(0, 128) : null;
    const now = this.deps.clock.now();
    const recent = await this.#cards.countRecent(now - 60_000, ip, device);
    if (recent.ip >= cardSessionsPerMinute || recent.device >= cardSessionsPerMinute) {
      throw new ApiError('1603', `at most ${cardSessionsPerMinute} card sessions a minute from one device or IP address`, { 'Retry-After': '60' });
    }
    const tooMany = () => new ApiError('1603', `at most ${cardSessionsPerCheckout} card sessions per checkout session`);
    let issued = await this.#cards.countForSession(session.id);
    if (issued >= cardSessionsPerCheckout) throw tooMany();
    // The network session carries the order's amount and currency: the network itself refuses any other.
    const fields = await open({ amount: session.amount, currency: currencyCode(session.currency)! });
    const row = {
      id_hash: hostedSessionHash(fields.hostedSessionId),
      session_id: session.id,
      merchant_id: session.merchant_id,
      client_ip: ip,
      device_fingerprint: device,
    };
    // Bounded: each lost race means another request took the next number; the cap is the unique (session, seq) pair.
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.#cards.insert({ ...row, seq: issued + 1, created_at: now, spent_at: null, spent_by: null })) return fields;
      issued = await this.#cards.countForSession(session.id);
      if (issued >= cardSessionsPerCheckout) throw tooMany();
    }
    throw tooMany();
  }

  /** Spends the hosted card session for a payment attempt, inside the attempt's transaction; 1104/1105 when it cannot. */
  async spendCardSession(session: CheckoutSession, hostedSessionId: string, paymentId: string, db: Kysely<Database>): Promise<void> {
    if (await this.#cards.spend(hostedSessionId, session.id, paymentId, this.deps.clock.now(), db)) return;
    const row = await this.#cards.findByHostedId(hostedSessionId, db);
    throw row?.session_id === session.id ? spent() : notIssued();
  }

  // -- the named transitions -----------------------------------------------

  /**
   * An attempt claims the session (open → processing, or processing →
   * processing once the caller has failed the abandoned challenge it
   * replaces), naming the payment. False when the session moved meanwhile.
   */
  async claimForPayment(session: CheckoutSession, paymentId: string, db?: Kysely<Database>): Promise<boolean> {
    if (!isPayable(session.status)) return false;
    return this.deps.sessions.transition(
      session.id,
      session.status,
      'processing',
      `claimed by ${paymentId}`,
      this.deps.clock.now(),
      { current_payment_id: paymentId },
      db,
    );
  }

  /**
   * A failed attempt lets go: the session reopens for another card, expires
   * if its time is up, or locks once `failedAttempts` reaches the limit
   * (card testing). Expiry and lock are announced (session.expired,
   * session.locked, and payment.failed through the listener) in the caller's
   * transaction. Answers the session's new status, undefined when the
   * attempt no longer held it.
   */
  async reopen(sessionId: string, paymentId: string, db: Kysely<Database>, failedAttempts = 0): Promise<'open' | 'expired' | 'locked' | undefined> {
    const now = this.deps.clock.now();
    const session = await this.deps.sessions.findById(sessionId, db);
    if (session?.status !== 'processing' || session.current_payment_id !== paymentId) return undefined;
    const to = session.expires_at <= now ? 'expired' : failedAttempts >= this.deps.cardDefence.declinesBeforeLock ? 'locked' : 'open';
    const cause = to === 'locked' ? `${paymentId} failed: ${failedAttempts} failed attempts, locked` : `${paymentId} failed`;
    if (!(await this.deps.sessions.transition(session.id, 'processing', to, cause, now, {}, db))) return undefined;
    if (to !== 'open') await this.#announceEnd(session, to, now, db);
    return to;
  }

  /** Sessions held by an attempt whose time is up (an abandoned 3-D Secure challenge): the sweeper fails the attempt. */
  stalledPastTtl(limit: number): Promise<CheckoutSession[]> {
    return this.deps.sessions.stalledPastTtl(this.deps.clock.now(), limit);
  }

  /** A payment of the session succeeded: paid, whatever it was doing (a late, reconciled success still counts). */
  async markPaid(sessionId: string, paymentId: string, db?: Kysely<Database>): Promise<void> {
    const now = this.deps.clock.now();
    // Bounded: each lost race means another process moved the session; paid and cancelled are final.
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = await this.deps.sessions.findById(sessionId, db);
      if (!session || !['open', 'processing', 'expired', 'authorized'].includes(session.status)) return;
      if (await this.deps.sessions.transition(sessionId, session.status, 'paid', `${paymentId} succeeded`, now, {}, db)) return;
    }
  }

  /** A payment of the session is authorized and waits for the merchant's capture: no new attempt is taken. */
  async markAuthorized(sessionId: string, paymentId: string, db?: Kysely<Database>): Promise<void> {
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const session = await this.deps.sessions.findById(sessionId, db);
      if (!session || !['open', 'processing', 'expired'].includes(session.status)) return;
      if (await this.deps.sessions.transition(sessionId, session.status, 'authorized', `${paymentId} authorized`, now, {}, db)) return;
    }
  }

  /** The session's authorization was voided (by the merchant, or not captured in time): the session is cancelled. */
  async cancelAuthorized(sessionId: string, cause: string, db?: Kysely<Database>): Promise<boolean> {
    return this.deps.sessions.transition(sessionId, 'authorized', 'cancelled', cause, this.deps.clock.now(), {}, db);
  }

  /** An open session whose time is up; false when it was no longer open. */
  expire(sessionId: string, db?: Kysely<Database>): Promise<boolean> {
    return this.deps.sessions.transition(sessionId, 'open', 'expired', 'time is up', this.deps.clock.now(), {}, db);
  }

  /** An open session the merchant no longer wants paid; announced (payment.failed after a failed attempt) in the same transaction. */
  async cancel(sessionId: string, cause: string, db?: Kysely<Database>): Promise<boolean> {
    const run = async (trx: Kysely<Database>): Promise<boolean> => {
      const session = await this.deps.sessions.findById(sessionId, trx);
      const now = this.deps.clock.now();
      if (session?.status !== 'open' || !(await this.deps.sessions.transition(sessionId, 'open', 'cancelled', cause, now, {}, trx))) return false;
      await this.#announceEnd(session, 'cancelled', now, trx);
      return true;
    };
    return db ? run(db) : this.deps.storage.db.transaction().execute(run);
  }

  /**
   * POST /v1/checkout/cancel: the shopper chose "Back to {merchant}". An open
   * session is cancelled (named transition open → cancelled) and announced
   * (session.cancelled) in one transaction; a session an attempt holds
   * (processing: a payment may still settle) or one already final is left as
   * it is. Either way the answer says where the shopper goes back to.
   */
  async cancelByCustomer(session: CheckoutSession): Promise<{ status: CheckoutSession['status']; redirectUrl: string }> {
    const now = this.deps.clock.now();
    let status = session.status;
    if (session.status === 'open' && session.expires_at > now) {
      await this.deps.storage.db.transaction().execute(async (trx) => {
        if (!(await this.cancel(session.id, 'cancelled by the customer', trx))) return;
        status = 'cancelled';
        await enqueueWebhookEvent(trx, {
          merchantId: session.merchant_id,
          type: 'session.cancelled',
          notifyUrl: session.notify_url,
          data: { object: sessionEventView({ ...session, status: 'cancelled', updated_at: now }) },
          at: now,
        });
      });
      if (status !== 'cancelled') status = (await this.deps.sessions.findById(session.id))?.status ?? status;
    }
    return { status, redirectUrl: this.backUrl(session) };
  }

  /**
   * Where "Back to {merchant}" leads: the session's cancel_url, else its
   * fail page; both carry `session_id` so the merchant knows which checkout
   * came back. A paid session leads to its success page.
   */
  backUrl(session: CheckoutSession): string {
    const target = new URL(session.status === 'paid' ? session.success_redirect_url : (session.cancel_url ?? session.fail_redirect_url));
    target.searchParams.set('session_id', session.id);
    return target.toString();
  }

  /** The checkout's language: the session's own, else the shopper's Accept-Language. */
  localeFor(session: CheckoutSession | undefined, acceptLanguage: string | undefined): Locale {
    return session && isLocale(session.locale) ? session.locale : negotiateLocale(acceptLanguage);
  }

  /**
   * What GET /checkout/{id} needs before any token is seen: the session (for
   * its language) and, when it can no longer take a payment, its final state
   * and the merchant's name — what a shopper reopening it is told, with or
   * without the token. Undefined for an unknown id.
   */
  async landing(
    sessionId: string,
  ): Promise<{ session: CheckoutSession; final: { state: 'paid' | 'expired' | 'cancelled' | 'locked'; merchantName: string } | null } | undefined> {
    const session = await this.deps.sessions.findById(sessionId);
    if (!session) return undefined;
    const now = this.deps.clock.now();
    const state =
      session.status === 'paid' || session.status === 'cancelled' || session.status === 'locked' || session.status === 'expired'
        ? session.status
        : session.status === 'open' && session.expires_at <= now
          ? 'expired'
          : undefined;
    if (!state) return { session, final: null };
    const merchant = await this.deps.merchants.get(session.merchant_id);
    return { session, final: { state, merchantName: merchant.name } };
  }

  /**
   * What the pages around the 3-D Secure return need to speak to the shopper:
   * the checkout's language, the merchant's name and the way back to it.
   */
  async returnContext(sessionId: string, acceptLanguage: string | undefined): Promise<{ locale: Locale; merchantName: string; backUrl: string } | undefined> {
    const session = await this.deps.sessions.findById(sessionId);
    if (!session) return undefined;
    const merchant = await this.deps.merchants.get(session.merchant_id);
    return { locale: this.localeFor(session, acceptLanguage), merchantName: merchant.name, backUrl: this.backUrl(session) };
  }

  /** Locks the first device fingerprint seen; false when another request locked one first. */
  lockFingerprint(sessionId: string, fingerprint: string): Promise<boolean> {
    return this.deps.sessions.lockFingerprint(sessionId, fingerprint, this.deps.clock.now());
  }

  /** The customer proved the one-time code (OTP calls this inside its own transaction). */
  markOtpVerified(sessionId: string, at: number, db?: Kysely<Database>): Promise<void> {
    return this.deps.sessions.markOtpVerified(sessionId, at, db);
  }

  /** Expires open sessions past their time and announces each (session.expired; payment.failed after a failed attempt) in the same transaction. */
  async expireDue(limit = 100): Promise<number> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (const session of await this.deps.sessions.dueForExpiry(now, limit)) {
      await this.deps.storage.db.transaction().execute(async (trx) => {
        if (!(await this.expire(session.id, trx))) return;
        expired++;
        await this.#announceEnd(session, 'expired', now, trx);
      });
    }
    return expired;
  }

  // -- views -----------------------------------------------------------------

  /** What the customer sees (GET /v1/checkout); `acceptLanguage` picks the locale when the session names none. */
  async checkoutView(session: CheckoutSession, acceptLanguage?: string) {
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
      locale: this.localeFor(session, acceptLanguage),
    };
  }

  /** What the merchant sees (GET /v1/sessions/{id}); personal data decrypted only here. */
  merchantView(session: CheckoutSession) {
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
}

function locked(): ApiError {
  return new ApiError('1602', 'too many failed card attempts: this checkout session is locked');
}

function notIssued(): ApiError {
  return new ApiError('1104', 'hosted_session_id was not issued for this checkout session', {}, { param: 'hosted_session_id' });
}

function spent(): ApiError {
  return new ApiError('1105', 'hosted_session_id was already used by a payment attempt; open a new card session', {}, { param: 'hosted_session_id' });
}
