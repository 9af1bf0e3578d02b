import { DEVICE_A, sdk } from './checkout.js';
import type { TestGateway } from './gateway.js';
import { bearer, http, type HttpResponse } from './http.js';

/** Where an SDK call goes: the in-process gateway, or another process sharing its database. */
type Target = Pick<TestGateway, 'url'>;

export const otpSend = (gw: Target, token: string, body?: Record<string, unknown>, fingerprint: string = DEVICE_A): Promise<HttpResponse> =>
  http(`${gw.url}/v1/otp/send`, { method: 'POST', headers: sdk(token, fingerprint), ...(body ? { body } : {}) });

export const otpResend = (gw: Target, token: string, body?: Record<string, unknown>, fingerprint: string = DEVICE_A): Promise<HttpResponse> =>
  http(`${gw.url}/v1/otp/resend`, { method: 'POST', headers: sdk(token, fingerprint), ...(body ? { body } : {}) });

export const otpVerify = (gw: Target, token: string, code: string, fingerprint: string = DEVICE_A): Promise<HttpResponse> =>
  http(`${gw.url}/v1/otp/verify`, { method: 'POST', headers: sdk(token, fingerprint), body: { code } });

export interface OutboxMessage {
  session_id: string;
  channel: 'sms' | 'email';
  to: string;
  code: string;
  message: string;
  sent_at: string;
  expires_at: string;
}

/** The sandbox outbox of one session, newest first (merchant credential). */
export async function outbox(gw: Target, merchantSecret: string, sessionId: string): Promise<OutboxMessage[]> {
  const res = await http(`${gw.url}/v1/_sandbox/otp-outbox?session_id=${sessionId}`, { headers: bearer(merchantSecret) });
  if (res.status !== 200) throw new Error(`outbox failed: ${res.status} ${res.text}`);
  return res.body.data as OutboxMessage[];
}

/** The code most recently "delivered" to the session. */
export async function latestCode(gw: Target, merchantSecret: string, sessionId: string): Promise<string> {
  const [latest] = await outbox(gw, merchantSecret, sessionId);
  if (!latest) throw new Error(`no code in the outbox for ${sessionId}`);
  return latest.code;
}

/** A 6-digit code that is not `code`. */
export const wrongCodeFor = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The error envelope without its per-request id, for "the answers are identical" checks. */
export const withoutRequestId = (res: HttpResponse) => ({ status: res.status, error: { ...res.body?.error, request_id: undefined } });

let destinations = 0;
/**
 * A phone number and an e-mail address no other test uses, so the
 * per-destination limit (10 codes an hour) of one test never meets another's.
 */
export function freshContact(): { phone: string; email: string } {
  const n = `${process.pid % 1000}${String(++destinations).padStart(4, '0')}`.padStart(7, '0');
  return { phone: `+4477${n}`, email: `c${n}@example.com` };
}
