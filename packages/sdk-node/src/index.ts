/**
 * @pdirect/node — the Pdirect merchant SDK for Node.js: mint checkout
 * sessions, read payments, refund, and verify signed webhooks.
 */
export {
  type CreatedSession,
  Pdirect,
  PdirectError,
  type PdirectFieldError,
  type List,
  type Payment,
  type PaymentStatus,
  type PdirectOptions,
  type Refund,
  type RequestOptions,
  type Session,
  type SessionStatus,
  type SessionCreateParams,
} from './client.js';
export {
  createReplayGuard,
  DEFAULT_TOLERANCE_SECONDS,
  type ReplayGuard,
  verifyWebhook,
  type VerifyOptions,
  type WebhookEvent,
  type WebhookEventType,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationFailure,
} from './webhooks.js';
