import fs from 'node:fs';
import net from 'node:net';
import { startSimulator, type RunningSimulator } from '@pdirect/mpgs-simulator';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway, type GatewayServices, type ServiceOptions } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { CARD_NETWORKS, type NetworkRegistry } from '../../src/connectors/index.js';

/** A fixed master key for tests (never used outside them). */
export const TEST_MASTER_KEY = `v1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestGateway {
  url: string;
  gateway: Gateway;
  services: GatewayServices;
  clock: ManualClock;
  simulator: RunningSimulator | undefined;
  /** Everything the gateway logged, as text, for "no secret in the logs" checks. */
  logs(): string;
  close(): Promise<void>;
}

/** Boots the real app in-process on an ephemeral port against `databaseUrl`. */
export async function startTestGateway(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  clock?: ManualClock;
  host?: string;
  auditFlushIntervalMs?: number;
  extraRoutes?: (app: FastifyInstance, services: GatewayServices) => void;
  /** Start the card-network simulator and point the connector at it (or use the one given). */
  simulator?: boolean | RunningSimulator;
  /** Extra card networks (a test-only network); pick one with env PDIRECT_CARD_NETWORK. */
  networks?: NetworkRegistry;
  /** Lease heartbeat period and money alert hook of the payments module. */
  payments?: ServiceOptions['payments'];
}): Promise<TestGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-data-'));
  const ownSimulator = options.simulator === true ? await startSimulator({ merchants: { TESTPDIRECT: 'sandbox' } }) : undefined;
  const simulator = ownSimulator ?? (typeof options.simulator === 'object' ? options.simulator : undefined);
  // The public URL (3-D Secure return, checkout_url) must be known before listening: pick the port first.
  const port = simulator ? await freePort() : 0;
  const config = loadConfig({
    PDIRECT_DATABASE_URL: options.databaseUrl,
    PDIRECT_PORT: String(port),
    ...(simulator
      ? {
          PDIRECT_PUBLIC_URL: `http://127.0.0.1:${port}`,
          PDIRECT_MPGS_BASE_URL: simulator.url,
          PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
          PDIRECT_MPGS_API_PASSWORD: 'sandbox',
        }
      : {}),
    PDIRECT_HOST: options.host ?? '127.0.0.1',
    PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
    PDIRECT_DATA_DIR: dataDir,
    PDIRECT_LOG_LEVEL: 'debug',
    ...options.env,
  });
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const clock = options.clock ?? new ManualClock(Date.now());
  const gateway = await createGateway(config, {
    clock,
    logger: createLogger('debug', sink),
    auditFlushIntervalMs: options.auditFlushIntervalMs ?? 10,
    extraRoutes: options.extraRoutes,
    networks: options.networks ? { ...CARD_NETWORKS, ...options.networks } : undefined,
    payments: options.payments,
  });
  const url = await gateway.listen();
  return {
    url,
    gateway,
    services: gateway.services,
    clock,
    simulator,
    logs: () => chunks.join(''),
    close: async () => {
      await gateway.close();
      await ownSimulator?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
