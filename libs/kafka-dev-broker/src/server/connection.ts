import type { Socket } from 'node:net';
import { HANDLERS } from '../handlers/handler-registry.js';
import type { RequestContext } from '../handlers/request-context.js';
import { API_BY_KEY, ApiKey } from '../protocol/api-keys.js';
import { ProtocolError, Reader } from '../protocol/codec.js';
import type { BrokerState } from './broker-state.js';

/** api key, api version, correlation id, client id length: the smallest possible request header v1. */
const MIN_REQUEST_BYTES = 10;
/** Stop reading from a client that pipelines faster than it is served, until its backlog drains. */
const BACKLOG_PAUSE_BYTES = 16 * 1024 * 1024;

let connectionCounter = 0;

/**
 * One client connection: splits the byte stream into size-prefixed frames and serves them strictly one after the
 * other (librdkafka pipelines produce requests and relies on in-order responses; a held Fetch or JoinGroup holds
 * back the requests behind it, as in Kafka). A frame whose size is out of bounds is refused before any buffer of
 * that size exists; a request that cannot be decoded closes this connection only.
 */
export class Connection {
  readonly id = ++connectionCounter;
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private readonly frames: Buffer[] = [];
  private queuedBytes = 0;
  private processing = false;
  private paused = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly remote: string;
  private readonly openedAt = Date.now();
  private requests = 0;
  private clientId: string | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.close(`socket error: ${error.message}`));
    socket.on('end', () => this.close('closed by client'));
    socket.on('close', () => this.close('closed'));
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.frames.length = 0;
    this.chunks.length = 0;
    this.socket.destroy();
    // The connection's one log line, written when it ends: who, for how long, how much, and why it ended.
    const client = this.clientId === null ? '' : ` (client "${this.clientId}")`;
    this.broker.logger.debug(
      `kafka-dev-broker: connection ${this.id} from ${this.remote}${client}, ${Date.now() - this.openedAt} ms, ` +
        `${this.requests} request(s): ${reason}`,
    );
    this.onClosed(this);
  }

  private onData(chunk: Buffer): void {
    try {
      this.split(chunk);
    } catch (error) {
      // an event-emitter callback must never throw: that would take the whole broker down
      this.broker.logger.error(`kafka-dev-broker: connection ${this.id}: ${(error as Error)?.stack ?? String(error)}`);
      this.close('closed after an internal error while reading');
    }
  }

  private split(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    while (this.bufferedBytes >= 4) {
      const size = this.peekSize();
      if (size < MIN_REQUEST_BYTES || size > this.broker.config.maxFrameBytes) {
        this.close(`refused: frame size ${size} outside [${MIN_REQUEST_BYTES}, ${this.broker.config.maxFrameBytes}]`);
        return;
      }
      if (this.bufferedBytes < 4 + size) break;
      const frame = this.take(4 + size).subarray(4);
      this.frames.push(frame);
      this.queuedBytes += frame.length;
    }
    if (!this.paused && this.queuedBytes > BACKLOG_PAUSE_BYTES) {
      this.paused = true;
      this.socket.pause();
    }
    void this.drainQueue();
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, 4);
    return head.readInt32BE(0);
  }

  /** Removes `n` bytes from the front of the buffered chunks (copying only when a frame spans chunks). */
  private take(n: number): Buffer {
    this.bufferedBytes -= n;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const used = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, used);
      filled += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }

  private async drainQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      while (!this.closed && this.frames.length > 0) {
        const frame = this.frames.shift()!;
        this.queuedBytes -= frame.length;
        if (this.paused && this.queuedBytes <= BACKLOG_PAUSE_BYTES / 2) {
          this.paused = false;
          this.socket.resume();
        }
        await this.serve(frame);
        if (!this.closed && this.socket.writableNeedDrain) await this.waitForDrain();
      }
    } finally {
      this.processing = false;
    }
  }

  private waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private async serve(frame: Buffer): Promise<void> {
    const reader = new Reader(frame);
    let apiKey = -1;
    let apiVersion = -1;
    try {
      apiKey = reader.int16();
      apiVersion = reader.int16();
      const correlationId = reader.int32();
      const clientId = reader.nullableString() ?? '';
      this.clientId ??= clientId;
      this.requests++;
      const api = API_BY_KEY.get(apiKey);
      if (!api) {
        this.close(`closed: unknown API key ${apiKey}`);
        return;
      }
      // ApiVersions answers any version (UNSUPPORTED_VERSION carries the supported list); for every other API an
      // unknown version leaves no response format to put an error in, so the connection is closed, as Kafka does.
      if (apiKey !== ApiKey.ApiVersions && (apiVersion < api.minVersion || apiVersion > api.maxVersion)) {
        this.close(`closed: unsupported ${api.name} version ${apiVersion}`);
        return;
      }
      const context: RequestContext = {
        broker: this.broker,
        apiKey,
        apiVersion,
        correlationId,
        clientId,
        clientHost: `/${this.socket.remoteAddress ?? ''}`,
        body: reader,
        signal: this.abort.signal,
      };
      const response = await HANDLERS.get(apiKey)!(context);
      if (response === null || this.closed) return;
      const parts = response.toBuffers();
      const header = Buffer.allocUnsafe(8);
      header.writeInt32BE(4 + response.length, 0);
      header.writeInt32BE(correlationId, 4);
      this.socket.cork();
      this.socket.write(header);
      for (const part of parts) this.socket.write(part);
      this.socket.uncork();
    } catch (error) {
      const request = `${API_BY_KEY.get(apiKey)?.name ?? `API ${apiKey}`} v${apiVersion}`;
      if (error instanceof ProtocolError) {
        this.close(`closed: malformed ${request}: ${error.message}`);
      } else {
        this.broker.logger.error(`kafka-dev-broker: connection ${this.id}: ${request} failed: ${(error as Error)?.stack ?? String(error)}`);
        this.close(`closed after an internal error in ${request}`);
      }
    }
  }
}
