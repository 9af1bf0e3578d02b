import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CardNetwork } from './card-network.js';

/** A network's simulator, running for a sandbox gateway. */
export interface SandboxNetwork {
  /** Where it listens. */
  url: string;
  /** The configuration with the network pointed at the simulator. */
  config: Config;
  close(): Promise<void>;
}

/** One network in the registry: builds its connector from the configuration (undefined when not configured). */
export interface NetworkEntry {
  create(config: Config, deps: { logger: Logger }): CardNetwork | undefined;
  /** Sandbox only: start the network's simulator when the network itself is not configured. */
  startSandbox?(config: Config): Promise<SandboxNetwork | undefined>;
}

export type NetworkRegistry = Readonly<Record<string, NetworkEntry>>;
