/**
 * The OpenTelemetry SDK behind `Tracing` (tracing.ts), loaded only by startTracing's dynamic import.
 *
 * Each gateway gets its own provider, context manager and propagator, and none of them is registered
 * as OpenTelemetry's global: the gateway's spans neither depend on nor disturb whatever else in the
 * process uses the global API (an auto-instrumentation agent, a second gateway in a test process).
 * Spans are batched and POSTed as OTLP/HTTP JSON; `shutdown` exports the last batch. The SDK reads
 * its own tuning from the process environment (OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
 */
import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import type * as Core from '@opentelemetry/core';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTrace from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { TracingSettings } from '../config.js';
import type { Tracing } from './tracing-types.js';

// The CommonJS builds, by require: what Node loads for these packages anyway (their ES builds, with
// extension-less imports, are for bundlers), said explicitly so that a resolver preferring the `module`
// field (the test runner's) loads the same files.
const require = createRequire(import.meta.url);
const { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = require('@opentelemetry/api') as typeof Api;
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof ContextAsyncHooks;
const { setGlobalErrorHandler, W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof Core;
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
const { defaultResource, detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTrace;

export function createTracing(settings: TracingSettings, logger: Logger): Tracing {
  // A failed export is reported here (the SDK's own handler would print to nowhere): its message, never a span.
  // The one process-wide piece: with two gateways in a process, the last one's logger reports for both.
  setGlobalErrorHandler((err) => logger.warn({ cause: err instanceof Error ? err.message : String(err) }, 'tracing: spans could not be exported'));
  const contexts = new AsyncLocalStorageContextManager().enable();
  const propagator = new W3CTraceContextPropagator();
  const provider = new BasicTracerProvider({
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ 'service.name': settings.serviceName })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.endpoint, headers: settings.headers.reveal() }))],
  });
  const tracer = provider.getTracer('pdirect-gateway');
  const fail = (span: Api.Span, errorType: string): void => {
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', errorType);
  };

  return {
    serverSpan(name, headers, attributes) {
      const parent = propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
      const active = trace.setSpan(parent, span);
      return { span, enter: (work) => contexts.with(active, work) };
    },
    async clientSpan(name, attributes, work, options = {}) {
      const parent = options.root ? ROOT_CONTEXT : contexts.active();
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, root: options.root }, parent);
      try {
        return await contexts.with(trace.setSpan(parent, span), () => work(span));
      } catch (err) {
        fail(span, options.errorType?.(err) ?? (err instanceof Error ? err.name : 'unknown'));
        throw err;
      } finally {
        span.end();
      }
    },
    fail,
    async shutdown() {
      await provider.shutdown();
      contexts.disable();
    },
  };
}
