/**
 * The card network as the core sees it: one network-neutral port, its domain
 * types, and the rejection every network maps its own errors onto. A network
 * lives in its own folder (connectors/<name>/) and is chosen by the registry
 * (connectors/index.ts); nothing outside that folder knows its wire format.
 *
 * CONTRACT WITH THE CALLER (read before calling pay/refund/void):
 *  1. The caller generates the network order reference and every transaction
 *     id, and RECORDS them (commits) BEFORE calling. Ids are never generated
 *     by a connector. After a crash, the recorded ids are all that is needed
 *     to learn what happened: `reconcilePayment(orderId, transactionId)`.
 *     Ids are 1-40 characters of [A-Za-z0-9._-]; each transaction id is used
 *     for one operation only. One authentication transaction id serves both
 *     steps of 3-D Secure (initiate, authenticate payer).
 *  2. A connector is stateless and holds no database transaction; call it
 *     outside any transaction, then persist the outcome in a short one.
 *  3. A money-moving call never charges twice: an unknown outcome is settled
 *     by looking the transaction up by our own ids and, only when the network
 *     has no such transaction, repeating the SAME request (settle.ts). If the
 *     outcome is still unknown it returns `{ status: 'pending', reconcile: true }`.
 *  4. Never pay again with new ids for an order whose last outcome was
 *     pending — reconcile first.
 *  5. `NetworkRejected` is thrown when the network answered the request with
 *     an error. Transport trouble escapes only from calls that move no money;
 *     pay/refund/void turn it into a pending outcome.
 *
 * Outcomes carry the network's masked card, never a full card number.
 */
import type { BrowserDetails } from './browser-details.js';

export type { BrowserDetails } from './browser-details.js';

/** The outcome of a money-moving transaction. Success is claimed only on the network's explicit approval. */
export type NetworkPaymentStatus = 'succeeded' | 'failed' | 'pending';

/**
 * A 3-D Secure step's verdict:
 * - `proceed`: continue (authenticate the payer, or pay with this authentication);
 * - `challenge`: the payer must complete the issuer's challenge (`redirectHtml`);
 * - `failed`: authentication refused; do not pay with this card;
 * - `unavailable`: 3-D Secure cannot be performed; the core decides by policy;
 * - `pending`: not known yet.
 */
export type AuthenticationStatus = 'proceed' | 'challenge' | 'failed' | 'unavailable' | 'pending';

export interface MaskedCard {
  brand: string | null;
  /** First 6 + `xxxxxx` + last 4, as the network returns it. */
  maskedNumber: string | null;
  /** Two digits, e.g. "01". */
  expiryMonth: string | null;
  /** As the network returns it, e.g. "39". */
  expiryYear: string | null;
}

/**
 * What the browser needs to render the network's hosted card fields, tagged
 * with the network's name: the browser SDK picks its adapter by `network`.
 * `client` is added, as is, to the `card_session` answer (snake_case JSON).
 */
export interface HostedFields {
  network: string;
  hostedSessionId: string;
  client: Record<string, string | number>;
}

export interface AuthenticationOutcome {
  status: AuthenticationStatus;
  orderId: string;
  authTransactionId: string;
  result: string | null;
  gatewayCode: string | null;
  gatewayRecommendation: string | null;
  /** The network's own authentication status value, shown to the merchant. */
  authenticationStatus: string | null;
  orderStatus: string | null;
  payerInteraction: string | null;
  /**
   * HTML to insert into the payer's page (the 3-D Secure method or challenge
   * form). It contains a script; the browser SDK's showChallenge runs it.
   */
  redirectHtml: string | null;
  card: MaskedCard | null;
}

export interface PaymentOutcome {
  status: NetworkPaymentStatus;
  /** True when the outcome is not final: keep the ids and call reconcilePayment later. */
  reconcile: boolean;
  orderId: string;
  /** The network's transaction id (the caller-supplied one). */
  transactionId: string;
  /** PAYMENT, REFUND, VOID_PAYMENT, ... as the network names it. */
  transactionType: string | null;
  result: string | null;
  gatewayCode: string | null;
  orderStatus: string | null;
  /** The transaction amount as the network reports it (display only). */
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
  /** The same id as initiateAuthentication. */
  authTransactionId: string;
  hostedSessionId: string;
  /** Decimal string, exactly as the merchant gave it, e.g. "12.50". */
  amount: string;
  currency: string;
  /** Where the payer's browser POSTs after the challenge. Never trust that POST: retrieveAuthentication. */
  redirectResponseUrl: string;
  browser: BrowserDetails & { userAgent: string };
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

/**
 * The longest the connector can spend on the network, retries and backoff
 * included — computed from its configured timeouts × attempts, never guessed.
 * `callMs`: one non-settling call (3-D Secure initiate/authenticate/retrieve);
 * `settleMs`: one money-moving call run through `settle()` (PAY, REFUND, VOID).
 */
export interface NetworkWorstCase {
  callMs: number;
  settleMs: number;
}

/** The port the payments module calls. Stateless; every id is caller-supplied (see the contract above). */
export interface CardNetwork {
  /** The registry name (`PDIRECT_CARD_NETWORK`), stored with every payment. */
  readonly name: string;
  /** Origins the checkout page must allow for the network's scripts, hosted fields and 3-D Secure pages. */
  readonly browserOrigins: readonly string[];
  /** What a hosted-fields session id of this network looks like (validated at the edge). */
  readonly hostedSessionIdPattern: string;
  /** How long a call can take at worst (the reconciler waits this out before concluding "never received"). */
  readonly worstCase: NetworkWorstCase;
  health(): Promise<boolean>;
  openHostedFields(): Promise<HostedFields>;
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

/**
 * The network answered a request with an error: what it names was refused
 * (a refund above the captured amount, an expired hosted session, a 3-D
 * Secure system error), or it failed transiently (`transient`). Each network
 * maps its own error type onto this one (its errors extend it).
 */
export class NetworkRejected extends Error {
  /** The network's reason, short and upper-case (e.g. INVALID_REQUEST); shown in catalogue messages. */
  get reason(): string {
    return 'REJECTED';
  }

  /** The network does not know the hosted card session (expired or never filled in). */
  get hostedSessionUnknown(): boolean {
    return false;
  }
}
