/**
 * Injected failures, so a connector's timeout / retry / "settle by
 * retrieving" logic can be tested against the same simulator it pays with.
 *
 * - delay:       wait delayMs, then handle the request normally.
 * - timeout:     never answer (the connection stays open until the client gives up
 *                or the simulator closes); nothing is performed.
 * - http_500:    answer 500 {"result":"ERROR","error":{"cause":"SERVER_FAILED",…}}; nothing performed.
 * - reset:       destroy the connection without answering; nothing performed.
 * - lost_answer: perform and record the operation, then destroy the connection
 *                before the answer is sent (the client sees a network error).
 */

export type FaultKind = 'delay' | 'timeout' | 'http_500' | 'reset' | 'lost_answer';

export interface FaultSpec {
  /** Only requests on this merchant's paths; default any merchant. */
  merchantId?: string;
  /** apiOperation of the body (PAY, REFUND …) or of the route (CREATE_SESSION, RETRIEVE_ORDER …). */
  apiOperation?: string;
  /** Substring of the request path. */
  pathIncludes?: string;
  kind: FaultKind;
  /** For 'delay'. */
  delayMs?: number;
  /** How many matching requests it applies to; default 1. */
  times?: number;
}

/** What a request looks like to the fault matcher. */
export interface RequestFacts {
  path: string;
  merchantId?: string;
  apiOperation?: string;
}

const KINDS: ReadonlySet<string> = new Set(['delay', 'timeout', 'http_500', 'reset', 'lost_answer']);

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export class FaultRegistry {
  private active: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const checked = parseFaultSpec(spec);
    this.active.push({ spec: checked, remaining: checked.times ?? 1 });
  }

  clear(): void {
    this.active = [];
  }

  list(): Array<FaultSpec & { remaining: number }> {
    return this.active.map((fault) => ({ ...fault.spec, remaining: fault.remaining }));
  }

  /**
   * The first fault matching the request, used up by one. Faults without a
   * pathIncludes only ever hit the REST API (/api/rest/…), so a generic
   * "next PAY fails" never breaks a browser loading session.js.
   */
  take(facts: RequestFacts): FaultSpec | undefined {
    const index = this.active.findIndex((fault) => matches(fault.spec, facts));
    if (index < 0) return undefined;
    const fault = this.active[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.active.splice(index, 1);
    return fault.spec;
  }
}

function matches(spec: FaultSpec, facts: RequestFacts): boolean {
  if (spec.pathIncludes === undefined && !facts.path.startsWith('/api/rest/')) return false;
  if (spec.pathIncludes !== undefined && !facts.path.includes(spec.pathIncludes)) return false;
  if (spec.merchantId !== undefined && spec.merchantId !== facts.merchantId) return false;
  if (spec.apiOperation !== undefined && spec.apiOperation !== facts.apiOperation) return false;
  return true;
}

/** Validates a FaultSpec from JSON (control endpoint) or code; throws Error with a readable message. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('fault must be a JSON object');
  const raw = input as Record<string, unknown>;
  if (typeof raw.kind !== 'string' || !KINDS.has(raw.kind)) {
    throw new Error(`kind must be one of ${[...KINDS].join(', ')}`);
  }
  const spec: FaultSpec = { kind: raw.kind as FaultKind };
  for (const key of ['merchantId', 'apiOperation', 'pathIncludes'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') throw new Error(`${key} must be a non-empty string`);
    spec[key] = value;
  }
  if (raw.delayMs !== undefined) {
    if (typeof raw.delayMs !== 'number' || !Number.isInteger(raw.delayMs) || raw.delayMs < 0) {
      throw new Error('delayMs must be a non-negative integer');
    }
    spec.delayMs = raw.delayMs;
  }
  if (spec.kind === 'delay' && spec.delayMs === undefined) throw new Error('delay needs delayMs');
  if (raw.times !== undefined) {
    if (typeof raw.times !== 'number' || !Number.isInteger(raw.times) || raw.times < 1) {
      throw new Error('times must be a positive integer');
    }
    spec.times = raw.times;
  }
  return spec;
}
