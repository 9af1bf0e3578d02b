import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Secret } from '../crypto/secret.js';
import type { KeyService } from '../modules/keys/key-service.js';

/**
 * The sandbox's demo merchant: a one-page shop that does what a merchant's
 * backend does — mint a session with its merchant_secret, send the customer
 * to checkout_url, and on return ask the status API before "shipping".
 *
 * It uses a key of its own, issued at start and held only in memory; the
 * previous run's key (its id is kept in the data directory, never the
 * secret) is revoked first, so demo keys do not pile up.
 */
export interface DemoShop {
  url: string;
  close(): Promise<void>;
}

const PRODUCT = { name: 'A very good coffee', amount: '4.50', currency: 'usd' };

export async function startDemoShop(options: {
  gatewayUrl: string;
  merchantId: string;
  keys: KeyService;
  dataDir: string;
  host: string;
  port: number;
}): Promise<DemoShop> {
  const keyFile = path.join(options.dataDir, 'demo-shop-key-id');
  const previous = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : '';
  if (previous) await options.keys.revoke(previous).catch(() => undefined);
  const issued = await options.keys.issue(options.merchantId);
  fs.writeFileSync(keyFile, issued.keyId, { mode: 0o600 });
  const secret: Secret<string> = issued.merchantSecret;

  const api = async (method: string, pathname: string, body?: object) => {
    const res = await fetch(`${options.gatewayUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${secret.reveal()}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  let shopUrl = '';
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => page(res, 500, 'Something went wrong', `<p>${escape(String(err))}</p>`));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', shopUrl);
    if (req.method === 'GET' && url.pathname === '/') {
      return page(
        res,
        200,
        'Demo shop',
        `
        <p class="muted">This is a pretend merchant running beside your sandbox gateway.</p>
        <div class="product"><div><strong>${PRODUCT.name}</strong><br><span class="muted">Order #${Date.now().toString(36)}</span></div><div class="price">$${PRODUCT.amount}</div></div>
        <form method="post" action="/buy"><button type="submit">Buy with Pdirect</button></form>
        <p class="muted small">Test cards: 5123456789012346 (frictionless), 5123450000000008 (3-D Secure challenge), expiry 01/39, CSC 100. Expiry 05/39 is declined.</p>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/buy') {
      const minted = await api('POST', '/v1/sessions', {
        amount: PRODUCT.amount,
        currency: PRODUCT.currency,
        customer_reference: 'demo-customer',
        order_id: `demo-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
        notify_url: `${shopUrl}/webhooks`,
        success_redirect_url: `${shopUrl}/thanks`,
        fail_redirect_url: `${shopUrl}/sorry`,
      });
      if (minted.status !== 201) return page(res, 502, 'Could not start checkout', `<pre>${escape(JSON.stringify(minted.body, null, 2))}</pre>`);
      res.writeHead(303, { location: minted.body.checkout_url as string }).end();
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/thanks' || url.pathname === '/sorry')) {
      const paymentId = url.searchParams.get('payment_id') ?? '';
      // Never trust the redirect: ask the gateway.
      const status = /^pay_[a-z2-7]{20}$/.test(paymentId) ? await api('GET', `/v1/payments/${paymentId}`) : undefined;
      const paid = status?.body.status === 'succeeded';
      return page(
        res,
        200,
        paid ? 'Thank you — paid' : 'Payment not completed',
        `
        <p>The status API says: <strong>${escape(String(status?.body.status ?? 'unknown'))}</strong>${status?.body.card ? ` (${escape(String(status.body.card.brand))} ${escape(String(status.body.card.masked_number))})` : ''}.</p>
        <p class="muted">A merchant ships only after <code>GET /v1/payments/{id}</code> says <code>succeeded</code> (or a signed <code>payment.succeeded</code> webhook arrives).</p>
        <p><a href="/">Back to the shop</a></p>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/webhooks') {
      // The demo only acknowledges; a real receiver verifies webhook-signature with its whsec_ secret (see @pdirect/node).
      req.resume();
      res.writeHead(204).end();
      return;
    }
    return page(res, 404, 'Not found', '<p><a href="/">Back to the shop</a></p>');
  }

  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const address = server.address() as import('node:net').AddressInfo;
  shopUrl = `http://localhost:${address.port}`;
  return {
    url: shopUrl,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await options.keys.revoke(issued.keyId).catch(() => undefined);
    },
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res: http.ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:* http://127.0.0.1:*",
    'referrer-policy': 'no-referrer',
  })
    .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#f4f5f7;color:#1b1f2a;margin:0;padding:40px 16px}main{max-width:440px;margin:auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 4px 24px #0001}
h1{font-size:1.3rem;margin:0 0 12px}.muted{color:#5b6270}.small{font-size:.85rem}.product{display:flex;justify-content:space-between;align-items:center;border:1px solid #e3e5ea;border-radius:8px;padding:14px;margin:16px 0}
.price{font-size:1.4rem;font-weight:700}button{width:100%;padding:12px;border:0;border-radius:8px;background:#2148c7;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}code,pre{font-size:.85rem}</style></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}
