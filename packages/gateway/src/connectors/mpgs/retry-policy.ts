import type { HttpMethod } from './transport.js';

/** When MpgsClient (client.ts) repeats a request, and how long it waits between attempts. */

export type Sleep = (ms: number) => Promise<void>;

/**
 * Which requests may be repeated blindly after a timeout, a dropped
 * connection, SERVER_BUSY or a 5xx:
 *  - GET: reads.
 *  - PUT `/order/{id}/transaction/{id}`: MPGS performs a transaction once per
 *    (order id, transaction id); a repeat returns the first response.
 *  - POST `/session`: a repeat may create a second session, which is harmless —
 *    an unused session holds no card data, moves no money and expires after
 *    about 15 minutes; only the id we return is ever shown to the payer.
 * Everything else (e.g. a session update carrying `session.version`) gets one attempt.
 */
export function retryPolicy(method: HttpMethod, path: string): boolean {
  switch (method) {
    case 'GET':
      return true;
    case 'PUT':
      return /^\/order\/[^/]+\/transaction\/[^/]+$/.test(path);
    case 'POST':
      return path === '/session';
    default: {
      const unknownMethod: never = method;
      void unknownMethod;
      return false;
    }
  }
}

/** 200 ms, 400 ms, 800 ms, ... capped at 3 s, with up to 20 % jitter removed. */
export function defaultBackoffMs(retry: number): number {
  return Math.round(longestDefaultBackoffMs(retry) * (0.8 + Math.random() * 0.2));
}

/** The longest `defaultBackoffMs(retry)` can be (no jitter removed). */
export function longestDefaultBackoffMs(retry: number): number {
  return Math.min(200 * 2 ** Math.max(0, retry - 1), 3_000);
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
