/**
 * Time-based one-time passwords (RFC 6238) for dashboard sign-in, through
 * otplib: SHA-1, 6 digits, 30-second steps — what every authenticator app
 * reads from an otpauth:// URI. A code is accepted for the current step and
 * the one before (a phone clock a little behind), and never for a step at or
 * before the last one accepted, so a code cannot be replayed. otplib is
 * loaded on first use, not at start.
 */
export const TOTP_PERIOD_SECONDS = 30;

const otplib = () => import('otplib');

export async function newTotpSecret(): Promise<string> {
  return (await otplib()).generateSecret({ length: 20 });
}

export async function totpUri(secret: string, account: string, issuer = 'Pdirect'): Promise<string> {
  return (await otplib()).generateURI({ issuer, label: account, secret });
}

/** The code for `atMs` (tests use it as an authenticator app would). */
export async function totpCode(secret: string, atMs: number): Promise<string> {
  return (await otplib()).generate({ secret, epoch: Math.floor(atMs / 1000) });
}

/** The accepted time step, or undefined. `lastStep` is the last step accepted for this secret (replay guard). */
export async function verifyTotp(secret: string, code: string, atMs: number, lastStep: number | null): Promise<number | undefined> {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  try {
    const result = await (
      await otplib()
    ).verify({
      secret,
      token: code,
      epoch: Math.floor(atMs / 1000),
      epochTolerance: [TOTP_PERIOD_SECONDS, 0],
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    });
    // The functional verify answers the TOTP result (with its time step) for the default strategy.
    return result.valid && 'timeStep' in result ? (result.timeStep as number) : undefined;
  } catch {
    return undefined;
  }
}
