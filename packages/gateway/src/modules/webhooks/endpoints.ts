/**
 * Webhook endpoints: the unit of fair scheduling and of the circuit breaker
 * is the notify URL's origin (scheme, host, port). One merchant's dead
 * receiver cannot hold up another's, nor its own other endpoints.
 */
export function endpointOf(notifyUrl: string): string {
  try {
    return new URL(notifyUrl).origin.slice(0, 300);
  } catch {
    return notifyUrl.slice(0, 300);
  }
}

export interface BreakerPolicy {
  /** Consecutive endpoint failures that open the breaker. */
  failureThreshold: number;
  /** The first pause; each failed probe doubles it, up to maxPauseMs. */
  pauseMs: number;
  maxPauseMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 5, pauseMs: 30_000, maxPauseMs: 10 * 60_000 };

/**
 * Deliveries one endpoint may have in flight at once (across every worker);
 * a probing endpoint gets one. Half the default worker concurrency (16): a
 * dead endpoint can hold at most half the slots until its breaker opens.
 */
export const DEFAULT_PER_ENDPOINT_CONCURRENCY = 8;

/**
 * Whether a failed attempt says the endpoint is unreachable: no HTTP answer
 * at all (timeout, refused, reset, DNS, TLS). Only that counts toward the
 * breaker: such attempts are what cost a worker its time. An endpoint that
 * answers, even 5xx, is reachable; its retries follow the schedule, and the
 * per-endpoint cap keeps it from crowding out the others.
 */
export function isEndpointFailure(result: { status: number | null; error: string | null }): boolean {
  if (result.status !== null) return false;
  // Refused here before any connection — among them one merchant's allow-list no longer naming the host, which
  // must not pause every other merchant's deliveries to the same origin.
  return !['ssrf_refused', 'invalid_url', 'insecure_url', 'no_signing_secret', 'secret_unreadable', 'notify_url_not_allowed'].includes(result.error ?? '');
}

/** How long the breaker stays open after the n-th consecutive failure (undefined while below the threshold). */
export function breakerPause(consecutiveFailures: number, policy: BreakerPolicy): number | undefined {
  if (consecutiveFailures < policy.failureThreshold) return undefined;
  const doublings = Math.min(consecutiveFailures - policy.failureThreshold, 20);
  return Math.min(policy.pauseMs * 2 ** doublings, policy.maxPauseMs);
}
