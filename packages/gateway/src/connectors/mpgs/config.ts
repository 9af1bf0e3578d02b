/**
 * Configuration and wiring of the Mastercard Gateway connector. Invalid
 * configuration fails fast at boot, with messages that never include the
 * password.
 */
import { pino, type Logger } from 'pino';
import type { MpgsSettings } from '../../config.js';
import { Secret } from '../../crypto/secret.js';
import { MpgsClient, defaultBackoffMs, realSleep, type FetchLike, type MpgsLogger, type Sleep } from './client.js';
import { MpgsConnector } from './connector.js';

/**
 * The connector's configuration: the gateway's MPGS settings (config.ts,
 * from PDIRECT_MPGS_*), with the tuning knobs tests and the bench may set.
 */
export type MpgsConfig = Omit<MpgsSettings, 'apiVersion'> & {
  /** One version for session.js and every API call. Default 100. */
  apiVersion?: number;
  /** Per HTTP call. Default 20 s. */
  timeoutMs?: number;
  /** Attempts per retryable call, and settle rounds for PAY/REFUND/VOID. Default 3. */
  maxAttempts?: number;
};

export interface MpgsDeps {
  /** Debug logs name operation, ids, status and duration; never credentials or card data. */
  logger?: Logger;
  fetch?: FetchLike;
  sleep?: Sleep;
  /** Delay before retry n (1-based); default exponential 200 ms … 3 s with jitter. */
  backoffMs?: (retry: number) => number;
}

export const MPGS_DEFAULTS = { apiVersion: 100, timeoutMs: 20_000, maxAttempts: 3 } as const;

export class MpgsConfigError extends Error {
  override readonly name = 'MpgsConfigError';
}

export type ResolvedMpgsConfig = Required<MpgsConfig>;

export function resolveMpgsConfig(config: MpgsConfig): ResolvedMpgsConfig {
  let base: URL;
  try {
    base = new URL(config.baseUrl);
  } catch {
    throw new MpgsConfigError('mpgs.baseUrl must be an absolute URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new MpgsConfigError('mpgs.baseUrl must be http(s)');
  }
  if (base.username || base.password || base.search || base.hash) {
    throw new MpgsConfigError('mpgs.baseUrl must not carry credentials, a query or a fragment');
  }
  if (typeof config.merchantId !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(config.merchantId)) {
    throw new MpgsConfigError('mpgs.merchantId must be 1-40 characters of [A-Za-z0-9_-]');
  }
  if (!(config.apiPassword instanceof Secret) || typeof config.apiPassword.reveal() !== 'string' || config.apiPassword.reveal().length === 0) {
    throw new MpgsConfigError('mpgs.apiPassword must be a non-empty Secret<string>');
  }
  const apiVersion = config.apiVersion ?? MPGS_DEFAULTS.apiVersion;
  const timeoutMs = config.timeoutMs ?? MPGS_DEFAULTS.timeoutMs;
  const maxAttempts = config.maxAttempts ?? MPGS_DEFAULTS.maxAttempts;
  if (!Number.isInteger(apiVersion) || apiVersion < 1) throw new MpgsConfigError('mpgs.apiVersion must be a positive integer');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new MpgsConfigError('mpgs.timeoutMs must be a positive integer');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) {
    throw new MpgsConfigError('mpgs.maxAttempts must be an integer from 1 to 10');
  }
  return {
    baseUrl: `${base.origin}${base.pathname}`.replace(/\/+$/, ''),
    merchantId: config.merchantId,
    apiPassword: config.apiPassword,
    apiVersion,
    timeoutMs,
    maxAttempts,
  };
}

function connectorLogger(deps: MpgsDeps): MpgsLogger {
  return (deps.logger ?? pino({ level: 'silent' })).child({ connector: 'mpgs' });
}

export function createMpgsClient(config: MpgsConfig, deps: MpgsDeps = {}, logger = connectorLogger(deps)): MpgsClient {
  return new MpgsClient({
    ...resolveMpgsConfig(config),
    fetch: deps.fetch, // undefined: the pooled keep-alive transport (client.ts)
    sleep: deps.sleep ?? realSleep,
    logger,
    backoffMs: deps.backoffMs ?? defaultBackoffMs,
  });
}

export function createMpgsConnector(config: MpgsConfig, deps: MpgsDeps = {}): MpgsConnector {
  const logger = connectorLogger(deps);
  return new MpgsConnector(createMpgsClient(config, deps, logger), logger);
}
