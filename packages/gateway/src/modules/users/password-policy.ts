/**
 * Dashboard passwords: at least 12 characters (NIST SP 800-63B), at most 256,
 * and not one of the commonly used passwords that leak in breaches — the
 * `passwords-common` list shipped by @zxcvbn-ts/language-common (tens of
 * thousands of entries), compared case-insensitively. The list is loaded
 * once, on first use (not at start: it costs tens of milliseconds).
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

let common: Promise<Set<string>> | undefined;

function commonPasswords(): Promise<Set<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));
  return common;
}

/** Why the password is refused, in words for the person choosing it; undefined when it is acceptable. */
export async function passwordProblem(password: string, email: string): Promise<string | undefined> {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `use at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower)) return 'this password is on a list of commonly used passwords; choose another';
  if (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0]) return 'do not use your e-mail address as the password';
  if (new Set(password).size < 4) return 'use more than three different characters';
  return undefined;
}
