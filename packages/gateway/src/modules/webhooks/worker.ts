import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Secret } from '../../crypto/secret.js';
import { metrics } from '../../observability/metrics.js';
import type { AttemptRecord, ClaimedDelivery, WebhookDeliveryRepository } from './delivery-repository.js';
import { endpointOf, isEndpointFailure } from './endpoints.js';
import { AttemptGroupCommit } from './group-commit.js';
import { nextStep, type RetryPolicy } from './retry.js';
import type { SendResult, WebhookSender } from './sender.js';
import { signWebhook } from './signature.js';

export interface WebhookWorkerOptions {
  deliveries: WebhookDeliveryRepository;
  sender: WebhookSender;
  /** The merchant's secrets that sign at `now`, opened (newest first). */
  signingSecrets(merchantId: string, now: number): Promise<Secret<string>[]>;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
  /** How many deliveries one claim takes (and attempts in parallel). */
  batchSize: number;
  pollIntervalMs: number;
  /** How long a claim is held: longer than any attempt can take, so a live worker never loses it. */
  leaseMs: number;
  /** Injectable for tests: the pause between polls (must resolve early when `signal` aborts, if it can). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Injectable for tests: the jitter source. */
  random?: () => number;
  /**
   * Subscribes to "a delivery was committed" (an in-process signal on SQLite,
   * LISTEN/NOTIFY on PostgreSQL) while the worker runs; returns the unsubscribe.
   */
  subscribe?: (wake: () => void) => Promise<() => Promise<void>>;
  /** Why a notify URL may no longer receive (the merchant's allow-list, checked at delivery time); null when allowed. */
  notifyUrlRefused?: (merchantId: string, url: string) => Promise<string | null>;
}

const defaultSleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Delivers the webhook outbox. Each round claims due deliveries (a committed
 * lease), then — outside any transaction — signs each with every active
 * secret, POSTs it, and stores the attempt and the next step in one short
 * transaction: success on 2xx, dead at once on 410, otherwise the next retry
 * from the schedule (with jitter, or later if Retry-After asks), dead after
 * the last one.
 *
 * `runDue()` processes everything due now and returns how many attempts it
 * made (tests drive it with a manual clock); `start()` polls it in the
 * background (inside `pdirect serve`, or as `pdirect worker`).
 */
export class WebhookWorker {
  readonly id = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #o: WebhookWorkerOptions;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #inFlight = new Set<Promise<unknown>>();
  #loop: Promise<void> | undefined;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #pause = new AbortController();
  #unsubscribe: Promise<(() => Promise<void>) | undefined> | undefined;
  /** Attempts being made right now (signing, sending; not yet handed to the recorder): when each started (performance.now()). */
  readonly #making = new Map<number, number>();
  readonly #recorder: AttemptGroupCommit;

  constructor(options: WebhookWorkerOptions) {
    this.#o = options;
    this.#recorder = new AttemptGroupCommit(options.deliveries, (since) => {
      let n = 0;
      for (const at of this.#making.values()) if (at >= since) n++;
      return n;
    });
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Attempts everything due now and returns how many attempts it made.
   * Deliveries are claimed as slots free up (up to `batchSize` in flight),
   * not batch by batch: a slow or dead endpoint holds its own slots (at most
   * the per-endpoint cap) and nothing else. While attempts are in flight a
   * wake() (a new event committed) claims again at once.
   */
  async runDue(): Promise<number> {
    let attempts = 0;
    let failure: { reason: unknown } | undefined;
    const running = new Set<Promise<void>>();
    try {
      while (!this.#stopping && !failure) {
        const free = this.#o.batchSize - running.size;
        let claimed: ClaimedDelivery[] = [];
        if (free > 0) {
          const now = this.#o.clock.now();
          claimed = await this.#o.deliveries.claimDue({ now, limit: free, owner: this.id, leaseUntil: now + this.#o.leaseMs });
        }
        for (const d of claimed) {
          // A lane: the attempt, then (while this worker has spare slots) the same endpoint's next due delivery.
          const lane = async () => {
            for (let next: ClaimedDelivery | undefined = d; next;) {
              next = await this.#attempt(next, () => !this.#stopping && running.size < this.#o.batchSize);
              if (next) attempts++;
            }
          };
          const attempt: Promise<void> = lane()
            // An attempt that could not be recorded stays leased; once the lease lapses it is retried.
            .catch((reason: unknown) => void (failure ??= { reason }))
            .finally(() => {
              running.delete(attempt);
              this.#inFlight.delete(attempt);
            });
          running.add(attempt);
          this.#inFlight.add(attempt);
        }
        attempts += claimed.length;
        if (running.size === 0) break;
        if (claimed.length > 0 && claimed.length === free) {
          // Every slot is busy: wait for one to free (and let others finishing with it settle) before claiming again.
          await Promise.race(running);
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        // Nothing more claimable now: wait for a slot to free (its endpoint may have more), for a wake, or for the
        // poll interval — the safety net here too: a worker that is never woken (a separate process on SQLite)
        // would otherwise keep only the slots it started with while its lanes drain a burst, and new work for
        // other endpoints would wait for a lane to end.
        const woken = this.#pause.signal;
        let onWake: (() => void) | undefined;
        const wake = new Promise<void>((resolve) => (woken.aborted ? resolve() : woken.addEventListener('abort', (onWake = () => resolve()), { once: true })));
        const poll = new AbortController();
        await Promise.race([...running, wake, delay(this.#o.pollIntervalMs, undefined, { signal: poll.signal }).catch(() => undefined)]);
        poll.abort();
        if (onWake) woken.removeEventListener('abort', onWake);
        if (woken.aborted && !this.#stopping && woken === this.#pause.signal) this.#pause = new AbortController();
      }
    } finally {
      await Promise.allSettled([...running]);
    }
    if (failure) throw failure.reason;
    return attempts;
  }

  /** Polls in the background until stop(). */
  start(): void {
    if (this.#loop || this.#stopping) return;
    this.#o.logger.info({ worker: this.id, poll_ms: this.#o.pollIntervalMs }, 'webhook worker started');
    if (this.#o.subscribe) {
      this.#unsubscribe = this.#o
        .subscribe(() => this.wake())
        .catch((err: unknown) => {
          this.#o.logger.warn({ err, worker: this.id }, 'webhook worker cannot be woken on commit; it polls');
          return undefined;
        });
    }
    this.#loop = (async () => {
      while (!this.#stopping) {
        try {
          await this.runDue();
        } catch (err) {
          this.#o.logger.error({ err, worker: this.id }, 'webhook worker round failed; retrying after the poll interval');
        }
        if (this.#stopping) break;
        await this.#sleep(this.#o.pollIntervalMs, this.#pause.signal);
        if (this.#pause.signal.aborted && !this.#stopping) this.#pause = new AbortController();
      }
    })();
  }

  /** Cuts the current pause short: something was just enqueued in this process. */
  wake(): void {
    this.#pause.abort();
  }

  /**
   * Graceful stop: claims nothing more, lets attempts in flight finish (each
   * is bounded by the timeout) and records them, then hands back any lease
   * still held so another worker takes over at once.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping = true;
      this.#pause.abort();
      await this.#loop;
      await (
        await this.#unsubscribe
      )?.();
      await Promise.allSettled([...this.#inFlight]);
      try {
        const released = await this.#o.deliveries.releaseLeases(this.id, this.#o.clock.now());
        if (released > 0) this.#o.logger.info({ worker: this.id, released }, 'webhook worker released its leases');
      } catch (err) {
        this.#o.logger.warn({ err, worker: this.id }, 'webhook worker could not release its leases; they lapse on their own');
      }
      await this.#o.sender.close();
    })();
    return this.#stopped;
  }

  async #attempt(d: ClaimedDelivery, chain: () => boolean = () => false): Promise<ClaimedDelivery | undefined> {
    const attemptNumber = d.attemptCount + 1;
    const startedAt = this.#o.clock.now();
    if (attemptNumber === 1 && d.scheduledAt !== undefined) metrics.webhookFirstAttempt((startedAt - d.scheduledAt) / 1000);
    const t0 = performance.now();
    this.#making.set(d.deliveryId, t0);
    let result: SendResult;
    try {
      result = await this.#send(d, startedAt);
    } finally {
      this.#making.delete(d.deliveryId);
    }
    const durationMs = Math.round(performance.now() - t0);
    const finishedAt = this.#o.clock.now();

    const { succeeded, nextState, nextAttemptAt } = nextStep(result, attemptNumber, finishedAt, this.#o.retry, this.#random);
    const endpoint = d.endpoint ?? endpointOf(d.notifyUrl);
    const record: AttemptRecord = {
      endpoint,
      endpointFailed: !succeeded && isEndpointFailure(result),
      endpointUnwell: d.endpointUnwell,
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      attemptNumber,
      workerId: this.id,
      startedAt,
      durationMs,
      outcome: succeeded ? 'succeeded' : 'failed',
      responseStatus: result.status,
      error: result.error,
      responseBody: result.body,
      nextState,
      nextAttemptAt,
      finishedAt,
    };
    const now = this.#o.clock.now();
    const { held, next } = await this.#recorder.store(record, chain() ? { owner: this.id, now, leaseUntil: now + this.#o.leaseMs } : undefined, t0);
    const line = {
      event_id: d.eventId,
      merchant_id: d.merchantId,
      attempt: attemptNumber,
      status: result.status,
      error: result.error,
      duration_ms: durationMs,
    };
    if (held) metrics.webhookAttempt(nextState);
    if (!held) this.#o.logger.warn({ ...line, worker: this.id }, 'webhook attempt finished after its lease lapsed; another worker owns the delivery now');
    else if (succeeded) this.#o.logger.info(line, 'webhook delivered');
    else if (nextState === 'dead')
      this.#o.logger.warn(line, result.status === 410 ? 'webhook receiver answered 410 Gone: delivery stopped' : 'webhook delivery dead after the last retry');
    else this.#o.logger.info({ ...line, next_attempt_at: new Date(nextAttemptAt!).toISOString() }, 'webhook attempt failed; retry scheduled');
    return next;
  }

  async #send(d: ClaimedDelivery, now: number): Promise<SendResult> {
    // Both reads at once (on PostgreSQL two round trips in parallel, not one after the other); their verdicts
    // are taken in the same order as ever: an unreadable or missing secret first, then the allow-list.
    const secretsRead = this.#o.signingSecrets(d.merchantId, now).then(
      (secrets) => ({ secrets }),
      (err: unknown) => ({ err }),
    );
    const refusedRead = notifyUrlRefused(this.#o, d);
    refusedRead.catch(() => undefined); // awaited below unless a secret problem decides first
    const read = await secretsRead;
    if ('err' in read) {
      // Never log err itself: a decryption error must not carry material along.
      this.#o.logger.error({ event_id: d.eventId, cause: (read.err as Error).name }, 'webhook secret could not be opened (was the master key changed?)');
      return { status: null, error: 'secret_unreadable', body: null, retryAfter: undefined };
    }
    const { secrets } = read;
    if (secrets.length === 0) return { status: null, error: 'no_signing_secret', body: null, retryAfter: undefined };
    const refused = await refusedRead;
    if (refused) {
      this.#o.logger.warn(
        { event_id: d.eventId, merchant_id: d.merchantId, reason: refused },
        "webhook not sent: the notify URL is no longer on the merchant's allow-list",
      );
      return { status: null, error: 'notify_url_not_allowed', body: null, retryAfter: undefined };
    }
    const headers = signWebhook(d.eventId, Math.floor(now / 1000), d.payload, secrets);
    return this.#o.sender.send(d.notifyUrl, { ...headers }, d.payload);
  }
}

/** The delivery-time allow-list check: why the merchant no longer allows the delivery's notify URL (nothing is sent), or null. */
async function notifyUrlRefused(o: Pick<WebhookWorkerOptions, 'notifyUrlRefused'>, d: ClaimedDelivery): Promise<string | null> {
  return (await o.notifyUrlRefused?.(d.merchantId, d.notifyUrl)) ?? null;
}
