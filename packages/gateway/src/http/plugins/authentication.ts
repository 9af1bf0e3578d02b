import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CredentialType } from '../../modules/audit/audit-repository.js';
import type { MerchantAuthenticator } from '../../modules/keys/authenticator.js';
import { parseMerchantSecret, bearerToken } from '../../modules/keys/key-format.js';

export type AuthKind = 'merchant';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which credential the route requires; absent = public route (no audit record). */
    auth?: AuthKind;
  }
  interface FastifyRequest {
    /** Who is calling, once authenticated. */
    merchant?: { merchantId: string; keyId: string };
    /** For the audit record: the credential presented, even when it failed. */
    credential?: { type: CredentialType; id: string | null; merchantId: string | null };
    auditWarnings: string[];
  }
}

/**
 * Authentication runs in onRequest, before the body is read or validated:
 * an unauthenticated caller learns nothing about the route's schema and
 * costs no parsing.
 */
export function registerAuthentication(app: FastifyInstance, deps: { merchants: MerchantAuthenticator }): void {
  app.decorateRequest('merchant', undefined);
  app.decorateRequest('credential', undefined);
  app.decorateRequest('auditWarnings', null as unknown as string[]);

  app.addHook('onRequest', async (request, reply) => {
    request.auditWarnings = [];
    const kind = request.routeOptions.config.auth;
    if (kind === 'merchant') {
      request.credential = { type: 'merchant_key', id: claimedKeyId(request), merchantId: null };
      const principal = await deps.merchants.authenticate(request.headers.authorization, request.ip);
      request.merchant = { merchantId: principal.merchantId, keyId: principal.keyId };
      request.credential.merchantId = principal.merchantId;
      if (principal.rotationDue) reply.header('Pdirect-Key-Rotation-Due', 'true');
    }
  });
}

function claimedKeyId(request: FastifyRequest): string | null {
  return parseMerchantSecret(bearerToken(request.headers.authorization) ?? '')?.keyId ?? null;
}
