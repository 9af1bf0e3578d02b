import { sha256Hex } from '../../crypto/hash.js';
import { hashSecret } from '../../crypto/password.js';
import { randomBase32Lower, randomBase64Url } from '../../crypto/random.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import { passwordProblem } from './password-policy.js';
import { isRole } from './roles.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';
import { EMAIL, normaliseEmail, recoveryHash, type UserDeps } from './user-deps.js';
import type { DashboardUser } from './user-repository.js';

/**
 * Invitation and setup (UserService): a user is invited with a one-time
 * setup link, then sets a password and enrols TOTP through it, and is handed
 * recovery codes once.
 */

export const SETUP_LINK_TTL_MS = 24 * 3_600_000;
const RECOVERY_CODES = 10;

/** A user who has not set a password yet, and the one-time link that lets them (24 h). */
export async function createUser(
  deps: UserDeps,
  input: { merchantId: string; email: string; role: string; createdBy?: string | null },
): Promise<{ user: DashboardUser; setupUrl: string; expiresAt: number }> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email) || email.length > 254) throw new ApiError('1010', 'email: an e-mail address such as ada@shop.example');
  if (!isRole(input.role)) throw new ApiError('1010', 'role: one of owner, developer, viewer');
  if (await deps.users.findByEmail(email)) throw new ApiError('1010', 'email: a dashboard user with this e-mail address already exists');
  const now = deps.clock.now();
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
  await deps.storage.db.transaction().execute(async (trx) => {
    await deps.users.insert(user, trx);
    await deps.users.insertSetupLink(
      { token_hash: sha256Hex(token), user_id: user.id, pending_totp_enc: null, expires_at: now + SETUP_LINK_TTL_MS, used_at: null, created_at: now },
      trx,
    );
  });
  return { user, setupUrl: setupUrl(deps, token), expiresAt: now + SETUP_LINK_TTL_MS };
}

/** A fresh setup link for a user who has not finished setup; earlier links stop working. */
export async function reissueSetupLink(deps: UserDeps, userId: string): Promise<{ setupUrl: string; expiresAt: number }> {
  const user = await deps.users.findById(userId);
  if (!user || user.status !== 'invited') throw new ApiError('1010', 'user: only a user who has not completed setup gets a new setup link');
  const now = deps.clock.now();
  const token = randomBase64Url(32);
  await deps.storage.db.transaction().execute(async (trx) => {
    await deps.users.retireSetupLinks(userId, now, trx);
    await deps.users.insertSetupLink(
      { token_hash: sha256Hex(token), user_id: userId, pending_totp_enc: null, expires_at: now + SETUP_LINK_TTL_MS, used_at: null, created_at: now },
      trx,
    );
  });
  return { setupUrl: setupUrl(deps, token), expiresAt: now + SETUP_LINK_TTL_MS };
}

/** The token travels in the fragment: browsers never send it to a server or in a Referer. */
export function setupUrl(deps: Pick<UserDeps, 'publicUrl'>, token: string): string {
  return `${deps.publicUrl}/dashboard/setup#${token}`;
}

/** What the setup page shows: the address, and the TOTP secret to enrol (as text and as an otpauth URI for the QR code). */
export async function describeSetup(deps: UserDeps, token: string): Promise<{ user: DashboardUser; totpSecret: string; otpauthUri: string }> {
  const { link, user } = await openLink(deps, token);
  if (!link.pending_totp_enc) await deps.users.offerPendingTotp(link.token_hash, deps.keyring.encrypt(await newTotpSecret(), user.id));
  const sealed = (await deps.users.findSetupLink(link.token_hash))!.pending_totp_enc!;
  const totpSecret = deps.keyring.decrypt(sealed, user.id);
  return { user, totpSecret, otpauthUri: await totpUri(totpSecret, user.email) };
}

/** Sets the password and the TOTP secret (proved by a code from it), spends the link, and hands out recovery codes once. */
export async function completeSetup(deps: UserDeps, token: string, password: string, code: string): Promise<{ user: DashboardUser; recoveryCodes: string[] }> {
  const { link, user } = await openLink(deps, token);
  const problem = await passwordProblem(password, user.email);
  if (problem) throw new ApiError('1010', `password: ${problem}`);
  if (!link.pending_totp_enc) throw new ApiError('1706', 'open the setup link again to see the authenticator secret');
  const secret = deps.keyring.decrypt(link.pending_totp_enc, user.id);
  const now = deps.clock.now();
  const step = await verifyTotp(secret, code.trim(), now, null);
  if (step === undefined) throw new ApiError('1010', 'code: the authentication code is not right; enter the 6 digits your authenticator app shows now');
  const passwordHash = await hashSecret(password);
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBase32Lower(10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  const spent = await deps.storage.db.transaction().execute(async (trx) => {
    if (!(await deps.users.useSetupLink(link.token_hash, now, trx))) return false;
    await deps.users.update(user.id, { password_hash: passwordHash, totp_secret_enc: link.pending_totp_enc, totp_last_step: step, status: 'active' }, now, trx);
    await deps.users.replaceRecoveryCodes(
      user.id,
      recoveryCodes.map((c) => recoveryHash(deps, user.id, c)),
      trx,
    );
    return true;
  });
  if (!spent) throw new ApiError('1706');
  return { user: { ...user, status: 'active' }, recoveryCodes };
}

async function openLink(deps: UserDeps, token: string) {
  const link = typeof token === 'string' && token.length <= 100 ? await deps.users.findSetupLink(sha256Hex(token)) : undefined;
  const now = deps.clock.now();
  if (!link || link.used_at !== null || link.expires_at <= now) throw new ApiError('1706');
  const user = await deps.users.findById(link.user_id);
  if (!user || user.status !== 'invited') throw new ApiError('1706');
  return { link, user };
}
