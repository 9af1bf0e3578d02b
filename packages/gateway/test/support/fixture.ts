import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator } from '@pdirect/mpgs-simulator';
import type { TestDatabase, TestDatabaseFactory } from './databases.js';
import { freePort, startTestGateway, type TestGateway } from './gateway.js';
import { spawnGatewayProcess, type GatewayProcess } from './spawn-gateway.js';

/** What a suite gets: the running gateway, its database, and one merchant's secret key. */
export interface GatewayFixture {
  db: TestDatabase;
  gw: TestGateway;
  /** The merchant's secret key, revealed (pd_test_sk_...). */
  secret: string;
  merchantId: string;
  /** The merchant's webhook signing secret, revealed (whsec_...). */
  webhookSecret: string;
}

type GatewayOptions = Omit<Parameters<typeof startTestGateway>[0], 'databaseUrl'>;

/**
 * The shared gateway-plus-merchant setup of an integration suite: a fresh
 * database from `factory`, a gateway on it, and one merchant — created in
 * beforeAll, torn down in afterAll. Read the fields inside tests (they are
 * filled once the suite starts).
 */
export function useGatewayWithMerchant(
  factory: TestDatabaseFactory,
  options: {
    /** A function is called in beforeAll: its options may use what an outer beforeAll started. */
    gateway?: GatewayOptions | (() => GatewayOptions);
    merchant?: { name?: string; redirectHosts?: string[]; fingerprintMode?: string; ipAllowlist?: string[] };
  } = {},
): GatewayFixture {
  const fixture = {} as GatewayFixture;
  beforeAll(async () => {
    fixture.db = await factory.create();
    const gateway = typeof options.gateway === 'function' ? options.gateway() : options.gateway;
    fixture.gw = await startTestGateway({ databaseUrl: fixture.db.url, ...gateway });
    const created = await fixture.gw.services.merchants.create({ name: 'Test Shop', redirectHosts: ['localhost', '127.0.0.1'], ...options.merchant });
    fixture.secret = created.merchantSecret.reveal();
    fixture.merchantId = created.merchant.id;
    fixture.webhookSecret = created.webhookSecret.reveal();
  });
  afterAll(async () => {
    await fixture.gw?.close();
    await fixture.db?.drop();
  });
  return fixture;
}

/** What a two-process suite gets: an in-process gateway and a second gateway OS process on one PostgreSQL schema and one simulator. */
export interface TwoProcessFixture {
  db: TestDatabase;
  sim: RunningSimulator;
  /** The in-process gateway (services, clock, logs). */
  gw: TestGateway;
  /** The same gateway code in its own OS process. */
  other: GatewayProcess;
  secret: string;
}

/**
 * The shared setup of the "two gateway processes share PostgreSQL" suites:
 * both processes talk to the same simulator; one merchant (fingerprints off).
 */
export function useTwoGatewayProcesses(factory: TestDatabaseFactory, merchantName = 'Two Process Shop'): TwoProcessFixture {
  const fixture = {} as TwoProcessFixture;
  beforeAll(async () => {
    fixture.db = await factory.create();
    fixture.sim = await startSimulator();
    fixture.gw = await startTestGateway({ databaseUrl: fixture.db.url, simulator: fixture.sim });
    const port = await freePort();
    fixture.other = await spawnGatewayProcess(fixture.db.url, 30_000, {
      PDIRECT_PORT: String(port),
      PDIRECT_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PDIRECT_MPGS_BASE_URL: fixture.sim.url,
      PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
      PDIRECT_MPGS_API_PASSWORD: 'sandbox',
    });
    fixture.secret = (
      await fixture.gw.services.merchants.create({ name: merchantName, redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'off' })
    ).merchantSecret.reveal();
  }, 60_000);
  afterAll(async () => {
    await fixture.other?.stop();
    await fixture.gw?.close();
    await fixture.sim?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
