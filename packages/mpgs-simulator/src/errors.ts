/**
 * The MPGS error envelope, in one place:
 * `{"error":{"cause","explanation","field","validationType"},"result":"ERROR"}`.
 * Every route throws MpgsError; server.ts turns it into that body.
 */
export type ErrorCause = 'INVALID_REQUEST' | 'REQUEST_REJECTED' | 'SERVER_BUSY' | 'SERVER_FAILED';
export type ValidationType = 'INVALID' | 'MISSING' | 'UNSUPPORTED';

export class MpgsError extends Error {
  constructor(
    readonly status: number,
    readonly errorCause: ErrorCause,
    readonly explanation: string,
    readonly field?: string,
    readonly validationType?: ValidationType,
  ) {
    super(explanation);
    this.name = 'MpgsError';
  }

  toBody(): Record<string, unknown> {
    return {
      error: {
        cause: this.errorCause,
        explanation: this.explanation,
        field: this.field,
        validationType: this.validationType,
      },
      result: 'ERROR',
    };
  }
}

export function invalidField(field: string, explanation: string): MpgsError {
  return new MpgsError(400, 'INVALID_REQUEST', explanation, field, 'INVALID');
}

export function missingField(field: string, explanation = `Missing parameter value for '${field}'`): MpgsError {
  return new MpgsError(400, 'INVALID_REQUEST', explanation, field, 'MISSING');
}

export function unsupportedField(field: string, explanation: string): MpgsError {
  return new MpgsError(400, 'INVALID_REQUEST', explanation, field, 'UNSUPPORTED');
}

/** A request that is well formed but cannot be performed (no field to blame). */
export function invalidRequest(explanation: string): MpgsError {
  return new MpgsError(400, 'INVALID_REQUEST', explanation);
}

/**
 * Retrieving an order or transaction that does not exist: the gateway
 * answers HTTP 400 with cause INVALID_REQUEST and an explanation (no 404,
 * no field). A connector can tell "never performed" only from that text.
 */
export function notFound(explanation: string): MpgsError {
  return new MpgsError(400, 'INVALID_REQUEST', explanation);
}

/** What real MPGS answers for a wrong API password or unknown merchant (HTTP 401). */
export function invalidCredentials(): MpgsError {
  return new MpgsError(401, 'INVALID_REQUEST', 'Invalid credentials.');
}

/** What real MPGS answers when valid credentials of merchant A address merchant B. */
export function wrongMerchant(): MpgsError {
  return new MpgsError(401, 'INVALID_REQUEST', 'Authenticated entity not authorised to perform operation for target entity');
}

/** "Generic Error Response" of the 3DS test cards that fail INITIATE / AUTHENTICATE_PAYER. */
export function threeDsSystemError(operation: string): MpgsError {
  return new MpgsError(400, 'REQUEST_REJECTED', `${operation} could not be completed: the 3-D Secure directory server returned an error`);
}

export function serverFailed(): MpgsError {
  return new MpgsError(500, 'SERVER_FAILED', 'An internal server error occurred. Please try again later.');
}
