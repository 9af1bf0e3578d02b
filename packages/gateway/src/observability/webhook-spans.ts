/**
 * A client span per webhook delivery attempt (docs/api.md#tracing), made around the
 * sender's `send`. Each attempt is a trace of its own: the worker delivers on its own schedule, long
 * after (and apart from) the request whose commit woke it. The span records the receiver's host and
 * port, the event id and the outcome (status, or the failure's class) — never the URL's path or
 * query, the signature headers or the payload.
 */
import type { SendResult } from '../modules/webhooks/sender.js';
import type { Attributes, Tracing } from './tracing.js';

export type { Tracing } from './tracing.js';

interface Sender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
}

/** The same sender, its `send` traced when tracing is on (untouched when off). */
export function traceWebhookSender<S extends Sender>(sender: S, tracing: Tracing | undefined): S {
  if (!tracing) return sender;
  const send = sender.send.bind(sender);
  sender.send = (url, headers, body) =>
    tracing.clientSpan(
      'webhook POST',
      { 'http.request.method': 'POST', ...receiver(url), ...(headers['webhook-id'] ? { 'pdirect.event_id': headers['webhook-id'] } : {}) },
      async (span) => {
        const result = await send(url, headers, body);
        if (result.status !== null) span.setAttribute('http.response.status_code', result.status);
        // As OpenTelemetry's HTTP client conventions say: anything but a 2xx answer failed (error.type: its status, or the failure's class).
        if (result.error !== null || result.status === null || result.status >= 300) tracing.fail(span, result.error ?? String(result.status));
        return result;
      },
      { root: true },
    );
  return sender;
}

function receiver(url: string): Attributes {
  try {
    const target = new URL(url);
    return { 'server.address': target.hostname, 'server.port': Number(target.port) || (target.protocol === 'https:' ? 443 : 80) };
  } catch {
    return {};
  }
}
