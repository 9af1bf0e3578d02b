/**
 * Optional OpenTelemetry tracing (docs/api.md#tracing): PDIRECT_TRACING and the standard
 * OTEL_* variables. Off unless asked for, so a gateway without them loads no tracing code at all.
 */
import { Secret } from '../crypto/secret.js';
import { isHttpUrl } from '../urls.js';
import { oneOf, type Read } from './readers.js';

export interface TracingSettings {
  /** Where spans are POSTed as OTLP/HTTP JSON, e.g. http://127.0.0.1:4318/v1/traces. */
  endpoint: string;
  /** OTEL_EXPORTER_OTLP_(TRACES_)HEADERS, sent with every export: often the collector's API key. */
  headers: Secret<Record<string, string>>;
  /** OTEL_SERVICE_NAME (default pdirect-gateway). */
  serviceName: string;
}

/** The OTLP/HTTP port every collector listens on (the specification's default endpoint). */
const DEFAULT_ENDPOINT = 'http://localhost:4318';

/**
 * PDIRECT_TRACING=otlp|off; unset, tracing is on exactly when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. OTEL_SDK_DISABLED=true turns it off whatever else is set.
 * Undefined: tracing is off.
 */
export function tracingSettings(read: Read, problems: string[]): TracingSettings | undefined {
  const tracesEndpoint = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseEndpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  const fallback = tracesEndpoint || baseEndpoint ? 'otlp' : 'off';
  const mode = oneOf(read('PDIRECT_TRACING') ?? fallback, ['off', 'otlp'] as const, 'PDIRECT_TRACING', problems);
  if (mode !== 'otlp' || read('OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;

  // As the specification says: the signal's own endpoint is used as is, the base one gets /v1/traces.
  const endpoint = tracesEndpoint ?? `${(baseEndpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
  if (!isHttpUrl(endpoint)) problems.push(`${tracesEndpoint ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT'} must be an http(s) URL`);
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = read(name);
    if (protocol !== undefined && protocol !== 'http/json') {
      problems.push(`${name}: Pdirect exports traces as OTLP/HTTP JSON; set it to http/json or leave it unset (got "${protocol}")`);
    }
  }
  return {
    endpoint,
    headers: new Secret({ ...otlpHeaders(read, 'OTEL_EXPORTER_OTLP_HEADERS', problems), ...otlpHeaders(read, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', problems) }),
    serviceName: read('OTEL_SERVICE_NAME') ?? 'pdirect-gateway',
  };
}

/** `key1=value1,key2=value2`, values percent-encoded (the W3C Baggage form the specification uses). Never echoes a value. */
function otlpHeaders(read: Read, name: string, problems: string[]): Record<string, string> {
  const value = read(name);
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  for (const [index, pair] of value.split(',').entries()) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim().toLowerCase();
    let decoded: string | undefined;
    try {
      decoded = at > 0 ? decodeURIComponent(pair.slice(at + 1).trim()) : undefined;
    } catch {
      decoded = undefined;
    }
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(key) || decoded === undefined) {
      problems.push(`${name} must be comma-separated key=value pairs, values percent-encoded (entry ${index + 1} is not)`);
      continue;
    }
    headers[key] = decoded;
  }
  return headers;
}
