import type { Config } from '../../config.js';
import { Secret } from '../../crypto/secret.js';
import type { SandboxNetwork } from '../registry-types.js';

/** The sandbox merchant the built-in simulator knows. */
export const SANDBOX_MERCHANT = 'TESTPDIRECT';
export const SANDBOX_PASSWORD = 'sandbox';

/**
 * Sandbox without PDIRECT_MPGS_BASE_URL: start the built-in simulator (on
 * PDIRECT_SIM_PORT) and point the connector at it as merchant TESTPDIRECT —
 * the same code path as live. Loaded only in sandbox: a live deployment never
 * imports the simulator.
 */
export async function startMpgsSandbox(config: Config): Promise<SandboxNetwork | undefined> {
  if (config.mpgs) return undefined;
  const { startSimulator } = await import('@pdirect/mpgs-simulator');
  const simulator = await startSimulator({ port: config.simPort, host: config.host, merchants: { [SANDBOX_MERCHANT]: SANDBOX_PASSWORD } });
  return {
    url: simulator.url,
    config: { ...config, mpgs: { baseUrl: simulator.url, merchantId: SANDBOX_MERCHANT, apiPassword: new Secret(SANDBOX_PASSWORD), apiVersion: 100 } },
    close: () => simulator.close(),
  };
}
