/**
 * Mastercard Gateway (MPGS) connector: the CardNetwork port and its
 * implementation. Everything else in this folder is private.
 */
export type {
  AuthenticatePayerInput,
  AuthenticationOutcome,
  AuthenticationStatus,
  BrowserDetails,
  CardNetwork,
  HostedSession,
  InitiateAuthenticationInput,
  MaskedCard,
  PayInput,
  PaymentOutcome,
  PaymentStatus,
  RefundInput,
  VoidInput,
} from './connector.js';
export { MpgsConnector } from './connector.js';
export {
  MPGS_DEFAULTS,
  MpgsConfigError,
  createMpgsClient,
  createMpgsConnector,
  resolveMpgsConfig,
  type MpgsConfig,
  type MpgsDeps,
} from './config.js';
export { MpgsClient, retryPolicy, type MpgsRequest } from './client.js';
export { MpgsError, MpgsIdConflictError, MpgsTransportError, isOutcomeUnknown } from './errors.js';
export { mapAuthenticationStatus, mapPaymentStatus } from './status.js';
