import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway-process.ts');
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface GatewayProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts gateway-process.ts as a real second OS process (its own pool, its
 * own event loop) against `databaseUrl`, and resolves once it is listening.
 */
export function spawnGatewayProcess(
  databaseUrl: string,
  timeoutMs = 30_000,
  env: Record<string, string> = {},
  /** Node options before the script, e.g. another `--import`. */
  nodeArgs: string[] = [],
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, SCRIPT], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH, ...env, PDIRECT_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`gateway process did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      clearTimeout(timer);
      const { url } = JSON.parse(line) as { url: string };
      resolve({ url, pid: child.pid!, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway process exited (${code}) before listening: ${stderr}`));
    });
  });
}
