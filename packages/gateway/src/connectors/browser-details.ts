import { Type, type Static } from '@sinclair/typebox';

/** 3-D Secure 2 challenge window sizes (width × height). */
export const ChallengeWindowSize = Type.Union([
  Type.Literal('FULL_SCREEN'),
  Type.Literal('250_X_400'),
  Type.Literal('390_X_400'),
  Type.Literal('500_X_600'),
  Type.Literal('600_X_400'),
]);

/**
 * What the customer's browser reports for 3-D Secure 2: the one definition,
 * used by the collect route's schema, the payments module and the networks.
 * `userAgent` defaults to the User-Agent header of the payer's own request.
 */
export const BrowserDetailsSchema = Type.Object(
  {
    userAgent: Type.Optional(Type.String({ maxLength: 2048 })),
    acceptHeaders: Type.Optional(Type.String({ maxLength: 2048 })),
    challengeWindowSize: Type.Optional(ChallengeWindowSize),
    colorDepth: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    javaEnabled: Type.Optional(Type.Boolean()),
    language: Type.Optional(Type.String({ maxLength: 35 })),
    screenHeight: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    screenWidth: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** Minutes, as the browser reports. */
    timeZone: Type.Optional(Type.Integer({ minimum: -840, maximum: 840 })),
  },
  { additionalProperties: false },
);

export type BrowserDetails = Static<typeof BrowserDetailsSchema>;
