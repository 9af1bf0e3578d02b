/**
 * The card-network registry: `PDIRECT_CARD_NETWORK` (default `mpgs`) names
 * the entry that builds the connector. Adding a network = one folder under
 * connectors/, one line here, and its simulator for sandbox (docs/architecture.md).
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Tracing } from '../observability/tracing.js';
import type { CardNetwork } from './card-network.js';
import { mpgsNetwork } from './mpgs/index.js';
import type { NetworkRegistry, SandboxNetwork } from './registry-types.js';
import { traceCardNetwork } from './traced-network.js';

export type { NetworkEntry, NetworkRegistry, SandboxNetwork } from './registry-types.js';

export const CARD_NETWORKS: NetworkRegistry = {
  mpgs: mpgsNetwork,
};

/** The configured network's connector, with a span around each call when tracing is on; undefined when it is not configured (CLI use). */
export function createCardNetwork(config: Config, logger: Logger, registry: NetworkRegistry = CARD_NETWORKS, tracing?: Tracing): CardNetwork | undefined {
  const entry = registry[config.cardNetwork];
  if (!entry) throw new Error(`PDIRECT_CARD_NETWORK=${config.cardNetwork} is not a known card network (${Object.keys(registry).join(', ')})`);
  const network = entry.create(config, { logger });
  return network && traceCardNetwork(network, tracing);
}

/** Sandbox: the configured network's simulator, started when the network itself is not configured. */
export async function startSandboxNetwork(config: Config, registry: NetworkRegistry = CARD_NETWORKS): Promise<SandboxNetwork | undefined> {
  if (config.mode !== 'sandbox') return undefined;
  return registry[config.cardNetwork]?.startSandbox?.(config);
}
