import type { Clock } from '../../clock.js';
import type { CardDefenceSettings } from '../../config.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Storage } from '../../storage/database.js';
import type { MerchantService } from '../merchants/merchant-service.js';
import type { SessionRepository } from './session-repository.js';

/** What the session module needs, wired once in gateway.ts (SessionService). */
export interface SessionDeps {
  storage: Storage;
  sessions: SessionRepository;
  merchants: MerchantService;
  personalData: Keyring;
  clock: Clock;
  publicUrl: string;
  sandbox: boolean;
  /** Which OTP channels this gateway can deliver on (PDIRECT_OTP_SMS / PDIRECT_OTP_EMAIL not `off`). */
  otpChannels: { email: boolean; sms: boolean };
  /** Caps on hosted card sessions and declines (docs/card-defence.md). */
  cardDefence: CardDefenceSettings;
}
