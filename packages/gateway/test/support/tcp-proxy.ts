import net from 'node:net';

export type ProxyMode = 'pass' | 'blackhole' | 'refuse';

export interface TcpProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** pass: forward; blackhole: accept and forward nothing (a silent network); refuse: nothing listens (ECONNREFUSED). */
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/** A TCP forwarder in front of the database, to play network faults against the gateway. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  const open = new Set<net.Socket>();
  const handle = (client: net.Socket) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    const upstream = net.connect(target);
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => mode === 'pass' && upstream.write(chunk));
    upstream.on('data', (chunk) => mode === 'pass' && client.write(chunk));
  };
  let server = net.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const listening = () => server.listening;
  return {
    port,
    via(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async setMode(next: ProxyMode) {
      mode = next;
      if (next === 'refuse') {
        for (const s of open) s.destroy();
        if (listening()) await new Promise<void>((resolve) => server.close(() => resolve()));
      } else if (!listening()) {
        server = net.createServer(handle);
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      }
    },
    async close() {
      for (const s of open) s.destroy();
      if (listening()) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
