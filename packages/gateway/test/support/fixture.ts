import { afterAll, beforeAll } from 'vitest';
import type { TestDatabase, TestDatabaseFactory } from './databases.js';
import { startTestGateway, type TestGateway } from './gateway.js';

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

/**
 * The shared gateway-plus-merchant setup of an integration suite: a fresh
 * database from `factory`, a gateway on it, and one merchant — created in
 * beforeAll, torn down in afterAll. Read the fields inside tests (they are
 * filled once the suite starts).
 */
export function useGatewayWithMerchant(
  factory: TestDatabaseFactory,
  options: {
    gateway?: Omit<Parameters<typeof startTestGateway>[0], 'databaseUrl'>;
    merchant?: { name?: string; redirectHosts?: string[]; fingerprintMode?: string; ipAllowlist?: string[] };
  } = {},
): GatewayFixture {
  const fixture = {} as GatewayFixture;
  beforeAll(async () => {
    fixture.db = await factory.create();
    fixture.gw = await startTestGateway({ databaseUrl: fixture.db.url, ...options.gateway });
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
