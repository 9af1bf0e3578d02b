/**
 * The settle loop every network shares: perform a money-moving request whose
 * outcome may come back unknown (timeout, dropped connection, 5xx, a
 * PENDING answer), then learn it by looking the transaction up by OUR OWN
 * ids, and repeat the SAME request only when the network says it has no such
 * transaction. Never new ids, never a blind resubmit. Bounded rounds with
 * backoff; still unknown at the end → `pending` with `reconcile: true`.
 */
import type { PaymentOutcome } from './card-network.js';

/** What a lookup by our own ids found. */
export type Lookup = { kind: 'found'; outcome: PaymentOutcome } | { kind: 'absent' } | { kind: 'unknown' };

export interface SettleSteps {
  orderId: string;
  transactionId: string;
  /** One attempt of the request (no retries inside). */
  send(): Promise<PaymentOutcome>;
  /** Look the transaction up; every failure must be `unknown`, never a rejection. */
  lookup(): Promise<Lookup>;
  /** Whether an error from `send` leaves the outcome unknown (else: rejected, nothing performed). */
  isOutcomeUnknown(error: unknown): boolean;
  rounds: number;
  sleep(ms: number): Promise<void>;
  backoffMs(retry: number): number;
}

/**
 * The longest one call can take, retries included: every attempt runs to its
 * timeout and every backoff is waited in full.
 */
export function callWorstCaseMs(o: { attempts: number; timeoutMs: number; backoffMs: (retry: number) => number }): number {
  let total = o.attempts * o.timeoutMs;
  for (let retry = 1; retry < o.attempts; retry++) total += o.backoffMs(retry);
  return total;
}

/**
 * The longest `settle()` can take with these bounds: each round may send
 * once and then look up, and every backoff between rounds is waited in full.
 * The reconciler uses it (through the connector's `worstCase`) to know when a
 * transaction the network does not know yet can no longer arrive.
 */
export function settleWorstCaseMs(o: { rounds: number; sendMs: number; lookupMs: number; backoffMs: (retry: number) => number }): number {
  let total = o.rounds * (o.sendMs + o.lookupMs);
  for (let retry = 1; retry < o.rounds; retry++) total += o.backoffMs(retry);
  return total;
}

export async function settle(steps: SettleSteps): Promise<{ outcome: PaymentOutcome; rounds: number }> {
  let mayBeAtNetwork = false; // an earlier attempt may have been performed
  let shouldSend = true;
  let last: PaymentOutcome | null = null;

  for (let round = 1; round <= steps.rounds; round++) {
    if (round > 1) await steps.sleep(steps.backoffMs(round - 1));

    if (shouldSend) {
      try {
        const outcome = await steps.send();
        if (outcome.status !== 'pending') return { outcome, rounds: round };
        last = outcome;
        shouldSend = false;
        continue; // answered "pending": look it up in the next round
      } catch (error) {
        if (!steps.isOutcomeUnknown(error)) {
          // Rejected outright: nothing performed by THIS request. If an
          // earlier attempt may have gone through, look before saying so.
          if (!mayBeAtNetwork) throw error;
          const seen = await steps.lookup();
          if (seen.kind === 'absent') throw error;
          if (seen.kind === 'found' && seen.outcome.status !== 'pending') return { outcome: seen.outcome, rounds: round };
          if (seen.kind === 'found') last = seen.outcome;
          shouldSend = false;
          continue;
        }
        mayBeAtNetwork = true; // unknown outcome: look it up now, in this round
      }
    }

    const seen = await steps.lookup();
    switch (seen.kind) {
      case 'found':
        if (seen.outcome.status !== 'pending') return { outcome: seen.outcome, rounds: round };
        last = seen.outcome;
        shouldSend = false;
        break;
      case 'absent':
        // The network never performed it: repeating the same request is safe.
        shouldSend = true;
        break;
      case 'unknown':
        // Cannot tell: look again next round rather than resubmit blindly.
        shouldSend = false;
        break;
      default: {
        const unhandled: never = seen;
        void unhandled;
      }
    }
  }

  const pending: PaymentOutcome = last
    ? { ...last, status: 'pending', reconcile: true }
    : {
        status: 'pending',
        reconcile: true,
        orderId: steps.orderId,
        transactionId: steps.transactionId,
        transactionType: null,
        result: null,
        gatewayCode: null,
        orderStatus: null,
        amount: null,
        currency: null,
        card: null,
      };
  return { outcome: pending, rounds: steps.rounds };
}
