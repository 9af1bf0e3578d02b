import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { OtpSettings } from '../../config.js';
import type { Secret } from '../../crypto/secret.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import type { Storage } from '../../storage/database.js';
import type { OtpChannel } from '../../storage/schema.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { CheckoutSession } from '../sessions/session-repository.js';
import type { SessionService } from '../sessions/session-service.js';
import type { OtpDeps } from './otp-deps.js';
import { OtpChallengeRepository } from './otp-repository.js';
import { otpPolicy } from './policy.js';
import { createOtpSenders, createOutbox, type OutboxMessage, type OutboxSender } from './providers/index.js';
import { RateLimiter } from './rate-limiter.js';
import { sendCode, type SentCode } from './send-code.js';
import { verifyCode } from './verify-code.js';

/** Customer OTP (docs/api.md#http-api): the use cases, bound to their dependencies. */
export class OtpService {
  constructor(
    private readonly deps: OtpDeps,
    /** The sandbox outbox; undefined in live mode. */
    readonly outbox: OutboxSender | undefined,
  ) {}

  send(session: CheckoutSession, channel?: OtpChannel): Promise<SentCode> {
    return sendCode(this.deps, session, { kind: 'send', channel });
  }

  resend(session: CheckoutSession, channel?: OtpChannel): Promise<SentCode> {
    return sendCode(this.deps, session, { kind: 'resend', channel });
  }

  verify(session: CheckoutSession, code: Secret<string>): Promise<{ verifiedAt: number }> {
    return verifyCode(this.deps, session, code);
  }

  /** Sandbox: what the outbox "delivered" for one of the merchant's sessions. */
  async outboxMessages(merchantId: string, sessionId: string): Promise<OutboxMessage[]> {
    return this.outbox ? this.outbox.messagesFor(merchantId, sessionId) : [];
  }

  /** Deletes expired codes, spent rate-limit windows and expired outbox messages. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now();
    return (await this.deps.challenges.sweep(now)) + (await this.deps.limiter.sweep(now)) + ((await this.outbox?.sweep(now)) ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.deps.senders).map((sender) => sender?.close?.()));
  }
}

export function createOtpService(input: {
  storage: Storage;
  settings: OtpSettings;
  keys: GatewayKeys;
  sessions: SessionService;
  merchants: MerchantService;
  clock: Clock;
  logger: Logger;
  sandbox: boolean;
}): OtpService {
  const outbox = createOutbox({ db: input.storage.db, keyring: input.keys.personalData, clock: input.clock, sandbox: input.sandbox });
  const deps: OtpDeps = {
    storage: input.storage,
    challenges: new OtpChallengeRepository(input.storage.db),
    limiter: new RateLimiter(input.storage.db),
    sessions: input.sessions,
    contacts: input.sessions,
    merchants: input.merchants,
    senders: createOtpSenders({ settings: input.settings, outbox }),
    otpKey: input.keys.otpKey,
    policy: otpPolicy(input.settings),
    clock: input.clock,
    logger: input.logger.child({ component: 'otp' }),
  };
  return new OtpService(deps, outbox);
}
