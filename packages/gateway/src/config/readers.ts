/** The value parsers every configuration section shares: each bad value becomes one line in `problems`. */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export type Env = Record<string, string | undefined>;

/** A trimmed environment value; undefined when unset or blank. */
export type Read = (name: string) => string | undefined;

export function oneOf<T extends string>(value: string, allowed: readonly T[], name: string, problems: string[]): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return undefined;
}

export function integer(value: string | undefined, fallback: number, name: string, min: number, max: number, problems: string[]): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
    return fallback;
  }
  return Number(value);
}

export function isIpOrCidr(value: string): boolean {
  if (isIP(value)) return true;
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}
