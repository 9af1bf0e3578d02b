import { hmacSha256Hex, sha256Hex } from '../../crypto/hash.js';
import { verifyAgainstDummy, verifySecret } from '../../crypto/password.js';
import { randomBase64Url } from '../../crypto/random.js';
import { ApiError } from '../../errors.js';
import { ACCOUNT_POLICY, IP_POLICY } from './sign-in-throttle.js';
import { verifyTotp } from './totp.js';
import { EMAIL, normaliseEmail, recoveryHash, type UserDeps } from './user-deps.js';
import type { DashboardUser } from './user-repository.js';

/**
 * Two-step sign-in with lockout (UserService): e-mail and password, then the
 * authentication code, each failure counted per account and per client
 * address; success opens a browser session.
 */

/** Between a right password and the authentication code. */
export const CODE_STEP_TTL_MS = 5 * 60_000;
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;

/** The one answer to every failed sign-in step, whatever went wrong. */
export const SIGN_IN_FAILED = 'The e-mail address, password or authentication code is not right.';

/**
 * Step one: e-mail and password. Whether the address is unknown, the
 * account not set up, or the password wrong, the answer and the work
 * (one Argon2id verification) are the same. On success a short-lived
 * "code step" session is returned for step two.
 */
export async function signInWithPassword(
  deps: UserDeps,
  emailInput: string,
  password: string,
  ip: string,
): Promise<{ codeStepToken: string; user: DashboardUser }> {
  const email = normaliseEmail(emailInput);
  const buckets = bucketsOf(deps, email, ip);
  await refuseIfLocked(deps, buckets);
  const user = EMAIL.test(email) ? await deps.users.findByEmail(email) : undefined;
  const usable = user && user.status === 'active' && user.password_hash !== null;
  const ok = usable ? await verifySecret(user.password_hash!, password) : await verifyAgainstDummy(password);
  if (!ok || !user) {
    await fail(deps, buckets);
    throw new ApiError('1701', SIGN_IN_FAILED);
  }
  const now = deps.clock.now();
  const token = randomBase64Url(32);
  await deps.users.insertSession({
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
export async function signInWithCode(
  deps: UserDeps,
  codeStepToken: string | undefined,
  code: string,
  ip: string,
): Promise<{ sessionToken: string; user: DashboardUser }> {
  const now = deps.clock.now();
  const step = codeStepToken ? await deps.users.findSession(sha256Hex(codeStepToken)) : undefined;
  if (!step || step.stage !== 'code' || step.expires_at <= now) throw new ApiError('1701', SIGN_IN_FAILED);
  const user = await deps.users.findById(step.user_id);
  if (!user || user.status !== 'active' || !user.totp_secret_enc) throw new ApiError('1701', SIGN_IN_FAILED);
  const buckets = bucketsOf(deps, user.email, ip);
  await refuseIfLocked(deps, buckets);
  const typed = code.trim().toLowerCase();
  let ok = false;
  if (/^[0-9]{6}$/.test(typed)) {
    const secret = deps.keyring.decrypt(user.totp_secret_enc, user.id);
    const accepted = await verifyTotp(secret, typed, now, user.totp_last_step);
    ok = accepted !== undefined && (await deps.users.advanceTotpStep(user.id, accepted, now));
  } else if (/^[a-z2-7]{5}-?[a-z2-7]{5}$/.test(typed)) {
    ok = await deps.users.useRecoveryCode(user.id, recoveryHash(deps, user.id, typed), now);
  }
  if (!ok) {
    await fail(deps, buckets);
    throw new ApiError('1701', SIGN_IN_FAILED);
  }
  // The code-step id is never promoted: a fresh, unguessable id becomes the session.
  if (!(await deps.users.deleteSession(step.id_hash))) throw new ApiError('1701', SIGN_IN_FAILED);
  await deps.throttle.clear(buckets.account);
  const sessionToken = randomBase64Url(32);
  await deps.users.insertSession({
    id_hash: sha256Hex(sessionToken),
    user_id: user.id,
    stage: 'active',
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_ABSOLUTE_MS,
  });
  return { sessionToken, user };
}

function bucketsOf(deps: Pick<UserDeps, 'hmacKey'>, email: string, ip: string) {
  return { account: `account:${hmacSha256Hex(deps.hmacKey, `sign-in:${email}`).slice(0, 40)}`, ip: `ip:${ip.slice(0, 64)}` };
}

async function refuseIfLocked(deps: UserDeps, buckets: { account: string; ip: string }): Promise<void> {
  const now = deps.clock.now();
  const until = Math.max((await deps.throttle.lockedUntil(buckets.account, now)) ?? 0, (await deps.throttle.lockedUntil(buckets.ip, now)) ?? 0);
  if (until > now) {
    const seconds = Math.ceil((until - now) / 1000);
    throw new ApiError('1702', `Too many sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, { 'Retry-After': String(seconds) });
  }
}

async function fail(deps: UserDeps, buckets: { account: string; ip: string }): Promise<void> {
  const now = deps.clock.now();
  await deps.throttle.recordFailure(buckets.account, now, ACCOUNT_POLICY);
  await deps.throttle.recordFailure(buckets.ip, now, IP_POLICY);
}
