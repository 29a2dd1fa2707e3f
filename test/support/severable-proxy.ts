import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface SeverableProxy {
  /** 127.0.0.1:<port> of the proxy: connect here instead of `target`. */
  port: number;
  /** Cuts every open connection and refuses new ones, as a server that went away does to its clients. */
  sever(): void;
  /** Lets connections through again (and their answers, after dropAnswers). */
  restore(): void;
  /**
   * From now on, what the server sends is thrown away while what the clients send still reaches it: a statement runs
   * (and commits) but its client never hears so, as when a connection breaks just after a COMMIT.
   */
  dropAnswers(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay to `target` that a test can cut: an outage of any length for one client, without touching a server that
 * other tests share. While severed, a connection is accepted and closed at once (the client sees its connection end
 * unexpectedly, as during a restart).
 */
export async function startSeverableProxy(target: { host: string; port: number }): Promise<SeverableProxy> {
  const open = new Set<Socket>();
  let severed = false;
  let droppingAnswers = false;
  const server: Server = createServer((client) => {
    if (severed) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!droppingAnswers) client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const sever = () => {
    severed = true;
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    sever,
    restore() {
      severed = false;
      droppingAnswers = false;
    },
    dropAnswers() {
      droppingAnswers = true;
    },
    close() {
      sever();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
