import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * pino with belt-and-braces redaction. Secrets travel wrapped in `Secret`
 * (which prints as [redacted]); these paths catch anything that slips
 * through as a plain field.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.apiPassword',
  '*.secret',
  '*.token',
  '*.session_token',
  '*.merchant_secret',
  '*.webhook_secret',
  '*.code',
  '*.otp',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'pdirect' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
