import { createRequire } from 'node:module';

/**
 * E-mail signals: syntax, and disposable-mail domains from the `mailchecker`
 * npm package (a maintained list of thousands of throwaway providers; its
 * subdomains count too).
 */
interface MailChecker {
  isValid(email: string): boolean;
  blacklist(): Set<string>;
}
let checker: MailChecker | undefined;

export interface EmailSignals {
  domain: string | undefined;
  disposable: boolean;
  invalid: boolean;
}

export function emailSignals(email: string | null | undefined): EmailSignals {
  if (!email) return { domain: undefined, disposable: false, invalid: false };
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  const domain = at > 0 && at < lower.length - 1 ? lower.slice(at + 1) : undefined;
  if (lower.length > 254 || !domain) return { domain, disposable: false, invalid: true };
  checker ??= createRequire(import.meta.url)('mailchecker') as MailChecker;
  const list = checker.blacklist();
  let disposable = false;
  for (let d: string = domain; ;) {
    if (list.has(d)) {
      disposable = true;
      break;
    }
    const dot = d.indexOf('.');
    if (dot < 0) break;
    d = d.slice(dot + 1);
  }
  // mailchecker's isValid is false for a bad syntax or a disposable domain: only the first is "invalid".
  const invalid = !disposable && !checker.isValid(lower);
  return { domain, disposable, invalid };
}
