/**
 * When to try again. The schedule comes from config
 * (PDIRECT_WEBHOOK_RETRY_SCHEDULE): the delays before each retry, after a
 * first attempt that is immediate. The default is the Standard Webhooks /
 * Svix one — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over
 * about 27 hours.
 */

import type { AttemptRecord } from './delivery-types.js';
import type { SendResult } from './sender.js';

/** A receiver may slow us down with Retry-After, but not park a delivery for longer than this. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export interface RetryPolicy {
  scheduleMs: readonly number[];
  /** Spread, as a fraction: each delay is scaled by a random factor in [1 - jitter, 1 + jitter). */
  jitter: number;
}

/**
 * The delay before the next attempt after `attemptsMade` failed ones, or
 * undefined when the schedule is used up (the delivery is dead). A
 * Retry-After from the receiver is honoured when it asks for more time than
 * the schedule gives, never to retry sooner.
 */
export function nextRetryDelay(attemptsMade: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number | undefined {
  const base = policy.scheduleMs[attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - now);
}

/**
 * What an attempt's answer means for its delivery: succeeded on 2xx, dead at
 * once on 410, otherwise the next retry from the schedule (with jitter, or
 * later if Retry-After asks), dead after the last one.
 */
export function nextStep(
  result: Pick<SendResult, 'status' | 'retryAfter'>,
  attemptNumber: number,
  finishedAt: number,
  policy: RetryPolicy,
  random: () => number,
): { succeeded: boolean; nextState: AttemptRecord['nextState']; nextAttemptAt: number | null } {
  const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
  let nextState: AttemptRecord['nextState'] = succeeded ? 'succeeded' : 'dead';
  let nextAttemptAt: number | null = null;
  if (!succeeded && result.status !== 410) {
    const wait = nextRetryDelay(attemptNumber, policy, parseRetryAfter(result.retryAfter, finishedAt), random);
    if (wait !== undefined) {
      nextState = 'pending';
      nextAttemptAt = finishedAt + wait;
    }
  }
  return { succeeded, nextState, nextAttemptAt };
}
