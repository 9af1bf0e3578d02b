import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { HttpsSmsSettings } from '../../../config.js';
import type { Secret } from '../../../crypto/secret.js';
import { otpMessageText, OtpDeliveryError, type OtpDelivery, type OtpSender } from './sender.js';

/**
 * Fills `{{to}}` and `{{message}}` in the template's string values. The
 * template is parsed as JSON first and re-serialised after, so a value can
 * never break out of its string (no injection through a message or number).
 */
export function renderSmsBody(template: string, values: { to: string; message: string }): string {
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') return node.replaceAll('{{to}}', values.to).replaceAll('{{message}}', values.message);
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return JSON.stringify(fill(JSON.parse(template)));
}

/** `Name: value` → that header; anything else is the value of Authorization. */
export function authHeaderOf(setting: string): [string, string] {
  const match = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*(.+)$/.exec(setting);
  return match ? [match[1]!, match[2]!] : ['authorization', setting];
}

export interface HttpsSmsOptions extends HttpsSmsSettings {
  /** Base delay before retry n is `retryDelayMs * 2^(n-1)`. */
  retryDelayMs?: number;
}

/**
 * A generic SMS provider: one JSON POST per message, from a template. Each
 * attempt is bounded by the timeout; a 5xx, a timeout or a network error is
 * retried (bounded), any other answer is final. A timed-out attempt may still
 * have been delivered — its retry carries the same code, so the customer at
 * worst receives it twice. Redirects are not followed.
 */
export class HttpsSmsSender implements OtpSender {
  readonly name = 'https';
  readonly #agent: Agent;

  constructor(private readonly options: HttpsSmsOptions) {
    this.#agent = new Agent({ connect: { timeout: options.timeoutMs }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  }

  async send(to: string, code: Secret<string>, delivery: OtpDelivery): Promise<void> {
    const body = renderSmsBody(this.options.bodyTemplate, { to, message: otpMessageText(code, delivery) });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Pdirect-OTP/1' };
    if (this.options.authHeader) {
      const [name, value] = authHeaderOf(this.options.authHeader.reveal());
      headers[name.toLowerCase()] = value;
    }
    const attempts = this.options.retries + 1;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await delay((this.options.retryDelayMs ?? 250) * 2 ** (attempt - 2));
      const outcome = await this.#attempt(headers, body);
      if (outcome === 'delivered') return;
      if (!outcome.retryable) throw new OtpDeliveryError(`sms provider: ${outcome.reason}`);
      last = outcome.reason;
    }
    throw new OtpDeliveryError(`sms provider: ${last} (after ${attempts} attempts)`);
  }

  async #attempt(headers: Record<string, string>, body: string): Promise<'delivered' | { retryable: boolean; reason: string }> {
    try {
      const res = await request(this.options.url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      // The answer's body is not needed (and may echo the message): drain and drop it.
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (res.statusCode >= 200 && res.statusCode < 300) return 'delivered';
      return { retryable: res.statusCode >= 500, reason: `HTTP ${res.statusCode}` };
    } catch (err) {
      return { retryable: true, reason: networkFailure(err) };
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function networkFailure(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? '');
    const name = String((e as { name?: unknown }).name ?? '');
    if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code)) return 'timeout';
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (/^E[A-Z]+$|^UND_ERR_/.test(code)) return code;
  }
  return 'network error';
}
