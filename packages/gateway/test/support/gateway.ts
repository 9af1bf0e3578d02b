import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway, type GatewayServices } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';

/** A fixed master key for tests (never used outside them). */
export const TEST_MASTER_KEY = `v1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestGateway {
  url: string;
  gateway: Gateway;
  services: GatewayServices;
  clock: ManualClock;
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
}): Promise<TestGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-data-'));
  const config = loadConfig({
    PDIRECT_DATABASE_URL: options.databaseUrl,
    PDIRECT_PORT: '0',
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
  const gateway = await createGateway(config, { clock, logger: createLogger('debug', sink), auditFlushIntervalMs: options.auditFlushIntervalMs ?? 10, extraRoutes: options.extraRoutes });
  const url = await gateway.listen();
  return {
    url,
    gateway,
    services: gateway.services,
    clock,
    logs: () => chunks.join(''),
    close: async () => {
      await gateway.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
