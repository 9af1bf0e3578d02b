/*
 * ─────────────────────────────────────────────────────────────────────────
 * INTEGRATION SEAM — manual capture (built in parallel on another branch).
 *
 * The console's Capture / Cancel buttons and the Reviews page's Approve
 * (capture) / Reject (void) call the payments module's use cases
 *
 *   capturePayment(services, merchantId, paymentId, amount?)
 *   cancelPayment(services, merchantId, paymentId)
 *
 * (modules/payments, the same ones behind POST /v1/payments/{id}/capture and
 * /cancel). They are not on this branch yet: until the integrator wires them
 * below, the routes answer 501 1501 and nothing moves. To wire, import the
 * two functions and return them from `captureUseCases` — nothing else in the
 * dashboard changes.
 * ─────────────────────────────────────────────────────────────────────────
 */
import { ApiError } from '../../errors.js';
import type { Payment } from '../../modules/payments/payment-repository.js';
import type { GatewayServices } from '../../services.js';

export interface CaptureUseCases {
  capturePayment(services: GatewayServices, merchantId: string, paymentId: string, amount?: string): Promise<Payment | { id: string }>;
  cancelPayment(services: GatewayServices, merchantId: string, paymentId: string): Promise<Payment | { id: string }>;
}

/** The wired use cases, or undefined while manual capture is not part of this build. */
export function captureUseCases(): CaptureUseCases | undefined {
  return undefined;
}

export function requireCapture(): CaptureUseCases {
  const wired = captureUseCases();
  if (!wired) throw new ApiError('1501', 'manual capture (capture, cancel, approve or reject a review) is not available in this build of the gateway');
  return wired;
}
