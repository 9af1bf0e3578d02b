import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import { TEST_MASTER_KEY } from './gateway.js';

/** The real executable (it runs the compiled dist/, which the global setup keeps current). */
export const PDIRECT_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pdirect.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

function result(code: number, stdout: string, stderr: string): CliResult {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

const baseEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH, PDIRECT_MASTER_KEY: TEST_MASTER_KEY, PDIRECT_LOG_LEVEL: 'warn', ...env });

/** Runs the `pdirect` CLI in this process (its `run(argv, io)`) against the given environment only. */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    env: baseEnv(env),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return result(code, stdout, stderr);
}

/** Runs the real `pdirect` executable in a child process (smoke tests of the shipped entry point). */
export function spawnCli(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PDIRECT_BIN, ...args], { env: baseEnv(env), cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve(result(error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr));
    });
  });
}
