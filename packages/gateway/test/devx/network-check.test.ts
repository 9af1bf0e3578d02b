import { startSimulator, type RunningSimulator } from '@pdirect/mpgs-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** `pdirect network check` against the card-network simulator, configured as a real gateway would be. */
describe('pdirect network check', () => {
  let sim: RunningSimulator;
  const env = () => ({
    PDIRECT_MODE: 'sandbox',
    PDIRECT_DATA_DIR: '/tmp/pdirect-network-check',
    PDIRECT_MPGS_BASE_URL: sim.url,
    PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
    PDIRECT_MPGS_API_PASSWORD: 'sandbox',
  });

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reports the gateway operating, its version, and a hosted session created with the credentials', async () => {
    const res = await runCli(['network', 'check', '--json'], env());
    expect(res.code, res.stderr).toBe(0);
    expect(res.json).toMatchObject({ network: 'mpgs', ok: true });
    const findings = Object.fromEntries((res.json.findings as Array<{ check: string; ok: boolean; detail: string }>).map((f) => [f.check, f]));
    expect(findings['information.status']).toEqual({ check: 'information.status', ok: true, detail: 'OPERATING' });
    expect(findings['information.gatewayVersion']).toMatchObject({ ok: true, detail: '100.0.0' });
    expect(findings['session.create']).toMatchObject({ ok: true });
    expect(findings['session.js']!.detail).toBe(`${sim.url}/form/version/100/merchant/TESTPDIRECT/session.js`);
  });

  it('wrong credentials: the check fails (exit 1) and says so, without printing the password', async () => {
    const res = await runCli(['network', 'check'], { ...env(), PDIRECT_MPGS_API_PASSWORD: 'wrong-password-123' });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/session\.create\s+FAILED: credentials refused/);
    expect(res.stdout + res.stderr).not.toContain('wrong-password-123');
  });

  it('an unreachable gateway fails every finding', async () => {
    const res = await runCli(['network', 'check', '--json'], { ...env(), PDIRECT_MPGS_BASE_URL: 'http://127.0.0.1:9' });
    expect(res.code).toBe(1);
    expect((res.json.findings as Array<{ ok: boolean }>).every((f) => !f.ok)).toBe(true);
  });
});
