import { formatMinor } from './money.js';

/**
 * An amount that must appear in JSON as a number with the currency's fraction
 * digits — MPGS answers `"amount":12.50`, not `"amount":"12.50"` nor `12.5`.
 */
export class DecimalAmount {
  constructor(
    readonly minor: number,
    readonly digits: number,
  ) {}

  toString(): string {
    return formatMinor(this.minor, this.digits);
  }
}

/**
 * Serialises a response the way MPGS does: object keys in alphabetical order
 * at every level, DecimalAmount as a bare decimal number, undefined members
 * dropped. Connectors must therefore parse amounts as numbers and must not
 * depend on key order — exactly what the real gateway requires of them.
 */
export function toMpgsJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null) return 'null';
  if (value instanceof DecimalAmount) return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key]);
      if (text !== undefined) entries.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${entries.join(',')}}`;
  }
  return undefined;
}

/**
 * Canonical text of a request body, used to tell "the same request repeated"
 * from "the same ids with a different body": keys sorted, so field order in
 * the client's JSON does not matter.
 */
export function canonicalRequest(body: unknown): string {
  return toMpgsJson(body ?? {});
}

/** Reads `a.b.c` from a parsed JSON body; undefined when any step is missing. */
export function getPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Deep merge for session updates: objects merge, everything else replaces. */
export function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}
