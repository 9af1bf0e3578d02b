import type { FaultRegistry } from './faults.js';
import type { SimulatorStore } from './store.js';

/** What every route and use case of one running simulator shares. */
export interface SimulatorContext {
  store: SimulatorStore;
  faults: FaultRegistry;
  /** Injectable clock, milliseconds since the epoch. */
  now: () => number;
  /** merchantId → API password. */
  merchants: ReadonlyMap<string, string>;
  /** Origin used in generated URLs (session.js, hosted fields, ACS); known once listening. */
  publicOrigin: () => string;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
