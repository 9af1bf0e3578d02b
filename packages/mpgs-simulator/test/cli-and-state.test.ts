import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/index.js';
import { MpgsClient, initiateBody, payBody, uniqueId } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/mpgs-simulator.js', import.meta.url));
const tempDir = mkdtempSync(join(tmpdir(), 'mpgs-sim-'));

afterAll(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

describe('CLI', () => {
  it('starts on PDIRECT_SIM_PORT, prints its URL and answers', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [BIN], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PDIRECT_SIM_PORT: String(port) } });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8');
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
        child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${output}`)));
      });
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const response = await fetch(`${url}/api/rest/version/100/information`);
      expect(await response.json()).toEqual({ gatewayVersion: '100.0.0', status: 'OPERATING' });
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('state file', () => {
  it('keeps sessions and orders across restarts, but never writes a CSC', async () => {
    const stateFile = join(tempDir, 'state.json');
    const first = await startSimulator({ stateFile });
    const api = new MpgsClient(first.url);
    const sessionId = await api.sessionWithCard({ number: '5111111111111118', csc: '987' });
    const orderId = uniqueId('order');
    expect((await api.put(orderId, 'pay-1', payBody(sessionId))).body.result).toBe('SUCCESS');
    const paidSession = await api.sessionWithCard({ number: '5123450000000008', csc: '987' });
    await first.close();

    // Structural, not a substring search: random auth codes and receipts may well contain "987".
    const text = readFileSync(stateFile, 'utf8');
    expect(text).not.toContain('"securityCode"');
    const state = JSON.parse(text) as { sessions: Array<{ card?: Record<string, unknown> }> };
    expect(state.sessions.length).toBeGreaterThanOrEqual(2);
    for (const session of state.sessions) expect(session.card && Object.keys(session.card)).not.toContain('securityCode');

    const second = await startSimulator({ stateFile });
    const again = new MpgsClient(second.url);
    const order = await again.getOrder(orderId);
    expect(order.body).toMatchObject({ status: 'CAPTURED', totalCapturedAmount: 12.5 });
    expect((await again.getSession(paidSession)).body.sourceOfFunds.provided.card.number).toBe('512345xxxxxx0008');
    await second.close();
  });
});

describe('publicUrl', () => {
  it('is the origin of every generated URL', async () => {
    const port = await freePort();
    const sim = await startSimulator({ port, publicUrl: 'https://sim.example:8443/ignored-path' });
    try {
      expect(sim.url).toBe('https://sim.example:8443');
      const api = new MpgsClient(`http://127.0.0.1:${port}`);
      const script = await fetch(`${api.baseUrl}/form/version/100/merchant/TESTPDIRECT/session.js`).then((r) => r.text());
      expect(script).toContain('"https://sim.example:8443"');
      const sessionId = await api.sessionWithCard({ number: '5123450000000008' });
      const initiate = await api.put(uniqueId('order'), 'auth-1', initiateBody(sessionId));
      expect(initiate.body.authentication.redirect.html).toContain('action="https://sim.example:8443/acs/3ds-method"');
    } finally {
      await sim.close();
    }
  });
});

/** A port that was free a moment ago (the publicUrl hides the real one, so the test picks it). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
