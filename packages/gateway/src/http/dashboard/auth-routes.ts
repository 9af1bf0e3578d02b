import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { MerchantService } from '../../modules/merchants/merchant-service.js';
import { permissionsOf } from '../../modules/users/roles.js';
import { CODE_STEP_TTL_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, userView, type UserService } from '../../modules/users/user-service.js';
import { clearCookie, setCookie, type CookieSettings } from './guard.js';

const Token = Type.String({ minLength: 1, maxLength: 100 });
const SetupDescribeBody = Type.Object({ token: Token }, { additionalProperties: false });
const SetupCompleteBody = Type.Object(
  { token: Token, password: Type.String({ maxLength: 1024 }), code: Type.String({ maxLength: 20 }) },
  { additionalProperties: false },
);
const SignInBody = Type.Object({ email: Type.String({ maxLength: 320 }), password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false });
const CodeBody = Type.Object({ code: Type.String({ maxLength: 20 }) }, { additionalProperties: false });

/** Setup link, two-step sign-in, the session and signing out. */
export function dashboardAuthRoutes(app: FastifyInstance, deps: { users: UserService; merchants: MerchantService; cookies: CookieSettings }): void {
  const { users, cookies } = deps;

  app.post<{ Body: Static<typeof SetupDescribeBody> }>(
    '/dashboard/api/setup/describe',
    { config: { dashboard: 'public' }, schema: { body: SetupDescribeBody } },
    async (request) => {
      request.rawBody = undefined; // the body carries the link's token: not even its fingerprint is kept
      const setup = await users.describeSetup(request.body.token);
      request.credential = { type: 'dashboard_user', id: setup.user.id, merchantId: setup.user.merchant_id };
      const merchant = await deps.merchants.get(setup.user.merchant_id);
      return { email: setup.user.email, role: setup.user.role, merchant_name: merchant.name, totp_secret: setup.totpSecret, otpauth_uri: setup.otpauthUri };
    },
  );

  app.post<{ Body: Static<typeof SetupCompleteBody> }>(
    '/dashboard/api/setup/complete',
    { config: { dashboard: 'public' }, schema: { body: SetupCompleteBody } },
    async (request) => {
      request.rawBody = undefined;
      const done = await users.completeSetup(request.body.token, request.body.password, request.body.code);
      request.credential = { type: 'dashboard_user', id: done.user.id, merchantId: done.user.merchant_id };
      return { user: userView(done.user), recovery_codes: done.recoveryCodes };
    },
  );

  app.post<{ Body: Static<typeof SignInBody> }>(
    '/dashboard/api/sign-in',
    { config: { dashboard: 'public' }, schema: { body: SignInBody } },
    async (request, reply) => {
      request.rawBody = undefined;
      const { codeStepToken, user } = await users.signInWithPassword(request.body.email, request.body.password, request.ip);
      request.credential = { type: 'dashboard_user', id: user.id, merchantId: user.merchant_id };
      setCookie(reply, cookies.codeStep, codeStepToken, cookies, CODE_STEP_TTL_MS / 1000);
      return { next: 'code' };
    },
  );

  app.post<{ Body: Static<typeof CodeBody> }>(
    '/dashboard/api/sign-in/code',
    { config: { dashboard: 'public' }, schema: { body: CodeBody } },
    async (request, reply) => {
      request.rawBody = undefined;
      const { sessionToken, user } = await users.signInWithCode(request.cookies[cookies.codeStep], request.body.code, request.ip);
      request.credential = { type: 'dashboard_user', id: user.id, merchantId: user.merchant_id };
      clearCookie(reply, cookies.codeStep, cookies);
      // Whatever session cookie the browser held before is replaced: the id is new at every sign-in.
      setCookie(reply, cookies.session, sessionToken, cookies, SESSION_ABSOLUTE_MS / 1000);
      return { signed_in: true };
    },
  );

  app.get('/dashboard/api/session', { config: { dashboard: 'read' } }, async (request) => {
    const user = request.dashboardUser!;
    const merchant = await deps.merchants.get(user.merchant_id);
    return {
      user: userView(user),
      merchant: { id: merchant.id, name: merchant.name, mode: merchant.mode },
      permissions: permissionsOf(user.role),
      csrf_token: users.csrfToken(request.dashboardSession!.token),
      idle_timeout_seconds: SESSION_IDLE_MS / 1000,
    };
  });

  app.post('/dashboard/api/sign-out', { config: { dashboard: 'read' } }, async (request, reply) => {
    await users.signOut(request.dashboardSession!.idHash);
    clearCookie(reply, cookies.session, cookies);
    return { signed_out: true };
  });

  app.post('/dashboard/api/sign-out-everywhere', { config: { dashboard: 'read' } }, async (request, reply) => {
    const sessions = await users.signOutEverywhere(request.dashboardUser!.id);
    clearCookie(reply, cookies.session, cookies);
    return { signed_out: true, sessions };
  });
}
