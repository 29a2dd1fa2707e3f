import pg from 'pg';
import type { ColumnType } from '../shared/columns.js';

/** The part of pg's connection a COPY FROM STDIN drives (pg/lib/connection.js). */
interface CopyConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  /** The socket; when present, CopyData messages are written to it directly (see handleCopyInResponse). */
  stream?: { writable?: boolean; write(chunk: Buffer): boolean; cork?(): void; uncork?(): void };
}

/** Bytes per CopyData message. */
const MESSAGE_BYTES = 1 << 20;

/**
 * `COPY … FROM STDIN` through pg's Submittable interface (the hook pg-copy-streams uses): pg calls
 * handleCopyInResponse when the server is ready for the data, then completes the query as any other. COPY is the
 * cheapest way to load rows: no bind parameters to serialise, no JSON document for the server to take apart.
 */
class CopyFromText extends pg.Query {
  constructor(
    text: string,
    private readonly data: Buffer,
  ) {
    super(text);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    const stream = connection.stream;
    for (let start = 0; start < this.data.length; start += MESSAGE_BYTES) {
      const chunk = this.data.subarray(start, start + MESSAGE_BYTES);
      if (stream?.writable && stream.cork && stream.uncork) {
        // A CopyData message is 'd', its length (itself included), the bytes: written as header + our buffer, which
        // spares the copy of every megabyte pg's serializer makes (sendCopyFromChunk).
        const header = Buffer.allocUnsafe(5);
        header[0] = 0x64;
        header.writeUInt32BE(chunk.length + 4, 1);
        stream.cork();
        stream.write(header);
        stream.write(chunk);
        stream.uncork();
      } else connection.sendCopyFromChunk(chunk);
    }
    connection.endCopyFrom();
  }
}

/** Runs `COPY <target> FROM STDIN` with `data` in COPY's text format (copyLine) inside the caller's transaction. */
export function copyIn(client: pg.ClientBase, target: string, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new CopyFromText(`COPY ${target} FROM STDIN`, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    query.once('end', () => resolve());
    query.once('error', reject);
    void client.query(query as unknown as pg.QueryConfig);
  });
}

/** COPY's text format escapes backslash, newline, carriage return and tab (the field and row separators). */
function escapeCopy(text: string): string {
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')) : text;
}

/** An array literal as pg serialises a JS array parameter: every element quoted, null as NULL. */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}

/**
 * One value as a COPY text field, as the projector's `$n::type` parameters send it: null or undefined → NULL, jsonb
 * (and json) as JSON text, arrays as array literals, anything else as its string form.
 */
export function copyField(type: ColumnType | 'json' | 'integer[]', value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  // The common cases first (the outcome is the same as below): a string in a column that is not JSON, a number.
  if (typeof value === 'string' && type !== 'jsonb' && type !== 'json') return escapeCopy(value);
  if (typeof value === 'number' && type !== 'jsonb' && type !== 'json') return String(value);
  if (type === 'jsonb' || type === 'json') {
    // JSON.stringify writes control characters as escapes, so of COPY's special characters only backslash can occur.
    const json = JSON.stringify(value);
    return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
  }
  if (Array.isArray(value)) return escapeCopy(arrayLiteral(value));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return escapeCopy(JSON.stringify(value));
  return escapeCopy(String(value));
}
