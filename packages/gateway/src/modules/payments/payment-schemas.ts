import { Type, type Static } from '@sinclair/typebox';
import { BrowserDetailsSchema } from '../../connectors/browser-details.js';

/**
 * POST /v1/payments/collect: the one definition (route schema and use-case
 * input). `hosted_session_id` must look like one of the configured card
 * network's hosted sessions.
 */
export function collectBody(hostedSessionIdPattern: string) {
  return Type.Object(
    {
      payment_method: Type.Literal('card'),
      hosted_session_id: Type.String({ pattern: hostedSessionIdPattern }),
      browser: Type.Optional(BrowserDetailsSchema),
      // Legacy callers only; the session's values are what is charged.
      amount: Type.Optional(Type.String({ maxLength: 64 })),
      currency: Type.Optional(Type.String({ maxLength: 16 })),
      customer_reference: Type.Optional(Type.String({ maxLength: 512 })),
    },
    { additionalProperties: false },
  );
}

export type CollectInput = Static<ReturnType<typeof collectBody>>;

/** POST /v1/payments/{id}/refunds: no amount refunds what is left. */
export const RefundBody = Type.Object({ amount: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) }, { additionalProperties: false });

export type RefundInput = Static<typeof RefundBody>;

/** POST /v1/payments/{id}/authenticate: after the 3-D Secure method, the browser's details again. */
export const AuthenticateBody = Type.Object({ browser: Type.Optional(BrowserDetailsSchema) }, { additionalProperties: false });

export type AuthenticateInput = Static<typeof AuthenticateBody>;
/** POST /v1/payments/{id}/capture: no amount captures the whole authorization; a smaller amount captures part of it (once). */
export const CaptureBody = Type.Object({ amount: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })) }, { additionalProperties: false });

export type CaptureInput = Static<typeof CaptureBody>;

/** POST /v1/payments/{id}/cancel: no fields. */
export const CancelBody = Type.Object({}, { additionalProperties: false });
