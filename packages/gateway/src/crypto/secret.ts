import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A value that must never be printed: API passwords, merchant secrets, OTPs,
 * session tokens. String conversion, JSON serialisation and util.inspect all
 * yield "[redacted]"; only `reveal()` gives the value back, so every use of
 * the cleartext is greppable.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

export function secret<T>(value: T): Secret<T> {
  return new Secret(value);
}
