import { isIP } from 'node:net';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { Secret } from './crypto/secret.js';

/**
 * The one typed configuration (shared/SPEC.md §7). Everything comes from the
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
  /** Request body limit in bytes. */
  bodyLimit: number;
  logLevel: string;
  /** Live network settings, or undefined in sandbox without a base URL (built-in simulator). */
  mpgs: MpgsSettings | undefined;
  simPort: number;
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
    problems.push('PDIRECT_MASTER_KEY is required in live mode (generate one: node -e "console.log(\'v1:\'+require(\'crypto\').randomBytes(32).toString(\'base64\'))")');
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

  const mpgsBase = read('PDIRECT_MPGS_BASE_URL');
  const mpgsMid = read('PDIRECT_MPGS_MERCHANT_ID');
  const mpgsPassword = read('PDIRECT_MPGS_API_PASSWORD');
  const apiVersion = integer(read('PDIRECT_MPGS_API_VERSION'), 100, 'PDIRECT_MPGS_API_VERSION', 1, 1000, problems);
  let mpgs: MpgsSettings | undefined;
  if (mpgsBase) {
    if (!isHttpUrl(mpgsBase)) problems.push('PDIRECT_MPGS_BASE_URL must be an http(s) URL, e.g. https://test-gateway.mastercard.com');
    if (!mpgsMid) problems.push('PDIRECT_MPGS_MERCHANT_ID is required when PDIRECT_MPGS_BASE_URL is set');
    if (!mpgsPassword) problems.push('PDIRECT_MPGS_API_PASSWORD is required when PDIRECT_MPGS_BASE_URL is set');
    mpgs = {
      baseUrl: mpgsBase.replace(/\/+$/, ''),
      merchantId: mpgsMid ?? '',
      apiPassword: new Secret(mpgsPassword ?? ''),
      apiVersion,
    };
  } else if (mode === 'live') {
    problems.push('live mode needs the card network: set PDIRECT_MPGS_BASE_URL, PDIRECT_MPGS_MERCHANT_ID and PDIRECT_MPGS_API_PASSWORD');
  }

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
    bodyLimit: integer(read('PDIRECT_BODY_LIMIT'), 64 * 1024, 'PDIRECT_BODY_LIMIT', 1024, 10 * 1024 * 1024, problems),
    logLevel: oneOf(read('PDIRECT_LOG_LEVEL') ?? 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'PDIRECT_LOG_LEVEL', problems) ?? 'info',
    mpgs,
    simPort: integer(read('PDIRECT_SIM_PORT'), port === 0 ? 0 : port + 1, 'PDIRECT_SIM_PORT', 0, 65535, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
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

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
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
