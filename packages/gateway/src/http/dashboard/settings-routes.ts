import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';
import { DEFAULT_WARN_PERIOD_MS, effectiveFingerprintMode } from '../../modules/sessions/fingerprint.js';
import { userView } from '../../modules/users/user-service.js';
import { Id, iso, merchantOf, type ConsoleDeps } from './console-common.js';

const SettingsBody = Type.Object(
  {
    redirect_hosts: Type.Optional(Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 })),
    fingerprint_mode: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('warn'), Type.Literal('enforce'), Type.Null()])),
  },
  { additionalProperties: false },
);
const InviteBody = Type.Object({ email: Type.String({ maxLength: 320 }), role: Type.String({ maxLength: 16 }) }, { additionalProperties: false });
const RoleBody = Type.Object({ role: Type.String({ maxLength: 16 }) }, { additionalProperties: false });

/** The merchant's settings (redirect hosts, fingerprint mode) and its team (invite, change role, remove, setup link). */
export function dashboardSettingsRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const { services } = deps;

  app.get('/dashboard/api/settings', { config: { dashboard: 'read' } }, async (request) => {
    const merchant = await services.merchants.get(merchantOf(request));
    const now = services.clock.now();
    return {
      redirect_hosts: merchant.redirectHosts,
      fingerprint: {
        configured: merchant.fingerprintMode,
        effective: effectiveFingerprintMode(merchant.fingerprintMode, merchant.createdAt, now),
        default_warn_days: DEFAULT_WARN_PERIOD_MS / 86_400_000,
        default_enforce_from: iso(merchant.createdAt + DEFAULT_WARN_PERIOD_MS),
      },
      otp_channels: { email: deps.otp.email, sms: deps.otp.sms },
      risk: await services.risk.policy(merchantOf(request)),
      mode: deps.mode,
    };
  });

  app.put<{ Body: Static<typeof SettingsBody> }>(
    '/dashboard/api/settings',
    { config: { dashboard: 'manage_settings' }, schema: { body: SettingsBody } },
    async (request) => {
      const merchant = await services.merchants.update(merchantOf(request), {
        ...(request.body.redirect_hosts !== undefined ? { redirectHosts: request.body.redirect_hosts.map((h) => h.trim()).filter(Boolean) } : {}),
        ...(request.body.fingerprint_mode !== undefined ? { fingerprintMode: request.body.fingerprint_mode } : {}),
      });
      return { redirect_hosts: merchant.redirectHosts, fingerprint_mode: merchant.fingerprintMode };
    },
  );

  app.get('/dashboard/api/team', { config: { dashboard: 'read' } }, async (request) => ({
    data: (await services.users.team(merchantOf(request))).map(userView),
  }));

  app.post<{ Body: Static<typeof InviteBody> }>(
    '/dashboard/api/team',
    { config: { dashboard: 'manage_team' }, schema: { body: InviteBody } },
    async (request, reply) => {
      const created = await services.users.create({
        merchantId: merchantOf(request),
        email: request.body.email,
        role: request.body.role,
        createdBy: request.dashboardUser!.id,
      });
      return reply.code(201).send({ user: userView(created.user), setup_url: created.setupUrl, expires_at: iso(created.expiresAt) });
    },
  );

  app.put<{ Params: { user_id: string }; Body: Static<typeof RoleBody> }>(
    '/dashboard/api/team/:user_id',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }), body: RoleBody } },
    async (request) => userView(await services.users.changeRole(merchantOf(request), request.params.user_id, request.body.role)),
  );

  app.post<{ Params: { user_id: string } }>(
    '/dashboard/api/team/:user_id/remove',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }) } },
    async (request) => userView(await services.users.remove(merchantOf(request), request.params.user_id)),
  );

  app.post<{ Params: { user_id: string } }>(
    '/dashboard/api/team/:user_id/setup-link',
    { config: { dashboard: 'manage_team' }, schema: { params: Type.Object({ user_id: Id('usr') }) } },
    async (request) => {
      const member = (await services.users.team(merchantOf(request))).find((u) => u.id === request.params.user_id);
      if (!member) throw new ApiError('1011', `no user ${request.params.user_id}`);
      const link = await services.users.reissueSetupLink(member.id);
      return { setup_url: link.setupUrl, expires_at: iso(link.expiresAt) };
    },
  );
}
