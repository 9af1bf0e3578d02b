/**
 * What the gateway's instrumentation sees of OpenTelemetry (tracing.ts starts it). Types only: this
 * file is imported by the code that makes spans and by the SDK behind them, and loads nothing.
 *
 * What a span may carry: route templates, methods, status codes, catalogue error codes, merchant and
 * request ids, outcomes. Never a secret, token, OTP, card data, customer data, or a URL's path or query.
 */
import type { Attributes, Span } from '@opentelemetry/api';

export type { Attributes, Span } from '@opentelemetry/api';

export interface ServerSpan {
  readonly span: Span;
  /** Runs `work` with this span active: client spans started inside it are its children. */
  enter<T>(work: () => T): T;
}

export interface ClientSpanOptions {
  /** Start a trace of its own instead of joining the active span (work that outlives what woke it). */
  root?: boolean;
  /** The `error.type` of a throw (default: the error's name). A short class, never a message. */
  errorType?: (err: unknown) => string;
}

export interface Tracing {
  /** A server span continuing the caller's W3C `traceparent` (a new trace without one). Active only inside `enter`. */
  serverSpan(name: string, headers: Record<string, string | string[] | undefined>, attributes: Attributes): ServerSpan;
  /** Runs `work` in a client span, the child of the active span; it ends when work settles, and a throw marks it failed. */
  clientSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, options?: ClientSpanOptions): Promise<T>;
  /** Marks a span failed: the error status and `error.type`. */
  fail(span: Span, errorType: string): void;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}
