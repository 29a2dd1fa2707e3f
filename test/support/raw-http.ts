import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** Everything the server sent before it closed the connection (or before `idleMs` passed without a byte). */
  raw: string;
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the server closed the connection (rather than the wait running out). */
  closed: boolean;
  elapsedMs: number;
}

/**
 * Sends bytes exactly as given over a new TCP connection (no client library to tidy malformed HTTP up) and reads until
 * the server closes the connection or `waitMs` passes, whichever is first.
 */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket: Socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks).toString('latin1'), closed, performance.now() - started));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after the answer still counts as the server ending the connection.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.write(bytes);
  });
}

export function parseAnswer(raw: string, closed: boolean, elapsedMs: number): RawAnswer {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd === -1) return { raw, headers: {}, body: '', closed, elapsedMs };
  const [statusLine, ...headerLines] = raw.slice(0, headerEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  let body = raw.slice(headerEnd + 4);
  if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  return { raw, status, headers, body: Buffer.from(body, 'latin1').toString('utf8'), closed, elapsedMs };
}
