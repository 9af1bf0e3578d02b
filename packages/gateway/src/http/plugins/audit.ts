import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hmacSha256Hex } from '../../crypto/hash.js';
import type { AuditLog } from '../../modules/audit/audit-log.js';
import type { AuditRepository, CredentialType } from '../../modules/audit/audit-repository.js';
import type { MoneyRequestScope } from '../../modules/audit/state-change-audit.js';
import { bearerToken, parseMerchantSecret } from '../../modules/keys/key-format.js';
import type { Clock } from '../../clock.js';
import { unavailableReason } from '../../storage/database.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Opens the audit scope of a money-moving request (see modules/audit/state-change-audit.ts). */
    moneyAudit: (statusFor: MoneyRequestScope['statusFor']) => MoneyRequestScope;
    moneyAuditScope?: MoneyRequestScope;
  }
  interface FastifyContextConfig {
    /** A public route that can move money: audited although no credential is presented. */
    auditPublic?: boolean;
  }
}

/** Public routes that can move money, recorded like authenticated ones (the 3-D Secure return settles a payment). */
const MONEY_MOVING_PUBLIC_ROUTES = new Set(['/v1/3ds/return/:payment_id']);

/**
 * One audit record per request on an authenticated route, whatever its
 * outcome (a 401 as faithfully as a 200), per request on a public route that
 * can move money, and per merchant request refused before it reached a route
 * (405 on a known path; 404 with a credential presented).
 *
 * The record is durable before the answer leaves: onSend waits for the
 * group commit of its batch (modules/audit/audit-log.ts). If it cannot be
 * written the answer becomes 503 1901: no answered request goes unrecorded.
 *
 * The body is represented only by a keyed HMAC, so equal bodies can be
 * matched by support without the body (or anything in it) being stored.
 */
export function registerAudit(
  app: FastifyInstance,
  deps: { audit: AuditLog; records: Pick<AuditRepository, 'findByRequestId'>; fingerprintKey: Buffer; clock: Clock },
): void {
  app.decorateRequest('moneyAudit', null as unknown as FastifyRequest['moneyAudit']);
  app.addHook('onRequest', async (request) => {
    const startedAt = deps.clock.now();
    // A money-moving route opens this scope around its use case: the record is then written with the state change.
    request.moneyAudit = (statusFor) => {
      const credential = auditedCredential(request, 200) ?? { type: 'public' as const, id: null, merchantId: null };
      const scope: MoneyRequestScope = {
        base: {
          requestId: request.id,
          at: startedAt,
          credentialType: credential.type,
          credentialId: credential.id,
          merchantId: credential.merchantId,
          sourceIp: request.ip,
          userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
          method: request.method,
          path: request.url.split('?')[0] ?? request.url,
          bodyFingerprint: request.rawBody ? hmacSha256Hex(deps.fingerprintKey, request.rawBody) : null,
          warnings: request.auditWarnings ?? [],
        },
        startedAt,
        statusFor,
      };
      request.moneyAuditScope = scope;
      return scope;
    };
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const credential = auditedCredential(request, reply.statusCode);
    if (!credential) return payload;
    // Already recorded in the transaction of the state change it caused: that is the request's one record.
    const recorded = request.moneyAuditScope?.recorded;
    if (recorded !== undefined) {
      if (recorded !== reply.statusCode) {
        request.log.warn({ recorded_status: recorded, status: reply.statusCode }, 'the answer differs from the status recorded with the state change');
      }
      return payload;
    }
    // The state change's transaction failed during its COMMIT: it may have committed, record included. One record per request.
    if (request.moneyAuditScope?.uncertain !== undefined) {
      const found = await deps.records.findByRequestId(request.id).catch(() => []);
      if (found.length > 0) {
        request.log.warn(
          { recorded_status: found[0]!.status, status: reply.statusCode },
          'the state change committed with its record although its commit seemed to fail',
        );
        return payload;
      }
    }
    const durationMs = Math.round(reply.elapsedTime);
    try {
      await deps.audit.append({
        requestId: request.id,
        at: deps.clock.now() - durationMs,
        credentialType: credential.type,
        credentialId: credential.id,
        merchantId: credential.merchantId,
        sourceIp: request.ip,
        userAgent: request.headers['user-agent']?.slice(0, 512) ?? null,
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        status: reply.statusCode,
        durationMs,
        bodyFingerprint: request.rawBody ? hmacSha256Hex(deps.fingerprintKey, request.rawBody) : null,
        // A money-moving request that changed no money state yet (e.g. it answered with the 3-D Secure
        // method step) still carries what its use case noted, such as the fraud screening's decision.
        warnings: [...new Set([...(request.auditWarnings ?? []), ...(request.moneyAuditScope?.base.warnings ?? [])])],
      });
      return payload;
    } catch (err) {
      // Logged by the audit log with the request id. The answer must not leave unrecorded.
      const why = unavailableReason(err) === 'disk_full' ? ' (storage is full)' : '';
      reply.removeHeader('location');
      reply.code(503).header('retry-after', '1').type('application/json; charset=utf-8');
      return JSON.stringify({
        error: { status: 503, error_code: '1901', message: `the request could not be recorded${why}; retry shortly`, request_id: request.id },
      });
    }
  });
}

function auditedCredential(request: FastifyRequest, status: number): { type: CredentialType; id: string | null; merchantId: string | null } | undefined {
  if (request.credential) return request.credential;
  const config = request.routeOptions.config;
  if (config?.auditPublic || (request.routeOptions.url && MONEY_MOVING_PUBLIC_ROUTES.has(request.routeOptions.url))) {
    return { type: 'public', id: null, merchantId: null };
  }
  const presented = request.headers.authorization !== undefined;
  const refusedBeforeRoute = config?.methodNotAllowed === true || (status === 404 && !request.routeOptions.url);
  if (!refusedBeforeRoute || !request.url.startsWith('/v1/') || (!presented && status !== 405)) return undefined;
  const keyId = parseMerchantSecret(bearerToken(request.headers.authorization) ?? '')?.keyId ?? null;
  return keyId ? { type: 'merchant_key', id: keyId, merchantId: null } : { type: 'public', id: null, merchantId: null };
}
