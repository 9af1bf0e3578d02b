import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { SANDBOX_MASTER_KEY_FILE } from '../crypto/master-key-file.js';
import { ApiError } from '../errors.js';
import { registerRiskCommands } from './commands/risk.js';
import { type CliIo, withCliIo } from './output.js';

/**
 * The `pdirect` CLI. `run(argv, io)` is the whole program: bin/pdirect.js
 * calls it with the real process, tests call it in-process. Command modules
 * load only when their command runs, so `--version` and `--help` stay fast.
 */

export type { CliIo } from './output.js';

/** Commands that may create a fresh data directory (and master key) without --init. */
const MAY_CREATE_DATA = new Set(['serve', 'start', 'migrate']);

const collect = (value: string, previous: string[] = []) => [...previous, value];
const json = () => new Option('--json', 'print the result as JSON on stdout (diagnostics stay on stderr)');

export function version(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The command tree (exported for the test that checks every command and option has help text). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('pdirect')
    .description('Pdirect card payment gateway: the server, its worker and the operator commands')
    .version(version(), '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .option('--init', 'allow this command to create a fresh data directory (and sandbox master key) where none exists')
    .showHelpAfterError('(run pdirect --help for the commands)')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Settings come from the environment (PDIRECT_MODE, PDIRECT_DATA_DIR, PDIRECT_DATABASE_URL,
PDIRECT_MASTER_KEY, ...; see docs/api.md#configuration). Commands other than serve, start
and migrate refuse to create a new data directory unless --init is given.

Examples:
  pdirect start                                   sandbox with a demo merchant
  pdirect merchant create --name "My Shop" --redirect-host shop.example
  pdirect key create --merchant mch_...           a second key, for rotation
  pdirect webhook show --event evt_...            an event and its delivery attempts`,
    );

  program
    .command('serve')
    .description('run the gateway (and, in sandbox without PDIRECT_MPGS_BASE_URL, the card-network simulator)')
    .addOption(json())
    .action(async (o) => (await import('./commands/serve.js')).serveCommand(o));
  program
    .command('start')
    .description('sandbox: gateway, card-network simulator and a demo merchant, with URLs and credentials printed')
    .addOption(json())
    .action(async (o) => (await import('./commands/serve.js')).startCommand(o));
  program
    .command('migrate')
    .description('bring the database schema up to date (safe to run again)')
    .addOption(json())
    .action(async (o) => (await import('./commands/migrate.js')).migrateCommand(o));

  const merchant = program.command('merchant').description('create and update merchants');
  merchant
    .command('create')
    .description('create a merchant with its first merchant_secret key and webhook secret (both printed once)')
    .requiredOption('--name <name>', 'merchant name')
    .option('--redirect-host <host>', 'allow-listed host for notify/success/fail URLs (repeatable)', collect)
    .option('--fingerprint-mode <mode>', 'device fingerprint binding: off, warn or enforce (default: warn for 14 days, then enforce)')
    .option('--ip <cidr>', 'restrict the first key to this IPv4/IPv6 range (repeatable)', collect)
    .addOption(json())
    .action(async (o) => (await import('./commands/merchants.js')).merchantCreateCommand(o));
  merchant
    .command('update')
    .description("change a merchant's redirect host allow-list or fingerprint mode")
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .option('--redirect-host <host>', 'replace the redirect host allow-list with these hosts (repeatable)', collect)
    .option('--clear-redirect-hosts', 'empty the redirect host allow-list (every redirect is then refused)')
    .option('--fingerprint-mode <mode>', 'off, warn, enforce or default')
    .addOption(json())
    .action(async (o) => (await import('./commands/merchants.js')).merchantUpdateCommand(o));

  const key = program.command('key').description('merchant_secret keys: issue, list and retire');
  key
    .command('create')
    .description('issue another merchant_secret key for a merchant (printed once)')
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .option('--ip <cidr>', 'allow only this IPv4/IPv6 range (repeatable)', collect)
    .addOption(json())
    .action(async (o) => (await import('./commands/keys.js')).keyCreateCommand(o));
  key
    .command('revoke')
    .description('retire a key, now or after a grace period')
    .requiredOption('--key <key_id>', 'the key_id to revoke (16 characters, the part after pd_test_sk_ / pd_live_sk_)')
    .option('--expires-in <duration>', 'keep it working for this long (e.g. 24h) while the new key rolls out')
    .addOption(json())
    .action(async (o) => (await import('./commands/keys.js')).keyRevokeCommand(o));
  key
    .command('list')
    .description("a merchant's keys: active or retired, expiry, rotation due, IP allow-list (never the secret)")
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .addOption(json())
    .action(async (o) => (await import('./commands/keys.js')).keyListCommand(o));

  program
    .command('worker')
    .description('run only the webhook delivery worker (no HTTP server); several may share one PostgreSQL database')
    .addOption(json())
    .action(async (o) => (await import('./commands/webhooks.js')).workerCommand(o));

  const webhookSecret = program.command('webhook-secret').description('webhook signing secrets');
  webhookSecret
    .command('rotate')
    .description('issue a new webhook signing secret (printed once); the previous one keeps signing during the overlap')
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .option('--overlap <duration>', 'how long the previous secret keeps signing alongside the new one', '24h')
    .addOption(json())
    .action(async (o) => (await import('./commands/webhooks.js')).webhookSecretRotateCommand(o));

  const webhook = program.command('webhook').description('webhook events and their deliveries');
  webhook
    .command('redeliver')
    .description('send an event again (once it has succeeded or is dead), with a fresh retry schedule')
    .requiredOption('--event <id>', 'event id (evt_...)')
    .addOption(json())
    .action(async (o) => (await import('./commands/webhooks.js')).webhookRedeliverCommand(o));
  webhook
    .command('show')
    .description('an event with every delivery attempt')
    .requiredOption('--event <id>', 'event id (evt_...)')
    .addOption(json())
    .action(async (o) => (await import('./commands/webhooks.js')).webhookShowCommand(o));
  webhook
    .command('list')
    .description('endpoint health (circuit breaker, failing since, backlog) and, with --merchant, its events newest first')
    .option('--merchant <id>', 'merchant id (mch_...)')
    .option('--limit <n>', 'events to show (1-100)', '20')
    .option('--type <type>', 'only events of this type')
    .option('--order <order_id>', 'only events about this order')
    .addOption(json())
    .action(async (o) => (await import('./commands/webhooks.js')).webhookListCommand(o));
  webhook
    .command('trigger')
    .description('send a signed test event to an allow-listed URL')
    .argument('<type>', 'event type, e.g. payment.succeeded')
    .requiredOption('--url <url>', "where to send it (on the merchant's allow-list)")
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .option('--no-wait', 'do not wait for the first attempt')
    .addOption(json())
    .action(async (type, o) => (await import('./commands/webhooks.js')).webhookTriggerCommand(type, o));

  program
    .command('user')
    .description('dashboard users')
    .command('create')
    .description('a dashboard user and their one-time setup link (24 h)')
    .requiredOption('--merchant <id>', 'merchant id (mch_...)')
    .requiredOption('--email <email>', "the user's e-mail address (their sign-in name)")
    .addOption(new Option('--role <role>', 'what the user may do').choices(['owner', 'developer', 'viewer']).makeOptionMandatory())
    .addOption(json())
    .action(async (o) => (await import('./commands/users.js')).userCreateCommand(o));

  registerRiskCommands(program);
  program
    .command('reconcile')
    .description('settle payments and refunds whose outcome is unknown by asking the card network; prints each one')
    .option('--limit <n>', 'at most this many payments (and refunds) in this pass', '50')
    .addOption(json())
    .action(async (o) => (await import('./commands/reconcile.js')).reconcileCommand(o));
  const audit = program
    .command('audit')
    .description('find the audit record of a request; verify or export the tamper-evident audit chain')
    .option('--request-id <id>', 'the request id (req_..., from the X-Request-Id response header)')
    .addOption(json())
    .action(async (o) => (await import('./commands/audit.js')).auditCommand(o));
  audit
    .command('verify')
    .description('walk the tamper-evident audit chain and name the first broken link (exit 3 when broken)')
    .addOption(json())
    .action(async (_o, command: Command) => (await import('./commands/audit-chain.js')).auditVerifyCommand(command.optsWithGlobals()));
  audit
    .command('export')
    .description('write audit records as JSON lines for a SIEM')
    .requiredOption('--since <time>', 'ISO-8601 time, or a duration back from now (24h, 7d)')
    .option('--output <file>', 'write to this file (created 0600) instead of stdout')
    .action(async (o) => (await import('./commands/audit-chain.js')).auditExportCommand(o));

  const masterKey = program.command('master-key').description('master-key rotation (docs/key-management.md)');
  masterKey
    .command('generate')
    .description('print a fresh PDIRECT_MASTER_KEY entry')
    .option('--version <n>', 'its version number', '1')
    .action(async (o) => (await import('./commands/master-key.js')).masterKeyGenerateCommand(o));
  masterKey
    .command('rotate')
    .description('re-encrypt every sealed value under the newest master-key version (resumable; safe with live traffic and several processes)')
    .option('--batch-size <n>', 'values per transaction', '200')
    .option('--pause-ms <ms>', 'pause between batches, to leave room for live traffic', '0')
    .addOption(json())
    .action(async (o) => (await import('./commands/master-key.js')).masterKeyRotateCommand(o));
  masterKey
    .command('status')
    .description('how many sealed values are not yet under the newest version')
    .addOption(json())
    .action(async (o) => (await import('./commands/master-key.js')).masterKeyStatusCommand(o));

  program.hook('preAction', (root, action) => {
    let top = action;
    while (top.parent && top.parent !== root) top = top.parent;
    const needsNoData = top.name() === 'master-key' && action.name() === 'generate';
    if (!MAY_CREATE_DATA.has(top.name()) && !needsNoData && !root.opts().init) refuseFreshDataDir(io.env);
  });
  return program;
}

/** Raised when an operator command would silently start a new, empty gateway. */
class NoDataDirError extends Error {}

/**
 * An operator command run in the wrong directory would otherwise create a new
 * ./data with a new master key and then report "no merchant". Refuse, naming
 * the directory looked in.
 */
function refuseFreshDataDir(env: Record<string, string | undefined>): void {
  const config = loadConfig(env);
  const missing: string[] = [];
  if (!config.masterKey && !fs.existsSync(path.join(config.dataDir, SANDBOX_MASTER_KEY_FILE))) missing.push(SANDBOX_MASTER_KEY_FILE);
  if (!env.PDIRECT_DATABASE_URL?.trim() && !fs.existsSync(path.join(config.dataDir, 'pdirect.db'))) missing.push('pdirect.db');
  if (missing.length === 0) return;
  throw new NoDataDirError(
    `no gateway data in ${config.dataDir} (looked for ${missing.join(' and ')}).\n` +
      "Set PDIRECT_DATA_DIR to the gateway's data directory (or PDIRECT_DATABASE_URL and PDIRECT_MASTER_KEY),\n" +
      'or pass --init to create a fresh one there.',
  );
}

/** Runs one CLI invocation; resolves to the exit code. Long-running commands (serve, start, worker) resolve once they are up. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { result, exitCode } = await withCliIo(io, async () => {
    try {
      await buildProgram(io).parseAsync(argv, { from: 'user' });
      return 0;
    } catch (err) {
      if (err instanceof CommanderError) return err.exitCode;
      if (err instanceof ConfigError) {
        io.stderr.write(`${err.message}\n`);
        return 2;
      }
      if (err instanceof NoDataDirError) {
        io.stderr.write(`pdirect: ${err.message}\n`);
        return 2;
      }
      if (err instanceof ApiError) {
        io.stderr.write(`error ${err.code}: ${err.message}\n`);
        return 1;
      }
      io.stderr.write(`pdirect: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  });
  return result !== 0 ? result : exitCode;
}
