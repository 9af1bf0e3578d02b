/**
 * Optional OpenTelemetry tracing (docs/api.md#tracing). Off by default, and then free: the
 * OpenTelemetry SDK is loaded by dynamic import (tracing-sdk.ts) only when tracing is configured, and
 * nothing is wrapped. When on, `startTracing` gives a `Tracing` that the wiring (gateway.ts) hands to
 * the places that make spans: the HTTP edge (http/plugins/tracing.ts: one server span per request),
 * the card network (connectors/traced-network.ts: a client span per call) and webhook delivery
 * (webhook-spans.ts: a client span per attempt).
 *
 * What a span may carry is said in tracing-types.ts. This file imports no OpenTelemetry code itself.
 */
import type { Logger } from 'pino';
import type { TracingSettings } from '../config.js';
import type { Tracing } from './tracing-types.js';

export type { Attributes, ClientSpanOptions, ServerSpan, Span, Tracing } from './tracing-types.js';

/** Undefined when tracing is off (nothing loaded); otherwise loads the SDK and starts exporting. */
export async function startTracing(settings: TracingSettings | undefined, logger: Logger): Promise<Tracing | undefined> {
  if (!settings) return undefined;
  const { createTracing } = await import('./tracing-sdk.js');
  const tracing = createTracing(settings, logger.child({ component: 'tracing' }));
  // The collector's host only: an endpoint URL may carry credentials.
  logger.info({ collector: new URL(settings.endpoint).host, service_name: settings.serviceName }, 'tracing: exporting spans over OTLP/HTTP');
  return tracing;
}
