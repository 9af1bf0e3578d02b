import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

/**
 * A real HTTP call over node:http, optionally from a chosen local source
 * address (127.0.0.2, ::1 …) so allow-list tests can play different clients.
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | object; localAddress?: string } = {},
): Promise<HttpResponse> {
  const body = typeof options.body === 'object' ? JSON.stringify(options.body) : options.body;
  const headers: Record<string, string> = { ...(typeof options.body === 'object' ? { 'content-type': 'application/json' } : {}), ...options.headers };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      { method: options.method ?? 'GET', headers, localAddress: options.localAddress, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: flat, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export { httpRequest as http };

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
