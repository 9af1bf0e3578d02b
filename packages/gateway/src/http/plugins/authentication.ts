import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../errors.js';
import type { CredentialType } from '../../modules/audit/audit-repository.js';
import { IDEMPOTENT_METHODS } from '../../modules/idempotency/idempotency-request.js';
import type { MerchantAuthenticator } from '../../modules/keys/authenticator.js';
import { parseMerchantSecret, bearerToken } from '../../modules/keys/key-format.js';
import type { CheckoutSession } from '../../modules/sessions/session-repository.js';
import type { SessionService } from '../../modules/sessions/session-service.js';
import { sessionTokenHash } from '../../modules/sessions/session-token.js';

export type AuthKind = 'merchant' | 'session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which credential the route requires; absent = public route (no audit record). */
    auth?: AuthKind;
    /**
     * With `auth: 'session'`: admit the token in any state (paid, expired,
     * cancelled, locked) after the device check — for reads that tell the
     * shopper where they stand, never for anything that moves money.
     */
    sessionAnyState?: boolean;
  }
  interface FastifyRequest {
    /** Who is calling, once authenticated: a merchant backend... */
    merchant?: { merchantId: string; keyId: string };
    /** ...or the SDK, holding one checkout session's token. */
    sdkSession?: { sessionId: string; merchantId: string };
    /** The SDK caller's checkout session, as read while authenticating. */
    checkoutSession?: CheckoutSession;
    /**
     * A spent session's refusal (1005) held back for a request that carries an
     * Idempotency-Key: the idempotency layer answers with the stored response
     * of that very request if there is one, and raises this otherwise.
     */
    deferredRefusal?: ApiError;
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
export function registerAuthentication(app: FastifyInstance, deps: { merchants: MerchantAuthenticator; sessions: SessionService }): void {
  app.decorateRequest('merchant', undefined);
  app.decorateRequest('sdkSession', undefined);
  app.decorateRequest('checkoutSession', undefined);
  app.decorateRequest('credential', undefined);
  app.decorateRequest('deferredRefusal', undefined);
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
    } else if (kind === 'session') {
      // Until the token is known to be real, the audit record names it only by its hash prefix.
      const token = bearerToken(request.headers.authorization);
      request.credential = { type: 'session_token', id: token ? `sth_${sessionTokenHash(token).slice(0, 16)}` : null, merchantId: null };
      const session = await deps.sessions.sessionForToken(request.headers.authorization);
      // From here on a refusal (expired, used, other device) is recorded against the session it concerns.
      request.credential = { type: 'session_token', id: session.id, merchantId: session.merchant_id };
      const header = request.headers['x-device-fingerprint'];
      const fingerprint = Array.isArray(header) ? header[0] : header;
      let caller;
      try {
        caller = request.routeOptions.config.sessionAnyState
          ? await deps.sessions.admitDevice(session, fingerprint)
          : await deps.sessions.admitSdk(session, fingerprint);
      } catch (err) {
        // An SDK retry of a collect that succeeded finds the session spent: its stored answer is
        // replayed (by the idempotency layer) rather than refused — only to the device that made it.
        if (!(err instanceof ApiError && err.code === '1005' && mayReplay(request, session.device_fingerprint, fingerprint))) throw err;
        request.deferredRefusal = err;
        request.sdkSession = { sessionId: session.id, merchantId: session.merchant_id };
        return;
      }
      request.auditWarnings.push(...caller.warnings);
      request.sdkSession = { sessionId: caller.session.id, merchantId: caller.session.merchant_id };
      request.checkoutSession = caller.session;
    }
  });
}

function mayReplay(request: FastifyRequest, lockedFingerprint: string | null, presented: string | undefined): boolean {
  if (!IDEMPOTENT_METHODS.has(request.method) || request.routeOptions.config.idempotency === false) return false;
  if (request.headers['idempotency-key'] === undefined) return false;
  return lockedFingerprint === null || lockedFingerprint === presented?.trim().toLowerCase();
}

function claimedKeyId(request: FastifyRequest): string | null {
  return parseMerchantSecret(bearerToken(request.headers.authorization) ?? '')?.keyId ?? null;
}
