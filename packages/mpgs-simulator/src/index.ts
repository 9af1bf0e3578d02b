import type { AddressInfo } from 'node:net';
import type { SimulatorContext } from './context.js';
import { FaultRegistry, type FaultSpec } from './faults.js';
import { buildServer } from './server.js';
import { SimulatorStore } from './store.js';

export type { FaultKind, FaultSpec } from './faults.js';
export { EXPIRY_OUTCOMES, PLAIN_TEST_CARDS, THREE_DS_TABLE } from './test-cards.js';
export { SESSION_LIFETIME_MS } from './sessions.js';

export interface SimulatorOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** merchantId → apiPassword; default { TESTPDIRECT: 'sandbox' }. */
  merchants?: Record<string, string>;
  /** Origin used in generated URLs (session.js, iframes, ACS); default http://host:port. */
  publicUrl?: string;
  /** Optional JSON persistence of state; default in-memory only. */
  stateFile?: string;
  /** Default false. */
  logger?: boolean;
  /** Injectable clock (ms) for session expiry (15 min lifetime) and timestamps. */
  now?: () => number;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:41234 — the publicUrl when one was given. */
  url: string;
  /** Injected faults; `list()` shows those not used up yet (a test waits for a request to reach one). */
  faults: { add(f: FaultSpec): void; clear(): void; list(): Array<FaultSpec & { remaining: number }> };
  /**
   * What the card network itself recorded, order by order: every money
   * movement, whatever the gateway stored about it. A fault campaign checks
   * the gateway's claims against it (bench/chaos.ts).
   */
  ledger(): LedgerOrder[];
  close(): Promise<void>;
}

/** One order of the simulator's ledger. */
export interface LedgerOrder {
  orderId: string;
  /** `order.reference` as the first PAY sent it (Pdirect: the merchant's order id). */
  reference: string | undefined;
  transactions: Array<{ id: string; type: string; result: string; gatewayCode: string; amountMinor: number; voided: boolean; targetTransactionId?: string }>;
}

export const DEFAULT_MERCHANTS: Readonly<Record<string, string>> = { TESTPDIRECT: 'sandbox' };

/** Starts a simulator of the MPGS API subset Pdirect speaks (docs/card-network.md). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  let origin: string | undefined = opts.publicUrl ? new URL(opts.publicUrl).origin : undefined;
  const faults = new FaultRegistry();
  const ctx: SimulatorContext = {
    store: SimulatorStore.open(opts.stateFile),
    faults,
    now: opts.now ?? Date.now,
    merchants: new Map(Object.entries(opts.merchants ?? DEFAULT_MERCHANTS)),
    publicOrigin: () => {
      if (!origin) throw new Error('simulator is not listening yet');
      return origin;
    },
  };

  const app = buildServer(ctx, { logger: opts.logger ?? false });
  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address() as AddressInfo;
  origin ??= `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: origin,
    faults: { add: (fault) => faults.add(fault), clear: () => faults.clear(), list: () => faults.list() },
    ledger: () =>
      ctx.store.allOrders().map((order) => ({
        orderId: order.id,
        reference: order.reference,
        transactions: order.transactions.map((t) => ({
          id: t.id,
          type: t.type,
          result: t.result,
          gatewayCode: t.gatewayCode,
          amountMinor: t.amountMinor,
          voided: t.voided === true,
          ...(t.targetTransactionId !== undefined ? { targetTransactionId: t.targetTransactionId } : {}),
        })),
      })),
    close: async () => {
      await app.close();
    },
  };
}
