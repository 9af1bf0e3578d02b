import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_MASTER_KEY } from './gateway.js';

export const PDIRECT_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pdirect.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs the real `pdirect` CLI in a child process against `databaseUrl`. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PDIRECT_BIN, ...args],
      { env: { PATH: process.env.PATH, PDIRECT_MASTER_KEY: TEST_MASTER_KEY, PDIRECT_LOG_LEVEL: 'warn', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr, json });
      },
    );
  });
}
