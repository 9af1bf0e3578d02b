import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { AuthenticationOutcome, BrowserDetails, CardNetwork, PaymentOutcome } from '../../connectors/card-network.js';
import { NetworkRejected } from '../../connectors/card-network.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Storage } from '../../storage/database.js';
import type { Database } from '../../storage/schema.js';
import type { CheckoutSession, SessionRepository } from '../sessions/session-repository.js';
import { enqueueWebhookEvent } from '../webhooks/outbox.js';
import { currencyCode, formatMinor, parseAmount } from './money.js';
import type { Payment, PaymentRepository, Refund } from './payment-repository.js';
import { type Kysely } from 'kysely';

export interface CollectInput {
  payment_method: 'card';
  hosted_session_id: string;
  /** The customer's browser, for 3-D Secure 2; userAgent defaults to the request's User-Agent. */
  browser?: BrowserDetails;
  /** Legacy callers: compared byte for byte with the session (SPEC §2). */
  amount?: string;
  currency?: string;
  customer_reference?: string;
}

/** What collect answers: the payment, and for a 3-D Secure challenge what to show. */
export interface CollectResult {
  payment: Payment;
  nextAction?: { type: 'three_d_secure_challenge'; html: string };
}

/** Where the customer's browser ends up after a 3-D Secure challenge. */
export interface ReturnResult {
  redirectTo: string;
  payment: Payment;
}

const PROCESSING_STALE_MS = 120_000;
const RECONCILE_BACKOFF_MS = 30_000;

/**
 * Card payments on a checkout session (SPEC §2–§3), told as stories:
 * collect → 3-D Secure (frictionless or challenge) → PAY → settle. The
 * amount, currency and customer reference always come from the session.
 * Ids for the network are recorded before any call; no database
 * transaction is held across a call; an unknown outcome is reconciled by
 * retrieving the transaction, never by paying again.
 */
export class PaymentService {
  constructor(
    private readonly deps: {
      storage: Storage;
      payments: PaymentRepository;
      sessions: SessionRepository;
      network: CardNetwork;
      clock: Clock;
      logger: Logger;
      publicUrl: string;
      /** Pay without 3-D Secure when the card cannot be authenticated (liability stays with the merchant). */
      payWhenAuthenticationUnavailable: boolean;
    },
  ) {}

  async collect(session: CheckoutSession, input: CollectInput, client: { ip: string; userAgent: string }): Promise<CollectResult> {
    bindSessionOrThrow(session, input);
    if (session.require_otp === 1 && session.otp_verified_at === null) throw new ApiError('1403', 'verify the one-time code before paying');
    const payment = await this.#startAttempt(session, input.hosted_session_id);

    const initiated = await this.#authenticationStep(payment, () =>
      this.deps.network.initiateAuthentication({
        orderId: payment.network_order_ref,
        authTransactionId: payment.auth_txn_id,
        hostedSessionId: payment.hosted_session_id,
        currency: currencyCode(payment.currency)!,
      }),
    );
    if (initiated.status !== 'proceed') return this.#afterAuthentication(payment, initiated);

    const authenticated = await this.#authenticationStep(payment, () =>
      this.deps.network.authenticatePayer({
        orderId: payment.network_order_ref,
        authTransactionId: payment.auth_txn_id,
        hostedSessionId: payment.hosted_session_id,
        amount: payment.amount,
        currency: currencyCode(payment.currency)!,
        redirectResponseUrl: `${this.deps.publicUrl}/v1/3ds/return/${payment.id}`,
        browser: { ...input.browser, userAgent: input.browser?.userAgent ?? client.userAgent },
        ipAddress: client.ip,
      }),
    );
    return this.#afterAuthentication(payment, authenticated);
  }

  /**
   * The browser came back from the ACS. Its POST is never trusted: the
   * authentication is re-read from the network, and only a payment still
   * waiting for it (compare-and-set) goes on to PAY.
   */
  async completeChallenge(paymentId: string): Promise<ReturnResult | undefined> {
    const payment = await this.deps.payments.findById(paymentId);
    if (!payment) return undefined;
    if (payment.status !== 'requires_action') return this.#redirectFor(payment);
    const auth = await this.deps.network.retrieveAuthentication(payment.network_order_ref, payment.auth_txn_id);
    if (auth.status === 'challenge' || auth.status === 'pending') throw new ApiError('1010', 'the 3-D Secure authentication has not completed');
    const now = this.deps.clock.now();
    if (auth.status === 'proceed' || (auth.status === 'unavailable' && this.deps.payWhenAuthenticationUnavailable)) {
      const resumed = await this.deps.payments.transition(payment.id, 'requires_action', 'processing', `3-D Secure ${auth.authenticationStatus ?? 'completed'}`, now, {
        authentication_status: auth.authenticationStatus,
      });
      if (!resumed) return this.#redirectFor((await this.deps.payments.findById(paymentId))!);
      const settled = await this.#pay({ ...payment, status: 'processing', authentication_status: auth.authenticationStatus }, auth.status === 'proceed');
      return this.#redirectFor(settled);
    }
    const failed = await this.#fail(payment, 'requires_action', `3-D Secure ${auth.authenticationStatus ?? 'failed'}`, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', {
      authentication_status: auth.authenticationStatus,
    });
    return this.#redirectFor(failed);
  }

  async get(merchantId: string, paymentId: string): Promise<Payment> {
    const payment = await this.deps.payments.findById(paymentId);
    if (!payment || payment.merchant_id !== merchantId) throw new ApiError('1011', `no payment ${paymentId}`);
    return payment;
  }

  listByOrder(merchantId: string, orderId: string): Promise<Payment[]> {
    return this.deps.payments.listByOrderId(merchantId, orderId);
  }

  /** Full (no amount) or partial refund; never above what was captured, even under concurrent requests. */
  async refund(merchantId: string, paymentId: string, input: { amount?: string }): Promise<Refund> {
    const payment = await this.get(merchantId, paymentId);
    if (payment.status !== 'succeeded') throw new ApiError('1010', `payment ${payment.id} is ${payment.status}; only a succeeded payment can be refunded`);
    const code = currencyCode(payment.currency)!;
    let minor = payment.amount_minor - payment.amount_refunded_minor;
    if (input.amount !== undefined) {
      const parsed = parseAmount(input.amount, code);
      if ('problem' in parsed) throw new ApiError('1010', `amount: ${parsed.problem === 'precision' ? 'has more decimals than the currency allows' : parsed.problem === 'zero' ? 'must be greater than zero' : 'a decimal string such as "5.00"'}`);
      minor = parsed.minor;
    }
    const now = this.deps.clock.now();
    const refund: Refund = {
      id: newId('re'),
      payment_id: payment.id,
      merchant_id: merchantId,
      amount: formatMinor(minor, code),
      amount_minor: minor,
      currency: payment.currency,
      status: 'pending',
      network_txn_ref: '',
      gateway_code: null,
      created_at: now,
      updated_at: now,
    };
    refund.network_txn_ref = refund.id;
    const reserved = await this.deps.storage.db.transaction().execute(async (trx) => {
      if (minor <= 0 || !(await this.deps.payments.reserveRefund(payment.id, minor, trx))) return false;
      await this.deps.payments.insertRefund(refund, trx);
      return true;
    });
    if (!reserved) {
      const left = formatMinor(Math.max(0, payment.amount_minor - payment.amount_refunded_minor), code);
      throw new ApiError('1010', `amount: exceeds what can still be refunded (${left} ${payment.currency})`);
    }

    let outcome: PaymentOutcome;
    try {
      outcome = await this.deps.network.refund({ orderId: payment.network_order_ref, refundTransactionId: refund.network_txn_ref, amount: refund.amount, currency: code });
    } catch (err) {
      if (!(err instanceof NetworkRejected)) throw err; // transport trouble: the refund stays pending and is reconciled
      await this.#settleRefund(payment, refund, 'failed', err.reason);
      throw new ApiError('1601', `refund refused by the card network (${err.reason})`);
    }
    return this.#settleRefund(payment, refund, outcome.status, outcome.gatewayCode);
  }

  refundsOf(paymentId: string): Promise<Refund[]> {
    return this.deps.payments.refundsOf(paymentId);
  }

  transitionsOf(paymentId: string) {
    return this.deps.payments.transitions(paymentId);
  }

  /** Learns the outcome of payments left pending (or stranded by a crash) and of pending refunds. */
  async reconcileDue(limit = 50): Promise<number> {
    const now = this.deps.clock.now();
    let settled = 0;
    for (const payment of await this.deps.payments.dueForReconciliation(now, now - PROCESSING_STALE_MS, limit)) {
      const outcome = await this.deps.network.reconcilePayment(payment.network_order_ref, payment.pay_txn_id).catch((err) => {
        this.deps.logger.warn({ err, payment_id: payment.id }, 'reconciliation failed; will retry');
        return undefined;
      });
      if (outcome === undefined || outcome?.status === 'pending') {
        await this.deps.payments.setReconcileAfter(payment.id, now + RECONCILE_BACKOFF_MS);
        continue;
      }
      settled++;
      if (outcome === null) await this.#fail(payment, payment.status, 'the card network never received the payment', 'NOT_RECEIVED');
      else await this.#settle(payment, payment.status, outcome, 'reconciled with the card network');
    }
    for (const refund of await this.deps.payments.pendingRefunds(now - PROCESSING_STALE_MS, limit)) {
      const payment = (await this.deps.payments.findById(refund.payment_id))!;
      const outcome = await this.deps.network.reconcilePayment(payment.network_order_ref, refund.network_txn_ref).catch(() => undefined);
      if (outcome === undefined || outcome?.status === 'pending') continue;
      settled++;
      await this.#settleRefund(payment, refund, outcome === null ? 'failed' : outcome.status, outcome?.gatewayCode ?? 'NOT_RECEIVED');
    }
    return settled;
  }

  // -- the steps ------------------------------------------------------------

  /** Claims the session for one attempt and records the network ids, in one transaction, before any call. */
  async #startAttempt(session: CheckoutSession, hostedSessionId: string): Promise<Payment> {
    const now = this.deps.clock.now();
    const id = newId('pay');
    const payment: Payment = {
      id,
      session_id: session.id,
      merchant_id: session.merchant_id,
      order_id: session.order_id,
      amount: session.amount,
      amount_minor: session.amount_minor,
      currency: session.currency,
      customer_reference: session.customer_reference,
      status: 'processing',
      hosted_session_id: hostedSessionId,
      network: this.deps.network.name,
      network_order_ref: id,
      auth_txn_id: 'auth-1',
      pay_txn_id: 'pay-1',
      authentication_status: null,
      card_brand: null,
      card_masked: null,
      card_expiry: null,
      gateway_code: null,
      failure_reason: null,
      amount_refunded_minor: 0,
      reconcile_after: null,
      network_data: null,
      created_at: now,
      updated_at: now,
    };
    const claimed = await this.deps.storage.db.transaction().execute(async (trx) => {
      const current = await this.deps.sessions.findById(session.id, trx);
      if (!current) return false;
      if (current.status === 'processing' && current.current_payment_id) {
        // A challenge the customer walked away from may be replaced by a new attempt; anything else is in flight.
        const abandoned = await this.deps.payments.transition(current.current_payment_id, 'requires_action', 'failed', 'superseded by a new attempt', now, { failure_reason: 'abandoned' }, trx);
        if (!abandoned) return false;
      }
      if (!(await this.deps.sessions.transition(session.id, current.status === 'processing' ? 'processing' : 'open', 'processing', now, { current_payment_id: id }, trx))) return false;
      await this.deps.payments.insert(payment, 'collect', trx);
      return true;
    });
    if (!claimed) {
      const current = await this.deps.sessions.findById(session.id);
      if (current?.status === 'paid' || current?.status === 'cancelled') throw new ApiError('1005', `the checkout session is already ${current.status}`);
      if (current?.status === 'expired') throw new ApiError('1004', 'the checkout session has expired');
      throw new ApiError('1005', 'a payment for this checkout session is already in progress');
    }
    return payment;
  }

  /** An authentication call moves no money: if it fails, the attempt fails and the session reopens. */
  async #authenticationStep(payment: Payment, call: () => Promise<AuthenticationOutcome>): Promise<AuthenticationOutcome> {
    try {
      return await call();
    } catch (err) {
      const rejected = err instanceof NetworkRejected;
      await this.#fail(payment, 'processing', rejected ? `card network rejected the request (${err.reason})` : 'card network unreachable', rejected ? (err.reason) : 'SYSTEM_ERROR');
      if (rejected && err.hostedSessionUnknown) throw new ApiError('1010', 'hosted_session_id: the card network does not know this hosted session (expired or never filled in)');
      if (rejected) throw new ApiError('1601', `card declined (${err.reason})`);
      this.deps.logger.error({ err, payment_id: payment.id }, 'card network call failed');
      throw new ApiError('1900', 'the card network could not be reached; try again');
    }
  }

  async #afterAuthentication(payment: Payment, auth: AuthenticationOutcome): Promise<CollectResult> {
    const now = this.deps.clock.now();
    switch (auth.status) {
      case 'challenge': {
        await this.deps.payments.transition(payment.id, 'processing', 'requires_action', '3-D Secure challenge', now, { authentication_status: auth.authenticationStatus });
        return { payment: { ...payment, status: 'requires_action', authentication_status: auth.authenticationStatus }, nextAction: { type: 'three_d_secure_challenge', html: auth.redirectHtml ?? '' } };
      }
      case 'proceed':
        return { payment: await this.#payOrDecline({ ...payment, authentication_status: auth.authenticationStatus }, true) };
      case 'unavailable':
      case 'failed':
      case 'pending': {
        if (auth.status === 'unavailable' && this.deps.payWhenAuthenticationUnavailable) {
          return { payment: await this.#payOrDecline({ ...payment, authentication_status: auth.authenticationStatus }, false) };
        }
        const failed = await this.#fail(payment, 'processing', `3-D Secure ${auth.authenticationStatus ?? auth.status}`, auth.gatewayCode ?? 'AUTHENTICATION_FAILED', {
          authentication_status: auth.authenticationStatus,
        });
        throw new ApiError('1601', `card declined (${failed.gateway_code})`);
      }
    }
  }

  /** PAY with the recorded ids, then settle in one short transaction. */
  async #pay(payment: Payment, authenticated: boolean): Promise<Payment> {
    const outcome = await this.deps.network.pay({
      orderId: payment.network_order_ref,
      payTransactionId: payment.pay_txn_id,
      authTransactionId: authenticated ? payment.auth_txn_id : undefined,
      hostedSessionId: payment.hosted_session_id,
      amount: payment.amount,
      currency: currencyCode(payment.currency)!,
      reference: payment.order_id,
    }).catch((err: unknown): PaymentOutcome | 'rejected' => {
      if (err instanceof NetworkRejected) return 'rejected';
      this.deps.logger.error({ err, payment_id: payment.id }, 'PAY outcome unknown; will reconcile');
      return { status: 'pending', reconcile: true } as PaymentOutcome;
    });
    if (outcome === 'rejected') return this.#fail(payment, 'processing', 'card network rejected PAY', 'REJECTED');
    return this.#settle(payment, 'processing', outcome, 'PAY');
  }

  /** For collect: a declined PAY is answered as 402 code 1601 (the payment itself is stored as failed). */
  async #payOrDecline(payment: Payment, authenticated: boolean): Promise<Payment> {
    const settled = await this.#pay(payment, authenticated);
    if (settled.status === 'failed') throw new ApiError('1601', `card declined (${settled.gateway_code ?? 'DECLINED'})`);
    return settled;
  }

  async #settle(payment: Payment, from: Payment['status'], outcome: PaymentOutcome, cause: string): Promise<Payment> {
    const now = this.deps.clock.now();
    const card: Record<string, string | null> = {
      authentication_status: payment.authentication_status,
      ...(outcome.card
        ? { card_brand: outcome.card.brand, card_masked: outcome.card.maskedNumber, card_expiry: outcome.card.expiryMonth && outcome.card.expiryYear ? `${outcome.card.expiryMonth}/${outcome.card.expiryYear}` : null }
        : {}),
    };
    if (outcome.status === 'pending') {
      if (from === 'processing') await this.deps.payments.transition(payment.id, 'processing', 'pending', `${cause}: outcome unknown`, now, { reconcile_after: now + RECONCILE_BACKOFF_MS, ...card });
      return (await this.deps.payments.findById(payment.id))!;
    }
    if (outcome.status === 'failed') return this.#fail(payment, from, `${cause}: ${outcome.gatewayCode ?? 'declined'}`, outcome.gatewayCode ?? 'DECLINED', card);
    await this.deps.storage.db.transaction().execute(async (trx) => {
      if (!(await this.deps.payments.transition(payment.id, from, 'succeeded', `${cause}: ${outcome.gatewayCode}`, now, { gateway_code: outcome.gatewayCode, reconcile_after: null, ...card }, trx))) return;
      await this.deps.sessions.transition(payment.session_id, ['processing', 'open', 'expired'], 'paid', now, {}, trx);
      const updated = (await this.deps.payments.findById(payment.id, trx))!;
      await this.#announce(trx, updated, 'payment.succeeded', now);
    });
    return (await this.deps.payments.findById(payment.id))!;
  }

  /** Fails the attempt, reopens the session for another card, and announces payment.failed — atomically. */
  async #fail(payment: Payment, from: Payment['status'], cause: string, gatewayCode: string, changes: Record<string, string | null> = {}): Promise<Payment> {
    const now = this.deps.clock.now();
    await this.deps.storage.db.transaction().execute(async (trx) => {
      if (!(await this.deps.payments.transition(payment.id, from, 'failed', cause, now, { gateway_code: gatewayCode, failure_reason: cause.slice(0, 255), reconcile_after: null, ...changes }, trx))) return;
      const session = await this.deps.sessions.findById(payment.session_id, trx);
      if (session?.status === 'processing' && session.current_payment_id === payment.id) {
        await this.deps.sessions.transition(session.id, 'processing', session.expires_at <= now ? 'expired' : 'open', now, {}, trx);
      }
      await this.#announce(trx, (await this.deps.payments.findById(payment.id, trx))!, 'payment.failed', now);
    });
    return (await this.deps.payments.findById(payment.id))!;
  }

  async #settleRefund(payment: Payment, refund: Refund, status: PaymentOutcome['status'], gatewayCode: string | null): Promise<Refund> {
    if (status === 'pending') return refund;
    const now = this.deps.clock.now();
    await this.deps.storage.db.transaction().execute(async (trx) => {
      if (!(await this.deps.payments.settleRefund(refund.id, status, gatewayCode, now, trx))) return;
      if (status === 'failed') {
        await this.deps.payments.releaseRefund(payment.id, refund.amount_minor, trx);
        return;
      }
      const session = await this.deps.sessions.findById(payment.session_id, trx);
      await enqueueWebhookEvent(trx, {
        merchantId: payment.merchant_id,
        type: 'refund.succeeded',
        notifyUrl: session!.notify_url,
        data: { object: refundView({ ...refund, status, gateway_code: gatewayCode, updated_at: now }) },
        at: now,
      });
    });
    return (await this.deps.payments.refundsOf(payment.id)).find((r) => r.id === refund.id)!;
  }

  async #announce(trx: Kysely<Database>, payment: Payment, type: 'payment.succeeded' | 'payment.failed', now: number): Promise<void> {
    const session = await this.deps.sessions.findById(payment.session_id, trx);
    await enqueueWebhookEvent(trx, { merchantId: payment.merchant_id, type, notifyUrl: session!.notify_url, data: { object: paymentView(payment) }, at: now });
  }

  /** Where to send the customer once a payment has settled (the merchant's success or fail URL, with ids). */
  async redirectFor(payment: Payment): Promise<ReturnResult> {
    return this.#redirectFor(payment);
  }

  async #redirectFor(payment: Payment): Promise<ReturnResult> {
    const session = (await this.deps.sessions.findById(payment.session_id))!;
    const target = new URL(payment.status === 'succeeded' ? session.success_redirect_url : session.fail_redirect_url);
    target.searchParams.set('session_id', session.id);
    target.searchParams.set('payment_id', payment.id);
    return { redirectTo: target.toString(), payment };
  }
}

/**
 * Body binding (SPEC §2): amount, currency and customer_reference come from
 * the session. Legacy callers that still send them must send exactly what
 * the session holds — byte for byte — checked in this order.
 */
export function bindSessionOrThrow(session: Pick<CheckoutSession, 'amount' | 'currency' | 'customer_reference'>, body: Pick<CollectInput, 'amount' | 'currency' | 'customer_reference'>): void {
  if (body.amount !== undefined && body.amount !== session.amount) throw new ApiError('1101', 'amount does not match the session');
  if (body.currency !== undefined && body.currency !== session.currency) throw new ApiError('1102', 'currency does not match the session');
  if (body.customer_reference !== undefined && body.customer_reference !== session.customer_reference) {
    throw new ApiError('1103', 'customer_reference does not match the session');
  }
}

export function paymentView(payment: Payment) {
  const code = currencyCode(payment.currency)!;
  return {
    object: 'payment' as const,
    id: payment.id,
    session_id: payment.session_id,
    order_id: payment.order_id,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    customer_reference: payment.customer_reference,
    amount_refunded: formatMinor(payment.amount_refunded_minor, code),
    card: payment.card_masked ? { brand: payment.card_brand, masked_number: payment.card_masked, expiry: payment.card_expiry } : null,
    three_d_secure: payment.authentication_status ? { authentication_status: payment.authentication_status } : null,
    gateway_code: payment.gateway_code,
    failure_reason: payment.failure_reason,
    created_at: new Date(payment.created_at).toISOString(),
    updated_at: new Date(payment.updated_at).toISOString(),
  };
}

export function refundView(refund: Refund) {
  return {
    object: 'refund' as const,
    id: refund.id,
    payment_id: refund.payment_id,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    gateway_code: refund.gateway_code,
    created_at: new Date(refund.created_at).toISOString(),
  };
}
