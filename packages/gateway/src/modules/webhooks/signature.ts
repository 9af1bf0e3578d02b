import { hmacSha256Base64 } from '../../crypto/index.js';
import type { Secret } from '../../crypto/secret.js';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed
 * content is `${webhook-id}.${webhook-timestamp}.${body}`, the key is the
 * base64-decoded part of the `whsec_` secret, and `webhook-signature` lists
 * one `v1,<base64 HMAC-SHA256>` per active secret, space-separated, so that
 * receivers holding either the old or the new secret accept during rotation.
 */
export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

const PREFIX = 'whsec_';

/** The HMAC key of a `whsec_` secret. Throws (without the secret in the message) if it is not in that form. */
export function webhookSigningKey(secret: Secret<string>): Buffer {
  const value = secret.reveal();
  const encoded = value.startsWith(PREFIX) ? value.slice(PREFIX.length) : '';
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16 || key.toString('base64') !== encoded) throw new Error('webhook secret is not in whsec_<base64> form');
  return key;
}

export function signWebhook(eventId: string, timestampSeconds: number, body: string, secrets: readonly Secret<string>[]): SignedHeaders {
  if (secrets.length === 0) throw new Error('no webhook secret to sign with');
  const content = `${eventId}.${timestampSeconds}.${body}`;
  const signatures = secrets.map((s) => `v1,${hmacSha256Base64(webhookSigningKey(s), content)}`);
  return { 'webhook-id': eventId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
}
