import type { Clock } from '../../clock.js';
import { hmacSha256Hex, sha256Hex } from '../../crypto/hash.js';
import type { Keyring } from '../../crypto/keyring.js';
import { hashSecret, verifyAgainstDummy, verifySecret } from '../../crypto/password.js';
import { randomBase32Lower, randomBase64Url } from '../../crypto/random.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Storage } from '../../storage/database.js';
import { passwordProblem } from './password-policy.js';
import { isRole, type DashboardRole } from './roles.js';
import { ACCOUNT_POLICY, IP_POLICY, type SignInThrottle } from './sign-in-throttle.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';
import type { DashboardUser, UserRepository } from './user-repository.js';

export const SETUP_LINK_TTL_MS = 24 * 3_600_000;
/** Between a right password and the authentication code. */
export const CODE_STEP_TTL_MS = 5 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
const TOUCH_EVERY_MS = 60_000;
const RECOVERY_CODES = 10;

/** The one answer to every failed sign-in step, whatever went wrong. */
export const SIGN_IN_FAILED = 'The e-mail address, password or authentication code is not right.';

const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$/;

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
 * TOTP enrolment, two-step sign-in with lockout, browser sessions with idle
 * and absolute timeouts, and the team an owner manages. Secrets are stored
 * only as hashes (password: Argon2id; link, session and recovery codes:
 * SHA-256 / keyed HMAC) or sealed (TOTP secret, which must be read back).
 */
export class UserService {
  constructor(
    private readonly deps: {
      storage: Storage;
      users: UserRepository;
      throttle: SignInThrottle;
      /** Seals TOTP secrets at rest (user id as associated data). */
      keyring: Keyring;
      /** HMAC key for recovery codes, throttle buckets and CSRF tokens. */
      hmacKey: Buffer;
      clock: Clock;
      publicUrl: string;
    },
  ) {}

  /** A user who has not set a password yet, and the one-time link that lets them (24 h). */
  async create(input: {
    merchantId: string;
    email: string;
    role: string;
    createdBy?: string | null;
  }): Promise<{ user: DashboardUser; setupUrl: string; expiresAt: number }> {
    const email = normaliseEmail(input.email);
    if (!EMAIL.test(email) || email.length > 254) throw new ApiError('1010', 'email: an e-mail address such as ada@shop.example');
    if (!isRole(input.role)) throw new ApiError('1010', 'role: one of owner, developer, viewer');
    if (await this.deps.users.findByEmail(email)) throw new ApiError('1010', 'email: a dashboard user with this e-mail address already exists');
    const now = this.deps.clock.now();
    const user: DashboardUser = {
      id: newId('usr'),
      merchant_id: input.merchantId,
      email,
      role: input.role,
      status: 'invited',
      password_hash: null,
      totp_secret_enc: null,
      totp_last_step: null,
      created_by: input.createdBy ?? null,
      created_at: now,
      updated_at: now,
    };
    const token = randomBase64Url(32);
    await this.deps.storage.db.transaction().execute(async (trx) => {
      await this.deps.users.insert(user, trx);
      await this.deps.users.insertSetupLink(
        { token_hash: sha256Hex(token), user_id: user.id, pending_totp_enc: null, expires_at: now + SETUP_LINK_TTL_MS, used_at: null, created_at: now },
        trx,
      );
    });
    return { user, setupUrl: this.setupUrl(token), expiresAt: now + SETUP_LINK_TTL_MS };
  }

  /** A fresh setup link for a user who has not finished setup; earlier links stop working. */
  async reissueSetupLink(userId: string): Promise<{ setupUrl: string; expiresAt: number }> {
    const user = await this.deps.users.findById(userId);
    if (!user || user.status !== 'invited') throw new ApiError('1010', 'user: only a user who has not completed setup gets a new setup link');
    const now = this.deps.clock.now();
    const token = randomBase64Url(32);
    await this.deps.storage.db.transaction().execute(async (trx) => {
      await this.deps.users.retireSetupLinks(userId, now, trx);
      await this.deps.users.insertSetupLink(
        { token_hash: sha256Hex(token), user_id: userId, pending_totp_enc: null, expires_at: now + SETUP_LINK_TTL_MS, used_at: null, created_at: now },
        trx,
      );
    });
    return { setupUrl: this.setupUrl(token), expiresAt: now + SETUP_LINK_TTL_MS };
  }

  /** The token travels in the fragment: browsers never send it to a server or in a Referer. */
  setupUrl(token: string): string {
    return `${this.deps.publicUrl}/dashboard/setup#${token}`;
  }

  /** What the setup page shows: the address, and the TOTP secret to enrol (as text and as an otpauth URI for the QR code). */
  async describeSetup(token: string): Promise<{ user: DashboardUser; totpSecret: string; otpauthUri: string }> {
    const { link, user } = await this.#openLink(token);
    if (!link.pending_totp_enc) await this.deps.users.offerPendingTotp(link.token_hash, this.deps.keyring.encrypt(await newTotpSecret(), user.id));
    const sealed = (await this.deps.users.findSetupLink(link.token_hash))!.pending_totp_enc!;
    const totpSecret = this.deps.keyring.decrypt(sealed, user.id);
    return { user, totpSecret, otpauthUri: await totpUri(totpSecret, user.email) };
  }

  /** Sets the password and the TOTP secret (proved by a code from it), spends the link, and hands out recovery codes once. */
  async completeSetup(token: string, password: string, code: string): Promise<{ user: DashboardUser; recoveryCodes: string[] }> {
    const { link, user } = await this.#openLink(token);
    const problem = await passwordProblem(password, user.email);
    if (problem) throw new ApiError('1010', `password: ${problem}`);
    if (!link.pending_totp_enc) throw new ApiError('1706', 'open the setup link again to see the authenticator secret');
    const secret = this.deps.keyring.decrypt(link.pending_totp_enc, user.id);
    const now = this.deps.clock.now();
    const step = await verifyTotp(secret, code.trim(), now, null);
    if (step === undefined) throw new ApiError('1010', 'code: the authentication code is not right; enter the 6 digits your authenticator app shows now');
    const passwordHash = await hashSecret(password);
    const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => {
      const raw = randomBase32Lower(10);
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    const spent = await this.deps.storage.db.transaction().execute(async (trx) => {
      if (!(await this.deps.users.useSetupLink(link.token_hash, now, trx))) return false;
      await this.deps.users.update(
        user.id,
        { password_hash: passwordHash, totp_secret_enc: link.pending_totp_enc, totp_last_step: step, status: 'active' },
        now,
        trx,
      );
      await this.deps.users.replaceRecoveryCodes(
        user.id,
        recoveryCodes.map((c) => this.#recoveryHash(user.id, c)),
        trx,
      );
      return true;
    });
    if (!spent) throw new ApiError('1706');
    return { user: { ...user, status: 'active' }, recoveryCodes };
  }

  /**
   * Step one: e-mail and password. Whether the address is unknown, the
   * account not set up, or the password wrong, the answer and the work
   * (one Argon2id verification) are the same. On success a short-lived
   * "code step" session is returned for step two.
   */
  async signInWithPassword(emailInput: string, password: string, ip: string): Promise<{ codeStepToken: string; user: DashboardUser }> {
    const email = normaliseEmail(emailInput);
    const buckets = this.#buckets(email, ip);
    await this.#refuseIfLocked(buckets);
    const user = EMAIL.test(email) ? await this.deps.users.findByEmail(email) : undefined;
    const usable = user && user.status === 'active' && user.password_hash !== null;
    const ok = usable ? await verifySecret(user.password_hash!, password) : await verifyAgainstDummy(password);
    if (!ok || !user) {
      await this.#fail(buckets);
      throw new ApiError('1701', SIGN_IN_FAILED);
    }
    const now = this.deps.clock.now();
    const token = randomBase64Url(32);
    await this.deps.users.insertSession({
      id_hash: sha256Hex(token),
      user_id: user.id,
      stage: 'code',
      created_at: now,
      last_seen_at: now,
      expires_at: now + CODE_STEP_TTL_MS,
    });
    return { codeStepToken: token, user };
  }

  /** Step two: the TOTP code (or a recovery code). The code-step session is spent and a new session id is issued (no fixation). */
  async signInWithCode(codeStepToken: string | undefined, code: string, ip: string): Promise<{ sessionToken: string; user: DashboardUser }> {
    const now = this.deps.clock.now();
    const step = codeStepToken ? await this.deps.users.findSession(sha256Hex(codeStepToken)) : undefined;
    if (!step || step.stage !== 'code' || step.expires_at <= now) throw new ApiError('1701', SIGN_IN_FAILED);
    const user = await this.deps.users.findById(step.user_id);
    if (!user || user.status !== 'active' || !user.totp_secret_enc) throw new ApiError('1701', SIGN_IN_FAILED);
    const buckets = this.#buckets(user.email, ip);
    await this.#refuseIfLocked(buckets);
    const typed = code.trim().toLowerCase();
    let ok = false;
    if (/^[0-9]{6}$/.test(typed)) {
      const secret = this.deps.keyring.decrypt(user.totp_secret_enc, user.id);
      const accepted = await verifyTotp(secret, typed, now, user.totp_last_step);
      ok = accepted !== undefined && (await this.deps.users.advanceTotpStep(user.id, accepted, now));
    } else if (/^[a-z2-7]{5}-?[a-z2-7]{5}$/.test(typed)) {
      ok = await this.deps.users.useRecoveryCode(user.id, this.#recoveryHash(user.id, typed), now);
    }
    if (!ok) {
      await this.#fail(buckets);
      throw new ApiError('1701', SIGN_IN_FAILED);
    }
    // The code-step id is never promoted: a fresh, unguessable id becomes the session.
    if (!(await this.deps.users.deleteSession(step.id_hash))) throw new ApiError('1701', SIGN_IN_FAILED);
    await this.deps.throttle.clear(buckets.account);
    const sessionToken = randomBase64Url(32);
    await this.deps.users.insertSession({
      id_hash: sha256Hex(sessionToken),
      user_id: user.id,
      stage: 'active',
      created_at: now,
      last_seen_at: now,
      expires_at: now + SESSION_ABSOLUTE_MS,
    });
    return { sessionToken, user };
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

  async #openLink(token: string) {
    const link = typeof token === 'string' && token.length <= 100 ? await this.deps.users.findSetupLink(sha256Hex(token)) : undefined;
    const now = this.deps.clock.now();
    if (!link || link.used_at !== null || link.expires_at <= now) throw new ApiError('1706');
    const user = await this.deps.users.findById(link.user_id);
    if (!user || user.status !== 'invited') throw new ApiError('1706');
    return { link, user };
  }

  #buckets(email: string, ip: string) {
    return { account: `account:${hmacSha256Hex(this.deps.hmacKey, `sign-in:${email}`).slice(0, 40)}`, ip: `ip:${ip.slice(0, 64)}` };
  }

  async #refuseIfLocked(buckets: { account: string; ip: string }): Promise<void> {
    const now = this.deps.clock.now();
    const until = Math.max((await this.deps.throttle.lockedUntil(buckets.account, now)) ?? 0, (await this.deps.throttle.lockedUntil(buckets.ip, now)) ?? 0);
    if (until > now) {
      const seconds = Math.ceil((until - now) / 1000);
      throw new ApiError('1702', `Too many sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, { 'Retry-After': String(seconds) });
    }
  }

  async #fail(buckets: { account: string; ip: string }): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.throttle.recordFailure(buckets.account, now, ACCOUNT_POLICY);
    await this.deps.throttle.recordFailure(buckets.ip, now, IP_POLICY);
  }

  #recoveryHash(userId: string, code: string): string {
    return hmacSha256Hex(this.deps.hmacKey, `recovery:${userId}:${code.replace('-', '').toLowerCase()}`);
  }
}

export function normaliseEmail(email: string): string {
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}
