import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const tracing = (env: Record<string, string>) => loadConfig(env, '/tmp').tracing;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/tmp');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('tracing settings', () => {
  it('are off by default, and with PDIRECT_TRACING=off or OTEL_SDK_DISABLED=true whatever the endpoints say', () => {
    expect(tracing({})).toBeUndefined();
    expect(tracing({ PDIRECT_TRACING: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
    expect(tracing({ PDIRECT_TRACING: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('turn on with an OTLP endpoint: the base one gets /v1/traces, the traces one is used as is', () => {
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({
      endpoint: 'http://collector:4318/v1/traces',
      serviceName: 'pdirect-gateway',
    });
    expect(tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' })?.endpoint).toBe(
      'https://b/otlp/traces',
    );
    // PDIRECT_TRACING=otlp alone: the specification's default endpoint.
    expect(tracing({ PDIRECT_TRACING: 'otlp', OTEL_SERVICE_NAME: 'checkout-eu' })).toMatchObject({
      endpoint: 'http://localhost:4318/v1/traces',
      serviceName: 'checkout-eu',
    });
  });

  it('read the export headers (the traces ones win), kept as a secret', () => {
    const settings = tracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=base,X-Tenant=a%20b',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=k3y-of-traces',
    });
    expect(settings?.headers.reveal()).toEqual({ 'x-api-key': 'k3y-of-traces', 'x-tenant': 'a b' });
    expect(JSON.stringify(settings)).not.toContain('k3y-of-traces');
  });

  it('fail fast naming every bad value, never echoing a header value', () => {
    const problems = problemsOf({
      PDIRECT_TRACING: 'jaeger',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(problems).toEqual([expect.stringMatching(/^PDIRECT_TRACING must be one of off, otlp/)]);
    const more = problemsOf({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20ok,sk_live_leaked_token',
    });
    expect(more).toEqual([
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL',
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL: Pdirect exports traces as OTLP\/HTTP JSON/),
      expect.stringMatching(/^OTEL_EXPORTER_OTLP_HEADERS must be comma-separated key=value pairs.*\(entry 2 is not\)$/),
    ]);
    expect(more.join('\n')).not.toContain('sk_live_leaked_token');
  });
});
