import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../crypto/compare.js';
import { ApiError } from '../../errors.js';
import { can, type Permission } from '../../modules/users/roles.js';
import type { UserService } from '../../modules/users/user-service.js';
import type { DashboardUser } from '../../modules/users/user-repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Dashboard API routes: 'public' (setup, sign-in) or the permission the signed-in user's role must hold. */
    dashboard?: 'public' | Permission;
  }
  interface FastifyRequest {
    dashboardUser?: DashboardUser;
    dashboardSession?: { token: string; idHash: string };
  }
}

export interface CookieSettings {
  secure: boolean;
  /** The session cookie: `__Host-` prefixed under TLS (then it must be Path=/). */
  session: string;
  /** The short-lived cookie between the password and the code step. */
  codeStep: string;
  path: string;
}

export function cookieSettings(secure: boolean): CookieSettings {
  return secure
    ? { secure, session: '__Host-pdirect_dashboard', codeStep: '__Host-pdirect_dashboard_code', path: '/' }
    : { secure, session: 'pdirect_dashboard', codeStep: 'pdirect_dashboard_code', path: '/dashboard' };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every dashboard API request, before its body is read: recorded in the
 * audit log as the dashboard user (or as an anonymous dashboard caller on
 * the sign-in routes); a state change must come from the dashboard's own
 * origin (Origin header, and Sec-Fetch-Site when the browser sends it) and,
 * once signed in, carry the session's CSRF token; the session must be live;
 * and the user's role must hold the route's permission.
 */
export function registerDashboardGuard(app: FastifyInstance, deps: { users: UserService; cookies: CookieSettings; allowedOrigins: string[] }): void {
  app.decorateRequest('dashboardUser', undefined);
  app.decorateRequest('dashboardSession', undefined);

  app.addHook('onRequest', async (request, reply) => {
    const rule = request.routeOptions.config.dashboard;
    if (rule === undefined) return;
    request.credential = { type: 'dashboard_user', id: null, merchantId: null };
    if (!SAFE_METHODS.has(request.method)) checkOrigin(request, deps.allowedOrigins);
    if (rule === 'public') return;

    const token = request.cookies[deps.cookies.session];
    const signedIn = await deps.users.authenticate(token);
    if (!signedIn) {
      if (token) clearCookie(reply, deps.cookies.session, deps.cookies);
      throw new ApiError('1705', 'sign in to the dashboard');
    }
    request.dashboardUser = signedIn.user;
    request.dashboardSession = { token: token!, idHash: signedIn.sessionIdHash };
    request.credential = { type: 'dashboard_user', id: signedIn.user.id, merchantId: signedIn.user.merchant_id };
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !constantTimeEqual(sent, deps.users.csrfToken(token!)))
        throw new ApiError('1704', 'the CSRF token is missing or wrong; reload the dashboard');
    }
    if (!can(signedIn.user.role, rule)) throw new ApiError('1703', `your role (${signedIn.user.role}) cannot do this`);
  });
}

function checkOrigin(request: FastifyRequest, allowed: string[]): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') throw new ApiError('1704', 'cross-site request refused');
  const origin = request.headers.origin;
  const own = `${request.protocol}://${request.host}`;
  if (typeof origin !== 'string' || !(origin === own || allowed.includes(origin)))
    throw new ApiError('1704', 'the request must come from the dashboard itself (Origin header)');
}

export function setCookie(reply: FastifyReply, name: string, value: string, cookies: CookieSettings, maxAgeSeconds: number): void {
  reply.setCookie(name, value, { path: cookies.path, httpOnly: true, sameSite: 'strict', secure: cookies.secure, maxAge: maxAgeSeconds });
}

export function clearCookie(reply: FastifyReply, name: string, cookies: CookieSettings): void {
  reply.clearCookie(name, { path: cookies.path, httpOnly: true, sameSite: 'strict', secure: cookies.secure });
}
