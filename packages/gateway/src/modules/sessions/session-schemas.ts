import { Type, type Static } from '@sinclair/typebox';
import { SUPPORTED_LOCALES } from '../../locales/checkout-messages.js';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[\\x20-\\x7e]+$' });
const Url = Type.String({ minLength: 1, maxLength: 2048 });

/** POST /v1/sessions: the one definition of the mint input (route schema, service type, SDK docs). */
export const MintSessionBody = Type.Object(
  {
    amount: Type.String({ minLength: 1, maxLength: 32 }),
    currency: Type.String({ minLength: 3, maxLength: 3 }),
    customer_reference: Text(255),
    order_id: Text(255),
    notify_url: Url,
    success_redirect_url: Url,
    fail_redirect_url: Url,
    /** Where the checkout's "Back to {merchant}" control goes (allow-listed like the others); default: fail_redirect_url. */
    cancel_url: Type.Optional(Url),
    /** The checkout's language; default: the shopper's Accept-Language. */
    locale: Type.Optional(Type.Union(SUPPORTED_LOCALES.map((code) => Type.Literal(code)))),
    ttl_seconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
    require_otp: Type.Optional(Type.Boolean()),
    customer: Type.Optional(
      Type.Object(
        {
          email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$' })),
          phone: Type.Optional(Type.String({ pattern: '^\\+[1-9][0-9]{6,14}$' })),
        },
        { additionalProperties: false },
      ),
    ),
    metadata: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Type.String({ maxLength: 500 }), { maxProperties: 50 })),
    capture_mode: Type.Optional(Type.Union([Type.Literal('HOSTED_SESSION'), Type.Literal('DIRECT_CAPTURE')])),
    /** `manual`: the payment is authorized only; the merchant captures (POST /v1/payments/{id}/capture) or cancels it. */
    capture_method: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
  },
  { additionalProperties: false },
);

export type MintSessionInput = Static<typeof MintSessionBody>;
