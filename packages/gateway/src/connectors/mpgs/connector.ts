/**
 * The Mastercard Gateway implementation of the CardNetwork port
 * (../card-network.ts, whose contract every caller follows). MPGS performs a
 * transaction once per (order id, transaction id); the shared settle loop
 * (../settle.ts) learns unknown outcomes by retrieving with the same ids.
 * MPGS's errors extend NetworkRejected (errors.ts); a transaction id reused
 * for another kind of transaction is refused with MpgsIdConflictError.
 */
import type {
  AuthenticatePayerInput,
  AuthenticationOutcome,
  CardNetwork,
  HostedFields,
  InitiateAuthenticationInput,
  PayInput,
  PaymentOutcome,
  RefundInput,
  NetworkWorstCase,
  VoidInput,
} from '../card-network.js';
import { callWorstCaseMs, settle, settleWorstCaseMs, type Lookup } from '../settle.js';
import type { MpgsClient, MpgsLogger } from './client.js';
import { MpgsError, MpgsIdConflictError, isOutcomeUnknown } from './errors.js';
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
import type { HostedSession } from './types.js';
import type { MpgsApiOperation, WireInformationAnswer, WireSessionAnswer, WireTransactionAnswer, WireTransactionRequest } from './wire.js';

// ---------------------------------------------------------------------------
// Mastercard Gateway implementation
// ---------------------------------------------------------------------------

/** Per session: how many times it may be used for authentication (MPGS default 5). */
const SESSION_AUTHENTICATION_LIMIT = 5;

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
  return `/order/${encodeURIComponent(mpgsId(orderId, 'orderId'))}/transaction/${encodeURIComponent(mpgsId(transactionId, 'transactionId'))}`;
}

export class MpgsConnector implements CardNetwork {
  readonly name = 'mpgs';
  readonly hostedSessionIdPattern = '^SESSION[0-9A-Z]{24}$';
  readonly browserOrigins: readonly string[];
  readonly #client: MpgsClient;
  readonly #logger: MpgsLogger;

  constructor(client: MpgsClient, logger: MpgsLogger) {
    this.#client = client;
    this.#logger = logger;
    this.browserOrigins = [new URL(client.baseUrl).origin];
  }

  /** From the client's timeout × attempts and backoff: a retried call, and a settle loop (one PUT, then a retried retrieve, per round). */
  get worstCase(): NetworkWorstCase {
    const client = this.#client;
    const backoffMs = (retry: number) => client.longestBackoffMs(retry);
    const callMs = callWorstCaseMs({ attempts: client.maxAttempts, timeoutMs: client.timeoutMs, backoffMs });
    return { callMs, settleMs: settleWorstCaseMs({ rounds: client.maxAttempts, sendMs: client.timeoutMs, lookupMs: callMs, backoffMs }) };
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

  /** MPGS's own answer (also what tests and the simulator speak). */
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

  /** The tagged descriptor the browser SDK's `mpgs` adapter renders (session.js). */
  async openHostedFields(): Promise<HostedFields> {
    const session = await this.openHostedSession();
    return {
      network: this.name,
      hostedSessionId: session.hostedSessionId,
      client: { session_js_url: session.sessionJsUrl, api_version: session.apiVersion, merchant_id: session.merchantId },
    };
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
  async #settle(operation: MpgsApiOperation, orderId: string, transactionId: string, body: WireTransactionRequest): Promise<PaymentOutcome> {
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

    const settled = await settle({
      orderId,
      transactionId,
      // One attempt: a blind repeat would skip the retrieve MPGS recommends after a timeout.
      send: async () => toPaymentOutcome(await this.#put(operation, orderId, transactionId, body, false), ids),
      lookup: () => this.#lookup(operation, orderId, transactionId),
      isOutcomeUnknown,
      rounds: this.#client.maxAttempts,
      sleep: (ms) => this.#client.sleep(ms),
      backoffMs: (retry) => this.#client.backoffMs(retry),
    });
    return done(settled.outcome, settled.rounds);
  }
}
