import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { runCli } from '../support/cli.js';
import { startTestGateway, TEST_MASTER_KEY } from '../support/gateway.js';
import { http } from '../support/http.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const roots: string[] = [];
function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-modes-'));
  roots.push(dir);
  return dir;
}

const LIVE_ENV = {
  PDIRECT_MODE: 'live',
  PDIRECT_MASTER_KEY: TEST_MASTER_KEY,
  PDIRECT_TRUSTED_PROXIES: '127.0.0.1',
  PDIRECT_PUBLIC_URL: 'https://pay.example',
  PDIRECT_MPGS_BASE_URL: 'https://mpgs.example',
  PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
  PDIRECT_MPGS_API_PASSWORD: 'sandbox',
};

// L6: the SQLite database holds sealed personal data, key hashes and the
// audit log: its directory is 0700 and the database and its -wal/-shm 0600,
// and live mode refuses to start on a database others can read.
describe.runIf(process.platform !== 'win32')('SQLite file modes', () => {
  afterAll(() => {
    for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pdirect migrate creates the data directory 0700 and the database 0600', async () => {
    const dir = path.join(scratch(), 'data', 'nested');
    const file = path.join(dir, 'pdirect.db');
    const res = await runCli(['migrate', '--json'], { PDIRECT_DATABASE_URL: `sqlite:${file}` });
    expect(res.code).toBe(0);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.dirname(dir))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('a running gateway keeps the database, -wal and -shm at 0600', async () => {
    const file = path.join(scratch(), 'db', 'pdirect.db');
    const gw = await startTestGateway({ databaseUrl: `sqlite:${file}` });
    try {
      await gw.services.merchants.create({ name: 'Modes Shop' });
      expect((await http(`${gw.url}/healthz`)).status).toBe(200);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(fs.existsSync(f)).toBe(true);
        expect(mode(f)).toBe(0o600);
      }
    } finally {
      await gw.close();
    }
  });

  it('sandbox tightens a world-readable database (and its -wal) to 0600', async () => {
    const file = path.join(scratch(), 'pdirect.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(`${file}-wal`, '');
    fs.chmodSync(`${file}-wal`, 0o664);
    expect((await runCli(['migrate'], { PDIRECT_DATABASE_URL: `sqlite:${file}` })).code).toBe(0);
    expect(mode(file)).toBe(0o600);
    // SQLite removes the -wal at a clean close; if it is still there, it is private too.
    if (fs.existsSync(`${file}-wal`)) expect(mode(`${file}-wal`)).toBe(0o600);
  });

  it('live mode refuses to start on a world-readable database: migrate and serve', async () => {
    const file = path.join(scratch(), 'pdirect.db');
    expect((await runCli(['migrate'], { PDIRECT_DATABASE_URL: `sqlite:${file}` })).code).toBe(0);
    fs.chmodSync(file, 0o644);
    const res = await runCli(['migrate'], { ...LIVE_ENV, PDIRECT_DATABASE_URL: `sqlite:${file}` });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('readable by every user (mode 644)');
    expect(res.stderr).toContain(`chmod 600 ${file}`);
    expect(mode(file)).toBe(0o644); // refused, not silently changed

    // `serve` opens storage through the same services.
    const config = loadConfig({ ...LIVE_ENV, PDIRECT_DATABASE_URL: `sqlite:${file}`, PDIRECT_DATA_DIR: scratch() });
    await expect(createServices(config, { logger: createLogger('silent') })).rejects.toThrow(/readable by every user/);

    fs.chmodSync(file, 0o600);
    const services = await createServices(config, { logger: createLogger('silent') });
    await services.close();
  });
});
