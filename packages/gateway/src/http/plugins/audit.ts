import type { FastifyInstance } from 'fastify';
import { hmacSha256Hex } from '../../crypto/hash.js';
import type { AuditLog } from '../../modules/audit/audit-log.js';
import type { Clock } from '../../clock.js';

/**
 * One audit record per request on an authenticated route (shared/SPEC.md
 * §5), whatever its outcome: a 401 is recorded as faithfully as a 200. The
 * body is represented only by a keyed HMAC, so equal bodies can be matched
 * by support without the body (or anything in it) being stored.
 */
export function registerAudit(app: FastifyInstance, deps: { audit: AuditLog; fingerprintKey: Buffer; clock: Clock }): void {
  app.addHook('onResponse', async (request, reply) => {
    const credential = request.credential;
    if (!credential) return;
    const durationMs = Math.round(reply.elapsedTime);
    deps.audit.record({
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
      warnings: request.auditWarnings ?? [],
    });
  });
}
