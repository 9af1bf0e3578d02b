/**
 * Tracing around the card network (docs/api.md#tracing), for every network alike: each call
 * of the CardNetwork port becomes a client span named `card_network <operation>`, the child of the
 * request or job that made it. A span records the network's registry name, the operation, and what
 * came back in Pdirect's terms (status, gateway code) or the rejection's reason — never an id, a
 * hosted session, an amount, a card or anything the customer typed.
 */
import type { Attributes, Tracing } from '../observability/tracing.js';
import { NetworkRejected, type CardNetwork } from './card-network.js';

type Operation = { [K in keyof CardNetwork]-?: NonNullable<CardNetwork[K]> extends (...args: never[]) => Promise<unknown> ? K : never }[keyof CardNetwork];
type Property = Exclude<keyof CardNetwork, Operation>;

/** Every operation and property of the port: one added to CardNetwork fails to compile here until it is listed (and traced). */
const OPERATIONS: Record<Operation, true> = {
  health: true,
  check: true,
  openHostedFields: true,
  initiateAuthentication: true,
  authenticatePayer: true,
  retrieveAuthentication: true,
  pay: true,
  authorize: true,
  capture: true,
  refund: true,
  voidTransaction: true,
  retrieveTransaction: true,
  reconcilePayment: true,
};
const PROPERTIES: Record<Property, true> = { name: true, browserOrigins: true, hostedSessionIdPattern: true, worstCase: true };

/** The network itself when tracing is off; otherwise the same port with a span around each call. */
export function traceCardNetwork(network: CardNetwork, tracing: Tracing | undefined): CardNetwork {
  if (!tracing) return network;
  const traced = {} as Record<string, unknown>;
  for (const property of Object.keys(PROPERTIES) as Property[]) {
    Object.defineProperty(traced, property, { get: () => network[property], enumerable: true });
  }
  for (const operation of Object.keys(OPERATIONS) as Operation[]) {
    const call = network[operation] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    // An optional operation the network leaves out stays left out (the core checks for it).
    if (!call) continue;
    traced[operation] = (...args: unknown[]) =>
      tracing.clientSpan(
        `card_network ${operation}`,
        { 'pdirect.card_network': network.name, 'pdirect.card_network.operation': operation },
        async (span) => {
          const result = await call.apply(network, args);
          span.setAttributes(outcomeAttributes(result));
          return result;
        },
        { errorType },
      );
  }
  return traced as unknown as CardNetwork;
}

/** A rejection's reason (the network's short upper-case word, checked: it comes off the wire), else the error's class. */
function errorType(err: unknown): string {
  if (err instanceof NetworkRejected) return isCode(err.reason) ? err.reason : 'REJECTED';
  return err instanceof Error ? err.name : 'unknown';
}

/** The outcome in Pdirect's terms: status and the network's gateway code, nothing else. */
function outcomeAttributes(result: unknown): Attributes {
  if (result === null) return { 'pdirect.card_network.status': 'not_found' };
  if (typeof result === 'boolean') return { 'pdirect.card_network.healthy': result };
  if (typeof result !== 'object' || result === undefined) return {};
  const { status, gatewayCode } = result as { status?: unknown; gatewayCode?: unknown };
  return {
    ...(typeof status === 'string' ? { 'pdirect.card_network.status': status } : {}),
    ...(isCode(gatewayCode) ? { 'pdirect.card_network.gateway_code': gatewayCode } : {}),
  };
}

/** A short upper-case code such as APPROVED or INVALID_REQUEST: what a network's value must look like to be recorded. */
function isCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(value);
}
