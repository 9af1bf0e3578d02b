import pino from 'pino';
import { loadConfig } from '../../config.js';
import { createServices, type GatewayServices } from '../../gateway.js';
import { createLogger } from '../../logger.js';

/** Runs one CLI command against the configured database, then closes it. Logs go to stderr. */
export async function withServices<T>(work: (services: GatewayServices) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const services = await createServices(config, { logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)) });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
