/** The dashboard API client: same-origin JSON, the session cookie (HttpOnly) and the CSRF token on every change. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export async function api<T>(path: string, options: { method?: string; body?: unknown; query?: Record<string, string | undefined> } = {}): Promise<T> {
  const url = new URL(`/dashboard/api${path}`, window.location.origin);
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, v);
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (data as { error?: { message?: string; error_code?: string; request_id?: string } } | undefined)?.error;
    throw new ApiFailure(
      error?.message ?? `request failed (${response.status})`,
      response.status,
      error?.error_code,
      error?.request_id ?? response.headers.get('x-request-id') ?? undefined,
    );
  }
  return data as T;
}

export type Role = 'owner' | 'developer' | 'viewer';
export type Permission = 'read' | 'refund' | 'manage_keys' | 'manage_webhooks' | 'manage_settings' | 'manage_team' | 'review' | 'manage_risk_rules';

export interface SessionInfo {
  user: { id: string; email: string; role: Role; status: string };
  merchant: { id: string; name: string; mode: string };
  permissions: Permission[];
  csrf_token: string;
  idle_timeout_seconds: number;
}

export interface Payment {
  id: string;
  session_id: string;
  order_id: string;
  status: string;
  amount: string;
  currency: string;
  customer_reference: string;
  amount_refunded: string;
  /** `checks.security_code`: the network's CSC check, when the gateway reports one. */
  card: { brand: string | null; masked_number: string; expiry: string | null; checks?: { security_code?: string | null } | null } | null;
  three_d_secure: { authentication_status: string } | null;
  gateway_code: string | null;
  failure_reason: string | null;
  risk: RiskDecision | null;
  created_at: string;
  updated_at: string;
}

export interface RiskDecision {
  score: number;
  level: 'normal' | 'elevated' | 'highest';
  action: 'allow' | 'review' | 'request_3ds' | 'block';
  reasons: Array<{ code: string; detail: string }>;
  rule_id?: string;
}

export interface FraudReport {
  fraudulent: boolean;
  updated_at: string;
}

export interface AuditEntry {
  request_id: string;
  at: string;
  credential_type: string;
  credential_id: string | null;
  merchant_id: string | null;
  source_ip: string;
  user_agent: string | null;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  body_fingerprint: string | null;
  warnings: string[];
}

export interface EventDetail {
  id: string;
  type: string;
  created_at: string;
  notify_url: string;
  deliveries: Array<{ id: number; state: string; attempts: number; next_attempt_at: string | null; created_at: string }>;
  attempts: Array<{
    delivery_id: number;
    attempt: number;
    started_at: string;
    duration_ms: number;
    outcome: string;
    response_status: number | null;
    error: string | null;
    response_body: string | null;
    next_attempt_at: string | null;
  }>;
  payload?: unknown;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }) + ' UTC';
}
