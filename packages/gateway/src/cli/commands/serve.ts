import { type Config, loadConfig } from '../../config.js';
import { startSandboxNetwork } from '../../connectors/index.js';
import { createGateway, type Gateway } from '../../gateway.js';
import { createLogger } from '../../logger.js';
import pino from 'pino';
import { startDemoShop } from '../demo-shop.js';
import { cliEnv, note, printResult } from '../output.js';

export const DEMO_MERCHANT_NAME = 'Pdirect Demo Shop';

interface Running {
  gateway: Gateway;
  url: string;
  simulatorUrl?: string;
  /** Work to do before the gateway stops (e.g. the demo shop revoking its key). */
  onStop(task: () => Promise<void>): void;
  stop(): Promise<void>;
}

/**
 * Sandbox without a configured card network: its registry entry starts the
 * network's simulator first (on PDIRECT_SIM_PORT, default port + 1) and
 * points the connector at it — the same code path as live.
 */
async function run(config: Config): Promise<Running> {
  const simulator = await startSandboxNetwork(config);
  const effective = simulator?.config ?? config;
  // Logs go to stderr: stdout carries only the result (URLs, and credentials the first time).
  const gateway = await createGateway(effective, { logger: createLogger(config.logLevel, pino.destination(2)) });
  const url = await gateway.listen();
  let stopping: Promise<void> | undefined;
  const beforeStop: Array<() => Promise<void>> = [];
  const stop = () =>
    (stopping ??= (async () => {
      for (const task of beforeStop) await task().catch(() => undefined);
      await gateway.close();
      await simulator?.close();
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      gateway.logger.info({ signal }, 'shutting down: finishing requests and flushing the audit log');
      void stop().then(() => process.exit(0));
    });
  }
  return { gateway, url, simulatorUrl: simulator?.url, onStop: (task) => void beforeStop.push(task), stop };
}

export async function serveCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig(cliEnv());
  const running = await run(config);
  printResult(
    { gateway_url: running.url, public_url: config.publicUrl, mode: config.mode, card_network: running.simulatorUrl ?? config.mpgs?.baseUrl ?? null },
    Boolean(options.json),
  );
}

/** `npm start`: a working sandbox with a demo merchant; its secrets are printed the first time only. */
export async function startCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig({ ...cliEnv(), PDIRECT_MODE: 'sandbox' });
  const running = await run(config);
  const { merchants, keyService } = running.gateway.services;
  const existing = (await merchants.findByName(DEMO_MERCHANT_NAME))?.id;
  const result: Record<string, unknown> = {
    gateway_url: running.url,
    card_network_simulator: running.simulatorUrl ?? config.mpgs?.baseUrl ?? null,
    database: config.databaseUrl,
  };
  if (!existing) {
    const created = await merchants.create({ name: DEMO_MERCHANT_NAME, redirectHosts: ['localhost', '127.0.0.1'], fingerprintMode: 'warn' });
    Object.assign(result, {
      demo_merchant_id: created.merchant.id,
      demo_key_id: created.keyId,
      demo_merchant_secret: created.merchantSecret.reveal(),
      demo_webhook_secret: created.webhookSecret.reveal(),
    });
  } else {
    const keys = (await keyService.list(existing)).filter((k) => k.active);
    Object.assign(result, { demo_merchant_id: existing, demo_key_ids: keys.map((k) => k.key_id) });
  }
  const demoMerchantId = (existing ?? result.demo_merchant_id) as string;
  const shop = await startDemoShop({
    gatewayUrl: running.url,
    merchantId: demoMerchantId,
    keys: keyService,
    dataDir: config.dataDir,
    host: config.host,
    port: Number(cliEnv().PDIRECT_DEMO_PORT ?? (config.port === 0 ? 0 : config.port + 2)),
  });
  result.demo_shop_url = shop.url;
  Object.assign(result, await demoDashboardOwner(running.gateway, demoMerchantId, running.url));
  running.onStop(() => shop.close());
  printResult(result, Boolean(options.json));
  if (!options.json) {
    note(`Try a payment: open ${shop.url} and pay with card 5123456789012346, expiry 01/39, CSC 100.`);
    note('');
    if (existing) note(`The demo secrets were printed when the sandbox was first started. Lost them? npx pdirect key create --merchant ${existing}`);
    else note('These secrets are shown once. Try:  curl -H "Authorization: Bearer <demo_merchant_secret>" ' + `${running.url}/v1/merchant`);
    if (result.dashboard_setup_url)
      note(`Dashboard: open dashboard_setup_url to set the demo owner's password and authenticator app, then sign in at ${result.dashboard_url as string}.`);
    else
      note(
        `Dashboard: sign in at ${result.dashboard_url as string} as ${DEMO_OWNER_EMAIL}. More users: npx pdirect user create --merchant ${demoMerchantId} --email E --role owner|developer|viewer`,
      );
    note('Stop with Ctrl-C.');
  }
}

export const DEMO_OWNER_EMAIL = 'demo-owner@example.com';

/** Sandbox: the demo merchant's dashboard owner; until they have set up, every start prints a fresh one-time setup link. */
async function demoDashboardOwner(gateway: Gateway, merchantId: string, url: string): Promise<Record<string, string>> {
  const { users } = gateway.services;
  const team = await users.team(merchantId);
  const dashboard = { dashboard_url: `${url}/dashboard` };
  if (team.some((u) => u.status === 'active')) return dashboard;
  const invited = team.find((u) => u.status === 'invited' && u.role === 'owner');
  const link = invited ? await users.reissueSetupLink(invited.id) : await users.create({ merchantId, email: DEMO_OWNER_EMAIL, role: 'owner' });
  return { ...dashboard, dashboard_user: invited?.email ?? DEMO_OWNER_EMAIL, dashboard_setup_url: link.setupUrl };
}
