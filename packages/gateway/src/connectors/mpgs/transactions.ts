import type { PaymentOutcome } from '../card-network.js';
import { settle, type Lookup } from '../settle.js';
import type { MpgsClient, MpgsLogger } from './client.js';
import { MpgsError, MpgsIdConflictError, isOutcomeUnknown } from './errors.js';
import { mpgsId, toPaymentOutcome } from './transformers.js';
import type { MpgsApiOperation, WireTransactionAnswer, WireTransactionRequest } from './wire.js';

/**
 * The transaction calls behind MpgsConnector (connector.ts): a transaction is
 * addressed by (order id, transaction id), sent with PUT and read back with
 * GET; a money-moving PUT is settled by the shared settle loop (../settle.ts),
 * which retrieves with the same ids when the outcome is unknown.
 */

/** Whether a retrieved transaction type can be the result of this operation (null: the answer did not say). */
function isTypeOf(operation: MpgsApiOperation, transactionType: string | null): boolean {
  if (transactionType === null) return true;
  switch (operation) {
    case 'PAY':
      return transactionType === 'PAYMENT';
    case 'AUTHORIZE':
      return transactionType === 'AUTHORIZATION';
    case 'CAPTURE':
      return transactionType === 'CAPTURE';
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

export class MpgsTransactions {
  readonly #client: MpgsClient;
  readonly #logger: MpgsLogger;

  constructor(client: MpgsClient, logger: MpgsLogger) {
    this.#client = client;
    this.#logger = logger;
  }

  /** The transaction, or null when the network does not have it. */
  async retrieve(orderId: string, transactionId: string): Promise<PaymentOutcome | null> {
    try {
      const answer = await this.get(orderId, transactionId);
      return toPaymentOutcome(answer, { orderId, transactionId });
    } catch (error) {
      if (error instanceof MpgsError && error.notFound) return null;
      throw error;
    }
  }

  async put(operation: MpgsApiOperation, orderId: string, transactionId: string, body: WireTransactionRequest, retry: boolean): Promise<WireTransactionAnswer> {
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

  async get(orderId: string, transactionId: string): Promise<WireTransactionAnswer> {
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
      outcome = await this.retrieve(orderId, transactionId);
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
  async settle(operation: MpgsApiOperation, orderId: string, transactionId: string, body: WireTransactionRequest): Promise<PaymentOutcome> {
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
      send: async () => toPaymentOutcome(await this.put(operation, orderId, transactionId, body, false), ids),
      lookup: () => this.#lookup(operation, orderId, transactionId),
      isOutcomeUnknown,
      rounds: this.#client.maxAttempts,
      sleep: (ms) => this.#client.sleep(ms),
      backoffMs: (retry) => this.#client.backoffMs(retry),
    });
    return done(settled.outcome, settled.rounds);
  }
}
