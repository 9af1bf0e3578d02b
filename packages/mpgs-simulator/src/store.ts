import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { StoredCard } from './card-input.js';
import type { ThreeDsBehaviour } from './test-cards.js';

/**
 * Everything the simulator remembers: hosted sessions, orders with their
 * transactions, and open 3DS challenges. In memory; optionally mirrored to a
 * JSON file after every change (written to a temp file, then renamed, so a
 * crash never leaves half a file). CSCs are never written to disk.
 */

export interface SessionRecord {
  id: string;
  merchantId: string;
  /** The API version the session was created with; every call on it must use the same one. */
  apiVersion: string;
  version: string;
  aes256Key: string;
  authenticationLimit: number;
  authenticationsUsed: number;
  updateStatus: 'NO_UPDATE' | 'SUCCESS';
  createdAt: number;
  lastUpdatedAt: number;
  /** Non-card data the merchant stored on the session (order, authentication, sourceOfFunds.type …). */
  fields: Record<string, unknown>;
  card?: StoredCard;
}

export type TransactionType =
  'AUTHENTICATION' | 'PAYMENT' | 'AUTHORIZATION' | 'CAPTURE' | 'REFUND' | 'VOID_AUTHORIZATION' | 'VOID_CAPTURE' | 'VOID_PAYMENT' | 'VOID_REFUND';

export type TransactionResult = 'SUCCESS' | 'FAILURE' | 'PENDING' | 'UNKNOWN';

/** 3-D Secure state of an AUTHENTICATION transaction. */
export interface ThreeDsState {
  behaviour: ThreeDsBehaviour;
  acceptVersions: string;
  channel: string;
  purpose: string;
  methodSupported: boolean;
  methodCompleted: boolean;
  serverTransactionId: string;
  dsTransactionId?: string;
  acsTransactionId?: string;
  redirectResponseUrl?: string;
  payerInteraction?: 'REQUIRED' | 'NOT_REQUIRED';
  redirectHtml?: string;
  /** `authentication.redirect.customizedHtml.3ds2`: the parts of redirectHtml for clients that build their own page. */
  customizedHtml?: { methodUrl?: string; methodPostData?: string; acsUrl?: string; cReq?: string };
  transactionStatus?: 'Y' | 'N' | 'U' | 'A' | 'R' | 'C';
  statusReasonCode?: string;
  challengeCancel?: string;
  eci?: string;
  authenticationToken?: string;
  /** The order.status this authentication puts the order in (when nothing financial happened yet). */
  orderStatus: string;
  /** Set once the payer answered the ACS challenge. */
  challengeOutcome?: ChallengeOutcome;
  sessionId?: string;
}

export type ChallengeOutcome = 'Y' | 'N' | 'CANCELLED' | 'U' | 'R';

/** One answered request on a transaction: replayed verbatim when the same request comes again. */
export interface StoredExchange {
  request: string;
  status: number;
  body: string;
}

export interface TransactionRecord {
  id: string;
  type: TransactionType;
  amountMinor: number;
  currency: string;
  result: TransactionResult;
  gatewayCode: string;
  gatewayRecommendation?: string;
  acquirerCode?: string;
  acquirerMessage?: string;
  cardSecurityCode?: { gatewayCode: string; acquirerCode: string };
  /** Masked card as shown in answers. */
  cardView?: Record<string, unknown>;
  authenticationStatus?: string;
  threeDs?: ThreeDsState;
  /** For PAYMENT / AUTHORIZATION: the authentication transaction it relied on. */
  authenticationTransactionId?: string;
  targetTransactionId?: string;
  voided?: boolean;
  reference?: string;
  authorizationCode?: string;
  receipt?: string;
  stan?: string;
  acquirerTransactionId?: string;
  timeOfRecord: number;
  timeOfLastUpdate: number;
  /** Order-wide sequence number of this transaction's latest change (see touch()). */
  lastEvent: number;
  /** By apiOperation: INITIATE_AUTHENTICATION and AUTHENTICATE_PAYER share one transaction id. */
  exchanges: Record<string, StoredExchange>;
}

export interface OrderRecord {
  merchantId: string;
  id: string;
  currency: string;
  amountMinor?: number;
  reference?: string;
  creationTime: number;
  lastUpdatedTime: number;
  totalAuthorizedMinor: number;
  totalCapturedMinor: number;
  totalRefundedMinor: number;
  cardView?: Record<string, unknown>;
  /**
   * The security-code check of the card, made when the session's stored CSC
   * is first used (and then deleted from the session): later transactions on
   * the order report the same result.
   */
  cardSecurityCode?: { gatewayCode: string; acquirerCode: string };
  transactions: TransactionRecord[];
  /** Counts changes to the order's transactions, so "which happened last" never depends on clock resolution. */
  events: number;
}

/** Records that a transaction changed now: its update time and its place in the order's history. */
export function touch(order: OrderRecord, transaction: TransactionRecord, now: number): void {
  order.events += 1;
  transaction.lastEvent = order.events;
  transaction.timeOfLastUpdate = now;
  order.lastUpdatedTime = now;
}

export interface ChallengeRef {
  merchantId: string;
  orderId: string;
  transactionId: string;
  /** device.browserDetails.language of AUTHENTICATE_PAYER: the ACS page speaks it. */
  language?: string;
  /** The EMV 3DS challenge window size asked for ('01'…'05'). */
  windowSize?: string;
}

interface PersistedState {
  format: 'pdirect-mpgs-simulator/1';
  sessions: SessionRecord[];
  orders: OrderRecord[];
  challenges: Array<[string, ChallengeRef]>;
  methods?: Array<[string, ChallengeRef]>;
}

export class SimulatorStore {
  readonly sessions = new Map<string, SessionRecord>();
  private readonly orders = new Map<string, OrderRecord>();
  /** acsTransactionId → the authentication transaction waiting for the payer. */
  readonly challenges = new Map<string, ChallengeRef>();
  /** threeDSServerTransID → the authentication transaction whose 3DS method the browser may run. */
  readonly methods = new Map<string, ChallengeRef>();

  private constructor(private readonly stateFile: string | undefined) {}

  static open(stateFile?: string): SimulatorStore {
    const store = new SimulatorStore(stateFile);
    if (stateFile) store.loadFrom(stateFile);
    return store;
  }

  getOrder(merchantId: string, orderId: string): OrderRecord | undefined {
    return this.orders.get(orderKey(merchantId, orderId));
  }

  /** Every order, in the order they were created (the simulator's own ledger). */
  allOrders(): OrderRecord[] {
    return [...this.orders.values()];
  }

  putOrder(order: OrderRecord): void {
    this.orders.set(orderKey(order.merchantId, order.id), order);
  }

  /** Mirrors the state to the JSON file, when one was configured. */
  save(): void {
    if (!this.stateFile) return;
    const state: PersistedState = {
      format: 'pdirect-mpgs-simulator/1',
      // CSCs stay in memory only, as a card network would never write them down.
      sessions: [...this.sessions.values()].map((session) => (session.card ? { ...session, card: withoutCsc(session.card) } : session)),
      orders: [...this.orders.values()],
      challenges: [...this.challenges.entries()],
      methods: [...this.methods.entries()],
    };
    const temp = `${this.stateFile}.tmp-${process.pid}`;
    writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
    renameSync(temp, this.stateFile);
  }

  private loadFrom(stateFile: string): void {
    let text: string;
    try {
      text = readFileSync(stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const state = JSON.parse(text) as PersistedState;
    if (state.format !== 'pdirect-mpgs-simulator/1') {
      throw new Error(`${stateFile} is not an MPGS simulator state file`);
    }
    for (const session of state.sessions) this.sessions.set(session.id, session);
    for (const order of state.orders) this.putOrder(order);
    for (const [id, ref] of state.challenges) this.challenges.set(id, ref);
    for (const [id, ref] of state.methods ?? []) this.methods.set(id, ref);
  }
}

function orderKey(merchantId: string, orderId: string): string {
  return `${merchantId}\u0000${orderId}`;
}

function withoutCsc(card: StoredCard): StoredCard {
  const { securityCode: _dropped, ...rest } = card;
  return rest;
}
