import { fstatSync, ftruncateSync, mkdirSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../protocol/crc32c.js';
import { ErrorCode } from '../protocol/error-codes.js';
import {
  BATCH_HEADER_BYTES,
  BATCH_LENGTH_PREFIX,
  BatchField,
  type BatchHeader,
  readBatchHeader,
  readInt64,
  writeInt64,
} from '../protocol/record-batch.js';
import type { Logger } from '../logger.js';
import { fsyncDirectory } from './fs-util.js';
import { ProducerStates } from './producer-state.js';
import { FileSegmentData, MemorySegmentData, type SegmentData } from './segment-data.js';

interface Segment {
  readonly baseOffset: number;
  /** Log-wide byte position of the segment's first byte. */
  readonly startByte: number;
  readonly data: SegmentData;
}

export interface LogRead {
  readonly errorCode: number;
  /** Whole stored batches, starting with the one that contains the requested offset. */
  readonly parts: Promise<Buffer[]>[];
  readonly bytes: number;
}

export interface TimestampLookup {
  readonly offset: number;
  readonly timestamp: number;
}

const SEGMENT_FILE = /^(\d{20})\.log$/;
const SCAN_BLOCK = 4 * 1024 * 1024;
const EMPTY_READ: LogRead = { errorCode: ErrorCode.NONE, parts: [], bytes: 0 };
const OUT_OF_RANGE: LogRead = { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, parts: [], bytes: 0 };

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

/**
 * One partition's log: stored RecordBatch bytes in segments, plus an in-memory index with one entry per batch
 * (base offset, log-wide byte position, length, running maximum of max timestamps) in typed arrays, so a fetch
 * finds its first batch by binary search and reads a whole run of batches with one slice or one read per segment.
 */
export class PartitionLog {
  logStartOffset = 0;
  logEndOffset = 0;
  readonly producers = new ProducerStates();

  private readonly segments: Segment[] = [];
  private totalBytes = 0;
  private count = 0;
  private bases = new Float64Array(64);
  private positions = new Float64Array(64);
  private lengths = new Uint32Array(64);
  private segmentOf = new Uint32Array(64);
  private maxTimestampPrefix = new Float64Array(64);
  private readonly listeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly segmentBytes: number,
    /** Partition directory, or null when the log lives in memory. */
    private readonly dir: string | null,
  ) {}

  static inMemory(segmentBytes: number): PartitionLog {
    return new PartitionLog(segmentBytes, null);
  }

  /** Opens (creating if needed) a partition directory and recovers its segments; see README "Recovery". */
  static open(dir: string, segmentBytes: number, logger: Logger): PartitionLog {
    mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(segmentBytes, dir);
    log.recover(logger);
    return log;
  }

  get batchCount(): number {
    return this.count;
  }

  /** Bytes stored from `offset` (inside the log) to the end; used for Fetch min_bytes. */
  bytesAvailableFrom(offset: number): number {
    if (offset >= this.logEndOffset || this.count === 0) return 0;
    const i = this.findBatch(Math.max(offset, this.logStartOffset));
    return this.totalBytes - this.positions[i]!;
  }

  /**
   * Appends one validated batch: overwrites its baseOffset in place (the CRC does not cover it), writes it, indexes
   * it and wakes waiting fetches. Throws if the bytes could not be stored; the log is then unchanged.
   */
  append(batch: Buffer, header: BatchHeader): number {
    if (this.closed) throw new Error('partition log is closed');
    const baseOffset = this.logEndOffset;
    writeInt64(batch, BatchField.baseOffset, baseOffset);
    const segmentIndex = this.segmentFor(batch.length);
    this.segments[segmentIndex]!.data.append(batch);
    this.index(baseOffset, batch.length, segmentIndex, header.maxTimestamp);
    this.logEndOffset = baseOffset + header.lastOffsetDelta + 1;
    this.producers.record(header, baseOffset);
    if (this.listeners.size > 0) for (const listener of [...this.listeners]) listener();
    return baseOffset;
  }

  read(offset: number, maxBytes: number): LogRead {
    if (offset < this.logStartOffset || offset > this.logEndOffset) return OUT_OF_RANGE;
    if (offset === this.logEndOffset || this.count === 0) return EMPTY_READ;
    const first = this.findBatch(offset);
    let last = first;
    let bytes = this.lengths[first]!;
    while (last + 1 < this.count && bytes + this.lengths[last + 1]! <= maxBytes) {
      last++;
      bytes += this.lengths[last]!;
    }
    const parts: Promise<Buffer[]>[] = [];
    let runStart = first;
    for (let i = first; i <= last; i++) {
      if (i === last || this.segmentOf[i + 1] !== this.segmentOf[runStart]) {
        const segment = this.segments[this.segmentOf[runStart]!]!;
        const start = this.positions[runStart]! - segment.startByte;
        const end = this.positions[i]! + this.lengths[i]! - segment.startByte;
        parts.push(segment.data.read(start, end - start));
        runStart = i + 1;
      }
    }
    return { errorCode: ErrorCode.NONE, parts, bytes };
  }

  /** First offset whose record timestamp is ≥ `timestamp` (ListOffsets), or offset −1 when there is none. */
  async offsetForTimestamp(timestamp: number): Promise<TimestampLookup> {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.maxTimestampPrefix[mid]! >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    if (lo === this.count) return { offset: -1, timestamp: -1 };
    const segment = this.segments[this.segmentOf[lo]!]!;
    const parts = await segment.data.read(this.positions[lo]! - segment.startByte, this.lengths[lo]!);
    return firstRecordAtOrAfter(parts.length === 1 ? parts[0]! : Buffer.concat(parts), timestamp);
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get dirty(): boolean {
    return this.segments.some((segment) => segment.data.dirty);
  }

  sync(): void {
    for (const segment of this.segments) segment.data.sync();
  }

  async syncAsync(): Promise<void> {
    await Promise.all(this.segments.map((segment) => segment.data.syncAsync()));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const segment of this.segments) segment.data.close();
  }

  /** Largest i with bases[i] ≤ offset: batches are contiguous, so batch i holds [bases[i], bases[i+1]). */
  private findBatch(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.bases[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentFor(length: number): number {
    const active = this.segments[this.segments.length - 1];
    if (active && (active.data.size === 0 || active.data.size + length <= this.segmentBytes)) {
      return this.segments.length - 1;
    }
    if (active) active.data.sync(); // a rolled segment is complete and durable: recovery CRC-checks only the last one
    this.segments.push({
      baseOffset: this.logEndOffset,
      startByte: this.totalBytes,
      data: this.createSegmentData(this.logEndOffset),
    });
    return this.segments.length - 1;
  }

  private createSegmentData(baseOffset: number): SegmentData {
    if (this.dir === null) return new MemorySegmentData(this.segmentBytes);
    const path = join(this.dir, segmentFileName(baseOffset));
    const fd = openSync(path, 'w+');
    fsyncDirectory(this.dir);
    return new FileSegmentData(path, fd, 0);
  }

  private index(baseOffset: number, length: number, segmentIndex: number, maxTimestamp: number): void {
    if (this.count === this.bases.length) this.growIndex();
    const i = this.count++;
    this.bases[i] = baseOffset;
    this.positions[i] = this.totalBytes;
    this.lengths[i] = length;
    this.segmentOf[i] = segmentIndex;
    const previousMax = i > 0 ? this.maxTimestampPrefix[i - 1]! : -Infinity;
    this.maxTimestampPrefix[i] = Math.max(previousMax, maxTimestamp);
    this.totalBytes += length;
  }

  private growIndex(): void {
    const size = this.bases.length * 2;
    const grow = <T extends Float64Array | Uint32Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.bases = grow(this.bases, new Float64Array(size));
    this.positions = grow(this.positions, new Float64Array(size));
    this.lengths = grow(this.lengths, new Uint32Array(size));
    this.segmentOf = grow(this.segmentOf, new Uint32Array(size));
    this.maxTimestampPrefix = grow(this.maxTimestampPrefix, new Float64Array(size));
  }

  /**
   * Rebuilds the index and the producer state from the segment files. Every batch must be structurally sound and
   * continue the offsets of the previous one; the last segment (the only one that may have been written to at a
   * crash, since a segment is fsynced when rolled) is also CRC-checked. The log is cut at the first bad batch: a
   * torn tail is truncated and any later segment removed.
   */
  private recover(logger: Logger): void {
    const dir = this.dir!;
    const files = readdirSync(dir)
      .filter((name) => SEGMENT_FILE.test(name))
      .sort();
    let expected = -1;
    for (let f = 0; f < files.length; f++) {
      const name = files[f]!;
      const path = join(dir, name);
      const baseOffset = Number(SEGMENT_FILE.exec(name)![1]);
      if (expected === -1) {
        expected = baseOffset;
        this.logStartOffset = baseOffset;
        this.logEndOffset = baseOffset;
      }
      if (baseOffset !== expected) {
        logger.warn(`kafka-dev-broker: ${path} starts at offset ${baseOffset}, expected ${expected}; removing it and later segments`);
        for (const later of files.slice(f)) rmSync(join(dir, later), { force: true });
        break;
      }
      const fd = openSync(path, 'r+');
      const fileSize = fstatSync(fd).size;
      const isLast = f === files.length - 1;
      const segmentIndex = this.segments.length;
      const startByte = this.totalBytes;
      const validBytes = this.scanSegment(fd, fileSize, segmentIndex, isLast);
      this.segments.push({ baseOffset, startByte, data: new FileSegmentData(path, fd, validBytes) });
      expected = this.logEndOffset;
      if (validBytes < fileSize) {
        logger.warn(
          `kafka-dev-broker: ${path}: truncating ${fileSize - validBytes} bytes after offset ${this.logEndOffset - 1} (torn or corrupt tail)`,
        );
        ftruncateSync(fd, validBytes);
        for (const later of files.slice(f + 1)) {
          logger.warn(`kafka-dev-broker: removing ${join(dir, later)}, which follows a truncated segment`);
          rmSync(join(dir, later), { force: true });
        }
        break;
      }
    }
  }

  /** Indexes the valid prefix of one segment file and returns its length in bytes. */
  private scanSegment(fd: number, fileSize: number, segmentIndex: number, verifyCrc: boolean): number {
    let window = Buffer.alloc(0);
    let windowStart = 0;
    const load = (position: number, length: number): boolean => {
      if (position + length > fileSize) return false;
      if (position >= windowStart && position + length <= windowStart + window.length) return true;
      const size = Math.min(Math.max(length, SCAN_BLOCK), fileSize - position);
      window = Buffer.allocUnsafe(size);
      let done = 0;
      while (done < size) {
        const n = readSync(fd, window, done, size - done, position + done);
        if (n === 0) return false;
        done += n;
      }
      windowStart = position;
      return true;
    };
    let position = 0;
    while (position < fileSize) {
      if (!load(position, BATCH_HEADER_BYTES)) break;
      let at = position - windowStart;
      const batchLength = window.readInt32BE(at + BatchField.batchLength);
      const total = batchLength + BATCH_LENGTH_PREFIX;
      if (batchLength < BATCH_HEADER_BYTES - BATCH_LENGTH_PREFIX || !load(position, total)) break;
      at = position - windowStart;
      if (window.readInt8(at + BatchField.magic) !== 2) break;
      if (readInt64(window, at + BatchField.baseOffset) !== this.logEndOffset) break;
      const header = readBatchHeader(window, at);
      if (header.lastOffsetDelta < 0) break;
      if (verifyCrc && window.readUInt32BE(at + BatchField.crc) !== crc32c(window, at + BatchField.attributes, at + total)) {
        break;
      }
      const baseOffset = this.logEndOffset;
      this.index(baseOffset, total, segmentIndex, header.maxTimestamp);
      this.producers.record(header, baseOffset);
      this.logEndOffset = baseOffset + header.lastOffsetDelta + 1;
      position += total;
    }
    return position;
  }
}

/** Walks the records of an uncompressed batch for the first timestamp ≥ `timestamp`; a compressed batch answers its base. */
function firstRecordAtOrAfter(batch: Buffer, timestamp: number): TimestampLookup {
  const header = readBatchHeader(batch);
  const baseOffset = readInt64(batch, BatchField.baseOffset);
  if (header.compression !== 0 || header.firstTimestamp >= timestamp) {
    return { offset: baseOffset, timestamp: header.compression !== 0 ? header.maxTimestamp : header.firstTimestamp };
  }
  const reader = new VarintReader(batch, BATCH_HEADER_BYTES);
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const recordStart = reader.position;
      reader.skip(1); // attributes
      const recordTimestamp = header.firstTimestamp + reader.varint();
      const offsetDelta = reader.varint();
      if (recordTimestamp >= timestamp) return { offset: baseOffset + offsetDelta, timestamp: recordTimestamp };
      reader.position = recordStart + length;
    }
  } catch {
    // malformed records inside a CRC-valid batch: fall back to the batch boundary below
  }
  return { offset: baseOffset + header.lastOffsetDelta, timestamp: header.maxTimestamp };
}

class VarintReader {
  constructor(
    private readonly buf: Buffer,
    public position: number,
  ) {}

  skip(n: number): void {
    this.position += n;
  }

  /** Zig-zag varint / varlong (record fields), as a JS number. */
  varint(): number {
    let raw = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.buf.length) throw new RangeError('record runs past the batch');
      const byte = this.buf[this.position++]!;
      raw += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      multiplier *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }
}

