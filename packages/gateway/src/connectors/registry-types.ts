import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CardNetwork } from './card-network.js';

/** One network in the registry: builds its connector from the configuration (undefined when not configured). */
export interface NetworkEntry {
  create(config: Config, deps: { logger: Logger }): CardNetwork | undefined;
}

export type NetworkRegistry = Readonly<Record<string, NetworkEntry>>;
