/**
 * Fraud screening in the payment flow: every attempt is scored by the risk
 * engine before money moves (after 3-D Secure is initiated, so the card is
 * known; before PAY). The decision is stored on the payment (`risk`), so the
 * payment object, its webhooks and the audit record carry it.
 *
 *   block                         → the payment fails (risk.action = block), 403 1602
 *   request_3ds (elevated)        → 3-D Secure is required: a card that cannot authenticate is refused (1602)
 *   review                        → authorize only: the payment waits in requires_capture for the merchant (charge.ts)
 *   allow                         → go on
 *
 * The outcome is fed back (recordAttempt) into the velocity counters per
 * device, IP, card and customer across the merchant's sessions.
 */
import type { MaskedCard } from '../../connectors/card-network.js';
import { ApiError, ERROR_CATALOGUE } from '../../errors.js';
import { expectAnswer, noteAuditWarning } from '../audit/state-change-audit.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import { riskView, type AttemptOutcome, type RiskContext, type RiskDecision } from '../risk/types.js';
import { failPayment } from './outcomes.js';
import type { PaymentDeps } from './payment-deps.js';
import type { Payment } from './payment-repository.js';
import { metrics } from '../../observability/metrics.js';

export interface Screened {
  payment: Payment;
  context: RiskContext;
  decision: RiskDecision;
}

export function riskContext(
  deps: PaymentDeps,
  session: CheckoutSession,
  payment: Payment,
  client: { ip: string | null; device?: string | undefined },
  card: MaskedCard | null,
): RiskContext {
  return {
    merchantId: payment.merchant_id,
    paymentId: payment.id,
    sessionId: session.id,
    session: {
      amount: session.amount,
      amountMinor: session.amount_minor,
      currency: session.currency,
      customerReference: session.customer_reference,
      email: deps.sessions.decryptCustomer(session)?.email ?? null,
      createdAt: session.created_at,
    },
    clientIp: client.ip,
    deviceFingerprint: session.device_fingerprint ?? client.device ?? null,
    card: card
      ? { brand: card.brand, masked: card.maskedNumber, expiry: card.expiryMonth && card.expiryYear ? `${card.expiryMonth}/${card.expiryYear}` : null }
      : null,
    threeDs: null,
  };
}

/** Scores the attempt; a block fails it (403 1602). Fails closed: no screening, no payment (1900). */
export async function screen(
  deps: PaymentDeps,
  session: CheckoutSession,
  payment: Payment,
  client: { ip: string; device?: string | undefined },
  card: MaskedCard | null,
): Promise<Screened> {
  const context = riskContext(deps, session, payment, client, card);
  let decision: RiskDecision;
  try {
    decision = await deps.risk.assess(context);
  } catch (err) {
    deps.logger.error({ err, payment_id: payment.id }, 'fraud screening failed; refusing the attempt');
    expectAnswer('failed', ERROR_CATALOGUE['1900'].status);
    metrics.riskDecision('unavailable', 'none');
    await failPayment(deps, payment, 'processing', 'fraud screening unavailable', 'RISK_UNAVAILABLE');
    throw new ApiError('1900', 'the payment could not be screened; try again');
  }
  metrics.riskDecision(decision.action, decision.level);
  const risk = JSON.stringify(riskView(decision));
  // The decision goes into the request's audit record (written with the attempt's state change).
  noteAuditWarning(`risk ${risk}`);
  if (decision.action === 'block') {
    expectAnswer('failed', ERROR_CATALOGUE['1602'].status);
    await failPayment(deps, payment, 'processing', `refused by fraud screening${decision.ruleId ? ` (rule ${decision.ruleId})` : ''}`, 'RISK_BLOCKED', {
      risk,
    });
    await recordOutcome(deps, { context, decision, payment }, 'blocked');
    throw new ApiError('1602', 'payment refused by fraud screening');
  }
  // A review needs a network that can authorize without capturing; otherwise it asks the issuer instead (requiresThreeDs).
  const review = decision.action === 'review' && deps.network.authorize ? JSON.stringify(reviewView(decision)) : null;
  // Stored with the attempt's next state change (outcomes.ts), in the same statement.
  return { payment: { ...payment, risk, review }, context, decision };
}

/** The `review` object of a payment held for the merchant's decision. */
function reviewView(decision: RiskDecision): { reason: string; rule_id?: string } {
  return decision.ruleId ? { reason: 'rule', rule_id: decision.ruleId } : { reason: `risk_${decision.level}` };
}

/**
 * Whether the screening asked for 3-D Secure: `request_3ds` (the default for
 * an elevated score, or a merchant rule), or a `review` on a network that
 * cannot authorize without capturing (the review then asks the issuer
 * instead). A merchant `allow` rule overrides the score.
 */
export function requiresThreeDs(payment: Pick<Payment, 'risk' | 'review'>): boolean {
  if (!payment.risk) return false;
  const risk = JSON.parse(payment.risk) as { action: string };
  return risk.action === 'request_3ds' || (risk.action === 'review' && payment.review === null);
}

/** The card cannot authenticate, but the screening asked for 3-D Secure: the attempt fails (403 1602). */
export async function refuseUnauthenticated(
  deps: PaymentDeps,
  payment: Payment,
  from: 'processing' | 'requires_action',
  changes: Record<string, string | null>,
): Promise<Payment> {
  return failPayment(deps, payment, from, 'fraud screening requires 3-D Secure and the card could not authenticate', 'RISK_3DS_REQUIRED', changes);
}

/** The attempt waits for the payer (3-D Secure): its decision is stored now, its outcome when it ends (recordChallengeOutcome). */
export async function notePending(deps: PaymentDeps, screened: Pick<Screened, 'context' | 'decision'> & { payment: Pick<Payment, 'id'> }): Promise<void> {
  try {
    await deps.risk.notePending({ context: screened.context, decision: screened.decision, paymentId: screened.payment.id });
  } catch (err) {
    deps.logger.error({ err, payment_id: screened.payment.id }, 'storing the fraud screening decision failed');
  }
}

/** Feeds the outcome back into the risk engine; never fails the request (the outcome is already stored). */
export async function recordOutcome(
  deps: PaymentDeps,
  screened: Pick<Screened, 'context' | 'decision'> & { payment: Pick<Payment, 'id'> },
  outcome: AttemptOutcome,
): Promise<void> {
  try {
    await deps.risk.recordAttempt({ context: screened.context, decision: screened.decision, outcome, paymentId: screened.payment.id });
  } catch (err) {
    deps.logger.error({ err, payment_id: screened.payment.id }, 'recording the attempt for fraud screening failed');
  }
}

/**
 * The outcome of a 3-D Secure challenge (the browser's return carries no
 * client address or device header we trust): counted on the session's
 * device, the card and the customer.
 */
export async function recordChallengeOutcome(deps: PaymentDeps, settled: Payment): Promise<void> {
  const authorized = settled.status === 'succeeded' || settled.status === 'requires_capture' || settled.status === 'capturing';
  const outcome: AttemptOutcome | undefined = authorized ? 'succeeded' : settled.status === 'failed' ? 'declined' : undefined;
  const session = outcome ? await deps.sessions.get(settled.session_id) : undefined;
  if (!outcome || !session) return;
  const card = settled.card_masked
    ? {
        brand: settled.card_brand,
        maskedNumber: settled.card_masked,
        expiryMonth: settled.card_expiry?.split('/')[0] ?? null,
        expiryYear: settled.card_expiry?.split('/')[1] ?? null,
      }
    : null;
  const context = { ...riskContext(deps, session, settled, { ip: null }, card), threeDs: authorized ? ('authenticated' as const) : null };
  try {
    await deps.risk.recordAttempt({ context, outcome, paymentId: settled.id });
  } catch (err) {
    deps.logger.error({ err, payment_id: settled.id }, 'recording the attempt for fraud screening failed');
  }
}

/** What an error thrown by collect says about the card, for the velocity counters. */
export function outcomeOfError(err: unknown): AttemptOutcome {
  if (err instanceof ApiError && err.code === '1601') return 'declined';
  if (err instanceof ApiError && err.code === '1602') return 'blocked';
  return 'failed';
}
