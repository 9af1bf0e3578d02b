import { isIP } from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { Secret } from './crypto/secret.js';
import { parseDuration } from './duration.js';
import { isHttpUrl } from './urls.js';

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

/** Webhook delivery (docs/api.md#webhooks): see modules/webhooks/worker.ts. */
export interface WebhookSettings {
  /** Run the delivery worker inside `pdirect serve` (off when dedicated `pdirect worker` processes do it). */
  workerInServe: boolean;
  /** Per attempt: DNS, connect, TLS, response headers and body. */
  timeoutMs: number;
  /** Delays before each retry; the first attempt is immediate. Used up = dead. */
  retryScheduleMs: number[];
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter). */
  retryJitter: number;
  pollIntervalMs: number;
  /** Deliveries one worker claims and attempts in parallel per round. */
  concurrency: number;
}

/** Customer OTP (docs/api.md#http-api): which provider delivers each channel, and the limits that are not fixed by the API reference. See modules/otp. */
export interface OtpSettings {
  /** `outbox` (sandbox only: codes readable through GET /v1/_sandbox/otp-outbox), `smtp`, or `off` (no OTP by e-mail). */
  email: 'outbox' | 'smtp' | 'off';
  /** `outbox` (sandbox only), `https` (a generic templated POST to an SMS provider), or `off` (no OTP by SMS). */
  sms: 'outbox' | 'https' | 'off';
  smtp: SmtpSettings | undefined;
  httpsSms: HttpsSmsSettings | undefined;
  /** Codes sent to one phone number or e-mail address per hour, across all sessions. */
  destinationLimitPerHour: number;
  /** Wrong codes after which the session's current code is dead until a fresh send. */
  maxWrongCodes: number;
}

export interface SmtpSettings {
  /** smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; holds the password. */
  url: Secret<string>;
  from: string;
  /** Refuse to send over a connection that did not upgrade to TLS (live mode, except to a loopback relay). */
  requireTls: boolean;
  timeoutMs: number;
}

export interface HttpsSmsSettings {
  url: string;
  /** `Name: value`, or just the value of `Authorization`. */
  authHeader: Secret<string> | undefined;
  /** JSON with `{{to}}` and `{{message}}` inside string values. */
  bodyTemplate: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Further attempts after a 5xx, a timeout or a network error. */
  retries: number;
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
  mpgsCall: { timeoutMs: number; maxAttempts: number };
  /** PDIRECT_PAYMENT_LEASE_SECONDS: an in-flight attempt's lease; every reconciliation timing follows it (modules/payments/payment-deps.ts). */
  paymentLeaseMs: number;
  simPort: number;
  webhooks: WebhookSettings;
  otp: OtpSettings;
  /** PDIRECT_METRICS_TOKEN: in live mode GET /metrics answers loopback callers, or callers with this bearer token. */
  metricsToken: Secret<string> | undefined;
  /** Card-entry defence (docs/card-defence.md): caps on hosted card sessions and declines. */
  cardDefence: CardDefenceSettings;
}

export interface CardDefenceSettings {
  /** PDIRECT_CARD_SESSIONS_PER_CHECKOUT: hosted card sessions one checkout session may open (default 10). */
  cardSessionsPerCheckout: number;
  /** PDIRECT_CARD_SESSIONS_PER_MINUTE: hosted card sessions per client IP and per device fingerprint in any 60 s (default 30). */
  cardSessionsPerMinute: number;
  /** PDIRECT_DECLINES_BEFORE_LOCK: failed attempts after which a checkout session locks (default 5). */
  declinesBeforeLock: number;
}

export interface EdgeSettings {
  /** The whole request (headers and body) must arrive within this; else 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** The request headers must arrive within this. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections one client address may hold (trusted proxies are exempt). */
  maxConnectionsPerIp: number;
}

export interface DatabaseSettings {
  /** Giving up on opening a PostgreSQL connection. */
  connectTimeoutMs: number;
  /** One statement (server-side statement_timeout, and client-side for a silent network). */
  statementTimeoutMs: number;
  /** A transaction left idle this long is ended by PostgreSQL. */
  idleInTransactionTimeoutMs: number;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

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

  const mpgsCall = {
    timeoutMs: integer(read('PDIRECT_MPGS_TIMEOUT_MS'), 20_000, 'PDIRECT_MPGS_TIMEOUT_MS', 100, 120_000, problems),
    maxAttempts: integer(read('PDIRECT_MPGS_MAX_ATTEMPTS'), 3, 'PDIRECT_MPGS_MAX_ATTEMPTS', 1, 10, problems),
  };

  const webhooks: WebhookSettings = {
    workerInServe: (oneOf(read('PDIRECT_WEBHOOK_WORKER') ?? 'on', ['on', 'off'] as const, 'PDIRECT_WEBHOOK_WORKER', problems) ?? 'on') === 'on',
    timeoutMs: integer(read('PDIRECT_WEBHOOK_TIMEOUT_SECONDS'), 15, 'PDIRECT_WEBHOOK_TIMEOUT_SECONDS', 1, 120, problems) * 1000,
    retryScheduleMs: retrySchedule(read('PDIRECT_WEBHOOK_RETRY_SCHEDULE'), problems),
    retryJitter: integer(read('PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT'), 10, 'PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT', 0, 50, problems) / 100,
    pollIntervalMs: integer(read('PDIRECT_WEBHOOK_POLL_MS'), 1000, 'PDIRECT_WEBHOOK_POLL_MS', 10, 60_000, problems),
    concurrency: integer(read('PDIRECT_WEBHOOK_CONCURRENCY'), 16, 'PDIRECT_WEBHOOK_CONCURRENCY', 1, 256, problems),
  };

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
    mpgsCall,
    paymentLeaseMs: integer(read('PDIRECT_PAYMENT_LEASE_SECONDS'), 30, 'PDIRECT_PAYMENT_LEASE_SECONDS', 1, 600, problems) * 1000,
    simPort: integer(read('PDIRECT_SIM_PORT'), port === 0 ? 0 : port + 1, 'PDIRECT_SIM_PORT', 0, 65535, problems),
    webhooks,
    metricsToken: metricsToken ? new Secret(metricsToken) : undefined,
    otp: otpSettings(read, mode, problems),
    cardDefence: {
      cardSessionsPerCheckout: integer(read('PDIRECT_CARD_SESSIONS_PER_CHECKOUT'), 10, 'PDIRECT_CARD_SESSIONS_PER_CHECKOUT', 1, 100, problems),
      cardSessionsPerMinute: integer(read('PDIRECT_CARD_SESSIONS_PER_MINUTE'), 30, 'PDIRECT_CARD_SESSIONS_PER_MINUTE', 1, 100_000, problems),
      declinesBeforeLock: integer(read('PDIRECT_DECLINES_BEFORE_LOCK'), 5, 'PDIRECT_DECLINES_BEFORE_LOCK', 1, 100, problems),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function edgeSettings(read: (name: string) => string | undefined, problems: string[]): EdgeSettings {
  const requestTimeoutMs = integer(read('PDIRECT_REQUEST_TIMEOUT_MS'), 30_000, 'PDIRECT_REQUEST_TIMEOUT_MS', 100, 600_000, problems);
  const headersTimeoutMs = integer(
    read('PDIRECT_HEADERS_TIMEOUT_MS'),
    Math.min(10_000, requestTimeoutMs),
    'PDIRECT_HEADERS_TIMEOUT_MS',
    100,
    600_000,
    problems,
  );
  if (headersTimeoutMs > requestTimeoutMs) problems.push('PDIRECT_HEADERS_TIMEOUT_MS must not exceed PDIRECT_REQUEST_TIMEOUT_MS');
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: integer(read('PDIRECT_KEEPALIVE_TIMEOUT_MS'), 5_000, 'PDIRECT_KEEPALIVE_TIMEOUT_MS', 100, 600_000, problems),
    maxConnectionsPerIp: integer(read('PDIRECT_MAX_CONNECTIONS_PER_IP'), 256, 'PDIRECT_MAX_CONNECTIONS_PER_IP', 1, 100_000, problems),
  };
}

function databaseSettings(read: (name: string) => string | undefined, problems: string[]): DatabaseSettings {
  const statementTimeoutMs = integer(read('PDIRECT_DB_STATEMENT_TIMEOUT_MS'), 15_000, 'PDIRECT_DB_STATEMENT_TIMEOUT_MS', 100, 600_000, problems);
  return {
    connectTimeoutMs: integer(read('PDIRECT_DB_CONNECT_TIMEOUT_MS'), 5_000, 'PDIRECT_DB_CONNECT_TIMEOUT_MS', 100, 120_000, problems),
    statementTimeoutMs,
    idleInTransactionTimeoutMs: integer(
      read('PDIRECT_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
      60_000,
      'PDIRECT_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      1_000,
      3_600_000,
      problems,
    ),
  };
}

/** The Standard Webhooks schedule (5s,5m,30m,2h,5h,10h,10h) unless PDIRECT_WEBHOOK_RETRY_SCHEDULE lists other delays. */
function retrySchedule(value: string | undefined, problems: string[]): number[] {
  const standard = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
  if (value === undefined) return standard;
  const delays = value.split(',').map((d) => parseDuration(d));
  if (delays.length > 20 || delays.some((d) => d === undefined || d > 86_400_000)) {
    problems.push(`PDIRECT_WEBHOOK_RETRY_SCHEDULE must be up to 20 comma-separated delays of at most 1d, e.g. 5s,5m,30m,2h,5h,10h,10h (got "${value}")`);
    return standard;
  }
  return delays as number[];
}

/** OTP delivery: outbox by default in sandbox; live mode needs real providers and refuses the outbox. Messages never echo a secret. */
function otpSettings(read: (name: string) => string | undefined, mode: Mode, problems: string[]): OtpSettings {
  const live = mode === 'live';
  // Live mode has no safe default provider: OTP stays off until one is configured (sessions asking for it are refused at mint).
  const email = oneOf(read('PDIRECT_OTP_EMAIL') ?? (live ? 'off' : 'outbox'), ['outbox', 'smtp', 'off'] as const, 'PDIRECT_OTP_EMAIL', problems) ?? 'outbox';
  const sms = oneOf(read('PDIRECT_OTP_SMS') ?? (live ? 'off' : 'outbox'), ['outbox', 'https', 'off'] as const, 'PDIRECT_OTP_SMS', problems) ?? 'outbox';
  if (live && email === 'outbox') {
    problems.push(
      'PDIRECT_OTP_EMAIL=outbox is the sandbox outbox (codes readable through a test endpoint) and is refused in live mode: set PDIRECT_OTP_EMAIL=smtp with PDIRECT_SMTP_URL and PDIRECT_OTP_EMAIL_FROM',
    );
  }
  if (live && sms === 'outbox') {
    problems.push(
      'PDIRECT_OTP_SMS=outbox is the sandbox outbox (codes readable through a test endpoint) and is refused in live mode: set PDIRECT_OTP_SMS=https with PDIRECT_SMS_URL',
    );
  }

  let smtp: SmtpSettings | undefined;
  if (email === 'smtp') {
    const url = read('PDIRECT_SMTP_URL');
    const from = read('PDIRECT_OTP_EMAIL_FROM');
    let parsed: URL | undefined;
    try {
      parsed = url ? new URL(url) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['smtp:', 'smtps:'].includes(parsed.protocol) || !parsed.hostname) {
      problems.push(
        'PDIRECT_SMTP_URL is required for PDIRECT_OTP_EMAIL=smtp: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (user and password URL-encoded)',
      );
    }
    if (!from || !/^([^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(from)) {
      problems.push('PDIRECT_OTP_EMAIL_FROM is required for PDIRECT_OTP_EMAIL=smtp: the sender address, e.g. "Shop payments <otp@shop.example>"');
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed?.hostname ?? '');
    smtp = {
      url: new Secret(url ?? ''),
      from: from ?? '',
      requireTls: live && parsed?.protocol === 'smtp:' && !loopback,
      timeoutMs: integer(read('PDIRECT_SMTP_TIMEOUT_MS'), 10_000, 'PDIRECT_SMTP_TIMEOUT_MS', 100, 60_000, problems),
    };
  }

  let httpsSms: HttpsSmsSettings | undefined;
  if (sms === 'https') {
    const url = read('PDIRECT_SMS_URL');
    if (!url || !isHttpUrl(url) || (live && !url.startsWith('https://'))) {
      problems.push(
        `PDIRECT_SMS_URL is required for PDIRECT_OTP_SMS=https: the SMS provider's ${live ? 'https://' : 'http(s)://'} endpoint that accepts the templated POST`,
      );
    }
    const authHeader = read('PDIRECT_SMS_AUTH_HEADER');
    if (authHeader && /[\r\n]/.test(authHeader))
      problems.push('PDIRECT_SMS_AUTH_HEADER must be one line: "Name: value", or the value of Authorization (e.g. "Bearer ...")');
    const bodyTemplate = read('PDIRECT_SMS_BODY_TEMPLATE') ?? '{"to":"{{to}}","message":"{{message}}"}';
    if (!isSmsTemplate(bodyTemplate)) {
      problems.push('PDIRECT_SMS_BODY_TEMPLATE must be JSON with {{to}} and {{message}} inside string values, e.g. {"to":"{{to}}","text":"{{message}}"}');
    }
    httpsSms = {
      url: url ?? '',
      authHeader: authHeader ? new Secret(authHeader) : undefined,
      bodyTemplate,
      timeoutMs: integer(read('PDIRECT_SMS_TIMEOUT_MS'), 5_000, 'PDIRECT_SMS_TIMEOUT_MS', 100, 60_000, problems),
      retries: integer(read('PDIRECT_SMS_RETRIES'), 2, 'PDIRECT_SMS_RETRIES', 0, 5, problems),
    };
  }

  return {
    email,
    sms,
    smtp,
    httpsSms,
    destinationLimitPerHour: integer(read('PDIRECT_OTP_DESTINATION_LIMIT'), 10, 'PDIRECT_OTP_DESTINATION_LIMIT', 1, 1000, problems),
    maxWrongCodes: integer(read('PDIRECT_OTP_MAX_WRONG_CODES'), 3, 'PDIRECT_OTP_MAX_WRONG_CODES', 1, 5, problems),
  };
}

/** JSON whose string values (not keys) carry both placeholders, so rendering can never break the JSON. */
function isSmsTemplate(template: string): boolean {
  const values: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') values.push(node);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  try {
    walk(JSON.parse(template));
  } catch {
    return false;
  }
  return values.some((v) => v.includes('{{to}}')) && values.some((v) => v.includes('{{message}}'));
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string, problems: string[]): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return undefined;
}

function integer(value: string | undefined, fallback: number, name: string, min: number, max: number, problems: string[]): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return Number(value);
}

export function isIpOrCidr(value: string): boolean {
  if (isIP(value)) return true;
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}
