/**
 * A gateway in its own OS process, for the "two gateway processes share
 * PostgreSQL" tests: boots with the idempotency probe route on an ephemeral
 * port against PDIRECT_DATABASE_URL and prints `{"url": ...}` as its first
 * stdout line. Logs go to stderr. Stops on SIGTERM.
 *
 *   node --import tsx packages/gateway/test/support/gateway-process.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { TEST_MASTER_KEY } from './gateway.js';
import { createProbe, registerProbeRoutes } from './idempotency-probe.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-proc-'));
const config = loadConfig({
  PDIRECT_DATABASE_URL: process.env.PDIRECT_DATABASE_URL,
  PDIRECT_PORT: '0',
  PDIRECT_HOST: '127.0.0.1',
  PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
  PDIRECT_DATA_DIR: dataDir,
  PDIRECT_LOG_LEVEL: 'warn',
  // Card network and public URL, when the test points this process at its simulator; tracing, when a test turns it on.
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        k.startsWith('PDIRECT_MPGS_') ||
        k.startsWith('PDIRECT_AUTH_') ||
        k.startsWith('PDIRECT_DB_') ||
        k.startsWith('OTEL_') ||
        ['PDIRECT_PUBLIC_URL', 'PDIRECT_PORT', 'PDIRECT_TRACING'].includes(k),
    ),
  ),
});
const probe = createProbe();
const gateway = await createGateway(config, { logger: createLogger('warn', process.stderr), extraRoutes: (app) => registerProbeRoutes(app, probe) });
const url = await gateway.listen();
process.stdout.write(`${JSON.stringify({ url, pid: process.pid })}\n`);

process.once('SIGTERM', () => {
  void gateway.close().finally(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
