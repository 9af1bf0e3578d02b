// The full sandbox checkout as a merchant and its customers drive it:
// mint a session (merchant key) → open a card session (SDK token) → the card
// filled on the simulator (its REST `PUT …/session/{id}`, as the hosted
// fields do) → collect. `concurrency` customers at once, each starting its
// next checkout as soon as one ends.
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';

export interface CheckoutTarget {
  /** Gateways to spread checkouts over (round robin); one for a single process. */
  gatewayUrls: string[];
  simulatorUrl: string;
  merchantSecret: string;
  notifyUrl: string;
}

export interface CheckoutRun {
  checkouts: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  firstFailure?: string;
}

const APPROVED_CARD = { number: '5111111111111118', expiry: { month: '01', year: '39' }, securityCode: '100' };
const SIM_AUTH = `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}`;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class CheckoutDriver {
  readonly #gateways: Pool[];
  readonly #simulator: Pool;
  readonly #t: CheckoutTarget;
  #next = 0;
  #orders = 0;

  constructor(target: CheckoutTarget) {
    this.#t = target;
    this.#gateways = target.gatewayUrls.map((u) => new Pool(u, { connections: 64 }));
    this.#simulator = new Pool(target.simulatorUrl, { connections: 64 });
  }

  async #json(pool: Pool, path: string, method: 'POST' | 'PUT', headers: Record<string, string>, body?: unknown): Promise<any> {
    const res = await pool.request({
      path,
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** One checkout; resolves when collect has answered (the payment is committed), with the payment. */
  async checkout(notifyUrl = this.#t.notifyUrl): Promise<{ paymentId: string; orderId: string }> {
    const gateway = this.#gateways[this.#next++ % this.#gateways.length]!;
    const orderId = `bench-${process.pid}-${++this.#orders}-${randomBytes(4).toString('hex')}`;
    const session = await this.#json(
      gateway,
      '/v1/sessions',
      'POST',
      { authorization: `Bearer ${this.#t.merchantSecret}` },
      {
        amount: '12.50',
        currency: 'usd',
        customer_reference: `cust_bench_${this.#orders % 1000}`,
        order_id: orderId,
        notify_url: notifyUrl,
        success_redirect_url: 'http://localhost:3000/thanks',
        fail_redirect_url: 'http://localhost:3000/sorry',
      },
    );
    // Each checkout a device of its own (the per-device card-session limit and velocity count it).
    const sdk = { authorization: `Bearer ${session.session_token}`, 'x-device-fingerprint': randomBytes(32).toString('hex') };
    const card = await this.#json(gateway, '/v1/card/sessions', 'POST', sdk);
    await this.#json(
      this.#simulator,
      `/api/rest/version/100/merchant/TESTPDIRECT/session/${card.hosted_session_id}`,
      'PUT',
      { authorization: SIM_AUTH },
      {
        sourceOfFunds: { provided: { card: APPROVED_CARD } },
      },
    );
    const paid = await this.#json(gateway, '/v1/payments/collect', 'POST', sdk, { payment_method: 'card', hosted_session_id: card.hosted_session_id });
    if (paid.status !== 'succeeded') throw new Error(`collect: ${JSON.stringify(paid).slice(0, 200)}`);
    return { paymentId: paid.id ?? paid.payment_id, orderId };
  }

  /** `concurrency` loops of checkouts for `seconds`. */
  async load(concurrency: number, seconds: number): Promise<CheckoutRun> {
    const latencies: number[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    const start = performance.now();
    const until = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) {
          const t0 = performance.now();
          try {
            await this.checkout();
            latencies.push(performance.now() - t0);
          } catch (err) {
            failures++;
            firstFailure ??= (err as Error).message;
          }
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      checkouts: latencies.length,
      seconds: elapsed,
      perSecond: latencies.length / elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failures,
      firstFailure,
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.#gateways, this.#simulator].map((p) => p.close()));
  }
}
