import { loadConfig } from '../../config.js';
import { createServices, type GatewayServices } from '../../gateway.js';
import { createLogger } from '../../logger.js';
import { cliEnv, cliIo } from '../output.js';

/** Runs one CLI command against the configured database, then closes it. Logs go to the run's stderr. */
export async function withServices<T>(work: (services: GatewayServices) => Promise<T>): Promise<T> {
  const config = loadConfig(cliEnv());
  const services = await createServices(config, {
    logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, { write: (line: string) => void cliIo().stderr.write(line) }),
  });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
