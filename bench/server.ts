// The gateway as the benchmark sees it: the real app, plus one unauthenticated
// route that does the same storage work as GET /v1/merchant (the baseline).
import { loadConfig } from '../packages/gateway/src/config.js';
import { createGateway } from '../packages/gateway/src/gateway.js';
import { createLogger } from '../packages/gateway/src/logger.js';

const config = loadConfig();
let merchantId = '';
const gateway = await createGateway(config, {
  logger: createLogger('warn'),
  extraRoutes: (app, services) => {
    app.get('/bench/bare', async () => services.merchants.describe(merchantId));
  },
});
const created = await gateway.services.merchants.create({ name: 'Bench Shop', redirectHosts: ['localhost'] });
merchantId = created.merchant.id;
const url = await gateway.listen();
process.stdout.write(`${JSON.stringify({ url, secret: created.merchantSecret.reveal() })}\n`);
process.once('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
