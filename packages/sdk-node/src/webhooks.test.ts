import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createReplayGuard, verifyWebhook, WebhookVerificationError, type WebhookVerificationFailure } from './webhooks.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const now = () => NOW;
const ts = Math.floor(NOW / 1000);
const id = 'evt_abcdefghijklmnopqrst';
const body = JSON.stringify({
  id,
  type: 'payment.succeeded',
  timestamp: new Date(NOW).toISOString(),
  data: { object: { status: 'succeeded', amount: '12.50' } },
});

/** Signs like the gateway does, but independently: through the standardwebhooks package. */
function signed(secret: string, options: { timestamp?: number; payload?: string; msgId?: string } = {}) {
  const t = options.timestamp ?? ts;
  return {
    'webhook-id': options.msgId ?? id,
    'webhook-timestamp': String(t),
    'webhook-signature': new Webhook(secret).sign(options.msgId ?? id, new Date(t * 1000), options.payload ?? body),
  };
}

function rejection(fn: () => unknown): WebhookVerificationFailure {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).reason;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('verifyWebhook', () => {
  const secret = newSecret();

  it('returns the event for a genuine webhook (string or Buffer body, record or Headers)', () => {
    const headers = signed(secret);
    expect(verifyWebhook(body, headers, secret, { now })).toEqual(JSON.parse(body));
    expect(verifyWebhook(Buffer.from(body), new Headers(headers), secret, { now }).id).toBe(id);
    const shouty = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(body, shouty, secret, { now }).type).toBe('payment.succeeded');
  });

  it('rejects a tampered body', () => {
    expect(rejection(() => verifyWebhook(body.replace('12.50', '99.50'), signed(secret), secret, { now }))).toBe('no_matching_signature');
    expect(rejection(() => verifyWebhook(`${body} `, signed(secret), secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects a wrong secret', () => {
    expect(rejection(() => verifyWebhook(body, signed(newSecret()), secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects a tampered id or timestamp (both are signed)', () => {
    const headers = signed(secret);
    expect(rejection(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': String(ts + 1) }, secret, { now }))).toBe('no_matching_signature');
    const other = 'evt_bbbbbbbbbbbbbbbbbbbb';
    expect(rejection(() => verifyWebhook(body, { ...headers, 'webhook-id': other }, secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects an old timestamp and a future one, beyond 5 minutes either way', () => {
    expect(verifyWebhook(body, signed(secret, { timestamp: ts - 300 }), secret, { now }).id).toBe(id);
    expect(verifyWebhook(body, signed(secret, { timestamp: ts + 300 }), secret, { now }).id).toBe(id);
    expect(rejection(() => verifyWebhook(body, signed(secret, { timestamp: ts - 301 }), secret, { now }))).toBe('timestamp_too_old');
    expect(rejection(() => verifyWebhook(body, signed(secret, { timestamp: ts + 301 }), secret, { now }))).toBe('timestamp_too_new');
    expect(verifyWebhook(body, signed(secret, { timestamp: ts - 3000 }), secret, { now, toleranceSeconds: 3600 }).id).toBe(id);
  });

  it('rejects missing headers and a malformed timestamp', () => {
    const headers = signed(secret);
    for (const name of Object.keys(headers)) {
      const without = { ...headers } as Record<string, string | undefined>;
      delete without[name];
      expect(rejection(() => verifyWebhook(body, without, secret, { now }))).toBe('missing_headers');
    }
    expect(rejection(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': '1.7e9' }, secret, { now }))).toBe('invalid_timestamp');
  });

  it('accepts any one of several v1 signatures (rotation), ignoring other versions and junk', () => {
    const older = newSecret();
    const both = `${signed(secret)['webhook-signature']} ${signed(older)['webhook-signature']}`;
    const headers = { ...signed(secret), 'webhook-signature': `v2,abc v1,not-base64!! v1, ${both}` };
    expect(verifyWebhook(body, headers, secret, { now }).id).toBe(id);
    expect(verifyWebhook(body, headers, older, { now }).id).toBe(id);
    // The receiver may hold several secrets too.
    expect(verifyWebhook(body, signed(older), [secret, older], { now }).id).toBe(id);
    expect(
      rejection(() => verifyWebhook(body, { ...headers, 'webhook-signature': 'v1a,' + signed(secret)['webhook-signature'].slice(3) }, secret, { now })),
    ).toBe('no_matching_signature');
  });

  it('accepts a truncated or padded signature only if it is exactly the HMAC', () => {
    const sig = signed(secret)['webhook-signature'];
    expect(rejection(() => verifyWebhook(body, { ...signed(secret), 'webhook-signature': sig.slice(0, -4) }, secret, { now }))).toBe('no_matching_signature');
    const raw = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`${id}.${ts}.${body}`)
      .digest();
    const longer = `v1,${Buffer.concat([raw, Buffer.from([0])]).toString('base64')}`;
    expect(rejection(() => verifyWebhook(body, { ...signed(secret), 'webhook-signature': longer }, secret, { now }))).toBe('no_matching_signature');
  });

  it('rejects a body whose id is not the webhook-id', () => {
    const other = JSON.stringify({ id: 'evt_cccccccccccccccccccc', type: 'payment.succeeded', timestamp: '', data: {} });
    expect(rejection(() => verifyWebhook(other, signed(secret, { payload: other }), secret, { now }))).toBe('invalid_payload');
  });

  it('refuses to run without a usable secret', () => {
    expect(() => verifyWebhook(body, signed(secret), [], { now })).toThrow(TypeError);
    expect(() => verifyWebhook(body, signed(secret), 'whsec_', { now })).toThrow(TypeError);
  });
});

describe('createReplayGuard', () => {
  const secret = newSecret();

  it('rejects a replayed message, lets a retry (new timestamp, new signature) through', () => {
    const replayGuard = createReplayGuard({ now });
    const first = signed(secret);
    expect(verifyWebhook(body, first, secret, { now, replayGuard }).id).toBe(id);
    expect(rejection(() => verifyWebhook(body, first, secret, { now, replayGuard }))).toBe('replayed');
    const retry = signed(secret, { timestamp: ts + 5 });
    expect(verifyWebhook(body, retry, secret, { now, replayGuard }).id).toBe(id);
  });

  it('does not remember forged messages', () => {
    const replayGuard = createReplayGuard({ now });
    expect(rejection(() => verifyWebhook(body, signed(newSecret()), secret, { now, replayGuard }))).toBe('no_matching_signature');
    expect(verifyWebhook(body, signed(secret), secret, { now, replayGuard }).id).toBe(id);
  });

  it('forgets entries once their timestamp is out of the window, and stays bounded', () => {
    let clock = NOW;
    const guard = createReplayGuard({ now: () => clock, maxEntries: 3 });
    expect(guard.firstSighting('a', ts, ts + 300)).toBe(true);
    expect(guard.firstSighting('a', ts, ts + 300)).toBe(false);
    clock += 301_000;
    expect(guard.firstSighting('a', ts, ts + 300)).toBe(true); // verifyWebhook refuses this timestamp by now anyway
    for (const k of ['b', 'c', 'd', 'e']) expect(guard.firstSighting(k, ts + 400, ts + 700)).toBe(true);
    expect(guard.firstSighting('e', ts + 400, ts + 700)).toBe(false);
  });
});
