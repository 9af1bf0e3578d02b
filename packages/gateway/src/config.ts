import path from 'node:path';
import { Secret } from './crypto/secret.js';
import { otpSettings, type OtpSettings } from './config/otp-settings.js';
import { integer, isIpOrCidr, oneOf, type Env } from './config/readers.js';
import { tracingSettings, type TracingSettings } from './config/tracing-settings.js';
import {
  cardDefenceSettings,
  databaseSettings,
  edgeSettings,
  mpgsCallSettings,
  paymentLeaseMs,
  webhookSettings,
  type CardDefenceSettings,
  type DatabaseSettings,
  type EdgeSettings,
  type MpgsCallSettings,
  type WebhookSettings,
} from './config/runtime-settings.js';
import { isHttpUrl } from './urls.js';

export type { HttpsSmsSettings, OtpSettings, SmtpSettings } from './config/otp-settings.js';
export type { CardDefenceSettings, DatabaseSettings, EdgeSettings, MpgsCallSettings, WebhookSettings } from './config/runtime-settings.js';
export type { TracingSettings } from './config/tracing-settings.js';
export { isIpOrCidr } from './config/readers.js';

/**
 * The one typed configuration (docs/api.md#cli). Everything comes from the
 * environment; sandbox defaults need nothing set. `loadConfig` validates every
 * value at boot and throws a ConfigError listing each bad one with what to do.
 */
export type Mode = 'sandbox' | 'live';

export interface MpgsSettings {
  baseUrl: string;
  merchantId: string;
  apiPassword: Secret<string>;
  apiVersion: number;
}

export interface Config {
  mode: Mode;
  host: string;
  port: number;
  /** Origin customers and merchants reach this gateway at (checkout_url, 3-D Secure return). */
  publicUrl: string;
  databaseUrl: string;
  dataDir: string;
  /** Raw PDIRECT_MASTER_KEY; undefined in sandbox means "generate into dataDir". */
  masterKey: Secret<string> | undefined;
  trustedProxies: string[];
  tls: { certFile: string; keyFile: string } | undefined;
  /** Keys older than this are flagged with Pdirect-Key-Rotation-Due. */
  keyRotationDays: number;
  /** How long a process trusts a cached key row before re-reading it (revocation across processes). */
  authCacheSeconds: number;
  /** How long an Idempotency-Key and its stored response are kept (docs/api.md#http-api: 24 h). */
  idempotencyRetentionHours: number;
  /** How long an in-flight Idempotency-Key holds without renewal: after this a crashed holder's key may be taken again. */
  idempotencyLeaseSeconds: number;
  /** Request body limit in bytes. */
  bodyLimit: number;
  /** Slow-client bounds and the per-address connection cap: see http/plugins/edge.ts. */
  edge: EdgeSettings;
  /** Database timeouts: see storage/database.ts. */
  database: DatabaseSettings;
  /** Failed merchant authentications one client address may make per minute (counted in the database, across processes). */
  authFailuresPerMinute: number;
  /** Merchant-secret verifications allowed to wait for a free Argon2id slot; beyond it 503 1901. */
  authQueueLimit: number;
  logLevel: string;
  /** Live network settings, or undefined in sandbox without a base URL (built-in simulator). */
  /** PDIRECT_CARD_NETWORK: which registered card network (connectors/index.ts) moves the money. Default `mpgs`. */
  cardNetwork: string;
  mpgs: MpgsSettings | undefined;
  /**
   * PDIRECT_MPGS_TIMEOUT_MS / PDIRECT_MPGS_MAX_ATTEMPTS: per call, and attempts per retryable call (also the
   * settle rounds of PAY/REFUND/VOID). They bound how long an attempt may stay in flight — its deadline
   * before the reconciler may call it "not charged" (docs/reliability.md) — in sandbox too.
   */
  mpgsCall: MpgsCallSettings;
  /** PDIRECT_PAYMENT_LEASE_SECONDS: an in-flight attempt's lease; every reconciliation timing follows it (modules/payments/payment-deps.ts). */
  paymentLeaseMs: number;
  simPort: number;
  webhooks: WebhookSettings;
  otp: OtpSettings;
  /** PDIRECT_METRICS_TOKEN: in live mode GET /metrics answers loopback callers, or callers with this bearer token. */
  metricsToken: Secret<string> | undefined;
  /** Card-entry defence (docs/card-defence.md): caps on hosted card sessions and declines. */
  cardDefence: CardDefenceSettings;
  /** PDIRECT_TRACING and OTEL_*: where OpenTelemetry spans go; undefined when tracing is off (the default). */
  tracing: TracingSettings | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const mode = oneOf(read('PDIRECT_MODE') ?? 'sandbox', ['sandbox', 'live'] as const, 'PDIRECT_MODE', problems) ?? 'sandbox';
  const port = integer(read('PDIRECT_PORT'), 8080, 'PDIRECT_PORT', 0, 65535, problems);
  const host = read('PDIRECT_HOST') ?? (mode === 'live' ? '0.0.0.0' : '127.0.0.1');
  const dataDir = path.resolve(cwd, read('PDIRECT_DATA_DIR') ?? 'data');
  const databaseUrl = read('PDIRECT_DATABASE_URL') ?? `sqlite:${path.join(dataDir, 'pdirect.db')}`;
  if (!/^sqlite:.+/.test(databaseUrl) && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('PDIRECT_DATABASE_URL must be sqlite:PATH or postgres://user@host:port/db');
  }

  const masterKeyValue = read('PDIRECT_MASTER_KEY');
  if (mode === 'live' && !masterKeyValue) {
    problems.push(
      "PDIRECT_MASTER_KEY is required in live mode (generate one: node -e \"console.log('v1:'+require('crypto').randomBytes(32).toString('base64'))\")",
    );
  }

  const trustedProxies = (read('PDIRECT_TRUSTED_PROXIES') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const proxy of trustedProxies) {
    if (!isIpOrCidr(proxy)) problems.push(`PDIRECT_TRUSTED_PROXIES: "${proxy}" is not an IP address or CIDR range`);
  }

  const certFile = read('PDIRECT_TLS_CERT');
  const keyFile = read('PDIRECT_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) problems.push('PDIRECT_TLS_CERT and PDIRECT_TLS_KEY must be set together');
  const tls = certFile && keyFile ? { certFile: path.resolve(cwd, certFile), keyFile: path.resolve(cwd, keyFile) } : undefined;
  if (mode === 'live' && !tls && trustedProxies.length === 0) {
    problems.push('live mode refuses plain HTTP: set PDIRECT_TLS_CERT and PDIRECT_TLS_KEY, or PDIRECT_TRUSTED_PROXIES for the TLS-terminating proxy in front');
  }

  const scheme = tls ? 'https' : 'http';
  const publicUrl = (read('PDIRECT_PUBLIC_URL') ?? `${scheme}://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) problems.push('PDIRECT_PUBLIC_URL must be an http(s) URL');
  if (mode === 'live' && !publicUrl.startsWith('https://')) problems.push('PDIRECT_PUBLIC_URL must be https:// in live mode');

  const cardNetwork = read('PDIRECT_CARD_NETWORK') ?? 'mpgs';
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(cardNetwork)) problems.push('PDIRECT_CARD_NETWORK must be a card network name such as "mpgs"');
  const mpgsBase = read('PDIRECT_MPGS_BASE_URL');
  const mpgsMid = read('PDIRECT_MPGS_MERCHANT_ID');
  const mpgsPassword = read('PDIRECT_MPGS_API_PASSWORD');
  const apiVersion = integer(read('PDIRECT_MPGS_API_VERSION'), 100, 'PDIRECT_MPGS_API_VERSION', 1, 1000, problems);
  let mpgs: MpgsSettings | undefined;
  if (mpgsBase) {
    if (!isHttpUrl(mpgsBase)) problems.push('PDIRECT_MPGS_BASE_URL must be an http(s) URL, e.g. https://test-gateway.mastercard.com');
    // The API password travels as Basic auth: never in clear over a live network.
    else if (mode === 'live' && !mpgsBase.startsWith('https://'))
      problems.push('PDIRECT_MPGS_BASE_URL must be https:// in live mode (the API password is sent with every call)');
    if (!mpgsMid) problems.push('PDIRECT_MPGS_MERCHANT_ID is required when PDIRECT_MPGS_BASE_URL is set');
    if (!mpgsPassword) problems.push('PDIRECT_MPGS_API_PASSWORD is required when PDIRECT_MPGS_BASE_URL is set');
    mpgs = {
      baseUrl: mpgsBase.replace(/\/+$/, ''),
      merchantId: mpgsMid ?? '',
      apiPassword: new Secret(mpgsPassword ?? ''),
      apiVersion,
    };
  } else if (mode === 'live' && cardNetwork === 'mpgs') {
    problems.push('live mode needs the card network: set PDIRECT_MPGS_BASE_URL, PDIRECT_MPGS_MERCHANT_ID and PDIRECT_MPGS_API_PASSWORD');
  }

  const webhooks = webhookSettings(read, problems);

  const metricsToken = read('PDIRECT_METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 32)
    problems.push('PDIRECT_METRICS_TOKEN must be at least 32 characters (generate one: openssl rand -hex 32)');

  const config: Config = {
    mode,
    host,
    port,
    publicUrl,
    databaseUrl,
    dataDir,
    masterKey: masterKeyValue ? new Secret(masterKeyValue) : undefined,
    trustedProxies,
    tls,
    keyRotationDays: integer(read('PDIRECT_KEY_ROTATION_DAYS'), 90, 'PDIRECT_KEY_ROTATION_DAYS', 1, 3650, problems),
    authCacheSeconds: integer(read('PDIRECT_AUTH_CACHE_SECONDS'), 5, 'PDIRECT_AUTH_CACHE_SECONDS', 0, 300, problems),
    idempotencyRetentionHours: integer(read('PDIRECT_IDEMPOTENCY_RETENTION_HOURS'), 24, 'PDIRECT_IDEMPOTENCY_RETENTION_HOURS', 24, 720, problems),
    idempotencyLeaseSeconds: integer(read('PDIRECT_IDEMPOTENCY_LEASE_SECONDS'), 60, 'PDIRECT_IDEMPOTENCY_LEASE_SECONDS', 5, 3600, problems),
    bodyLimit: integer(read('PDIRECT_BODY_LIMIT'), 64 * 1024, 'PDIRECT_BODY_LIMIT', 1024, 10 * 1024 * 1024, problems),
    edge: edgeSettings(read, problems),
    database: databaseSettings(read, problems),
    authFailuresPerMinute: integer(read('PDIRECT_AUTH_FAILURES_PER_MINUTE'), 30, 'PDIRECT_AUTH_FAILURES_PER_MINUTE', 1, 100_000, problems),
    authQueueLimit: integer(read('PDIRECT_AUTH_QUEUE_LIMIT'), 32, 'PDIRECT_AUTH_QUEUE_LIMIT', 0, 10_000, problems),
    logLevel:
      oneOf(read('PDIRECT_LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'PDIRECT_LOG_LEVEL', problems) ??
      'info',
    cardNetwork,
    mpgs,
    mpgsCall: mpgsCallSettings(read, problems),
    paymentLeaseMs: paymentLeaseMs(read, problems),
    simPort: integer(read('PDIRECT_SIM_PORT'), port === 0 ? 0 : port + 1, 'PDIRECT_SIM_PORT', 0, 65535, problems),
    webhooks,
    metricsToken: metricsToken ? new Secret(metricsToken) : undefined,
    otp: otpSettings(read, mode === 'live', problems),
    cardDefence: cardDefenceSettings(read, problems),
    tracing: tracingSettings(read, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
