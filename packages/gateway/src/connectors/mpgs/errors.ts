/**
 * Errors raised by the MPGS client. Messages carry the operation, the HTTP
 * status and the network's own cause/explanation — never credentials, the
 * Authorization header, card data or request bodies.
 */
import { NetworkRejected } from '../card-network.js';
import type { MpgsErrorCause, MpgsValidationType, Open, WireError } from './wire.js';

/** The network answered with its error object (`result: "ERROR"`): the core sees a NetworkRejected. */
export class MpgsError extends NetworkRejected {
  override readonly name = 'MpgsError';
  /** INVALID_REQUEST, REQUEST_REJECTED, SERVER_BUSY, SERVER_FAILED (or a newer value). */
  override readonly cause: Open<MpgsErrorCause>;
  readonly explanation: string | undefined;
  readonly field: string | undefined;
  readonly validationType: Open<MpgsValidationType> | undefined;
  readonly supportCode: string | undefined;
  readonly httpStatus: number;
  readonly operation: string;

  constructor(operation: string, httpStatus: number, error: WireError) {
    const parts = [error.cause, error.explanation, error.field ? `field ${error.field}` : undefined]
      .filter((p): p is string => typeof p === 'string' && p.length > 0)
      .join(': ');
    super(`MPGS ${operation} answered HTTP ${httpStatus} ${parts}`);
    this.cause = error.cause;
    this.explanation = error.explanation;
    this.field = error.field;
    this.validationType = error.validationType;
    this.supportCode = error.supportCode;
    this.httpStatus = httpStatus;
    this.operation = operation;
  }

  override get reason(): string {
    return this.cause ?? 'REJECTED';
  }

  override get hostedSessionUnknown(): boolean {
    return this.field?.startsWith('session') ?? false;
  }

  /**
   * A transient failure: the request was not (or may not have been) performed
   * and repeating an idempotent request is the documented remedy.
   */
  override get transient(): boolean {
    return this.cause === 'SERVER_BUSY' || this.cause === 'SERVER_FAILED' || this.httpStatus >= 500;
  }

  /**
   * The network does not know this order or transaction. docs/card-network.md does not
   * fix the shape (*inferred*): HTTP 404, or INVALID_REQUEST whose
   * explanation says the order/transaction was not found.
   */
  get notFound(): boolean {
    if (this.httpStatus === 404) return true;
    if (this.cause !== 'INVALID_REQUEST') return false;
    return /not found|unable to find|no (such )?(order|transaction)|does not exist|unknown (order|transaction)/i.test(this.explanation ?? '');
  }
}

export type MpgsTransportFailure = 'timeout' | 'network' | 'invalid_response';

/**
 * No usable answer: timeout, connection failure, or a 2xx whose body is not
 * the documented JSON. In every case the request may have been performed.
 */
export class MpgsTransportError extends Error {
  override readonly name = 'MpgsTransportError';
  readonly kind: MpgsTransportFailure;
  readonly operation: string;
  readonly httpStatus: number | undefined;

  constructor(operation: string, kind: MpgsTransportFailure, detail: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(`MPGS ${operation} ${kind}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.operation = operation;
    this.httpStatus = options?.httpStatus;
  }

  /** The outcome is unknown; an idempotent request may be repeated, anything else must be retrieved. */
  get transient(): boolean {
    return true;
  }
}

/**
 * The caller-supplied transaction id already names a different kind of
 * transaction on this order (e.g. a refund id equal to the payment id). A
 * caller bug: MPGS refuses the PUT, and the existing transaction must not be
 * mistaken for this operation's outcome. Nothing was performed.
 */
export class MpgsIdConflictError extends Error {
  override readonly name = 'MpgsIdConflictError';
  readonly operation: string;
  readonly existingType: string;

  constructor(operation: string, orderId: string, transactionId: string, existingType: string) {
    super(`MPGS ${operation}: transaction ${transactionId} on order ${orderId} is already a ${existingType}`);
    this.operation = operation;
    this.existingType = existingType;
  }
}

/**
 * True when the request may or may not have been performed and only a
 * retrieve (or an identical repeat) can tell: timeouts, dropped connections,
 * 5xx / SERVER_BUSY / SERVER_FAILED.
 */
export function isOutcomeUnknown(error: unknown): boolean {
  if (error instanceof MpgsTransportError) return error.transient;
  if (error instanceof MpgsError) return error.transient;
  return false;
}
