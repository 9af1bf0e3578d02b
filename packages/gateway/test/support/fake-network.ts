/**
 * A second card network for tests only: in memory, its own id format, its
 * own error type, its own (trivial) hosted fields. It exists to prove the
 * core is network-neutral — registered in one line (FAKE_NETWORK below),
 * it runs the collect / 3-D Secure / refund / reconcile stories through the
 * real HTTP API, the real state machines and the core's settle loop.
 */
import { randomBytes } from 'node:crypto';
import {
  NetworkRejected,
  type AuthenticatePayerInput,
  type AuthenticationOutcome,
  type CardNetwork,
  type HostedFields,
  type InitiateAuthenticationInput,
  type PayInput,
  type PaymentOutcome,
  type RefundInput,
  type VoidInput,
} from '../../src/connectors/card-network.js';
import type { NetworkRegistry } from '../../src/connectors/index.js';
import { settle, settleWorstCaseMs, type Lookup } from '../../src/connectors/settle.js';

const FAKE_ROUNDS = 3;

/** Card numbers the fake knows: how it authenticates and whether it pays. */
export const FAKE_CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  challenge: '4000000000003220',
  /** 3-D Secure unavailable for this card. */
  unauthenticated: '4000000000000101',
} as const;

class FakeRejected extends NetworkRejected {
  override readonly name = 'FakeRejected';
  constructor(
    readonly code: 'unknown_fields' | 'over_refund' | 'id_reused',
    message: string,
  ) {
    super(message);
  }
  override get reason(): string {
    return this.code.toUpperCase();
  }
  override get hostedSessionUnknown(): boolean {
    return this.code === 'unknown_fields';
  }
}

/** A lost connection: the request may or may not have been performed. */
class FakeTimeout extends Error {}

interface Transaction {
  type: 'PAYMENT' | 'REFUND' | 'VOID';
  status: 'succeeded' | 'failed';
  amount: string;
  currency: string;
  card: string;
}

export class FakeNetwork implements CardNetwork {
  readonly name = 'fakenet';
  readonly browserOrigins: readonly string[] = [];
  readonly hostedSessionIdPattern = '^fk_[0-9a-f]{16}$';
  /** In memory, it answers at once: a call's worst case is one millisecond. */
  readonly worstCase = { callMs: 1, settleMs: settleWorstCaseMs({ rounds: FAKE_ROUNDS, sendMs: 1, lookupMs: 1, backoffMs: () => 0 }) };
  /** hosted session id → card number the customer "typed". */
  readonly #fields = new Map<string, string | null>();
  /** `${order}/${txn}` → performed transaction. */
  readonly transactions = new Map<string, Transaction>();
  readonly #auth = new Map<string, { card: string; verdict: 'challenge' | 'passed' | 'refused' }>();
  /** The next N money-moving requests are performed, but their answer is lost. */
  loseAnswers = 0;
  /** While true every call fails as if the network were down (nothing performed). */
  down = false;
  /** Goes down right after the next lost answer (so the outcome cannot be looked up). */
  downAfterLoss = false;
  /** How many requests reached the network, by kind (to prove nothing was sent twice). */
  readonly sent: string[] = [];

  /** The customer types a card into the hosted fields. */
  fill(hostedSessionId: string, card: string): void {
    if (!this.#fields.has(hostedSessionId)) throw new Error(`fake: no hosted session ${hostedSessionId}`);
    this.#fields.set(hostedSessionId, card);
  }

  /** The issuer's challenge page answered. */
  answerChallenge(orderId: string, passed: boolean): void {
    const auth = this.#auth.get(orderId);
    if (auth?.verdict === 'challenge') auth.verdict = passed ? 'passed' : 'refused';
  }

  captured(orderId: string): number {
    return [...this.transactions.entries()]
      .filter(([key, t]) => key.startsWith(`${orderId}/`) && t.type === 'PAYMENT' && t.status === 'succeeded')
      .reduce((sum, [, t]) => sum + Number(t.amount), 0);
  }

  async health(): Promise<boolean> {
    return !this.down;
  }

  async openHostedFields(): Promise<HostedFields> {
    const id = `fk_${randomBytes(8).toString('hex')}`;
    this.#fields.set(id, null);
    return { network: this.name, hostedSessionId: id, client: { fields_url: `fake://fields/${id}` } };
  }

  async initiateAuthentication(input: InitiateAuthenticationInput): Promise<AuthenticationOutcome> {
    const card = this.#card(input.hostedSessionId);
    return this.#authOutcome(input.orderId, input.authTransactionId, card === FAKE_CARDS.unauthenticated ? 'unavailable' : 'proceed', null);
  }

  async authenticatePayer(input: AuthenticatePayerInput): Promise<AuthenticationOutcome> {
    const card = this.#card(input.hostedSessionId);
    if (card === FAKE_CARDS.challenge) {
      this.#auth.set(input.orderId, { card, verdict: 'challenge' });
      const html = `<form target="challengeFrame" action="fake://acs/${input.orderId}"></form><iframe name="challengeFrame"></iframe>`;
      return this.#authOutcome(input.orderId, input.authTransactionId, 'challenge', html);
    }
    this.#auth.set(input.orderId, { card, verdict: 'passed' });
    return this.#authOutcome(input.orderId, input.authTransactionId, 'proceed', null);
  }

  async retrieveAuthentication(orderId: string, authTransactionId: string): Promise<AuthenticationOutcome> {
    const auth = this.#auth.get(orderId);
    const status = auth?.verdict === 'passed' ? 'proceed' : auth?.verdict === 'refused' ? 'failed' : 'challenge';
    return this.#authOutcome(orderId, authTransactionId, status, null);
  }

  pay(input: PayInput): Promise<PaymentOutcome> {
    return this.#perform(input.orderId, input.payTransactionId, 'PAYMENT', () => {
      const card = this.#card(input.hostedSessionId);
      return { type: 'PAYMENT', status: card === FAKE_CARDS.declined ? 'failed' : 'succeeded', amount: input.amount, currency: input.currency, card };
    });
  }

  refund(input: RefundInput): Promise<PaymentOutcome> {
    return this.#perform(input.orderId, input.refundTransactionId, 'REFUND', () => {
      const refunded = [...this.transactions.entries()]
        .filter(([key, t]) => key.startsWith(`${input.orderId}/`) && t.type === 'REFUND' && t.status === 'succeeded')
        .reduce((sum, [, t]) => sum + Number(t.amount), 0);
      if (refunded + Number(input.amount) > this.captured(input.orderId) + 1e-9) throw new FakeRejected('over_refund', 'refund above the captured amount');
      const payment = [...this.transactions.entries()].find(([key, t]) => key.startsWith(`${input.orderId}/`) && t.type === 'PAYMENT');
      return { type: 'REFUND', status: 'succeeded', amount: input.amount, currency: input.currency, card: payment?.[1].card ?? '' };
    });
  }

  voidTransaction(input: VoidInput): Promise<PaymentOutcome> {
    return this.#perform(input.orderId, input.voidTransactionId, 'VOID', () => ({ type: 'VOID', status: 'succeeded', amount: '0', currency: '', card: '' }));
  }

  async retrieveTransaction(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    if (this.down) throw new FakeTimeout('network down');
    const found = this.transactions.get(`${orderId}/${transactionId}`);
    return found ? this.#outcome(orderId, transactionId, found) : null;
  }

  reconcilePayment(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    return this.retrieveTransaction(orderId, transactionId);
  }

  /** A money-moving request through the core's settle loop: look up by our ids, repeat only when absent. */
  async #perform(orderId: string, transactionId: string, type: Transaction['type'], perform: () => Transaction): Promise<PaymentOutcome> {
    const { outcome } = await settle({
      orderId,
      transactionId,
      send: async () => {
        if (this.down) throw new FakeTimeout('network down');
        this.sent.push(`${type} ${orderId}/${transactionId}`);
        const key = `${orderId}/${transactionId}`;
        const existing = this.transactions.get(key);
        if (existing && existing.type !== type) throw new FakeRejected('id_reused', `${transactionId} is already a ${existing.type}`);
        const done = existing ?? perform();
        this.transactions.set(key, done);
        if (this.loseAnswers > 0) {
          this.loseAnswers--;
          if (this.downAfterLoss) this.down = true;
          throw new FakeTimeout('answer lost');
        }
        return this.#outcome(orderId, transactionId, done);
      },
      lookup: async (): Promise<Lookup> => {
        try {
          const found = await this.retrieveTransaction(orderId, transactionId);
          return found ? { kind: 'found', outcome: found } : { kind: 'absent' };
        } catch {
          return { kind: 'unknown' };
        }
      },
      isOutcomeUnknown: (error) => error instanceof FakeTimeout,
      rounds: FAKE_ROUNDS,
      sleep: async () => {},
      backoffMs: () => 0,
    });
    return outcome;
  }

  #card(hostedSessionId: string): string {
    if (this.down) throw new FakeTimeout('network down');
    const card = this.#fields.get(hostedSessionId);
    if (!card) throw new FakeRejected('unknown_fields', 'no card in these hosted fields');
    return card;
  }

  #outcome(orderId: string, transactionId: string, t: Transaction): PaymentOutcome {
    return {
      status: t.status,
      reconcile: false,
      orderId,
      transactionId,
      transactionType: t.type,
      result: t.status === 'succeeded' ? 'OK' : 'NO',
      gatewayCode: t.status === 'succeeded' ? 'APPROVED' : 'DECLINED',
      orderStatus: null,
      amount: t.amount,
      currency: t.currency,
      card: t.card ? { brand: 'FAKECARD', maskedNumber: `${t.card.slice(0, 6)}xxxxxx${t.card.slice(-4)}`, expiryMonth: '12', expiryYear: '39' } : null,
    };
  }

  #authOutcome(orderId: string, authTransactionId: string, status: AuthenticationOutcome['status'], html: string | null): AuthenticationOutcome {
    return {
      status,
      orderId,
      authTransactionId,
      result: null,
      gatewayCode: status === 'failed' ? 'AUTHENTICATION_FAILED' : null,
      gatewayRecommendation: null,
      authenticationStatus: {
        proceed: 'FAKE_AUTHENTICATED',
        challenge: 'FAKE_CHALLENGE',
        failed: 'FAKE_REFUSED',
        unavailable: 'FAKE_UNAVAILABLE',
        pending: null,
      }[status],
      orderStatus: null,
      payerInteraction: null,
      redirectHtml: html,
      card: null,
    };
  }
}

/** Registers the fake: one registry line. Use with `PDIRECT_CARD_NETWORK=fakenet`. */
export function fakeNetworkRegistry(fake: FakeNetwork): NetworkRegistry {
  return { fakenet: { create: () => fake } };
}
