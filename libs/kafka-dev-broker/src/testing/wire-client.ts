import { connect, type Socket } from 'node:net';
import { Reader, Writer } from '../protocol/codec.js';
import { crc32c } from '../protocol/crc32c.js';
import { BatchField, BATCH_HEADER_BYTES, writeInt64 } from '../protocol/record-batch.js';

/**
 * A bare Kafka-protocol client for tests that need exact bytes on the wire: request header v1 out, response header
 * v0 in, responses matched by correlation id. Not for production use.
 */
export class WireClient {
  private nextCorrelationId = 1;
  private buffered = Buffer.alloc(0);
  private readonly pending = new Map<number, (body: Buffer) => void>();
  private readonly pendingRejects = new Map<number, (error: Error) => void>();
  /** Correlation ids of responses in arrival order. */
  readonly arrivals: number[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      for (const [, reject] of this.pendingRejects) reject(new Error('connection closed'));
      this.pendingRejects.clear();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new WireClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** Encodes a request (header v1 + body), without sending it. */
  frame(apiKey: number, apiVersion: number, body: Writer | Buffer, clientId = 'wire-client'): { correlationId: number; bytes: Buffer } {
    const correlationId = this.nextCorrelationId++;
    const payload = Buffer.isBuffer(body) ? body : body.toBuffer();
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string(clientId).toBuffer();
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(header.length + payload.length, 0);
    return { correlationId, bytes: Buffer.concat([size, header, payload]) };
  }

  /** Sends a request and resolves with the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Writer | Buffer = Buffer.alloc(0)): Promise<Reader> {
    const { correlationId, bytes } = this.frame(apiKey, apiVersion, body);
    const response = this.expect(correlationId);
    this.socket.write(bytes);
    return response;
  }

  /** Registers interest in a response, for requests sent with sendRaw. */
  expect(correlationId: number): Promise<Reader> {
    return new Promise<Reader>((resolve, reject) => {
      this.pending.set(correlationId, (body) => resolve(new Reader(body)));
      this.pendingRejects.set(correlationId, reject);
    });
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const correlationId = this.buffered.readInt32BE(4);
      const body = this.buffered.subarray(8, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      this.arrivals.push(correlationId);
      this.pendingRejects.delete(correlationId);
      const resolve = this.pending.get(correlationId);
      this.pending.delete(correlationId);
      resolve?.(body);
    }
  }
}

export interface TestRecord {
  key?: string | null;
  value: string | null;
  timestamp?: number;
}

export interface TestBatchOptions {
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  baseTimestamp?: number;
}

/** An uncompressed RecordBatch v2 with a valid CRC-32C, as a producer would send it (baseOffset 0). */
export function encodeRecordBatch(records: readonly TestRecord[], options: TestBatchOptions = {}): Buffer {
  const firstTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  const encodedRecords = records.map((record, i) => {
    const body = Buffer.concat([
      Buffer.from([0]), // attributes
      zigzagVarint((record.timestamp ?? firstTimestamp) - firstTimestamp),
      zigzagVarint(i),
      varBytes(record.key ?? null),
      varBytes(record.value),
      zigzagVarint(0), // headers
    ]);
    return Buffer.concat([zigzagVarint(body.length), body]);
  });
  const recordsBytes = Buffer.concat(encodedRecords);
  const batch = Buffer.alloc(BATCH_HEADER_BYTES + recordsBytes.length);
  const maxTimestamp = Math.max(firstTimestamp, ...records.map((r) => r.timestamp ?? firstTimestamp));
  writeInt64(batch, BatchField.baseOffset, 0);
  batch.writeInt32BE(batch.length - 12, BatchField.batchLength);
  batch.writeInt32BE(-1, BatchField.partitionLeaderEpoch);
  batch.writeInt8(2, BatchField.magic);
  batch.writeInt16BE(0, BatchField.attributes);
  batch.writeInt32BE(records.length - 1, BatchField.lastOffsetDelta);
  writeInt64(batch, BatchField.firstTimestamp, firstTimestamp);
  writeInt64(batch, BatchField.maxTimestamp, maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? -1n, BatchField.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, BatchField.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, BatchField.baseSequence);
  batch.writeInt32BE(records.length, BatchField.recordCount);
  recordsBytes.copy(batch, BATCH_HEADER_BYTES);
  batch.writeUInt32BE(crc32c(batch, BatchField.attributes), BatchField.crc);
  return batch;
}

/** Decodes the records of uncompressed batches in a Fetch response's record set. */
export function decodeRecordBatches(bytes: Buffer): Array<{ offset: number; key: string | null; value: string | null; timestamp: number }> {
  const out: Array<{ offset: number; key: string | null; value: string | null; timestamp: number }> = [];
  let position = 0;
  while (position + BATCH_HEADER_BYTES <= bytes.length) {
    const batchLength = bytes.readInt32BE(position + BatchField.batchLength);
    const end = position + 12 + batchLength;
    if (end > bytes.length) break;
    const baseOffset = Number(bytes.readBigInt64BE(position + BatchField.baseOffset));
    const firstTimestamp = Number(bytes.readBigInt64BE(position + BatchField.firstTimestamp));
    const count = bytes.readInt32BE(position + BatchField.recordCount);
    const cursor = { at: position + BATCH_HEADER_BYTES };
    for (let i = 0; i < count; i++) {
      const length = readZigzag(bytes, cursor);
      const start = cursor.at;
      cursor.at += 1;
      const timestampDelta = readZigzag(bytes, cursor);
      const offsetDelta = readZigzag(bytes, cursor);
      const key = readVarBytes(bytes, cursor);
      const value = readVarBytes(bytes, cursor);
      out.push({ offset: baseOffset + offsetDelta, key, value, timestamp: firstTimestamp + timestampDelta });
      cursor.at = start + length;
    }
    position = end;
  }
  return out;
}

function zigzagVarint(value: number): Buffer {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (v >= 0x80) {
    bytes.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function varBytes(value: string | null): Buffer {
  if (value === null) return zigzagVarint(-1);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([zigzagVarint(bytes.length), bytes]);
}

function readZigzag(bytes: Buffer, cursor: { at: number }): number {
  let raw = 0;
  let multiplier = 1;
  for (;;) {
    const byte = bytes[cursor.at++]!;
    raw += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) break;
    multiplier *= 128;
  }
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}

function readVarBytes(bytes: Buffer, cursor: { at: number }): string | null {
  const length = readZigzag(bytes, cursor);
  if (length < 0) return null;
  const value = bytes.toString('utf8', cursor.at, cursor.at + length);
  cursor.at += length;
  return value;
}
