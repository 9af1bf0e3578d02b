import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where one CLI run reads its settings and writes its output. The real
 * process passes process.env/stdout/stderr; tests call `run()` in-process
 * with their own, and every command reaches them through `cliIo()`.
 */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const current = new AsyncLocalStorage<CliIo>();
const processIo: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };

export function withCliIo<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  return current.run(io, work);
}

export function cliIo(): CliIo {
  return current.getStore() ?? processIo;
}

/** The environment of this CLI run (for loadConfig). */
export function cliEnv(): Record<string, string | undefined> {
  return cliIo().env;
}

/** Raw text to stdout. */
export function out(text: string): void {
  cliIo().stdout.write(text);
}

/**
 * CLI output: a result goes to stdout (JSON with --json, aligned "key: value"
 * lines otherwise); diagnostics go to stderr, so secrets printed once on
 * stdout can be captured without mixing them into logs.
 */
export function printResult(result: Record<string, unknown>, json: boolean): void {
  if (json) {
    out(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const width = Math.max(...Object.keys(result).map((k) => k.length));
  for (const [key, value] of Object.entries(result)) {
    const text = value === null || value === undefined ? '-' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    out(`${key.padEnd(width)}  ${text}\n`);
  }
}

export function note(message: string): void {
  cliIo().stderr.write(`${message}\n`);
}
