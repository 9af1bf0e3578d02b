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

interface CliRun {
  io: CliIo;
  /** Set by a command that finished but must report failure (e.g. `audit verify` on a broken chain). */
  exitCode: number;
}

const current = new AsyncLocalStorage<CliRun>();
const processIo: CliIo = { env: process.env, stdout: process.stdout, stderr: process.stderr };

/** Runs one CLI invocation with its io; resolves to the work's result and the exit code a command asked for. */
export async function withCliIo<T>(io: CliIo, work: () => Promise<T>): Promise<{ result: T; exitCode: number }> {
  const state: CliRun = { io, exitCode: 0 };
  const result = await current.run(state, work);
  return { result, exitCode: state.exitCode };
}

export function cliIo(): CliIo {
  return current.getStore()?.io ?? processIo;
}

/** The exit code of this CLI run once the command returns (it still prints its result first). */
export function setExitCode(code: number): void {
  const state = current.getStore();
  if (state) state.exitCode = code;
  else process.exitCode = code;
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
