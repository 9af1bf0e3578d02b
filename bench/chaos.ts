// npm run chaos — the fault campaign (docs/reliability.md#the-fault-campaign).
//
// Two `pdirect serve` processes and a `pdirect worker` on one PostgreSQL
// database (a fresh one, dropped afterwards; reached through a TCP proxy so
// the network to it can fail), one card-network simulator with random faults,
// a webhook receiver, a killer loop (kill -9 a gateway process, start it
// again) and N checkouts driven over HTTP like customers would. Scenarios
// played during the load: random simulator faults, slow collects (F1: a
// collect outliving the reconciler's staleness), pg_terminate_backend of every
// connection (F2), a network blackhole and refused connections to the
// database (F6), and a full disk under the audit log's table (F3: its
// PostgreSQL tablespace on a small tmpfs that is filled, then freed). Then everything settles (`pdirect reconcile`, the webhook
// worker) and the invariant checker (bench/chaos-check.ts) prints a table;
// the exit code is 1 on any violation.
//
//   npm run chaos -- [--checkouts 1000] [--kills 30] [--concurrency 8] [--duration 0]
//                    [--scenarios faults,slow-collect,terminate-backends,blackhole,refuse,disk-full]
//                    [--fault-rate 0.1] [--seed N] [--smoke] [--keep]
//   PDIRECT_CHAOS_POSTGRES_URL (else PDIRECT_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres):
//   a server where the campaign may create and drop a database.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSimulator, type FaultSpec, type RunningSimulator } from '@pdirect/mpgs-simulator';
import { fillDisk, mountTinyFs } from '../packages/gateway/test/support/full-disk.js';
import { startTcpProxy, type TcpProxy } from '../packages/gateway/test/support/tcp-proxy.js';
import { checkInvariants, formatTable, type CampaignFacts } from './chaos-check.js';

const { values: args } = parseArgs({
  options: {
    checkouts: { type: 'string' },
    kills: { type: 'string' },
    concurrency: { type: 'string' },
    duration: { type: 'string' },
    scenarios: { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    'kill-every': { type: 'string' },
    'scenario-every': { type: 'string' },
    smoke: { type: 'boolean' },
    keep: { type: 'boolean' },
    'no-build': { type: 'boolean' },
  },
});
const smoke = args.smoke === true;
const options = {
  checkouts: Number(args.checkouts ?? (smoke ? 80 : 1000)),
  kills: Number(args.kills ?? (smoke ? 4 : 30)),
  concurrency: Number(args.concurrency ?? (smoke ? 6 : 8)),
  /** Seconds; 0 = until both the checkouts and the kills are done. Past it the load stops whatever the counts. */
  duration: Number(args.duration ?? (smoke ? 30 : 0)),
  scenarios: new Set((args.scenarios ?? 'faults,slow-collect,terminate-backends,blackhole,refuse,disk-full').split(',')),
  faultRate: Number(args['fault-rate'] ?? 0.1),
  seed: Number(args.seed ?? Date.now() % 1_000_000),
  /** Mean milliseconds between two kills, and between two database/network scenarios. */
  killEvery: Number(args['kill-every'] ?? (smoke ? 6000 : 8000)),
  scenarioEvery: Number(args['scenario-every'] ?? (smoke ? 8000 : 12000)),
};
for (const [name, value] of Object.entries(options)) {
  if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
    console.error(`--${name}: a non-negative number`);
    process.exit(2);
  }
}

/** The campaign's timings: short enough that a killed collect settles in seconds (docs/reliability.md). */
const TIMING = {
  /** PDIRECT_MPGS_TIMEOUT_MS */
  mpgsTimeoutMs: 1500,
  mpgsAttempts: 2,
  /** PDIRECT_PAYMENT_LEASE_SECONDS: staleness 4 leases, deadline margin 2 leases, reconcile loop every lease. */
  leaseSeconds: 2,
  statementTimeoutMs: 2000,
};

// A small deterministic PRNG (mulberry32), so a campaign can be replayed with --seed.
let state = options.seed >>> 0;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

const ROOT = path.resolve(import.meta.dirname, '..');
// The compiled CLI, as operators run it (and a restart after kill -9 takes a second, not the tsx compile).
const CLI = path.join(ROOT, 'packages/gateway/bin/pdirect.js');
const NODE_ARGS: string[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A `pdirect` process the campaign runs (and kills); its output goes to a log file. */
class Managed {
  child: ChildProcess | undefined;
  starts = 0;
  readonly #logFile: string;
  constructor(
    readonly name: string,
    readonly command: string[],
    readonly env: NodeJS.ProcessEnv,
    logDir: string,
    readonly url?: string,
  ) {
    this.#logFile = path.join(logDir, `${name}.log`);
  }

  async start(): Promise<void> {
    const out = fs.openSync(this.#logFile, 'a');
    fs.writeSync(out, `\n--- start ${++this.starts} at ${new Date().toISOString()}\n`);
    this.child = spawn(process.execPath, [...NODE_ARGS, CLI, ...this.command], { cwd: ROOT, env: this.env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    if (this.url) await waitReady(`${this.url}/healthz`, this);
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

async function waitReady(url: string, proc: Managed, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!proc.alive) throw new Error(`${proc.name} exited while starting (see its log)`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${proc.name} did not become ready in ${timeoutMs} ms`);
}

function runCli(command: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, CLI, ...command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The webhook receiver: records every event it is sent (answers 204). */
async function startReceiver(): Promise<{ url: string; succeeded: Set<string>; received: number; close(): Promise<void> }> {
  const succeeded = new Set<string>();
  const receiver = { url: '', succeeded, received: 0, close: async () => undefined as void };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.received++;
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; data?: { object?: { id?: string } } };
        if (event.type === 'payment.succeeded' && event.data?.object?.id) succeeded.add(event.data.object.id);
      } catch {
        // a body that is not JSON is simply not counted
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://localhost:${(server.address() as net.AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return receiver;
}

// --- the customers -------------------------------------------------------------------------------

const CARDS = {
  approved: { number: '5111111111111118', month: '01', year: '39' },
  declined: { number: '5111111111111118', month: '05', year: '39' },
  challenge: { number: '5123450000000008', month: '01', year: '39' },
} as const;
const SIM_AUTH = `Basic ${Buffer.from('merchant.TESTPDIRECT:sandbox').toString('base64')}`;

interface Answer {
  status: number;
  body: any;
  text: string;
  requestId: string | undefined;
  location: string | null;
}

class Customers {
  readonly answered: CampaignFacts['answered'] = [];
  readonly told = new Map<string, 'succeeded' | 'declined'>();
  readonly challenged = new Set<string>();
  readonly outcomes: Record<string, number> = {};
  /** The first answer seen for each outcome, to show what it was. */
  readonly examples: Record<string, string> = {};
  readonly orders: string[] = [];
  started = 0;
  finished = 0;
  /** Checkouts that reached collect (the campaign's N). */
  collects = 0;

  constructor(
    readonly gateways: Managed[],
    readonly simulatorUrl: string,
    readonly merchantSecret: string,
    readonly notifyUrl: string,
  ) {}

  #count(outcome: string, example?: string) {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    if (example && !this.examples[outcome]) this.examples[outcome] = example.slice(0, 300);
  }

  /** One HTTP call to a gateway; a network error (the process was killed) is thrown. */
  async #call(base: string, what: string, method: string, pathname: string, headers: Record<string, string>, body?: unknown, form?: string): Promise<Answer> {
    const res = await fetch(`${base}${pathname}`, {
      method,
      headers:
        form !== undefined
          ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
          : body === undefined
            ? headers
            : { ...headers, 'content-type': 'application/json' },
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const requestId = res.headers.get('x-request-id') ?? undefined;
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (requestId) this.answered.push({ requestId, what, status: res.status, errorCode: parsed?.error?.error_code });
    return { status: res.status, body: parsed, text, requestId, location: res.headers.get('location') };
  }

  /** A call that a customer (or the merchant's server) would simply retry elsewhere when the gateway is gone. */
  async #retrying(what: string, method: string, pathname: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    let last: unknown;
    for (let attempt = 0; attempt < 6; attempt++) {
      const gateway = pick(this.gateways);
      try {
        const answer = await this.#call(gateway.url!, what, method, pathname, headers, body);
        if (answer.status !== 503) return answer;
        last = new Error(`503 ${answer.text.slice(0, 120)}`);
      } catch (err) {
        last = err;
      }
      await sleep(200 + attempt * 300);
    }
    throw new Error(`${what}: gave up (${(last as Error)?.message})`);
  }

  async checkout(): Promise<void> {
    this.started++;
    const kind = random() < 0.6 ? 'approved' : random() < 0.45 ? 'declined' : 'challenge';
    const orderId = `chaos-${randomBytes(6).toString('hex')}`;
    const ip = { 'x-forwarded-for': `10.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}` };
    try {
      const minted = await this.#retrying(
        'mint session',
        'POST',
        '/v1/sessions',
        { authorization: `Bearer ${this.merchantSecret}` },
        {
          amount: '12.50',
          currency: 'usd',
          customer_reference: `cust_${randomBytes(3).toString('hex')}`,
          order_id: orderId,
          notify_url: this.notifyUrl,
          success_redirect_url: 'http://localhost:3000/thanks',
          fail_redirect_url: 'http://localhost:3000/sorry',
        },
      );
      if (minted.status !== 201) return this.#count(`mint ${minted.status}`, minted.text);
      this.orders.push(orderId);
      const sdk = { ...ip, authorization: `Bearer ${minted.body.session_token}`, 'x-device-fingerprint': randomBytes(32).toString('hex') };
      const opened = await this.#retrying('card session', 'POST', '/v1/card/sessions', sdk);
      if (opened.status !== 201) return this.#count(`card session ${opened.status}`, opened.text);
      const hosted = opened.body.hosted_session_id as string;
      const card = CARDS[kind];
      const filled = await fetch(`${this.simulatorUrl}/api/rest/version/100/merchant/TESTPDIRECT/session/${hosted}`, {
        method: 'PUT',
        headers: { authorization: SIM_AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({
          sourceOfFunds: { provided: { card: { number: card.number, expiry: { month: card.month, year: card.year }, securityCode: '100' } } },
        }),
      }).catch(() => undefined);
      if (!filled?.ok) return this.#count('card entry failed');

      // Collect: sent once. If the gateway dies under it, the customer has no answer; reconciliation decides.
      const gateway = pick(this.gateways);
      this.collects++;
      let paid: Answer;
      try {
        paid = await this.#call(gateway.url!, 'collect', 'POST', '/v1/payments/collect', sdk, { payment_method: 'card', hosted_session_id: hosted });
      } catch {
        return this.#count('collect: no answer');
      }
      if (paid.status === 200 && paid.body?.status === 'succeeded') {
        this.told.set(orderId, 'succeeded');
        return this.#count('collect: succeeded');
      }
      if (paid.status === 402) {
        this.told.set(orderId, 'declined');
        return this.#count('collect: declined');
      }
      // The issuer's 3-D Secure method first (the browser SDK runs its frame): then authenticate, answered like collect.
      if (paid.status === 200 && paid.body?.next_action?.type === 'three_d_secure_method') {
        try {
          const authenticate = new URL(paid.body.next_action.authenticate_url as string, gateway.url!).pathname;
          paid = await this.#call(pick(this.gateways).url!, 'authenticate', 'POST', authenticate, sdk, {});
        } catch {
          return this.#count('authenticate: no answer');
        }
        if (paid.status === 200 && paid.body?.status === 'succeeded') {
          this.told.set(orderId, 'succeeded');
          return this.#count('authenticate: succeeded');
        }
        if (paid.status === 402) {
          this.told.set(orderId, 'declined');
          return this.#count('authenticate: declined');
        }
      }
      if (paid.status === 200 && paid.body?.status === 'requires_action') return this.#challenge(orderId, paid.body.next_action.html as string);
      return this.#count(
        `collect: ${paid.status}${paid.body?.error?.error_code ? ` ${paid.body.error.error_code}` : ` ${paid.body?.status ?? ''}`}`,
        paid.text,
      );
    } catch (err) {
      this.#count(`gave up: ${(err as Error).message.split(':')[0]}`, (err as Error).message);
    } finally {
      this.finished++;
    }
  }

  /** The customer's browser through the simulator's ACS, then back to a gateway (any live one, as a load balancer would). */
  async #challenge(orderId: string, html: string): Promise<void> {
    this.challenged.add(orderId);
    const acsUrl = /action="([^"]+\/acs\/challenge)"/.exec(html)?.[1];
    const creq = /name="creq" value="([^"]+)"/.exec(html)?.[1];
    if (!acsUrl || !creq) return this.#count('challenge: no form');
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (url: string, fields: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields), redirect: 'manual' }).then((r) =>
        r.text(),
      );
    const page = await post(acsUrl, { creq }).catch(() => '');
    const acsTransID = /name="acsTransID" value="([^"]+)"/.exec(page)?.[1];
    if (!acsTransID) return this.#count('challenge: no ACS page');
    const back = await post(`${new URL(acsUrl).origin}/acs/challenge/result`, { acsTransID, outcome: 'Y' }).catch(() => '');
    const action = /<form[^>]*action="([^"]+)"/.exec(back)?.[1]?.replace(/&amp;/g, '&');
    if (!action) return this.#count('challenge: no return form');
    const fields = Object.fromEntries([...back.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const target = new URL(action);
    let confirming = false;
    for (let attempt = 0; attempt < 90; attempt++) {
      const gateway = pick(this.gateways);
      try {
        // The "confirming" page (202) comes back by itself with GET until the payment has settled.
        const answer = confirming
          ? await this.#call(gateway.url!, '3-D Secure return (confirming)', 'GET', target.pathname, {})
          : await this.#call(gateway.url!, '3-D Secure return', 'POST', target.pathname, {}, undefined, form(fields));
        if (answer.status === 202) {
          if (!confirming) this.#count('3-D Secure return: confirming page');
          confirming = true;
          await sleep(1000);
          continue;
        }
        if (answer.status === 303) {
          // The merchant's success or fail page: what the customer is told.
          this.told.set(orderId, answer.location?.startsWith('http://localhost:3000/thanks') ? 'succeeded' : 'declined');
          return this.#count(`3-D Secure return: ${this.told.get(orderId)}`);
        }
        // 503 and 500 1900 ("try again"): the customer tries again.
        if (answer.status !== 503 && !(answer.status === 500 && attempt < 10)) return this.#count(`3-D Secure return: ${answer.status}`, answer.text);
      } catch {
        // killed under it: the browser posts again (the return is safe to repeat)
      }
      await sleep(Math.min(2000, 300 + attempt * 300));
    }
    this.#count('3-D Secure return: gave up');
  }
}

// --- the campaign --------------------------------------------------------------------------------

/**
 * A tablespace on a small tmpfs for the audit log's table, so that its disk
 * can fill up while the rest of the database works. Needs root (mount) and a
 * PostgreSQL server on this machine running as `postgres`; otherwise the
 * scenario is skipped, and said so.
 */
async function auditTablespace(admin: pg.Client, baseUrl: string, dbName: string): Promise<{ dir: string; tablespace: string; sizeMb: number } | undefined> {
  const sizeMb = 48;
  const host = new URL(baseUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return skip(`the PostgreSQL server (${host}) is not on this machine`);
  let owner: { uid: number; gid: number };
  try {
    const { execFileSync } = await import('node:child_process');
    owner = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return skip('no postgres user on this machine');
  }
  let tiny: ReturnType<typeof mountTinyFs>;
  try {
    tiny = mountTinyFs({ sizeMb, owner });
  } catch (err) {
    return skip(`cannot mount a tmpfs (${(err as Error).message.split('\n')[0]}; needs root)`);
  }
  const tablespace = `${dbName}_audit`;
  try {
    await admin.query(`create tablespace ${tablespace} location '${tiny.dir}'`);
  } catch (err) {
    tiny.unmount();
    return skip(`create tablespace failed: ${(err as Error).message}`);
  }
  // Runs after the database is dropped (cleanups run last-pushed first).
  cleanups.push(async () => {
    if (args.keep || keepOnViolation) return log(`kept tablespace ${tablespace} on ${tiny.dir}`);
    await admin.query(`drop tablespace if exists ${tablespace}`);
    tiny.unmount();
  });
  return { dir: tiny.dir, tablespace, sizeMb };

  function skip(why: string): undefined {
    log(`disk-full scenario skipped: ${why}`);
    return undefined;
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
/** A campaign with a violation keeps its database and logs for the post-mortem. */
let keepOnViolation = false;

async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.reverse().splice(0)) await cleanup().catch((err: Error) => log(`cleanup: ${err.message}`));
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const baseUrl = process.env.PDIRECT_CHAOS_POSTGRES_URL ?? process.env.PDIRECT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `pdirect_chaos_${randomBytes(4).toString('hex')}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-chaos-'));
  const admin = new pg.Client({ connectionString: baseUrl, application_name: 'pdirect-chaos' });
  await admin.connect();
  admin.on('error', () => undefined);
  cleanups.push(() => admin.end());
  log(
    `seed ${options.seed}; ${options.checkouts} checkouts, ≥ ${options.kills} kills, concurrency ${options.concurrency}; scenarios ${[...options.scenarios].join(', ')}`,
  );
  log(`database ${dbName} on ${new URL(baseUrl).host}; logs in ${tmp}`);
  if (!args['no-build']) {
    log('building the gateway (npm run build -w @pdirect/gateway) so that the processes run this tree');
    const built = await new Promise<number>((resolve) =>
      spawn('npm', ['run', 'build', '-w', '@pdirect/gateway'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] }).once('exit', (code) =>
        resolve(code ?? 1),
      ),
    );
    if (built !== 0) throw new Error('the build failed');
  }
  // F3 on PostgreSQL: the audit log's table lives on a small filesystem of its own that the campaign fills up.
  const disk = options.scenarios.has('disk-full') ? await auditTablespace(admin, baseUrl, dbName) : undefined;
  if (!disk) options.scenarios.delete('disk-full');
  await admin.query(`create database ${dbName}`);
  cleanups.push(async () => {
    if (args.keep || keepOnViolation) return log(`kept database ${dbName} (drop it with: psql -c 'drop database ${dbName}')`);
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [dbName]);
    await admin.query(`drop database if exists ${dbName}`);
  });
  const direct = new URL(baseUrl);
  direct.pathname = `/${dbName}`;
  const proxy: TcpProxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  cleanups.push(() => proxy.close());
  const viaProxy = proxy.via(direct.toString());

  const simulator: RunningSimulator = await startSimulator({ merchants: { TESTPDIRECT: 'sandbox' } });
  cleanups.push(() => simulator.close());
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());

  const env = (databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PDIRECT_MODE: 'sandbox',
    PDIRECT_HOST: '127.0.0.1',
    PDIRECT_DATA_DIR: tmp,
    PDIRECT_DATABASE_URL: databaseUrl,
    PDIRECT_LOG_LEVEL: 'warn',
    PDIRECT_MPGS_BASE_URL: simulator.url,
    PDIRECT_MPGS_MERCHANT_ID: 'TESTPDIRECT',
    PDIRECT_MPGS_API_PASSWORD: 'sandbox',
    PDIRECT_MPGS_TIMEOUT_MS: String(TIMING.mpgsTimeoutMs),
    PDIRECT_MPGS_MAX_ATTEMPTS: String(TIMING.mpgsAttempts),
    PDIRECT_PAYMENT_LEASE_SECONDS: String(TIMING.leaseSeconds),
    PDIRECT_DB_STATEMENT_TIMEOUT_MS: String(TIMING.statementTimeoutMs),
    PDIRECT_DB_CONNECT_TIMEOUT_MS: '2000',
    PDIRECT_WEBHOOK_RETRY_SCHEDULE: '1s,1s,2s,2s,5s,5s,10s,10s,10s,10s',
    PDIRECT_WEBHOOK_RETRY_JITTER_PERCENT: '0',
    PDIRECT_WEBHOOK_POLL_MS: '200',
    PDIRECT_WEBHOOK_TIMEOUT_SECONDS: '5',
    PDIRECT_AUTH_FAILURES_PER_MINUTE: '100000',
    // Every customer comes from this one machine: each gets its own address (X-Forwarded-For from a trusted proxy),
    // and the per-address card-session cap is lifted, so that the card-entry defences do not stop the campaign.
    PDIRECT_TRUSTED_PROXIES: '127.0.0.1',
    PDIRECT_CARD_SESSIONS_PER_MINUTE: '100000',
    ...extra,
  });

  // The merchant (this also creates the schema and the master key in the shared data directory).
  const created = await runCli(
    ['--init', 'merchant', 'create', '--name', 'Chaos Shop', '--redirect-host', 'localhost', '--fingerprint-mode', 'off', '--json'],
    env(direct.toString()),
  );
  if (created.code !== 0) throw new Error(`merchant create failed: ${created.stderr}`);
  const merchant = JSON.parse(created.stdout) as { merchant_id: string; merchant_secret: string };

  if (disk) {
    const db = new pg.Client({ connectionString: direct.toString(), application_name: 'pdirect-chaos' });
    await db.connect();
    await db.query(`alter table audit_log set tablespace ${disk.tablespace}`);
    await db.end();
    log(`the audit log's table is on a ${disk.sizeMb} MB tmpfs (tablespace ${disk.tablespace}, ${disk.dir})`);
  }

  const gateways: Managed[] = [];
  for (const name of ['gateway-a', 'gateway-b']) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    gateways.push(
      new Managed(name, ['serve'], env(viaProxy, { PDIRECT_PORT: String(port), PDIRECT_PUBLIC_URL: url, PDIRECT_WEBHOOK_WORKER: 'off' }), tmp, url),
    );
  }
  const worker = new Managed('worker', ['worker'], env(viaProxy), tmp);
  const all = [...gateways, worker];
  cleanups.push(() => Promise.all(all.map((p) => p.kill('SIGTERM'))));
  await Promise.all(all.map((p) => p.start()));
  log(`gateways ${gateways.map((g) => g.url).join(', ')} and a worker are up`);

  const customers = new Customers(gateways, simulator.url, merchant.merchant_secret, receiver.url);
  const counts = { kills: 0, workerKills: 0, faults: 0, slowCollects: 0, terminations: 0, terminatedConnections: 0, blackholes: 0, refusals: 0, diskFulls: 0 };
  let loadDone = false;
  const loadStartedAt = Date.now();
  const loadDeadline = options.duration > 0 ? loadStartedAt + options.duration * 1000 : Infinity;

  // The killer: kill -9 a gateway process (sometimes the worker), start it again.
  const killEvery = options.killEvery;
  const killer = (async () => {
    while (!loadDone) {
      await sleep(killEvery * (0.5 + random()));
      if (loadDone) break;
      const victim = counts.kills > 0 && counts.kills % 6 === 0 && counts.workerKills < counts.kills / 6 ? worker : pick(gateways);
      await victim.kill('SIGKILL');
      if (victim === worker) counts.workerKills++;
      else counts.kills++;
      await sleep(random() * 500);
      await victim.start().catch((err: Error) => log(`restart of ${victim.name} failed: ${err.message}`));
    }
  })();

  // The scenarios, one at a time, in between.
  const scenarioList = [...options.scenarios].filter((s) => s !== 'faults');
  const scenarios = (async () => {
    while (!loadDone && scenarioList.length > 0) {
      await sleep(options.scenarioEvery * (0.5 + random()));
      if (loadDone) break;
      const scenario = pick(scenarioList);
      if (scenario === 'slow-collect') {
        // F1: a collect that outlives the reconciler's staleness (4 leases): a timeout on each 3-D Secure call, then a slow PAY.
        counts.slowCollects++;
        simulator.faults.add({ kind: 'timeout', apiOperation: 'INITIATE_AUTHENTICATION' });
        simulator.faults.add({ kind: 'timeout', apiOperation: 'AUTHENTICATE_PAYER' });
        simulator.faults.add({ kind: 'delay', delayMs: TIMING.mpgsTimeoutMs - 200, apiOperation: 'PAY', times: 2 });
      } else if (scenario === 'terminate-backends') {
        // F2: every connection of the campaign's database is terminated (57P01 in every process).
        counts.terminations++;
        const result = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName]);
        counts.terminatedConnections += result.rowCount ?? 0;
      } else if (scenario === 'blackhole') {
        // F6: the network to the database goes silent for a few seconds.
        counts.blackholes++;
        await proxy.setMode('blackhole');
        await sleep(1500 + random() * 2500);
        await proxy.setMode('pass');
      } else if (scenario === 'refuse') {
        counts.refusals++;
        await proxy.setMode('refuse');
        await sleep(500 + random() * 1500);
        await proxy.setMode('pass');
      } else if (scenario === 'disk-full' && disk) {
        // F3: the audit log cannot grow for a few seconds (every write that needs a record fails: 503 1901), then space returns.
        counts.diskFulls++;
        const filler = fillDisk(disk.dir);
        await sleep(1500 + random() * 2500);
        fs.rmSync(filler, { force: true });
      }
    }
  })();

  // Random faults on the card network, and the customers.
  const FAULT_KINDS = ['delay', 'timeout', 'http_500', 'reset', 'lost_answer'] as const;
  const OPERATIONS = ['INITIATE_AUTHENTICATION', 'AUTHENTICATE_PAYER', 'PAY', 'RETRIEVE_TRANSACTION'] as const;
  const progress = setInterval(() => {
    log(
      `${customers.collects}/${options.checkouts} checkouts (collects), ${counts.kills} kills (+${counts.workerKills} worker), ${counts.faults} faults, ` +
        `${counts.slowCollects} slow collects, ${counts.terminations} terminations, ${counts.blackholes} blackholes, ${counts.refusals} refusals, ${counts.diskFulls} full disks`,
    );
  }, 5000);
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while ((customers.collects < options.checkouts || counts.kills < options.kills) && Date.now() < loadDeadline) {
        if (options.scenarios.has('faults') && random() < options.faultRate) {
          const kind = pick(FAULT_KINDS);
          const fault: FaultSpec = { kind, apiOperation: pick(OPERATIONS), ...(kind === 'delay' ? { delayMs: Math.floor(random() * 1200) } : {}) };
          simulator.faults.add(fault);
          counts.faults++;
        }
        await customers.checkout();
      }
    }),
  );
  loadDone = true;
  clearInterval(progress);
  await Promise.all([killer, scenarios]);
  simulator.faults.clear();
  await proxy.setMode('pass');
  for (const p of all) if (!p.alive) await p.start();
  const loadSeconds = (Date.now() - loadStartedAt) / 1000;
  log(
    `load done in ${loadSeconds.toFixed(0)} s: ${customers.collects} checkouts reached collect, ${counts.kills} gateway kills, ${counts.workerKills} worker kills`,
  );

  // Settle: reconcile (as an operator would) until nothing is in flight and every webhook is delivered.
  const db = new pg.Client({ connectionString: direct.toString(), application_name: 'pdirect-chaos' });
  await db.connect();
  db.on('error', () => undefined);
  cleanups.push(() => db.end());
  const settleUntil = Date.now() + (smoke ? 60_000 : 180_000);
  for (;;) {
    const reconciled = await runCli(['reconcile', '--limit', '10000', '--json'], env(direct.toString()));
    const inFlight = await db.query(`select count(*)::int as n from payments where status in ('processing', 'pending')`);
    const refunds = await db.query(`select count(*)::int as n from refunds where status = 'pending'`);
    const deliveries = await db.query(`select count(*)::int as n from webhook_deliveries where state in ('pending', 'delivering')`);
    const left = inFlight.rows[0].n + refunds.rows[0].n + deliveries.rows[0].n;
    const summary = reconciled.code === 0 ? JSON.parse(reconciled.stdout) : { error: reconciled.stderr.trim().split('\n').pop() };
    log(
      `settling: ${inFlight.rows[0].n} payments in flight, ${deliveries.rows[0].n} webhook deliveries due; reconcile ${JSON.stringify({ ...summary, entries: undefined })}`,
    );
    if (left === 0 || Date.now() > settleUntil) break;
    await sleep(2000);
  }

  // The facts, and the verdict.
  const sessions = await db.query(`select id, order_id, status from checkout_sessions where merchant_id = $1`, [merchant.merchant_id]);
  const payments = await db.query(`select id, session_id, order_id, status, network_order_ref from payments where merchant_id = $1`, [merchant.merchant_id]);
  const refundRows = await db.query(`select id, status from refunds where merchant_id = $1`, [merchant.merchant_id]);
  const deliveryStates = await db.query(`select state, count(*)::int as n from webhook_deliveries group by state`);
  const audit = await db.query(`select request_id, count(*)::int as n from audit_log group by request_id`);
  const facts: CampaignFacts = {
    sessions: sessions.rows.map((r) => ({ id: r.id, orderId: r.order_id, status: r.status })),
    payments: payments.rows.map((r) => ({
      id: r.id,
      sessionId: r.session_id,
      orderId: r.order_id,
      status: r.status,
      networkOrderRef: r.network_order_ref ?? undefined,
    })),
    refunds: refundRows.rows.map((r) => ({ id: r.id, status: r.status })),
    ledger: simulator.ledger(),
    announcedSucceeded: receiver.succeeded,
    deliveries: Object.fromEntries(deliveryStates.rows.map((r) => [r.state, r.n])),
    answered: customers.answered,
    auditCounts: new Map(audit.rows.map((r) => [r.request_id as string, r.n as number])),
    told: customers.told,
    challenged: customers.challenged,
  };
  const { rows, lateChargesReversed, unseenChallenges } = checkInvariants(facts);
  const violations = rows.reduce((sum, r) => sum + r.violations, 0);
  keepOnViolation = violations > 0;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);

  const summary = [
    `checkouts ${customers.collects} reached collect, of ${customers.finished} begun (sessions ${facts.sessions.length}, payments ${facts.payments.length}, succeeded ${facts.payments.filter((p) => p.status === 'succeeded').length})`,
    `kills ${counts.kills} gateway + ${counts.workerKills} worker (kill -9, restarted)`,
    `card-network faults ${counts.faults} random + ${counts.slowCollects} slow collects; late charges reversed ${lateChargesReversed}`,
    `database: ${counts.terminations} pg_terminate_backend rounds (${counts.terminatedConnections} connections), ${counts.blackholes} blackholes, ${counts.refusals} refused-connection windows, ${counts.diskFulls} full disks under the audit log`,
    `3-D Secure challenges whose collect answer was lost (the customer never saw them; they fail when the session expires): ${unseenChallenges}`,
    `answered requests ${facts.answered.length}; webhooks received ${receiver.received}; ${seconds} s in all (load ${loadSeconds.toFixed(0)} s); seed ${options.seed}`,
  ];
  const outcomes = Object.entries(customers.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  for (const [outcome, example] of Object.entries(customers.examples)) log(`example of "${outcome}": ${example}`);
  process.stdout.write(`\n${summary.map((s) => `- ${s}`).join('\n')}\n- customers saw: ${outcomes}\n\n${formatTable(rows)}\n\n`);
  process.stdout.write(violations === 0 ? 'chaos: no violation\n' : `chaos: ${violations} violation(s); logs in ${tmp}\n`);

  await runCleanups();
  if (violations === 0 && !args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  return violations === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    console.error(`chaos: ${err.stack ?? err.message}`);
    await runCleanups();
    process.exit(2);
  },
);
