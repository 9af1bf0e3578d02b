import { Command, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.js';
import { ApiError } from '../errors.js';
import { auditCommand } from './commands/audit.js';
import { auditExportCommand, auditVerifyCommand } from './commands/audit-chain.js';
import { masterKeyGenerateCommand, masterKeyRotateCommand, masterKeyStatusCommand } from './commands/master-key.js';
import { keyCreateCommand, keyListCommand, keyRevokeCommand } from './commands/keys.js';
import { merchantCreateCommand, merchantUpdateCommand } from './commands/merchants.js';
import { migrateCommand } from './commands/migrate.js';
import { registerRiskCommands } from './commands/risk.js';
import { serveCommand, startCommand } from './commands/serve.js';
import { userCreateCommand } from './commands/users.js';
import { webhookRedeliverCommand, webhookSecretRotateCommand, webhookShowCommand, workerCommand } from './commands/webhooks.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const json = () => new Option('--json', 'print the result as JSON');

const program = new Command('pdirect')
  .description('Pdirect card payment gateway')
  .showHelpAfterError('(run pdirect --help for the commands)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

program.command('serve').description('run the gateway (and, in sandbox without PDIRECT_MPGS_BASE_URL, the card-network simulator)').addOption(json()).action(serveCommand);
program.command('start').description('sandbox: gateway, card-network simulator and a demo merchant, with URLs and credentials printed').addOption(json()).action(startCommand);
program.command('migrate').description('bring the database schema up to date').addOption(json()).action(migrateCommand);

const merchant = program.command('merchant').description('create and update merchants');
merchant
  .command('create')
  .requiredOption('--name <name>', 'merchant name')
  .option('--redirect-host <host>', 'allow-listed host for notify/success/fail URLs (repeatable)', collect)
  .option('--fingerprint-mode <mode>', 'device fingerprint binding: off, warn or enforce (default: warn for 14 days, then enforce)')
  .option('--ip <cidr>', 'restrict the first key to this IPv4/IPv6 range (repeatable)', collect)
  .addOption(json())
  .action(merchantCreateCommand);
merchant
  .command('update')
  .requiredOption('--merchant <id>', 'merchant id (mch_...)')
  .option('--redirect-host <host>', 'replace the redirect host allow-list with these hosts (repeatable)', collect)
  .option('--clear-redirect-hosts', 'empty the redirect host allow-list (every redirect is then refused)')
  .option('--fingerprint-mode <mode>', 'off, warn, enforce or default')
  .addOption(json())
  .action(merchantUpdateCommand);

const key = program.command('key').description('merchant_secret keys');
key
  .command('create')
  .requiredOption('--merchant <id>', 'merchant id (mch_...)')
  .option('--ip <cidr>', 'allow only this IPv4/IPv6 range (repeatable)', collect)
  .addOption(json())
  .action(keyCreateCommand);
key
  .command('revoke')
  .requiredOption('--key <key_id>', 'the key_id to revoke')
  .option('--expires-in <duration>', 'keep it working for this long (e.g. 24h) while the new key rolls out')
  .addOption(json())
  .action(keyRevokeCommand);
key.command('list').requiredOption('--merchant <id>', 'merchant id (mch_...)').addOption(json()).action(keyListCommand);

program
  .command('worker')
  .description('run only the webhook delivery worker (no HTTP server); several may share one PostgreSQL database')
  .addOption(json())
  .action(workerCommand);

const webhookSecret = program.command('webhook-secret').description('webhook signing secrets');
webhookSecret
  .command('rotate')
  .requiredOption('--merchant <id>', 'merchant id (mch_...)')
  .option('--overlap <duration>', 'how long the previous secret keeps signing alongside the new one', '24h')
  .addOption(json())
  .action(webhookSecretRotateCommand);

const webhook = program.command('webhook').description('webhook events and their deliveries');
webhook.command('redeliver').description('send an event again (once it has succeeded or is dead), with a fresh retry schedule').requiredOption('--event <id>', 'event id (evt_...)').addOption(json()).action(webhookRedeliverCommand);
webhook.command('show').description('an event with every delivery attempt').requiredOption('--event <id>', 'event id (evt_...)').addOption(json()).action(webhookShowCommand);

program.command('user').description('dashboard users').command('create').description('a dashboard user and their one-time setup link (24 h)').requiredOption('--merchant <id>', 'merchant id (mch_...)').requiredOption('--email <email>', 'the user\'s e-mail address (their sign-in name)').addOption(new Option('--role <role>', 'what the user may do').choices(['owner', 'developer', 'viewer']).makeOptionMandatory()).addOption(json()).action(userCreateCommand);

registerRiskCommands(program);
const audit = program.command('audit').description('find the audit record of a request; verify or export the audit chain').option('--request-id <id>', 'the request id (req_...)').addOption(json()).action(auditCommand);
audit.command('verify').description('walk the tamper-evident audit chain and name the first broken link (exit 3 when broken)').addOption(json()).action((_options, command: Command) => auditVerifyCommand(command.optsWithGlobals()));
audit.command('export').description('write audit records as JSON lines for a SIEM').requiredOption('--since <time>', 'ISO-8601 time, or a duration back from now (24h, 7d)').option('--output <file>', 'write to this file (created 0600) instead of stdout').action(auditExportCommand);

const masterKey = program.command('master-key').description('master-key rotation (docs/key-management.md)');
masterKey.command('generate').description('print a fresh PDIRECT_MASTER_KEY entry').option('--version <n>', 'its version number', '1').action(masterKeyGenerateCommand);
masterKey
  .command('rotate')
  .description('re-encrypt every sealed value under the newest master-key version (resumable; safe with live traffic and several processes)')
  .option('--batch-size <n>', 'values per transaction', '200')
  .option('--pause-ms <ms>', 'pause between batches, to leave room for live traffic', '0')
  .addOption(json())
  .action(masterKeyRotateCommand);
masterKey.command('status').description('how many sealed values are not yet under the newest version').addOption(json()).action(masterKeyStatusCommand);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ApiError) {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`pdirect: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

export { loadConfig };
