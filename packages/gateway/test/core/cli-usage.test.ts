import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli, spawnCli } from '../support/cli.js';

const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const sink = { write: () => true };

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('pdirect CLI usage', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-cli-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const res = await runCli([flag], {});
      expect(res).toMatchObject({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
    }
  });

  it('every command and every option has help text', async () => {
    const commands = allCommands(buildProgram({ env: {}, stdout: sink, stderr: sink }));
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['serve', 'start', 'migrate', 'create', 'update', 'revoke', 'list', 'worker', 'rotate', 'redeliver', 'show', 'audit']),
    );
    for (const command of commands) {
      expect(command.description(), `command ${command.name()}`).not.toBe('');
      for (const option of command.options) expect(option.description, `${command.name()} ${option.flags}`).not.toBe('');
    }
    const help = await runCli(['merchant', 'create', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--redirect-host <host>');
    expect(help.stdout).toContain('create a merchant');
  });

  it('refuses to create a fresh data directory from an operator command, naming where it looked', async () => {
    const dataDir = path.join(tmp, 'nowhere', 'data');
    const env = { PDIRECT_DATA_DIR: dataDir, PDIRECT_MASTER_KEY: '' };
    for (const args of [
      ['key', 'list', '--merchant', 'mch_aaaaaaaaaaaaaaaaaaaa'],
      ['merchant', 'create', '--name', 'Lost'],
      ['audit', '--request-id', 'req_aaaaaaaaaaaaaaaaaaaaaaaa'],
    ]) {
      const res = await runCli(args, env);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toContain(`no gateway data in ${dataDir}`);
      expect(res.stderr).toContain('--init');
      expect(res.stdout).toBe('');
    }
    expect(fs.existsSync(dataDir)).toBe(false);

    // A master key from the environment but the default SQLite file missing: still refused.
    const keyOnly = await runCli(['key', 'list', '--merchant', 'mch_aaaaaaaaaaaaaaaaaaaa'], { PDIRECT_DATA_DIR: dataDir });
    expect(keyOnly.code).toBe(2);
    expect(keyOnly.stderr).toContain('looked for pdirect.db');

    // --init: the operator means it.
    const created = await runCli(['merchant', 'create', '--name', 'Fresh', '--init', '--json'], env);
    expect(created.code).toBe(0);
    expect(created.json.merchant_id).toMatch(/^mch_/);
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(true);
    // From now on the directory exists: no --init needed.
    const list = await runCli(['key', 'list', '--merchant', created.json.merchant_id, '--json'], env);
    expect(list.code).toBe(0);
    expect(list.json.keys).toHaveLength(1);
  });

  it('migrate may create the data directory (it is how a deployment starts)', async () => {
    const dataDir = path.join(tmp, 'first-run');
    const res = await runCli(['migrate', '--json'], { PDIRECT_DATA_DIR: dataDir, PDIRECT_MASTER_KEY: '' });
    expect(res.code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'pdirect.db'))).toBe(true);
  });

  it('unknown commands and missing options fail with usage on stderr', async () => {
    const unknown = await runCli(['bogus'], {});
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'bogus'");
    const missing = await runCli(['key', 'create'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--merchant <id>'");
  });

  // Smoke tests of the shipped executable: compiled JavaScript, run by plain node.
  it('bin/pdirect.js runs the compiled CLI: --version, and the data directory refusal', async () => {
    const version = await spawnCli(['--version'], {});
    expect(version).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
    const refused = await spawnCli(['key', 'list', '--merchant', 'mch_aaaaaaaaaaaaaaaaaaaa'], { PDIRECT_MASTER_KEY: '' }, tmp);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`no gateway data in ${fs.realpathSync(tmp)}/data`);
    expect(fs.existsSync(path.join(tmp, 'data'))).toBe(false);
  });
});
