import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the broker that can swallow the response to one request of a given API key, as a
 * network would lose it: the broker has processed the request, the client never hears back and retries.
 */
export class ResponseDroppingProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private dropsLeft = 0;
  private dropApiKey = -1;
  /** Responses swallowed so far. */
  dropped = 0;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.pipe(client));
  }

  static async start(): Promise<ResponseDroppingProxy & { port: number }> {
    const proxy = new ResponseDroppingProxy({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    return Object.assign(proxy, { port: typeof address === 'object' && address ? address.port : 0 });
  }

  /** Where to forward to (the broker is started after the proxy, advertising the proxy's port). */
  forwardTo(port: number): void {
    this.target.port = port;
  }

  dropNextResponses(apiKey: number, count = 1): void {
    this.dropApiKey = apiKey;
    this.dropsLeft = count;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target);
    this.sockets.add(client).add(upstream);
    const apiKeyByCorrelation = new Map<number, number>();
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill).on('close', kill);
    upstream.on('error', kill).on('close', kill);
    onFrames(client, (frame) => {
      apiKeyByCorrelation.set(frame.readInt32BE(8), frame.readInt16BE(4));
      upstream.write(frame);
    });
    onFrames(upstream, (frame) => {
      const correlationId = frame.readInt32BE(4);
      const apiKey = apiKeyByCorrelation.get(correlationId);
      apiKeyByCorrelation.delete(correlationId);
      if (apiKey === this.dropApiKey && this.dropsLeft > 0) {
        this.dropsLeft--;
        this.dropped++;
        return;
      }
      client.write(frame);
    });
  }
}

/** Calls `onFrame` with each complete size-prefixed frame (prefix included). */
function onFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
      const size = buffered.readInt32BE(0);
      onFrame(buffered.subarray(0, 4 + size));
      buffered = buffered.subarray(4 + size);
    }
  });
}
