import net from 'node:net';

export interface RawExchange {
  /** Everything the server wrote, as text. */
  text: string;
  /** Status line code, if a response arrived. */
  status: number | undefined;
  headers: Record<string, string>;
  body: any;
  /** Milliseconds from connect until the server closed the connection, or undefined if it was still open at `waitMs`. */
  closedAfterMs: number | undefined;
}

/**
 * Talks HTTP/1.1 over a raw TCP socket, the way a slow or hostile client
 * does: writes `head`, then each of `trickle` (one chunk every `everyMs`),
 * and reads until the server closes or `waitMs` passes (then destroys the socket).
 */
export function rawExchange(
  url: string,
  head: string | Buffer,
  options: { trickle?: Array<string | Buffer>; everyMs?: number; waitMs?: number; localAddress?: string } = {},
): Promise<RawExchange> {
  const { port, hostname } = new URL(url);
  const waitMs = options.waitMs ?? 5_000;
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ port: Number(port), host: hostname, localAddress: options.localAddress });
    const chunks: Buffer[] = [];
    let trickleTimer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(trickleTimer);
      clearTimeout(deadline);
      const text = Buffer.concat(chunks).toString('utf8');
      socket.destroy();
      resolve({ ...parseResponse(text), text, closedAfterMs: closed ? Date.now() - started : undefined });
    };
    const deadline = setTimeout(() => finish(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server closing on us mid-write is an answer, not a test failure.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true);
      else if (!done) reject(err);
    });
    socket.once('connect', () => {
      socket.write(head);
      const rest = [...(options.trickle ?? [])];
      if (rest.length > 0) {
        trickleTimer = setInterval(() => {
          const next = rest.shift();
          if (next === undefined || socket.destroyed) return clearInterval(trickleTimer);
          socket.write(next);
        }, options.everyMs ?? 200);
      }
    });
  });
}

/** Opens a connection and keeps it, for connection-cap tests. */
export function openSocket(url: string, localAddress?: string): Promise<{ socket: net.Socket; received(): string; closed: Promise<void> }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: Number(port), host: hostname, localAddress });
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString('utf8')));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

export function parseResponse(text: string): { status: number | undefined; headers: Record<string, string>; body: any } {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return { status: undefined, headers: {}, body: undefined };
  const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const raw = text.slice(split + 4);
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = undefined;
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]) || undefined, headers, body };
}
