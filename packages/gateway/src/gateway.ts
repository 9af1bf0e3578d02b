import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './http/app.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { loadOrCreateSandboxMasterKey, parseMasterKey } from './crypto/master-key.js';
import { deriveGatewayKeys, type GatewayKeys } from './gateway-keys.js';
import { createLogger } from './logger.js';
import { AuditLog } from './modules/audit/audit-log.js';
import { AuditRepository } from './modules/audit/audit-repository.js';
import { MerchantAuthenticator } from './modules/keys/authenticator.js';
import type { KeyMode } from './modules/keys/key-format.js';
import { KeyRepository } from './modules/keys/key-repository.js';
import { KeyService } from './modules/keys/key-service.js';
import { MerchantRepository } from './modules/merchants/merchant-repository.js';
import { MerchantService } from './modules/merchants/merchant-service.js';
import { WebhookSecretRepository } from './modules/webhooks/webhook-secrets.js';
import { openStorage, type Storage } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';

/** Everything the routes and the CLI call, wired once. */
export interface GatewayServices {
  storage: Storage;
  clock: Clock;
  keys: GatewayKeys;
  authenticator: MerchantAuthenticator;
  keyService: KeyService;
  merchants: MerchantService;
  audit: AuditLog;
  auditRepository: AuditRepository;
}

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  /** Audit batching; tests may set 0 to write on the next tick. */
  auditFlushIntervalMs?: number;
}

export function keyModeOf(config: Config): KeyMode {
  return config.mode === 'live' ? 'live' : 'test';
}

export function loadGatewayKeys(config: Config): GatewayKeys {
  const value = config.masterKey?.reveal() ?? loadOrCreateSandboxMasterKey(config.dataDir).value;
  return deriveGatewayKeys(parseMasterKey(value));
}

/** Opens storage, migrates, and wires the modules. Used by `serve` and by every CLI command. */
export async function createServices(config: Config, options: ServiceOptions = {}): Promise<GatewayServices & { logger: Logger; close(): Promise<void> }> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const keys = loadGatewayKeys(config);
  const storage = openStorage(config.databaseUrl);
  try {
    await migrateToLatest(storage);
  } catch (err) {
    await storage.close();
    throw err;
  }
  const mode = keyModeOf(config);
  const keyRepository = new KeyRepository(storage.db);
  const authenticator = new MerchantAuthenticator({
    keys: keyRepository,
    clock,
    mode,
    rotationDays: config.keyRotationDays,
    rowTtlMs: config.authCacheSeconds * 1000,
  });
  const keyService = new KeyService({ keys: keyRepository, clock, mode, rotationDays: config.keyRotationDays, authenticator });
  const auditRepository = new AuditRepository(storage.db);
  const audit = new AuditLog({ repository: auditRepository, logger, flushIntervalMs: options.auditFlushIntervalMs });
  const merchants = new MerchantService({
    storage,
    merchants: new MerchantRepository(storage.db),
    keys: keyService,
    keyRepository,
    webhookSecrets: new WebhookSecretRepository(storage.db),
    gatewayKeys: keys,
    clock,
    mode,
  });
  return {
    storage,
    clock,
    keys,
    authenticator,
    keyService,
    merchants,
    audit,
    auditRepository,
    logger,
    async close() {
      await audit.close();
      await storage.close();
    },
  };
}

export interface Gateway {
  app: FastifyInstance;
  services: GatewayServices;
  logger: Logger;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: finish in-flight requests, flush the audit log, close the database. */
  close(): Promise<void>;
}

export async function createGateway(
  config: Config,
  options: ServiceOptions & { extraRoutes?: (app: FastifyInstance, services: GatewayServices) => void } = {},
): Promise<Gateway> {
  const services = await createServices(config, options);
  const app = buildApp(config, services.logger, services, options.extraRoutes ? (a) => options.extraRoutes!(a, services) : undefined);
  app.addHook('onClose', async () => services.close());
  return {
    app,
    services,
    logger: services.logger,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    },
    close: () => app.close(),
  };
}
