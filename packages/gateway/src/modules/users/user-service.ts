import { hmacSha256Hex, sha256Hex } from '../../crypto/hash.js';
import { ApiError } from '../../errors.js';
import { isRole, type DashboardRole } from './roles.js';
import { ACCOUNT_POLICY } from './sign-in-throttle.js';
import { SESSION_IDLE_MS, signInWithCode, signInWithPassword } from './sign-in.js';
import type { UserDeps } from './user-deps.js';
import type { DashboardUser } from './user-repository.js';
import { completeSetup, createUser, describeSetup, reissueSetupLink, setupUrl } from './user-setup.js';

export { CODE_STEP_TTL_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SIGN_IN_FAILED } from './sign-in.js';
export { normaliseEmail } from './user-deps.js';
export { SETUP_LINK_TTL_MS } from './user-setup.js';

const TOUCH_EVERY_MS = 60_000;

export interface SignedInUser {
  user: DashboardUser;
  /** SHA-256 of the cookie value (the session's row id). */
  sessionIdHash: string;
}

export interface UserView {
  id: string;
  email: string;
  role: DashboardRole;
  status: DashboardUser['status'];
  created_at: string;
}

export function userView(user: DashboardUser): UserView {
  return { id: user.id, email: user.email, role: user.role, status: user.status, created_at: new Date(user.created_at).toISOString() };
}

/**
 * Dashboard identities: invitation by one-time setup link, password +
 * TOTP enrolment (user-setup.ts), two-step sign-in with lockout (sign-in.ts),
 * browser sessions with idle and absolute timeouts, and the team an owner
 * manages. Secrets are stored only as hashes (password: Argon2id; link,
 * session and recovery codes: SHA-256 / keyed HMAC) or sealed (TOTP secret,
 * which must be read back).
 */
export class UserService {
  constructor(private readonly deps: UserDeps) {}

  /** A user who has not set a password yet, and the one-time link that lets them (24 h). */
  create(input: {
    merchantId: string;
    email: string;
    role: string;
    createdBy?: string | null;
  }): Promise<{ user: DashboardUser; setupUrl: string; expiresAt: number }> {
    return createUser(this.deps, input);
  }

  /** A fresh setup link for a user who has not finished setup; earlier links stop working. */
  reissueSetupLink(userId: string): Promise<{ setupUrl: string; expiresAt: number }> {
    return reissueSetupLink(this.deps, userId);
  }

  /** The token travels in the fragment: browsers never send it to a server or in a Referer. */
  setupUrl(token: string): string {
    return setupUrl(this.deps, token);
  }

  /** What the setup page shows: the address, and the TOTP secret to enrol (as text and as an otpauth URI for the QR code). */
  describeSetup(token: string): Promise<{ user: DashboardUser; totpSecret: string; otpauthUri: string }> {
    return describeSetup(this.deps, token);
  }

  /** Sets the password and the TOTP secret (proved by a code from it), spends the link, and hands out recovery codes once. */
  completeSetup(token: string, password: string, code: string): Promise<{ user: DashboardUser; recoveryCodes: string[] }> {
    return completeSetup(this.deps, token, password, code);
  }

  /** Step one: e-mail and password; the same answer and work whatever went wrong. */
  signInWithPassword(emailInput: string, password: string, ip: string): Promise<{ codeStepToken: string; user: DashboardUser }> {
    return signInWithPassword(this.deps, emailInput, password, ip);
  }

  /** Step two: the TOTP code (or a recovery code); a new session id is issued (no fixation). */
  signInWithCode(codeStepToken: string | undefined, code: string, ip: string): Promise<{ sessionToken: string; user: DashboardUser }> {
    return signInWithCode(this.deps, codeStepToken, code, ip);
  }

  /** The signed-in user behind a session cookie, or undefined (unknown, code step only, idle too long, past its absolute end, user disabled). */
  async authenticate(sessionToken: string | undefined): Promise<SignedInUser | undefined> {
    if (!sessionToken || sessionToken.length > 100) return undefined;
    const idHash = sha256Hex(sessionToken);
    const session = await this.deps.users.findSession(idHash);
    const now = this.deps.clock.now();
    if (!session || session.stage !== 'active') return undefined;
    if (session.expires_at <= now || now - session.last_seen_at >= SESSION_IDLE_MS) {
      await this.deps.users.deleteSession(idHash);
      return undefined;
    }
    const user = await this.deps.users.findById(session.user_id);
    if (!user || user.status !== 'active') return undefined;
    if (now - session.last_seen_at >= TOUCH_EVERY_MS) await this.deps.users.touchSession(idHash, now);
    return { user, sessionIdHash: idHash };
  }

  /** The synchronizer token for state-changing requests: bound to the session, useless without its cookie. */
  csrfToken(sessionToken: string): string {
    return hmacSha256Hex(this.deps.hmacKey, `csrf:${sessionToken}`);
  }

  async signOut(sessionIdHash: string): Promise<void> {
    await this.deps.users.deleteSession(sessionIdHash);
  }

  async signOutEverywhere(userId: string): Promise<number> {
    return this.deps.users.deleteSessionsOf(userId);
  }

  async team(merchantId: string): Promise<DashboardUser[]> {
    return this.deps.users.listByMerchant(merchantId);
  }

  async changeRole(merchantId: string, userId: string, role: string): Promise<DashboardUser> {
    if (!isRole(role)) throw new ApiError('1010', 'role: one of owner, developer, viewer');
    const user = await this.#member(merchantId, userId);
    if (user.role === 'owner' && role !== 'owner' && (await this.deps.users.countActiveOwners(merchantId)) <= 1) {
      throw new ApiError('1010', 'role: the merchant would be left without an owner');
    }
    await this.deps.users.update(user.id, { role }, this.deps.clock.now());
    return { ...user, role };
  }

  /** Removes a member: disabled (kept for the audit trail), signed out everywhere. */
  async remove(merchantId: string, userId: string): Promise<DashboardUser> {
    const user = await this.#member(merchantId, userId);
    if (user.role === 'owner' && (await this.deps.users.countActiveOwners(merchantId)) <= 1)
      throw new ApiError('1010', 'user: the merchant would be left without an owner');
    await this.deps.users.update(user.id, { status: 'disabled' }, this.deps.clock.now());
    await this.deps.users.deleteSessionsOf(user.id);
    await this.deps.users.retireSetupLinks(user.id, this.deps.clock.now());
    return { ...user, status: 'disabled' };
  }

  async get(userId: string): Promise<DashboardUser | undefined> {
    return this.deps.users.findById(userId);
  }

  /** Periodic clean-up: dead sessions and forgotten throttle rows. */
  async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.users.deleteExpiredSessions(now, now - SESSION_IDLE_MS);
    await this.deps.throttle.sweep(now, ACCOUNT_POLICY.forgetAfterMs);
  }

  async #member(merchantId: string, userId: string): Promise<DashboardUser> {
    const user = await this.deps.users.findById(userId);
    if (!user || user.merchant_id !== merchantId) throw new ApiError('1011', `no user ${userId}`);
    return user;
  }
}
