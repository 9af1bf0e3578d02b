import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateSandboxMasterKey } from './master-key-file.js';
import { parseMasterKey } from './master-key-format.js';
import { b64, expectMasterKeyError } from '../../test/support/master-key.js';

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

describe.skipIf(process.platform === 'win32')('loadOrCreateSandboxMasterKey', () => {
  let root: string;
  let dataDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pdirect-master-key-'));
    dataDir = join(root, 'data');
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory 0700 and the key file 0600, once', () => {
    const first = loadOrCreateSandboxMasterKey(dataDir);
    expect(first.created).toBe(true);
    expect(first.path).toBe(join(dataDir, 'master.key'));
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(parseMasterKey(first.value).activeVersion).toBe(1);
    expect(readFileSync(first.path, 'utf8')).toBe(`${first.value.reveal()}\n`);

    const second = loadOrCreateSandboxMasterKey(dataDir);
    expect(second.created).toBe(false);
    expect(second.value.reveal()).toBe(first.value.reveal());
    expect(readdirSync(dataDir)).toEqual(['master.key']); // no temporary files left behind
  });

  it('returns the value as a Secret that does not print', () => {
    const { value } = loadOrCreateSandboxMasterKey(dataDir);
    expect(inspect({ value })).not.toContain(value.reveal().slice(3, 20));
  });

  it('keeps an existing key file as it is', () => {
    loadOrCreateSandboxMasterKey(dataDir);
    const path = join(dataDir, 'master.key');
    const mine = `v1:${b64(KEY_A)},v2:${b64(KEY_B)}`;
    writeFileSync(path, `${mine}\n`, { mode: 0o600 });
    const loaded = loadOrCreateSandboxMasterKey(dataDir);
    expect(loaded).toMatchObject({ created: false });
    expect(loaded.value.reveal()).toBe(mine);
  });

  it('refuses a key file that group or others can read, saying how to fix it', () => {
    const { path, value } = loadOrCreateSandboxMasterKey(dataDir);
    chmodSync(path, 0o644);
    expectMasterKeyError(() => loadOrCreateSandboxMasterKey(dataDir), [value.reveal().slice(3, 23)], /chmod 600 .*master\.key/);
    chmodSync(path, 0o640);
    expect(() => loadOrCreateSandboxMasterKey(dataDir)).toThrow(/mode 640/);
    chmodSync(path, 0o600);
    expect(loadOrCreateSandboxMasterKey(dataDir).value.reveal()).toBe(value.reveal());
  });

  it('refuses a malformed key file without echoing its content', () => {
    loadOrCreateSandboxMasterKey(dataDir);
    const junk = `v1:${b64(randomBytes(20))}`;
    writeFileSync(join(dataDir, 'master.key'), junk, { mode: 0o600 });
    expectMasterKeyError(() => loadOrCreateSandboxMasterKey(dataDir), [junk.slice(3, 23)], /malformed/);
  });
});
