// A gateway process as `pdirect serve` runs it (webhook worker inside),
// configured from the environment; it prints its URL and, unless
// BENCH_MERCHANT=existing, a fresh merchant's secret.
import { loadConfig } from '../packages/gateway/src/config.js';
import { createGateway } from '../packages/gateway/src/gateway.js';
import { createLogger } from '../packages/gateway/src/logger.js';

const config = loadConfig();
const gateway = await createGateway(config, { logger: createLogger('warn') });
let secret: string | undefined;
if (process.env.BENCH_MERCHANT !== 'existing') {
  const created = await gateway.services.merchants.create({ name: `Bench Shop ${Date.now()}`, redirectHosts: ['localhost', '127.0.0.1'] });
  secret = created.merchantSecret.reveal();
  // The risk engine runs on every collect (history reads, score, rules, the attempt recorded), but
  // the bench's customers all share 127.0.0.1 and one test card, which its velocity signals would
  // rightly block after a few hundred checkouts: this merchant allows every scored attempt.
  await gateway.services.risk.addRule(created.merchant.id, { action: 'allow', predicate: ':risk_score: >= 0' });
}
const url = await gateway.listen();
process.stdout.write(`${JSON.stringify({ url, secret })}\n`);
process.once('SIGTERM', () => void gateway.close().then(() => process.exit(0)));
