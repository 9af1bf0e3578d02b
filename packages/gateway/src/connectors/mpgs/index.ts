/**
 * Mastercard Gateway (MPGS) connector: its CardNetwork implementation and
 * the registry entry. Everything else in this folder is private.
 */
import type { Config } from '../../config.js';
import type { NetworkEntry } from '../registry-types.js';
import { createMpgsConnector } from './config.js';
import { startMpgsSandbox } from './sandbox.js';

export { MpgsConnector } from './connector.js';
export type { HostedSession } from './types.js';
export { SANDBOX_MERCHANT, SANDBOX_PASSWORD } from './sandbox.js';
export { MPGS_DEFAULTS, MpgsConfigError, createMpgsClient, createMpgsConnector, resolveMpgsConfig, type MpgsConfig, type MpgsDeps } from './config.js';
export { MpgsClient, retryPolicy, type MpgsRequest } from './client.js';
export { MpgsError, MpgsIdConflictError, MpgsTransportError, isOutcomeUnknown } from './errors.js';
export { mapAuthenticationStatus, mapPaymentStatus } from './status.js';

/** The registry entry: configured from PDIRECT_MPGS_* (config.mpgs); in sandbox the simulator stands in. */
export const mpgsNetwork: NetworkEntry = {
  create(config: Config, deps) {
    if (!config.mpgs) return undefined;
    const { baseUrl, merchantId, apiPassword, apiVersion } = config.mpgs;
    const { timeoutMs, maxAttempts } = config.mpgsCall;
    return createMpgsConnector({ baseUrl, merchantId, apiPassword, apiVersion, timeoutMs, maxAttempts }, { logger: deps.logger.child({ component: 'mpgs' }) });
  },
  startSandbox: startMpgsSandbox,
};
