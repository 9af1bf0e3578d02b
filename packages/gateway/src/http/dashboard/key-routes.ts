import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../duration.js';
import { ApiError } from '../../errors.js';
import { iso, merchantOf, type ConsoleDeps } from './console-common.js';

const KeyId = Type.String({ pattern: '^[a-z2-7]{16}$' });
const CidrList = Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 });
const CreateKeyBody = Type.Object({ ip_allowlist: Type.Optional(CidrList) }, { additionalProperties: false });
const RevokeBody = Type.Object({ expires_in: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false });
const AllowlistBody = Type.Object({ ip_allowlist: CidrList }, { additionalProperties: false });
const RotateBody = Type.Object({ overlap: Type.Optional(Type.String({ maxLength: 10 })) }, { additionalProperties: false });

/** API keys (list with last use, issue, revoke, IP allow-list) and the webhook signing secret's rotation. */
export function dashboardKeyRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

  app.get('/dashboard/api/keys', { config: { dashboard: 'read' } }, async (request) => {
    const keys = await services.keyService.list(merchantOf(request));
    const lastUsed = await services.auditRepository.lastUsed(
      merchantOf(request),
      keys.map((k) => k.key_id),
    );
    return { data: keys.map((k) => ({ ...k, last_used_at: iso(lastUsed.get(k.key_id)) })).reverse() };
  });

  app.post<{ Body: Static<typeof CreateKeyBody> }>(
    '/dashboard/api/keys',
    { config: { dashboard: 'manage_keys' }, schema: { body: CreateKeyBody } },
    async (request, reply) => {
      const issued = await services.keyService.issue(merchantOf(request), request.body.ip_allowlist ?? []);
      return reply.code(201).send({ key_id: issued.keyId, ip_allowlist: issued.ipAllowlist, merchant_secret: issued.merchantSecret.reveal() });
    },
  );

  app.post<{ Params: { key_id: string }; Body: Static<typeof RevokeBody> }>(
    '/dashboard/api/keys/:key_id/revoke',
    { config: { dashboard: 'manage_keys' }, schema: { params: Type.Object({ key_id: KeyId }), body: RevokeBody } },
    async (request) => {
      const keys = await services.keyService.list(merchantOf(request));
      if (!keys.some((k) => k.key_id === request.params.key_id)) throw new ApiError('1011', `no key ${request.params.key_id}`);
      let expiresInMs: number | undefined;
      if (request.body.expires_in) {
        expiresInMs = parseDuration(request.body.expires_in);
        if (expiresInMs === undefined) throw new ApiError('1010', 'expires_in: a duration such as 30m, 24h or 7d');
      }
      return services.keyService.revoke(request.params.key_id, expiresInMs);
    },
  );

  app.put<{ Params: { key_id: string }; Body: Static<typeof AllowlistBody> }>(
    '/dashboard/api/keys/:key_id/ip-allowlist',
    { config: { dashboard: 'manage_keys' }, schema: { params: Type.Object({ key_id: KeyId }), body: AllowlistBody } },
    async (request) =>
      services.keyService.setIpAllowlist(merchantOf(request), request.params.key_id, request.body.ip_allowlist.map((c) => c.trim()).filter(Boolean)),
  );

  app.post<{ Body: Static<typeof RotateBody> }>(
    '/dashboard/api/webhook-secret/rotate',
    { config: { dashboard: 'manage_webhooks' }, schema: { body: RotateBody } },
    async (request) => {
      const overlap = parseDuration(request.body.overlap ?? '24h');
      if (overlap === undefined) throw new ApiError('1010', 'overlap: a duration such as 0s, 1h or 24h');
      const rotated = await services.webhooks.rotateSecret(merchantOf(request), overlap);
      return { webhook_secret: rotated.webhookSecret.reveal(), previous_expires_at: iso(rotated.previousExpiresAt) };
    },
  );
}
