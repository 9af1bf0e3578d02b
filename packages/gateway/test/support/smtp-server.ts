import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-server-process.ts');
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ReceivedMail {
  user: string | null;
  from: string | null;
  to: string[];
  /** The RFC 5322 message as received (headers and body). */
  raw: string;
}

export interface SmtpServerProcess {
  port: number;
  user: string;
  pass: string;
  /** Every message accepted so far. */
  messages: ReceivedMail[];
  /** Resolves with the `n`th message (1-based) once it has arrived. */
  nthMessage(n: number, timeoutMs?: number): Promise<ReceivedMail>;
  stop(): Promise<void>;
}

/** Starts smtp-server-process.ts as a real child process and resolves once it listens. */
export function startSmtpServerProcess(timeoutMs = 30_000): Promise<SmtpServerProcess> {
  const user = 'pdirect';
  const pass = 'smtp-test-password';
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env.PATH, SMTP_TEST_USER: user, SMTP_TEST_PASS: pass },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const messages: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`SMTP server process did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffered.slice(0, newline)) as { type: string; port?: number } & ReceivedMail;
        buffered = buffered.slice(newline + 1);
        if (event.type === 'listening') {
          clearTimeout(timer);
          resolve({
            port: event.port!,
            user,
            pass,
            messages,
            nthMessage: (n, waitMs = 10_000) =>
              new Promise((found, fail) => {
                const check = () => messages.length >= n && (found(messages[n - 1]!), true);
                if (check()) return;
                const t = setTimeout(() => fail(new Error(`no message #${n} within ${waitMs} ms`)), waitMs);
                waiters.push(() => check() && clearTimeout(t));
              }),
            stop,
          });
        } else if (event.type === 'message') {
          messages.push({ user: event.user, from: event.from, to: event.to, raw: event.raw });
          for (const wake of waiters) wake();
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`SMTP server process exited (${code}) before listening: ${stderr}`));
    });
  });
}

/** The text of a received message with quoted-printable soft line breaks and escapes undone. */
export function mailText(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
