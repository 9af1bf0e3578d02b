/**
 * The card network as the payments module sees it, and its Mastercard
 * Gateway implementation.
 *
 * CONTRACT WITH THE CALLER (read before calling pay/refund/void):
 *  1. The caller generates the MPGS order id and every transaction id, and
 *     RECORDS them (commits) BEFORE calling. Ids are never generated here.
 *     After a crash, the recorded ids are all that is needed to learn what
 *     happened: `reconcilePayment(orderId, transactionId)`. Ids are 1-40
 *     characters of [A-Za-z0-9._-]; each transaction id is used for one
 *     operation only (a reused id is refused with MpgsIdConflictError
 *     rather than read as this operation's outcome). One authentication
 *     transaction id serves both INITIATE_AUTHENTICATION and AUTHENTICATE_PAYER.
 *  2. The connector is stateless and holds no database transaction; call it
 *     outside any transaction, then persist the outcome in a short one
 *     (and compensate with `voidTransaction` if persisting fails).
 *  3. A money-moving call never charges twice. MPGS performs a transaction
 *     once per (order id, transaction id): after a timeout, a dropped
 *     connection, a 5xx, or a PENDING/UNKNOWN answer, the connector
 *     retrieves the transaction with the same ids; if the network has no
 *     such transaction it repeats the SAME PUT (same ids, same body). It
 *     never retries with new ids. If the outcome is still unknown after the
 *     bounded attempts it returns `{ status: 'pending', reconcile: true }`
 *     and the core must reconcile later with the same ids.
 *  4. Never pay again with new ids for an order whose last outcome was
 *     pending — reconcile first.
 *  5. `MpgsError` is thrown when the network rejected the request outright
 *     (INVALID_REQUEST / REQUEST_REJECTED: nothing was performed), e.g. a
 *     refund above the captured amount, an expired hosted session, or a
 *     3-D Secure system error on INITIATE / AUTHENTICATE_PAYER.
 *     `MpgsTransportError` / transient `MpgsError` escape only from calls that
 *     move no money (session, authentication, retrieves); pay/refund/void
 *     turn them into a pending outcome. Invalid input (amount not a decimal
 *     string, bad ids, no User-Agent) throws TypeError before any call.
 *
 * Outcomes carry the network's masked card (brand, first 6 + last 4, expiry),
 * never a full PAN.
 */
import type { MpgsClient, MpgsLogger } from './client.js';
import { MpgsError, MpgsIdConflictError, isOutcomeUnknown } from './errors.js';
import type { AuthenticationStatus, PaymentStatus } from './status.js';
import {
  authenticatePayerRequest,
  createSessionRequest,
  hostedSession,
  initiateAuthenticationRequest,
  mpgsId,
  payRequest,
  refundRequest,
  toAuthenticationOutcome,
  toHostedSessionId,
  toPaymentOutcome,
  voidRequest,
} from './transformers.js';
import type {
  MpgsApiOperation,
  WireInformationAnswer,
  WireSessionAnswer,
  WireTransactionAnswer,
  WireTransactionRequest,
} from './wire.js';

export type { AuthenticationStatus, PaymentStatus } from './status.js';

// ---------------------------------------------------------------------------
// Domain types
// ---------------------------------------------------------------------------

export interface MaskedCard {
  brand: string | null;
  /** First 6 + `xxxxxx` + last 4, as the network returns it. */
  maskedNumber: string | null;
  /** Two digits, e.g. "01". */
  expiryMonth: string | null;
  /** As the network returns it, e.g. "39". */
  expiryYear: string | null;
}

export interface HostedSession {
  hostedSessionId: string;
  /** `<base>/form/version/<N>/merchant/<MID>/session.js` — the same version as every API call. */
  sessionJsUrl: string;
  apiVersion: number;
  merchantId: string;
}

/** What the customer's browser reported, for 3-D Secure 2 (AUTHENTICATE_PAYER `device`). */
export interface BrowserDetails {
  /**
   * The payer's User-Agent (`device.browser`), required by MPGS. When the SDK
   * sent no details, use the User-Agent header of the payer's own request.
   */
  userAgent: string;
  acceptHeaders?: string;
  challengeWindowSize?: 'FULL_SCREEN' | '250_X_400' | '390_X_400' | '500_X_600' | '600_X_400';
  colorDepth?: number;
  javaEnabled?: boolean;
  language?: string;
  screenHeight?: number;
  screenWidth?: number;
  /** Minutes, as the browser reports. */
  timeZone?: number;
}

export interface AuthenticationOutcome {
  status: AuthenticationStatus;
  orderId: string;
  authTransactionId: string;
  result: string | null;
  gatewayCode: string | null;
  gatewayRecommendation: string | null;
  /** The network's AUTHENTICATION_* value. */
  authenticationStatus: string | null;
  orderStatus: string | null;
  payerInteraction: string | null;
  /**
   * HTML to insert into the payer's page: the 3DS-method script after
   * INITIATE, the challenge form (status `challenge`) or the frictionless
   * auto-post to redirectResponseUrl after AUTHENTICATE_PAYER. It contains a
   * script; clients inserting it with innerHTML must run that script.
   */
  redirectHtml: string | null;
  card: MaskedCard | null;
}

export interface PaymentOutcome {
  status: PaymentStatus;
  /** True when the outcome is not final: keep the ids and call reconcilePayment later. */
  reconcile: boolean;
  orderId: string;
  /** The network's transaction id (the caller-supplied one). */
  transactionId: string;
  /** PAYMENT, REFUND, VOID_PAYMENT, ... */
  transactionType: string | null;
  result: string | null;
  gatewayCode: string | null;
  orderStatus: string | null;
  /** The transaction amount as the network reports it (display only; the core keeps its own decimal string). */
  amount: string | null;
  currency: string | null;
  card: MaskedCard | null;
}

export interface InitiateAuthenticationInput {
  orderId: string;
  authTransactionId: string;
  hostedSessionId: string;
  currency: string;
}

export interface AuthenticatePayerInput {
  orderId: string;
  /** The same id as INITIATE_AUTHENTICATION. */
  authTransactionId: string;
  hostedSessionId: string;
  /** Decimal string, exactly as the merchant gave it, e.g. "12.50". */
  amount: string;
  currency: string;
  /** Where the payer's browser POSTs after the challenge. Never trust that POST: retrieveAuthentication. */
  redirectResponseUrl: string;
  browser: BrowserDetails;
  /** The payer's IP address. */
  ipAddress?: string;
}

export interface PayInput {
  orderId: string;
  payTransactionId: string;
  /** The authentication transaction to pay with (3-D Secure); omit to pay without. */
  authTransactionId?: string;
  hostedSessionId: string;
  amount: string;
  currency: string;
  /** order.reference (and transaction.reference unless transactionReference is given). */
  reference?: string;
  transactionReference?: string;
}

export interface RefundInput {
  orderId: string;
  refundTransactionId: string;
  amount: string;
  currency: string;
}

export interface VoidInput {
  orderId: string;
  voidTransactionId: string;
  targetTransactionId: string;
}

/** The port the payments module calls. Stateless; every id is caller-supplied (see the contract above). */
export interface CardNetwork {
  health(): Promise<boolean>;
  openHostedSession(): Promise<HostedSession>;
  initiateAuthentication(input: InitiateAuthenticationInput): Promise<AuthenticationOutcome>;
  authenticatePayer(input: AuthenticatePayerInput): Promise<AuthenticationOutcome>;
  /** Re-read an authentication (after the browser's POST to redirectResponseUrl). */
  retrieveAuthentication(orderId: string, authTransactionId: string): Promise<AuthenticationOutcome>;
  pay(input: PayInput): Promise<PaymentOutcome>;
  refund(input: RefundInput): Promise<PaymentOutcome>;
  voidTransaction(input: VoidInput): Promise<PaymentOutcome>;
  /** One retrieve; null when the network has no such transaction. */
  retrieveTransaction(orderId: string, transactionId: string): Promise<PaymentOutcome | null>;
  /**
   * Settle a recorded money-moving transaction whose outcome is unknown
   * (pending, or a crash before the outcome was stored). Null: the network
   * never received it, so nothing was charged.
   */
  reconcilePayment(orderId: string, transactionId: string): Promise<PaymentOutcome | null>;
}

// ---------------------------------------------------------------------------
// Mastercard Gateway implementation
// ---------------------------------------------------------------------------

/** Per session: how many times it may be used for authentication (MPGS default 5). */
const SESSION_AUTHENTICATION_LIMIT = 5;

type Lookup = { kind: 'found'; outcome: PaymentOutcome } | { kind: 'absent' } | { kind: 'unknown' };

/** Whether a retrieved transaction type can be the result of this operation (null: the answer did not say). */
function isTypeOf(operation: MpgsApiOperation, transactionType: string | null): boolean {
  if (transactionType === null) return true;
  switch (operation) {
    case 'PAY':
      return transactionType === 'PAYMENT';
    case 'REFUND':
      return transactionType === 'REFUND';
    case 'VOID':
      return transactionType.startsWith('VOID');
    case 'INITIATE_AUTHENTICATION':
    case 'AUTHENTICATE_PAYER':
      return transactionType === 'AUTHENTICATION';
    default: {
      const unknownOperation: never = operation;
      void unknownOperation;
      return false;
    }
  }
}

function transactionPath(orderId: string, transactionId: string): string {
  return `/order/${encodeURIComponent(mpgsId(orderId, 'orderId'))}/transaction/${encodeURIComponent(
    mpgsId(transactionId, 'transactionId'),
  )}`;
}

export class MpgsConnector implements CardNetwork {
  readonly #client: MpgsClient;
  readonly #logger: MpgsLogger;

  constructor(client: MpgsClient, logger: MpgsLogger) {
    this.#client = client;
    this.#logger = logger;
  }

  async health(): Promise<boolean> {
    try {
      const answer = await this.#client.send<WireInformationAnswer>({
        method: 'GET',
        path: '/information',
        scope: 'version',
        operation: 'INFORMATION',
        authenticate: false,
        retry: false,
      });
      return answer.status === 'OPERATING';
    } catch {
      return false;
    }
  }

  async openHostedSession(): Promise<HostedSession> {
    const answer = await this.#client.send<WireSessionAnswer>({
      method: 'POST',
      path: '/session',
      body: createSessionRequest(SESSION_AUTHENTICATION_LIMIT),
      operation: 'CREATE_SESSION',
    });
    return hostedSession({
      id: toHostedSessionId(answer),
      baseUrl: this.#client.baseUrl,
      apiVersion: this.#client.apiVersion,
      merchantId: this.#client.merchantId,
    });
  }

  async initiateAuthentication(input: InitiateAuthenticationInput): Promise<AuthenticationOutcome> {
    const body = initiateAuthenticationRequest(input);
    const answer = await this.#put('INITIATE_AUTHENTICATION', input.orderId, input.authTransactionId, body, true);
    return toAuthenticationOutcome(answer, input);
  }

  async authenticatePayer(input: AuthenticatePayerInput): Promise<AuthenticationOutcome> {
    const body = authenticatePayerRequest(input);
    const answer = await this.#put('AUTHENTICATE_PAYER', input.orderId, input.authTransactionId, body, true);
    return toAuthenticationOutcome(answer, input);
  }

  async retrieveAuthentication(orderId: string, authTransactionId: string): Promise<AuthenticationOutcome> {
    const answer = await this.#get(orderId, authTransactionId);
    return toAuthenticationOutcome(answer, { orderId, authTransactionId });
  }

  async pay(input: PayInput): Promise<PaymentOutcome> {
    const body = payRequest(input);
    return this.#settle('PAY', input.orderId, input.payTransactionId, body);
  }

  async refund(input: RefundInput): Promise<PaymentOutcome> {
    const body = refundRequest(input);
    return this.#settle('REFUND', input.orderId, input.refundTransactionId, body);
  }

  async voidTransaction(input: VoidInput): Promise<PaymentOutcome> {
    const body = voidRequest(input);
    return this.#settle('VOID', input.orderId, input.voidTransactionId, body);
  }

  async retrieveTransaction(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    try {
      const answer = await this.#get(orderId, transactionId);
      return toPaymentOutcome(answer, { orderId, transactionId });
    } catch (error) {
      if (error instanceof MpgsError && error.notFound) return null;
      throw error;
    }
  }

  async reconcilePayment(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    return this.retrieveTransaction(orderId, transactionId);
  }

  async #put(
    operation: MpgsApiOperation,
    orderId: string,
    transactionId: string,
    body: WireTransactionRequest,
    retry: boolean,
  ): Promise<WireTransactionAnswer> {
    return this.#client.send<WireTransactionAnswer>({
      method: 'PUT',
      path: transactionPath(orderId, transactionId),
      body,
      operation,
      orderId,
      transactionId,
      retry,
    });
  }

  async #get(orderId: string, transactionId: string): Promise<WireTransactionAnswer> {
    return this.#client.send<WireTransactionAnswer>({
      method: 'GET',
      path: transactionPath(orderId, transactionId),
      operation: 'RETRIEVE_TRANSACTION',
      orderId,
      transactionId,
    });
  }

  /**
   * Retrieve inside a settle loop, where every failure means "cannot tell":
   * the transaction may exist, so an error here must never surface as a
   * rejection of the money-moving call.
   */
  async #lookup(operation: MpgsApiOperation, orderId: string, transactionId: string): Promise<Lookup> {
    let outcome: PaymentOutcome | null;
    try {
      outcome = await this.retrieveTransaction(orderId, transactionId);
    } catch {
      return { kind: 'unknown' };
    }
    if (outcome === null) return { kind: 'absent' };
    if (!isTypeOf(operation, outcome.transactionType)) {
      throw new MpgsIdConflictError(operation, orderId, transactionId, outcome.transactionType ?? 'unknown');
    }
    return { kind: 'found', outcome };
  }

  /**
   * Perform a money-moving PUT and settle its outcome (contract point 3).
   * Each round: PUT if the network may not have the transaction, otherwise
   * (or when the PUT's outcome is unknown) retrieve it. Rounds are bounded by
   * maxAttempts, with backoff between them.
   */
  async #settle(
    operation: MpgsApiOperation,
    orderId: string,
    transactionId: string,
    body: WireTransactionRequest,
  ): Promise<PaymentOutcome> {
    const ids = { orderId, transactionId };
    const started = performance.now();
    const done = (outcome: PaymentOutcome, rounds: number): PaymentOutcome => {
      this.#logger.debug(
        {
          mpgs: {
            operation,
            orderId,
            transactionId,
            status: outcome.status,
            result: outcome.result,
            gatewayCode: outcome.gatewayCode,
            rounds,
            durationMs: Math.round(performance.now() - started),
          },
        },
        'mpgs transaction settled',
      );
      return outcome;
    };

    let mayBeAtNetwork = false; // an earlier PUT may have been performed
    let shouldPut = true;
    let last: PaymentOutcome | null = null;
    const rounds = this.#client.maxAttempts;

    for (let round = 1; round <= rounds; round++) {
      if (round > 1) await this.#client.sleep(this.#client.backoffMs(round - 1));

      if (shouldPut) {
        try {
          // One attempt: a blind repeat would skip the retrieve MPGS recommends after a timeout.
          const answer = await this.#put(operation, orderId, transactionId, body, false);
          const outcome = toPaymentOutcome(answer, ids);
          if (outcome.status !== 'pending') return done(outcome, round);
          last = outcome;
          shouldPut = false;
          continue; // answered PENDING/UNKNOWN: retrieve in the next round
        } catch (error) {
          if (!isOutcomeUnknown(error)) {
            // Rejected outright: nothing performed by THIS request. If an
            // earlier attempt may have gone through, look before saying so.
            if (!mayBeAtNetwork) throw error;
            const seen = await this.#lookup(operation, orderId, transactionId);
            if (seen.kind === 'absent') throw error;
            if (seen.kind === 'found' && seen.outcome.status !== 'pending') return done(seen.outcome, round);
            if (seen.kind === 'found') last = seen.outcome;
            shouldPut = false;
            continue;
          }
          mayBeAtNetwork = true; // unknown outcome: retrieve now, in this round
        }
      }

      const seen = await this.#lookup(operation, orderId, transactionId);
      switch (seen.kind) {
        case 'found':
          if (seen.outcome.status !== 'pending') return done(seen.outcome, round);
          last = seen.outcome;
          shouldPut = false;
          break;
        case 'absent':
          // The network never performed it: repeating the same PUT is safe.
          shouldPut = true;
          break;
        case 'unknown':
          // Cannot tell: look again next round rather than resubmit blindly.
          shouldPut = false;
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
          orderId,
          transactionId,
          transactionType: null,
          result: null,
          gatewayCode: null,
          orderStatus: null,
          amount: null,
          currency: null,
          card: null,
        };
    return done(pending, rounds);
  }
}
