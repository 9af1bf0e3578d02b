// Part of `npm run build`: writes the OpenAPI document the compiled gateway
// serves at GET /openapi.json to docs/openapi.json (a sandbox gateway on an
// in-memory database, never listening).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createGateway, loadConfig } from '../dist/index.js';

const target = new URL('../../../docs/openapi.json', import.meta.url);
const config = loadConfig({
  PDIRECT_DATABASE_URL: 'sqlite::memory:',
  PDIRECT_MASTER_KEY: `v1:${randomBytes(32).toString('base64')}`,
  PDIRECT_PUBLIC_URL: 'https://pay.example.com',
  PDIRECT_WEBHOOK_WORKER: 'off',
  PDIRECT_LOG_LEVEL: 'silent',
});
const gateway = await createGateway(config);
try {
  await gateway.app.ready();
  fs.mkdirSync(new URL('.', target), { recursive: true });
  fs.writeFileSync(target, `${JSON.stringify(gateway.app.swagger(), null, 2)}\n`);
} finally {
  await gateway.close();
}
