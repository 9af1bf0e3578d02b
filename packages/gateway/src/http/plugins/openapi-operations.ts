/**
 * What a route schema cannot say about each operation of the API (openapi.ts):
 * its summary, description, tag, success response with an example, and the
 * catalogue codes it can answer besides those every call can.
 */

export interface Operation {
  summary: string;
  description?: string;
  tag: string;
  /** Success status → description and example JSON body; or a media type (non-JSON body), or null (no body). */
  success: [status: number, description: string, example?: unknown];
  media?: string | null;
  /** Catalogue codes this operation can answer besides the ones every call can. */
  errors?: string[];
}

const SESSION_ID = 'cs_abcdefghijklmnopqrst';
const PAYMENT_ID = 'pay_abcdefghijklmnopqrst';
const AT = '2026-01-15T10:30:00.000Z';

const sessionExample = {
  object: 'checkout_session',
  id: SESSION_ID,
  status: 'open',
  amount: '10.00',
  currency: 'EUR',
  customer_reference: 'cust_42',
  order_id: 'order_1001',
  expires_at: '2026-01-15T11:00:00.000Z',
  created_at: AT,
};

const paymentExample = {
  object: 'payment',
  id: PAYMENT_ID,
  session_id: SESSION_ID,
  order_id: 'order_1001',
  status: 'succeeded',
  amount: '10.00',
  currency: 'EUR',
  customer_reference: 'cust_42',
  created_at: AT,
};

export const OPERATIONS: Record<string, Operation> = {
  'GET /healthz': {
    tag: 'Operations',
    summary: 'Liveness and database reachability',
    description: 'For load balancers and container health checks. Answers 503 when the database cannot be reached.',
    success: [200, 'The gateway is up and its database answers', { status: 'ok', mode: 'sandbox' }],
  },
  'GET /metrics': {
    media: 'text/plain',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description:
      'Prometheus text format: HTTP requests by route, status and error code, latencies, payment outcomes, webhook attempts, OTP sends, database pool and event-loop lag. In live mode only for loopback callers or with `Authorization: Bearer $PDIRECT_METRICS_TOKEN`.',
    success: [200, 'Metrics in Prometheus text exposition format'],
    errors: ['1001', '1002'],
  },
  'GET /openapi.json': { tag: 'Operations', summary: 'This OpenAPI document', success: [200, 'The OpenAPI 3.1 document'] },
  'GET /docs': { media: 'text/html', tag: 'Operations', summary: 'The rendered API reference', success: [200, 'An HTML page'] },
  'GET /docs/redoc.standalone.js': {
    media: 'text/javascript',
    tag: 'Operations',
    summary: 'Script of the rendered API reference (Redoc, self-hosted)',
    success: [200, 'JavaScript'],
  },
  'GET /v1/merchant': {
    tag: 'Merchant',
    summary: "The calling merchant's profile and keys",
    description: 'Key ids, creation and expiry dates and IP allow-lists; never a secret.',
    success: [200, 'The merchant', { object: 'merchant', id: 'mch_abcdefghijklmnopqrst', name: 'My Shop', redirect_hosts: ['shop.example'] }],
  },
  'POST /v1/merchant': {
    tag: 'Merchant',
    summary: "Change the calling merchant's settings",
    description:
      'Today: `security_code_decline`, the security-code (CSC) results whose payments are declined — never captured. Default `["no_match", "not_provided"]`; `[]` accepts every result.',
    success: [200, 'The merchant', { object: 'merchant', id: 'mch_abcdefghijklmnopqrst', security_code_decline: ['no_match', 'not_provided'] }],
    errors: ['1010', '1301', '1302'],
  },
  'POST /v1/sessions': {
    tag: 'Checkout sessions',
    summary: 'Mint a checkout session',
    description:
      'Creates a checkout session for one order and amount. The response carries the `session_token` (shown once) and the `checkout_url` to send the customer to. Send an `Idempotency-Key` header to make retries safe.',
    success: [
      201,
      'The new session, its single-use token and the hosted checkout URL',
      { ...sessionExample, session_id: SESSION_ID, session_token: 'pd_st_…', checkout_url: `https://pay.example/checkout/${SESSION_ID}#pd_st_…` },
    ],
    errors: ['1010', '1201', '1301', '1302', '1501'],
  },
  'GET /v1/sessions/{session_id}': {
    tag: 'Checkout sessions',
    summary: 'Read a checkout session',
    success: [200, 'The session', sessionExample],
    errors: ['1010', '1011'],
  },
  'GET /v1/payments/{payment_id}': {
    tag: 'Payments',
    summary: 'Read a payment (the authoritative status)',
    description: 'With its refunds and its status history. Use this, not the redirect, to decide whether an order is paid.',
    success: [200, 'The payment', { ...paymentExample, refunds: [], history: [{ from: 'pending', to: 'succeeded', cause: 'authorized', at: AT }] }],
    errors: ['1010', '1011'],
  },
  'GET /v1/payments': {
    tag: 'Payments',
    summary: 'Payments of an order',
    success: [200, 'A list of payments', { object: 'list', data: [paymentExample], has_more: false }],
    errors: ['1010'],
  },
  'POST /v1/payments/{payment_id}/refunds': {
    tag: 'Payments',
    summary: 'Refund a payment, fully or partly',
    description: 'Without `amount` the remaining refundable amount is refunded. Send an `Idempotency-Key` header to make retries safe.',
    success: [
      201,
      'The refund',
      { object: 'refund', id: 're_abcdefghijklmnopqrst', payment_id: PAYMENT_ID, amount: '10.00', currency: 'EUR', status: 'succeeded', created_at: AT },
    ],
    errors: ['1010', '1011', '1301', '1302'],
  },
  'POST /v1/payments/{payment_id}/capture': {
    tag: 'Payments',
    summary: 'Capture an authorization, fully or partly',
    description:
      'For a `requires_capture` payment (a session minted with `capture_method: manual`, or a payment held for review by a risk rule). Without `amount` the whole authorization is captured; a smaller amount captures part of it, once (the rest is released). Answers 200 `succeeded`, or 202 `capturing` when the network has not told the outcome yet (it is reconciled). Send an `Idempotency-Key` header to make retries safe.',
    success: [200, 'The payment', { ...paymentExample, status: 'succeeded', amount_captured: '10.00', capture_method: 'manual' }],
    errors: ['1010', '1011', '1301', '1302', '1601', '1604'],
  },
  'POST /v1/payments/{payment_id}/cancel': {
    tag: 'Payments',
    summary: 'Cancel an authorization (void)',
    description:
      'For a `requires_capture` payment: the authorization is voided at the network, the payment is `canceled` and its session `cancelled` (`payment.canceled`). Answers 202 `canceling` when the network has not told the outcome yet.',
    success: [200, 'The payment', { ...paymentExample, status: 'canceled', amount_captured: '0.00', capture_method: 'manual' }],
    errors: ['1011', '1301', '1302', '1601', '1604'],
  },
  'GET /v1/checkout': {
    tag: 'Checkout (browser SDK)',
    summary: 'What the checkout page shows',
    description: 'Called by the browser SDK with the session token: amount, currency, merchant name and whether a one-time code is required.',
    success: [200, 'The checkout view of the session', { object: 'checkout', session_id: SESSION_ID, amount: '10.00', currency: 'EUR', status: 'open' }],
    errors: ['1004', '1005', '1006'],
  },
  'POST /v1/card/sessions': {
    tag: 'Checkout (browser SDK)',
    summary: 'Open a card network hosted session for the card fields',
    success: [
      201,
      'The hosted session for the card network hosted fields',
      {
        object: 'card_session',
        hosted_session_id: 'SESSION0002776555276E0786217G73',
        session_js_url: 'https://network.example/form/version/100/merchant/TESTPDIRECT/session.js',
        api_version: 100,
        merchant_id: 'TESTPDIRECT',
      },
    ],
    errors: ['1004', '1005', '1006'],
  },
  'POST /v1/payments/collect': {
    tag: 'Checkout (browser SDK)',
    summary: 'Pay: authorize the card entered in the hosted fields',
    description:
      'The amount, currency and customer reference must repeat the session (1101–1103). Answers 200 with the final status, or 202 with `next_action` when the card needs 3-D Secure.',
    success: [200, 'The payment (202 when 3-D Secure is required)', { ...paymentExample, redirect_url: 'https://shop.example/paid?order=order_1001' }],
    errors: ['1004', '1005', '1006', '1010', '1101', '1102', '1103', '1403', '1601', '1602'],
  },
  'POST /v1/payments/{payment_id}/authenticate': {
    tag: 'Checkout (browser SDK)',
    summary: 'Authenticate the payer after the 3-D Secure method',
    description:
      "After collect answered `next_action.type` `three_d_secure_method` and the browser ran the issuer's method page in a hidden frame: authenticates the payer with the browser's details and answers like collect (succeeded, or `requires_action` with a `three_d_secure_challenge`). Once per payment, by its own checkout session.",
    success: [200, 'The payment', { ...paymentExample, redirect_url: 'https://shop.example/paid?order=order_1001' }],
    errors: ['1004', '1005', '1006', '1010', '1011', '1601', '1602', '1900'],
  },
  'POST /v1/3ds/return/{payment_id}': {
    media: null,
    tag: 'Checkout (browser SDK)',
    summary: "Return from the card issuer's 3-D Secure challenge",
    description:
      "The customer's browser lands here; the gateway re-reads the authentication from the network and redirects (303) to the merchant's success or fail URL. A return that lands inside the challenge frame (Sec-Fetch-Dest: iframe) gets a small page that takes the whole window there instead.",
    success: [303, 'Redirect to the success or fail URL'],
    errors: ['1011'],
  },
  'POST /v1/otp/send': {
    tag: 'Customer one-time code',
    summary: 'Send a one-time code to the customer',
    success: [200, 'Where the code went (masked)', { object: 'otp_challenge', channel: 'email', sent_to: 'j***@example.com', expires_at: AT }],
    errors: ['1004', '1006', '1010', '1402'],
  },
  'POST /v1/otp/resend': {
    tag: 'Customer one-time code',
    summary: 'Send a fresh one-time code',
    success: [200, 'Where the code went (masked)', { object: 'otp_challenge', channel: 'sms', sent_to: '+44*******89', expires_at: AT }],
    errors: ['1004', '1006', '1010', '1402'],
  },
  'POST /v1/otp/verify': {
    tag: 'Customer one-time code',
    summary: 'Verify the one-time code the customer typed',
    success: [200, 'Verified', { object: 'otp_verification', session_id: SESSION_ID, verified: true, verified_at: AT }],
    errors: ['1004', '1006', '1010', '1401', '1402'],
  },
  'GET /v1/_sandbox/otp-outbox': {
    tag: 'Sandbox',
    summary: 'Sandbox only: the codes the outbox "delivered" for a session',
    success: [200, 'The codes sent for the session', { object: 'list', data: [{ channel: 'email', to: 'jane@example.com', code: '123456', sent_at: AT }] }],
    errors: ['1010'],
  },
  'GET /checkout/{session_id}': {
    media: 'text/html',
    tag: 'Hosted checkout',
    summary: 'The hosted checkout page (HTML)',
    description: 'The page the customer is sent to (`checkout_url`); the session token travels in the URL fragment, never to the server.',
    success: [200, 'An HTML page'],
  },
  'GET /sdk/pdirect.js': { media: 'text/javascript', tag: 'Hosted checkout', summary: 'The browser SDK as an ES module', success: [200, 'JavaScript'] },
};
