import { Type } from '@sinclair/typebox';
import type { Mode, OtpSettings } from '../../config.js';
import { ApiError } from '../../errors.js';
import type { GatewayServices } from '../../services.js';
import type { PaymentRepository } from '../../modules/payments/payment-repository.js';
import type { WebhookDeliveryRepository } from '../../modules/webhooks/delivery-repository.js';

/** What the console's routes read and act through (console-routes.ts). */
export interface ConsoleDeps {
  services: GatewayServices;
  payments: PaymentRepository;
  deliveries: WebhookDeliveryRepository;
  mode: Mode;
  otp: OtpSettings;
}

export const PAGE = 25;
export const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
export const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[a-z2-7]{20,24}$` });
export const DateText = Type.String({ maxLength: 40 });
export const PageNo = Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' }));

export const merchantOf = (request: { dashboardUser?: { merchant_id: string } }) => request.dashboardUser!.merchant_id;

export function time(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ApiError('1010', `${field}: a date or date-time such as 2026-01-31 or 2026-01-31T12:00:00Z`);
  return ms;
}

export const page = (value: string | undefined) => Math.max(1, Number(value ?? '1'));
