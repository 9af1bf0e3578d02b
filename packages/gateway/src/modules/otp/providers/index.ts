import type { Kysely } from 'kysely';
import type { Clock } from '../../../clock.js';
import type { OtpSettings } from '../../../config.js';
import type { Keyring } from '../../../crypto/keyring.js';
import type { Database, OtpChannel } from '../../../storage/schema.js';
import { HttpsSmsSender } from './https-sms.js';
import { OutboxSender } from './outbox.js';
import type { OtpSender } from './sender.js';
import { SmtpSender } from './smtp.js';

export { OtpDeliveryError, type OtpDelivery, type OtpSender } from './sender.js';
export { OutboxSender, type OutboxMessage } from './outbox.js';

export interface ProviderDeps {
  settings: OtpSettings;
  /** The sandbox outbox (undefined in live mode, which refuses it at boot). */
  outbox: OutboxSender | undefined;
}

/** The registry: one line per provider. config.ts has already checked each one's settings. */
const PROVIDERS: Record<string, (deps: ProviderDeps) => OtpSender | undefined> = {
  off: () => undefined,
  outbox: (deps) => deps.outbox ?? refuse('the sandbox outbox is not available in live mode'),
  smtp: (deps) => new SmtpSender(deps.settings.smtp ?? refuse('SMTP settings missing')),
  https: (deps) => new HttpsSmsSender(deps.settings.httpsSms ?? refuse('HTTPS SMS settings missing')),
};

/** A channel that is `off` has no sender: codes cannot be sent that way. */
export function createOtpSenders(deps: ProviderDeps): Partial<Record<OtpChannel, OtpSender>> {
  return { email: PROVIDERS[deps.settings.email]!(deps), sms: PROVIDERS[deps.settings.sms]!(deps) };
}

/** The outbox exists only in sandbox mode. */
export function createOutbox(deps: { db: Kysely<Database>; keyring: Keyring; clock: Clock; sandbox: boolean }): OutboxSender | undefined {
  return deps.sandbox ? new OutboxSender(deps) : undefined;
}

function refuse(problem: string): never {
  throw new Error(`OTP provider: ${problem}`);
}
