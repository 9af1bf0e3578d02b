/*
 * The console's Capture / Cancel buttons and the Reviews page's Approve
 * (capture) / Reject (void) call the payments module's use cases — the same
 * ones behind POST /v1/payments/{id}/capture and /cancel (modules/payments/
 * capture.ts), through the payment service, which scopes them to the merchant.
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
  return {
    capturePayment: (services, merchantId, paymentId, amount) => services.payments.capture(merchantId, paymentId, amount === undefined ? {} : { amount }),
    cancelPayment: (services, merchantId, paymentId) => services.payments.cancel(merchantId, paymentId),
  };
}

export function requireCapture(): CaptureUseCases {
  const wired = captureUseCases();
  if (!wired) throw new ApiError('1501', 'manual capture (capture, cancel, approve or reject a review) is not available in this build of the gateway');
  return wired;
}
