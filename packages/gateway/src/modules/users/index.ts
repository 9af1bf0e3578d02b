import type { Clock } from '../../clock.js';
import { hmacSha256 } from '../../crypto/hash.js';
import type { GatewayKeys } from '../../gateway-keys.js';
import type { Storage } from '../../storage/database.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { UserRepository } from './user-repository.js';
import { UserService } from './user-service.js';

export { UserService } from './user-service.js';

/** Wires the dashboard users module. Its HMAC key is derived from the master key's audit subkey under its own label. */
export function createUserService(deps: { storage: Storage; keys: GatewayKeys; clock: Clock; publicUrl: string }): UserService {
  return new UserService({
    storage: deps.storage,
    users: new UserRepository(deps.storage.db),
    throttle: new SignInThrottle(deps.storage.db),
    keyring: deps.keys.personalData,
    hmacKey: hmacSha256(deps.keys.auditFingerprintKey, 'pdirect/v1/dashboard/hmac'),
    clock: deps.clock,
    publicUrl: deps.publicUrl,
  });
}
