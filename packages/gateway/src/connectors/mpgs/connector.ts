/**
 * The Mastercard Gateway implementation of the CardNetwork port
 * (../card-network.ts, whose contract every caller follows). MPGS performs a
 * transaction once per (order id, transaction id); the shared settle loop
 * (../settle.ts) learns unknown outcomes by retrieving with the same ids (transactions.ts).
 * MPGS's errors extend NetworkRejected (errors.ts); a transaction id reused
 * for another kind of transaction is refused with MpgsIdConflictError.
 */
import type {
  AuthenticatePayerInput,
  AuthenticationOutcome,
  CaptureInput,
  CardNetwork,
  HostedFields,
  HostedFieldsOrder,
  InitiateAuthenticationInput,
  NetworkCheckFinding,
  PayInput,
  PaymentOutcome,
  RefundInput,
  NetworkWorstCase,
  VoidInput,
} from '../card-network.js';
import { callWorstCaseMs, settleWorstCaseMs } from '../settle.js';
import type { MpgsClient, MpgsLogger } from './client.js';
import { MpgsError } from './errors.js';
import {
  authenticatePayerRequest,
  authorizeRequest,
  captureRequest,
  createSessionRequest,
  hostedSession,
  hostedSessionId as checkedHostedSessionId,
  initiateAuthenticationRequest,
  payRequest,
  refundRequest,
  sessionOrderRequest,
  toAuthenticationOutcome,
  toHostedSessionId,
  voidRequest,
} from './transformers.js';
import { MpgsTransactions } from './transactions.js';
import type { HostedSession } from './types.js';
import type { WireInformationAnswer, WireSessionAnswer } from './wire.js';

// ---------------------------------------------------------------------------
// Mastercard Gateway implementation
// ---------------------------------------------------------------------------

/** Per session: how many times it may be used for authentication (MPGS default 5). */
const SESSION_AUTHENTICATION_LIMIT = 5;

export class MpgsConnector implements CardNetwork {
  readonly name = 'mpgs';
  readonly hostedSessionIdPattern = '^SESSION[0-9A-Z]{24}$';
  readonly browserOrigins: readonly string[];
  readonly #client: MpgsClient;
  /** The transaction calls and their settle loop (transactions.ts). */
  readonly #transactions: MpgsTransactions;

  constructor(client: MpgsClient, logger: MpgsLogger) {
    this.#client = client;
    this.#transactions = new MpgsTransactions(client, logger);
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

  /**
   * `pdirect network check`: GET /information (no credentials), then a session create
   * (credentials, merchant, API version; no amount, nothing charged). The session is
   * left to expire on its own.
   */
  async check(): Promise<NetworkCheckFinding[]> {
    const findings: NetworkCheckFinding[] = [];
    const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
    try {
      const answer = await this.#client.send<WireInformationAnswer & { gatewayVersion?: unknown }>({
        method: 'GET',
        path: '/information',
        scope: 'version',
        operation: 'INFORMATION',
        authenticate: false,
        retry: false,
      });
      findings.push({ check: 'information.status', ok: answer.status === 'OPERATING', detail: String(answer.status ?? 'missing') });
      const version = typeof answer.gatewayVersion === 'string' ? answer.gatewayVersion : null;
      findings.push({ check: 'information.gatewayVersion', ok: version !== null, detail: version ?? 'missing' });
    } catch (err) {
      findings.push({ check: 'information.status', ok: false, detail: describe(err) });
    }
    try {
      const session = await this.openHostedSession();
      findings.push({
        check: 'session.create',
        ok: true,
        detail: `hosted session created (api version ${session.apiVersion}, merchant ${session.merchantId})`,
      });
      findings.push({ check: 'session.js', ok: true, detail: session.sessionJsUrl });
    } catch (err) {
      const rejected = err instanceof MpgsError;
      findings.push({
        check: 'session.create',
        ok: false,
        detail: rejected && err.httpStatus === 401 ? 'credentials refused (merchant id or API password)' : describe(err),
      });
    }
    return findings;
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
  async openHostedFields(order?: HostedFieldsOrder): Promise<HostedFields> {
    const session = await this.openHostedSession();
    if (order) await this.setSessionOrder(session.hostedSessionId, order);
    return {
      network: this.name,
      hostedSessionId: session.hostedSessionId,
      client: { session_js_url: session.sessionJsUrl, api_version: session.apiVersion, merchant_id: session.merchantId },
    };
  }

  /**
   * Writes the order's amount and currency into the hosted session (PUT
   * …/session/{id}): the network then refuses to authenticate or pay it at
   * any other amount or currency.
   */
  async setSessionOrder(hostedSessionId: string, order: HostedFieldsOrder): Promise<void> {
    await this.#client.send<WireSessionAnswer>({
      method: 'PUT',
      path: `/session/${encodeURIComponent(checkedHostedSessionId(hostedSessionId))}`,
      body: sessionOrderRequest(order),
      operation: 'UPDATE_SESSION',
    });
  }

  /*
   * The two authentication steps are sent once. The gateway's documentation promises
   * that a repeated request returns the first answer for payment operations only; an
   * INITIATE or AUTHENTICATE_PAYER repeated with the same ids after a timeout may be
   * refused or start a second authentication. A failure here escapes to the core,
   * which ends the attempt without calling it a decline; the payer's next attempt
   * runs under new ids.
   */
  async initiateAuthentication(input: InitiateAuthenticationInput): Promise<AuthenticationOutcome> {
    const body = initiateAuthenticationRequest(input);
    const answer = await this.#transactions.put('INITIATE_AUTHENTICATION', input.orderId, input.authTransactionId, body, false);
    return toAuthenticationOutcome(answer, input);
  }

  async authenticatePayer(input: AuthenticatePayerInput): Promise<AuthenticationOutcome> {
    const body = authenticatePayerRequest(input);
    const answer = await this.#transactions.put('AUTHENTICATE_PAYER', input.orderId, input.authTransactionId, body, false);
    return toAuthenticationOutcome(answer, input);
  }

  async retrieveAuthentication(orderId: string, authTransactionId: string): Promise<AuthenticationOutcome> {
    const answer = await this.#transactions.get(orderId, authTransactionId);
    return toAuthenticationOutcome(answer, { orderId, authTransactionId });
  }

  async pay(input: PayInput): Promise<PaymentOutcome> {
    const body = payRequest(input);
    return this.#transactions.settle('PAY', input.orderId, input.payTransactionId, body);
  }

  async authorize(input: PayInput): Promise<PaymentOutcome> {
    const body = authorizeRequest(input);
    return this.#transactions.settle('AUTHORIZE', input.orderId, input.payTransactionId, body);
  }

  async capture(input: CaptureInput): Promise<PaymentOutcome> {
    const body = captureRequest(input);
    return this.#transactions.settle('CAPTURE', input.orderId, input.captureTransactionId, body);
  }

  async refund(input: RefundInput): Promise<PaymentOutcome> {
    const body = refundRequest(input);
    return this.#transactions.settle('REFUND', input.orderId, input.refundTransactionId, body);
  }

  async voidTransaction(input: VoidInput): Promise<PaymentOutcome> {
    const body = voidRequest(input);
    return this.#transactions.settle('VOID', input.orderId, input.voidTransactionId, body);
  }

  async retrieveTransaction(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    return this.#transactions.retrieve(orderId, transactionId);
  }

  async reconcilePayment(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    return this.retrieveTransaction(orderId, transactionId);
  }
}
