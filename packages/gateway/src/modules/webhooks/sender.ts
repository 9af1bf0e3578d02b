import { Agent, request } from 'undici';
import { publicOnlyLookup, refuseNonPublicLiteral, TargetRefusedError } from './target-guard.js';

/** What one POST to a receiver came to: a status (any, including 3xx), or the class of failure. */
export interface SendResult {
  status: number | null;
  /** Failure class when no usable response arrived, or a refusal (see classifyError). */
  error: string | null;
  /** The first RESPONSE_BODY_LIMIT bytes of the response, as text. */
  body: string | null;
  retryAfter: string | undefined;
}

export const RESPONSE_BODY_LIMIT = 1024;
/** Read at most this much of a response (to let the connection be reused), then drop it. */
const RESPONSE_DRAIN_LIMIT = 64 * 1024;

export interface SenderOptions {
  timeoutMs: number;
  /** TCP (and TLS) connect, bounded separately so an unreachable receiver costs only this (default: timeoutMs). */
  connectTimeoutMs?: number;
  /** Live mode: https only, and only to public addresses (checked after DNS, on the connecting socket). */
  publicTargetsOnly: boolean;
}

/**
 * POSTs a signed webhook. Redirects are never followed (undici's request
 * does not, and no redirect interceptor is installed): a 3xx is reported as
 * what it is, a failed attempt. The whole attempt — DNS, connect, TLS,
 * headers, body — is bounded by the timeout.
 */
export class WebhookSender {
  readonly #agent: Agent;
  readonly #options: SenderOptions;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connect: {
        timeout: Math.min(options.connectTimeoutMs ?? options.timeoutMs, options.timeoutMs),
        ...(options.publicTargetsOnly ? { lookup: publicOnlyLookup } : {}),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return failure('invalid_url');
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return failure('invalid_url');
    if (this.#options.publicTargetsOnly) {
      if (target.protocol !== 'https:') return failure('insecure_url');
      try {
        refuseNonPublicLiteral(target);
      } catch (err) {
        return failure(classifyError(err));
      }
    }
    try {
      const res = await request(target, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', 'user-agent': 'Pdirect-Webhooks/1', ...headers },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      const retryAfter = res.headers['retry-after'];
      return {
        status: res.statusCode,
        error: res.statusCode >= 300 && res.statusCode < 400 ? 'redirect_not_followed' : null,
        body: await readPrefix(res.body),
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      };
    } catch (err) {
      return failure(classifyError(err));
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function failure(error: string): SendResult {
  return { status: null, error, body: null, retryAfter: undefined };
}

async function readPrefix(stream: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  try {
    for await (const chunk of stream) {
      if (kept < RESPONSE_BODY_LIMIT) {
        const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - kept);
        chunks.push(part);
        kept += part.length;
      }
      seen += chunk.length;
      if (seen > RESPONSE_DRAIN_LIMIT) break;
    }
  } catch {
    // A body cut short (timeout, reset) still leaves the status, which is what counts.
  } finally {
    stream.destroy();
  }
  if (kept === 0) return null;
  // NUL cannot be stored in a PostgreSQL text column.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\u0000/g, '\uFFFD');
}

/** A short, stable class for a failed attempt: what the merchant sees, with nothing from the target echoed. */
export function classifyError(err: unknown): string {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof TargetRefusedError || (e as { code?: string }).code === 'PDIRECT_TARGET_REFUSED') return 'ssrf_refused';
    const code = String((e as { code?: unknown }).code ?? '');
    const name = String((e as { name?: unknown }).name ?? '');
    if (name === 'TimeoutError' || name === 'AbortError' || /^UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT$/.test(code) || code === 'ETIMEDOUT') return 'timeout';
    if (code === 'ECONNREFUSED') return 'connection_refused';
    if (['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code)) return 'connection_reset';
    if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA'].includes(code)) return 'dns';
    if (['EHOSTUNREACH', 'ENETUNREACH'].includes(code)) return 'unreachable';
    if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code) || code === 'EPROTO') return 'tls';
  }
  return 'network';
}
