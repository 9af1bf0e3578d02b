import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './http/app.js';
import { startPeriodic } from './periodic.js';
import { startReencryptionJob } from './modules/master-key/background.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { loadOrCreateSandboxMasterKey, parseMasterKey } from './crypto/master-key.js';
import { deriveGatewayKeys, type GatewayKeys } from './gateway-keys.js';
import { createLogger } from './logger.js';
import { AuditLog } from './modules/audit/audit-log.js';
import { AuditRepository } from './modules/audit/audit-repository.js';
import type { CardNetwork } from './connectors/card-network.js';
import { createCardNetwork, type NetworkRegistry } from './connectors/index.js';
import { PaymentRepository } from './modules/payments/payment-repository.js';
import { PaymentService } from './modules/payments/payment-service.js';
import { RiskRepository } from './modules/risk/risk-repository.js';
import { riskIdentityKey, RiskService } from './modules/risk/risk-service.js';
import type { PaymentDeps } from './modules/payments/payment-deps.js';
import { startReconciling } from './modules/payments/reconcile-loop.js';
import { SessionRepository } from './modules/sessions/session-repository.js';
import { SessionService } from './modules/sessions/session-service.js';
import { IdempotencyRepository } from './modules/idempotency/idempotency-repository.js';
import { IdempotencyService } from './modules/idempotency/idempotency-service.js';
import { AuthFailureLimiter } from './modules/keys/auth-failures.js';
import { MerchantAuthenticator } from './modules/keys/authenticator.js';
import type { KeyMode } from './modules/keys/key-format.js';
import { KeyRepository } from './modules/keys/key-repository.js';
import { KeyService } from './modules/keys/key-service.js';
import { MerchantRepository } from './modules/merchants/merchant-repository.js';
import { MerchantService } from './modules/merchants/merchant-service.js';
import { createOtpService } from './modules/otp/otp-service.js';
import { createUserService } from './modules/users/index.js';
import { createWebhookService } from './modules/webhooks/webhook-service.js';
import { WebhookSecretIssuer, WebhookSecretRepository } from './modules/webhooks/webhook-secrets.js';
import { startTracing } from './observability/tracing.js';
import { openStorage, prepareStorage } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';

import type { GatewayServices } from './services.js';

export type { GatewayServices } from './services.js';

export interface ServiceOptions {
  clock?: Clock;
  logger?: Logger;
  /** Audit batching; tests may set 0 to write on the next tick. */
  auditFlushIntervalMs?: number;
  /** The server: when the database is unreachable at boot, keep retrying in the background (503 until ready) instead of exiting. */
  keepTryingDatabase?: boolean;
  /** The card-network registry (default connectors/index.ts); tests add a fake network here. */
  networks?: NetworkRegistry;
  /** In-flight attempts: lease heartbeat period and the money alert hook (see docs/reliability.md). */
  payments?: Pick<PaymentDeps, 'leaseTtlMs' | 'leaseRenewMs' | 'onAlert'>;
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
  const storage = openStorage(config.databaseUrl, { ...config.database, logger, live: config.mode === 'live' });
  await prepareStorage(storage, migrateToLatest, logger, { keepTrying: options.keepTryingDatabase ?? false });
  // Before the card network and the webhook sender are built: they are wrapped in spans when it is on.
  const tracing = await startTracing(config.tracing, logger);
  const mode = keyModeOf(config);
  const keyRepository = new KeyRepository(storage.db);
  const authenticator = new MerchantAuthenticator({
    keys: keyRepository,
    clock,
    mode,
    rotationDays: config.keyRotationDays,
    rowTtlMs: config.authCacheSeconds * 1000,
    maxQueuedVerifications: config.authQueueLimit,
    failures: new AuthFailureLimiter(storage.db, config.authFailuresPerMinute),
  });
  const keyService = new KeyService({ keys: keyRepository, clock, mode, rotationDays: config.keyRotationDays, authenticator });
  const auditRepository = new AuditRepository(storage.db, keys.auditChain[0]);
  const audit = new AuditLog({ repository: auditRepository, logger, flushIntervalMs: options.auditFlushIntervalMs });
  const merchants = new MerchantService({
    storage,
    merchants: new MerchantRepository(storage.db),
    keys: keyService,
    webhookSecrets: new WebhookSecretIssuer(new WebhookSecretRepository(storage.db), (secret) => keys.webhookSecrets.seal(secret)),
    clock,
    mode,
  });
  const idempotency = new IdempotencyService({
    repository: new IdempotencyRepository(storage.db),
    keyring: keys.personalData,
    clock,
    logger,
    settings: { retentionMs: config.idempotencyRetentionHours * 3_600_000, leaseMs: config.idempotencyLeaseSeconds * 1000 },
  });
  const network = createCardNetwork(config, logger, options.networks, tracing);
  const sessionRepository = new SessionRepository(storage.db);
  const sessions = new SessionService({
    storage,
    sessions: sessionRepository,
    merchants,
    personalData: keys.personalData,
    clock,
    publicUrl: config.publicUrl,
    sandbox: config.mode === 'sandbox',
    otpChannels: { email: config.otp.email !== 'off', sms: config.otp.sms !== 'off' },
    cardDefence: config.cardDefence,
  });
  const paymentRepository = new PaymentRepository(storage.db);
  const risk = new RiskService({
    repository: new RiskRepository(storage.db),
    payments: paymentRepository,
    identityKey: riskIdentityKey(keys.auditFingerprintKey),
    clock,
    logger,
  });
  const payments = new PaymentService({
    storage,
    payments: paymentRepository,
    sessions,
    // Without a network only the CLI runs; the payment routes refuse with 1900 before reaching this.
    network: network ?? (undefined as unknown as CardNetwork),
    risk,
    merchants,
    clock,
    logger,
    publicUrl: config.publicUrl,
    payWhenAuthenticationUnavailable: true,
    captureWindowMs: config.cardDefence.captureWindowMs,
    auditTrail: auditRepository,
    leaseTtlMs: config.paymentLeaseMs,
    ...options.payments,
  });
  const otp = createOtpService({
    storage,
    settings: config.otp,
    keys,
    sessions,
    merchants,
    clock,
    logger,
    sandbox: config.mode === 'sandbox',
  });
  const webhooks = createWebhookService({
    storage,
    clock,
    logger,
    gatewayKeys: keys,
    settings: config.webhooks,
    mode: config.mode,
    databaseUrl: config.databaseUrl,
    merchants,
    notifyUrlRefused: (m, url) => sessions.urlRefused(m, url),
    tracing,
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
    idempotency,
    webhooks,
    sessions,
    payments,
    network,
    otp,
    users: createUserService({ storage, keys, clock, publicUrl: config.publicUrl }),
    risk,
    tracing,
    logger,
    async close() {
      // Attempts in flight finish and are recorded before the database closes.
      await webhooks.worker.stop();
      await otp.close();
      await audit.close();
      await storage.close();
      // Last: the spans of everything above are exported before the process exits.
      await tracing?.shutdown();
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
  const services = await createServices(config, { keepTryingDatabase: true, ...options });
  const app = buildApp(config, services.logger, services, options.extraRoutes ? (a) => options.extraRoutes!(a, services) : undefined);
  const background: Array<{ stop(): Promise<void> }> = [];
  app.addHook('onClose', async () => {
    await Promise.all(background.map((job) => job.stop()));
    await services.idempotency.stop();
    await services.close();
  });
  return {
    app,
    services,
    logger: services.logger,
    async listen() {
      await app.listen({ host: config.host, port: config.port });
      services.idempotency.startSweeping();
      if (config.webhooks.workerInServe) services.webhooks.worker.start();
      // Sessions past their time are expired (and announced); unknown payment outcomes are settled from the network.
      background.push(startPeriodic('expire-sessions', 15_000, () => services.sessions.expireDue(), services.logger));
      if (services.network) background.push(startPeriodic('expire-abandoned-challenges', 15_000, () => services.payments.expireAbandoned(), services.logger));
      if (services.network)
        background.push(startPeriodic('void-uncaptured-authorizations', 60_000, () => services.payments.voidExpiredAuthorizations(), services.logger));
      background.push(startPeriodic('sweep-otp', 60_000, () => services.otp.sweep(), services.logger));
      background.push(startPeriodic('sweep-dashboard-sessions', 300_000, () => services.users.sweep(), services.logger));
      background.push(startPeriodic('sweep-risk-velocity', 300_000, () => services.risk.sweep(), services.logger));
      background.push(startReencryptionJob(services.storage.db, services.keys, services.logger));
      if (services.network) background.push(startReconciling(services.payments, services.logger, config.paymentLeaseMs));
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    },
    close: () => app.close(),
  };
}
