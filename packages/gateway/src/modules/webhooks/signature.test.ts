import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError as PeerVerificationError } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../../sdk-node/src/index.js';
import { Secret } from '../../crypto/secret.js';
import { signWebhook, webhookSigningKey } from './signature.js';
import { generateWebhookSecret } from './webhook-secrets.js';

// Our signer against the independent Standard Webhooks implementation
// (standardwebhooks on npm) in both directions, and against our SDK.
const body = JSON.stringify({
  id: 'evt_abcdefghijklmnopqrst',
  type: 'payment.succeeded',
  timestamp: '2026-01-01T00:00:00.000Z',
  data: { amount: '12.50', note: 'ünïcødé ✓' },
});
const id = 'evt_abcdefghijklmnopqrst';
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures', () => {
  it('what we sign, the standardwebhooks package verifies', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook(id, nowSeconds(), body, [secret]);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret.reveal()).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('what the standardwebhooks package signs, our signer reproduces byte for byte', () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    const peer = new Webhook(secret.reveal()).sign(id, new Date(ts * 1000), body);
    expect(signWebhook(id, ts, body, [secret])['webhook-signature']).toBe(peer);
  });

  it('the SDK verifies what the gateway signs and what the peer signs', () => {
    const secret = generateWebhookSecret();
    const ts = nowSeconds();
    expect(verifyWebhook(body, { ...signWebhook(id, ts, body, [secret]) }, secret.reveal()).id).toBe(id);
    const peerSignature = new Webhook(secret.reveal()).sign(id, new Date(ts * 1000), body);
    expect(
      verifyWebhook(Buffer.from(body), { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': peerSignature }, secret.reveal()).type,
    ).toBe('payment.succeeded');
  });

  it('during rotation: one signature per active secret, either secret verifies (peer and SDK)', () => {
    const [newer, older] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signWebhook(id, nowSeconds(), body, [newer, older]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const s of [newer, older]) {
      expect(() => new Webhook(s.reveal()).verify(body, { ...headers })).not.toThrow();
      expect(() => verifyWebhook(body, { ...headers }, s.reveal())).not.toThrow();
    }
    const stranger = generateWebhookSecret();
    expect(() => new Webhook(stranger.reveal()).verify(body, { ...headers })).toThrow(PeerVerificationError);
  });

  it('the peer rejects a tampered body and an old timestamp', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook(id, nowSeconds(), body, [secret]);
    expect(() => new Webhook(secret.reveal()).verify(body.replace('12.50', '1250.00'), { ...headers })).toThrow(PeerVerificationError);
    const old = signWebhook(id, nowSeconds() - 301, body, [secret]);
    expect(() => new Webhook(secret.reveal()).verify(body, { ...old })).toThrow(PeerVerificationError);
  });

  it('the key is the base64-decoded part after whsec_', () => {
    const raw = randomBytes(32);
    expect(webhookSigningKey(new Secret(`whsec_${raw.toString('base64')}`)).equals(raw)).toBe(true);
    for (const bad of ['', 'whsec_', 'sk_abc', `whsec_${raw.toString('base64url')}!`]) {
      expect(() => webhookSigningKey(new Secret(bad))).toThrow(/whsec_<base64>/);
    }
    try {
      webhookSigningKey(new Secret('whsec_not*base64'));
    } catch (err) {
      expect(String(err)).not.toContain('not*base64');
    }
  });

  it('refuses to sign with no secret', () => {
    expect(() => signWebhook(id, 1, body, [])).toThrow();
  });
});
