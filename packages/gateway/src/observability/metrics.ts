import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics, served at GET /metrics. One registry per
 * process: every gateway, worker and module in it counts into the same
 * series, and any module records what it knows with one call, e.g.
 *
 *   import { metrics } from '../../observability/metrics.js';
 *   metrics.paymentOutcome('succeeded');
 *
 * Labels take only values from small fixed sets (route templates, status
 * codes, catalogue codes, outcomes): never ids, amounts or anything a caller
 * can vary freely.
 */
export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

class GatewayMetrics {
  readonly registry = new Registry();
  readonly #pools = new Map<object, { name: string; stats: () => PoolStats }>();

  readonly httpRequests = this.#counter(
    'pdirect_http_requests_total',
    'HTTP requests answered, by method, route template, status and catalogue error code ("" when none)',
    ['method', 'route', 'status', 'error_code'],
  );
  readonly httpDuration = this.#histogram(
    'pdirect_http_request_duration_seconds',
    'Time from request received to response sent, by method and route template',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['method', 'route'],
  );
  readonly payments = this.#counter('pdirect_payments_total', 'Card payment attempts finished, by outcome (succeeded, failed, requires_action, ...)', [
    'outcome',
  ]);
  readonly webhookAttempts = this.#counter(
    'pdirect_webhook_attempts_total',
    'Webhook delivery attempts, by result: succeeded, retry (failed, will try again) or dead (failed, no more tries)',
    ['result'],
  );
  readonly webhookDeliveries = this.#counter('pdirect_webhook_deliveries_total', 'Webhook deliveries finished, by final state: succeeded or dead', ['state']);
  readonly webhookLag = this.#histogram(
    'pdirect_webhook_first_attempt_lag_seconds',
    'Time from a delivery being committed to the outbox to its first attempt starting',
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
  );
  readonly riskDecisions = this.#counter(
    'pdirect_risk_decisions_total',
    'Fraud screening decisions before money moves, by action (allow, review, request_3ds, block; unavailable when screening failed) and level',
    ['action', 'level'],
  );
  readonly riskAssess = this.#histogram(
    'pdirect_risk_assess_seconds',
    'Time fraud screening (RiskService.assess: history reads, model, merchant rules) adds to a payment attempt before money moves',
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  );
  readonly otpSends = this.#counter('pdirect_otp_sends_total', 'One-time codes sent to customers, by channel (email, sms)', ['channel']);

  readonly reconcileExhausted_ = this.#counter(
    'pdirect_reconcile_exhausted_total',
    'Payments whose outcome the card network still had not decided after the bounded reconciliation rounds (needs a person)',
  );

  /** A counter in this registry; its labels take values from small fixed sets only (see the top of this file). */
  #counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** A histogram in this registry, with its buckets in seconds. */
  #histogram<L extends string = string>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  constructor() {
    this.registry.setDefaultLabels({ service: 'pdirect' });
    // Process CPU, memory, handles, GC and nodejs_eventloop_lag_* (event-loop lag).
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    const loop = monitorEventLoopDelay({ resolution: 20 });
    loop.enable();
    new Gauge({
      name: 'pdirect_event_loop_delay_p99_seconds',
      help: 'Event-loop delay, 99th percentile since the previous scrape',
      registers: [this.registry],
      collect() {
        this.set(Number.isNaN(loop.percentile(99)) ? 0 : loop.percentile(99) / 1e9);
        loop.reset();
      },
    });
    const pools = this.#pools;
    const poolGauge = (name: string, help: string, pick: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['pool'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const { name: pool, stats } of pools.values()) this.inc({ pool }, pick(stats()));
        },
      });
    poolGauge('pdirect_db_pool_connections', 'PostgreSQL pool: open connections', (s) => s.totalCount);
    poolGauge('pdirect_db_pool_idle_connections', 'PostgreSQL pool: idle connections', (s) => s.idleCount);
    poolGauge('pdirect_db_pool_waiting_requests', 'PostgreSQL pool: queries waiting for a connection', (s) => s.waitingCount);
  }

  /** One finished HTTP request (called by the HTTP edge). */
  httpRequest(method: string, route: string, status: number, errorCode: string | undefined, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status), error_code: errorCode ?? '' });
    this.httpDuration.observe({ method, route }, seconds);
  }

  /** A payment attempt reached this status. */
  riskAssessed(seconds: number): void {
    this.riskAssess.observe(seconds);
  }

  paymentOutcome(outcome: string): void {
    this.payments.inc({ outcome });
  }

  /** One webhook attempt: `next` is the delivery's state after it (succeeded, pending = retry, dead). */
  webhookAttempt(next: 'succeeded' | 'pending' | 'dead'): void {
    this.webhookAttempts.inc({ result: next === 'pending' ? 'retry' : next });
    if (next !== 'pending') this.webhookDeliveries.inc({ state: next });
  }

  /** A pending payment used up its fast reconciliation rounds without a final answer. */
  reconcileExhausted(): void {
    this.reconcileExhausted_.inc();
  }

  /** A delivery's first attempt started `seconds` after its outbox row was committed. */
  webhookFirstAttempt(seconds: number): void {
    this.webhookLag.observe(Math.max(0, seconds));
  }

  /** The risk engine decided on a payment attempt. */
  riskDecision(action: string, level: string): void {
    this.riskDecisions.inc({ action, level });
  }

  otpSent(channel: string): void {
    this.otpSends.inc({ channel });
  }

  /** Reports a database pool's connections until the returned function is called. */
  watchPool(name: string, stats: () => PoolStats): () => void {
    const token = {};
    this.#pools.set(token, { name, stats });
    return () => void this.#pools.delete(token);
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

export type { GatewayMetrics };
export const metrics = new GatewayMetrics();
