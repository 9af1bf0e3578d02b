/** The operational sections of the configuration: webhook delivery, card-network calls, the HTTP edge, database timeouts, card-entry defence. */
import { parseDuration } from '../duration.js';
import { integer, oneOf, type Read } from './readers.js';

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

/** How long one card-network call may take (connectors/mpgs): it bounds an attempt's deadline (docs/reliability.md), in sandbox too. */
export interface MpgsCallSettings {
  /** PDIRECT_MPGS_TIMEOUT_MS: per call (default 20 s). */
  timeoutMs: number;
  /** PDIRECT_MPGS_MAX_ATTEMPTS: attempts per retryable call, also the settle rounds of PAY/REFUND/VOID (default 3). */
  maxAttempts: number;
}

export interface CardDefenceSettings {
  /** PDIRECT_CARD_SESSIONS_PER_CHECKOUT: hosted card sessions one checkout session may open (default 10). */
  cardSessionsPerCheckout: number;
  /** PDIRECT_CARD_SESSIONS_PER_MINUTE: hosted card sessions per client IP and per device fingerprint in any 60 s (default 30). */
  cardSessionsPerMinute: number;
  /** PDIRECT_DECLINES_BEFORE_LOCK: failed attempts after which a checkout session locks (default 5). */
  declinesBeforeLock: number;
  /** PDIRECT_CAPTURE_WINDOW: how long an authorization waits for its capture before the sweeper voids it (default 7d; 1m–30d). */
  captureWindowMs: number;
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
  /** SQLite: how long a statement waits for another process's write lock (the wait blocks the process). */
  busyTimeoutMs: number;
}

/** Webhook delivery: PDIRECT_WEBHOOK_*. */
export function webhookSettings(read: Read, problems: string[]): WebhookSettings {
  return {
    workerInServe: (oneOf(read('PDIRECT_WEBHOOK_WORKER') ?? 'on', ['on', 'off'] as const, 'PDIRECT_WEBHOOK_WORKER', problems) ?? 'on') === 'on',
    timeoutMs: integer(read('PDIRECT_WEBHOOK_TIMEOUT_SECONDS'), 15, 'PDIRECT_WEBHOOK_TIMEOUT_SECONDS', 1, 120, problems) * 1000,
    retryScheduleMs: retrySchedule(read('PDIRECT_WEBHOOK_RETRY_SCHEDULE'), problems),
    retryJitter: integer(read('PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT'), 10, 'PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT', 0, 50, problems) / 100,
    pollIntervalMs: integer(read('PDIRECT_WEBHOOK_POLL_MS'), 1000, 'PDIRECT_WEBHOOK_POLL_MS', 10, 60_000, problems),
    concurrency: integer(read('PDIRECT_WEBHOOK_CONCURRENCY'), 16, 'PDIRECT_WEBHOOK_CONCURRENCY', 1, 256, problems),
  };
}

/** Card-network calls: PDIRECT_MPGS_TIMEOUT_MS, PDIRECT_MPGS_MAX_ATTEMPTS. */
export function mpgsCallSettings(read: Read, problems: string[]): MpgsCallSettings {
  return {
    timeoutMs: integer(read('PDIRECT_MPGS_TIMEOUT_MS'), 20_000, 'PDIRECT_MPGS_TIMEOUT_MS', 100, 120_000, problems),
    maxAttempts: integer(read('PDIRECT_MPGS_MAX_ATTEMPTS'), 3, 'PDIRECT_MPGS_MAX_ATTEMPTS', 1, 10, problems),
  };
}

/** PDIRECT_PAYMENT_LEASE_SECONDS (default 30, 1–600), in ms: an in-flight attempt's lease; every reconciliation timing follows it. */
export function paymentLeaseMs(read: Read, problems: string[]): number {
  return integer(read('PDIRECT_PAYMENT_LEASE_SECONDS'), 30, 'PDIRECT_PAYMENT_LEASE_SECONDS', 1, 600, problems) * 1000;
}

/** Card-entry defence: PDIRECT_CARD_SESSIONS_*, PDIRECT_DECLINES_BEFORE_LOCK. */
export function cardDefenceSettings(read: Read, problems: string[]): CardDefenceSettings {
  return {
    cardSessionsPerCheckout: integer(read('PDIRECT_CARD_SESSIONS_PER_CHECKOUT'), 10, 'PDIRECT_CARD_SESSIONS_PER_CHECKOUT', 1, 100, problems),
    cardSessionsPerMinute: integer(read('PDIRECT_CARD_SESSIONS_PER_MINUTE'), 30, 'PDIRECT_CARD_SESSIONS_PER_MINUTE', 1, 100_000, problems),
    declinesBeforeLock: integer(read('PDIRECT_DECLINES_BEFORE_LOCK'), 5, 'PDIRECT_DECLINES_BEFORE_LOCK', 1, 100, problems),
    captureWindowMs: captureWindow(read('PDIRECT_CAPTURE_WINDOW'), problems),
  };
}

/** How long an authorization may wait for its capture: 7 days unless PDIRECT_CAPTURE_WINDOW says otherwise (1m to 30d). */
function captureWindow(value: string | undefined, problems: string[]): number {
  const week = 7 * 86_400_000;
  if (value === undefined) return week;
  const ms = parseDuration(value);
  if (ms === undefined || ms < 60_000 || ms > 30 * 86_400_000) {
    problems.push(`PDIRECT_CAPTURE_WINDOW must be a duration from 1m to 30d, e.g. 7d or 48h (got "${value}")`);
    return week;
  }
  return ms;
}

export function edgeSettings(read: Read, problems: string[]): EdgeSettings {
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

export function databaseSettings(read: Read, problems: string[]): DatabaseSettings {
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
    busyTimeoutMs: integer(read('PDIRECT_SQLITE_BUSY_TIMEOUT_MS'), 5_000, 'PDIRECT_SQLITE_BUSY_TIMEOUT_MS', 0, 60_000, problems),
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
