import { closeSync, fsync, fsyncSync, ftruncateSync, read, writeSync } from 'node:fs';

/**
 * The bytes of one log segment: a run of stored record batches, appended to and never rewritten.
 * In memory (no data directory) or in an append-only file.
 */
export interface SegmentData {
  readonly size: number;
  /** Appends all of `bytes` or throws, leaving `size` (and the file) as they were. */
  append(bytes: Buffer): void;
  /** The bytes in [position, position + length), as one or more consecutive buffers. */
  read(position: number, length: number): Promise<Buffer[]>;
  /** Makes appended bytes durable (fsync); a no-op in memory. */
  sync(): void;
  syncAsync(): Promise<void>;
  readonly dirty: boolean;
  close(): void;
}

const FIRST_CHUNK_BYTES = 64 * 1024;
const MAX_CHUNK_BYTES = 1024 * 1024;

/**
 * A segment in memory, as a list of chunks that are filled and never moved: the first is small (a quiet partition
 * costs little), each next one twice as large up to 1 MiB. Nothing is copied on growth, and a read returns views.
 */
export class MemorySegmentData implements SegmentData {
  private readonly chunks: Buffer[] = [];
  /** Segment position of each chunk's first byte. */
  private readonly chunkStarts: number[] = [];
  private tailUsed = 0;
  size = 0;
  readonly dirty = false;

  /** `capacityLimit`: the segment size; no chunk is made larger than it. */
  constructor(private readonly capacityLimit: number) {}

  append(bytes: Buffer): void {
    let copied = 0;
    while (copied < bytes.length) {
      let tail = this.chunks[this.chunks.length - 1];
      if (!tail || this.tailUsed === tail.length) tail = this.addChunk();
      const n = Math.min(bytes.length - copied, tail.length - this.tailUsed);
      bytes.copy(tail, this.tailUsed, copied, copied + n);
      this.tailUsed += n;
      this.size += n;
      copied += n;
    }
  }

  read(position: number, length: number): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.chunkStarts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    let remaining = length;
    let at = position;
    for (let c = lo; remaining > 0 && c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const from = at - this.chunkStarts[c]!;
      const n = Math.min(remaining, chunk.length - from);
      parts.push(chunk.subarray(from, from + n));
      remaining -= n;
      at += n;
    }
    return Promise.resolve(parts);
  }

  sync(): void {}

  syncAsync(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.chunks.length = 0;
    this.chunkStarts.length = 0;
  }

  private addChunk(): Buffer {
    const previous = this.chunks[this.chunks.length - 1]?.length ?? FIRST_CHUNK_BYTES / 2;
    const chunk = Buffer.allocUnsafeSlow(Math.min(previous * 2, MAX_CHUNK_BYTES, Math.max(this.capacityLimit, 1024)));
    this.chunkStarts.push(this.size);
    this.chunks.push(chunk);
    this.tailUsed = 0;
    return chunk;
  }
}

/**
 * A segment file. Appends are synchronous `write`s at an explicit position (the broker is single-threaded, so
 * ordering needs no locks, and a request is acknowledged only after its bytes reached the OS); fsync follows the
 * policy of the durability scheduler. Reads go through libuv's thread pool so a large fetch does not block.
 */
export class FileSegmentData implements SegmentData {
  private inFlightReads = 0;
  private closing = false;
  private closed = false;
  dirty = false;

  constructor(
    readonly path: string,
    private readonly fd: number,
    public size: number,
  ) {}

  append(bytes: Buffer): void {
    if (this.closing) throw new Error(`segment ${this.path} is closed`);
    let written = 0;
    try {
      while (written < bytes.length) {
        written += writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
      }
    } catch (error) {
      // Do not leave half a batch behind: the next append would land after garbage.
      if (written > 0) {
        try {
          ftruncateSync(this.fd, this.size);
        } catch {
          // recovery truncates a torn tail on the next start
        }
      }
      throw error;
    }
    this.size += bytes.length;
    this.dirty = true;
  }

  read(position: number, length: number): Promise<Buffer[]> {
    if (this.closing) return Promise.reject(new Error(`segment ${this.path} is closed`));
    const target = Buffer.allocUnsafe(length);
    this.inFlightReads++;
    return new Promise<Buffer[]>((resolve, reject) => {
      const step = (done: number): void => {
        if (done >= length) return finish(null, target);
        read(this.fd, target, done, length - done, position + done, (error, bytesRead) => {
          if (error) return finish(error);
          if (bytesRead === 0) return finish(new Error(`unexpected end of ${this.path} at ${position + done}`));
          step(done + bytesRead);
        });
      };
      const finish = (error: Error | null, buf?: Buffer): void => {
        this.inFlightReads--;
        if (this.closing && this.inFlightReads === 0) this.closeNow();
        if (error) reject(error);
        else resolve([buf!]);
      };
      step(0);
    });
  }

  sync(): void {
    if (this.closed || !this.dirty) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  syncAsync(): Promise<void> {
    if (this.closing || !this.dirty) return Promise.resolve();
    this.dirty = false;
    this.inFlightReads++;
    return new Promise((resolve) => {
      fsync(this.fd, (error) => {
        this.inFlightReads--;
        if (error) this.dirty = true;
        if (this.closing && this.inFlightReads === 0) this.closeNow();
        resolve();
      });
    });
  }

  /** Closes once in-flight reads finished, so a fetch racing a topic deletion never reads a recycled descriptor. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.inFlightReads === 0) this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // runs from I/O callbacks too, where a throw would end the process; the descriptor is gone either way
    }
  }
}
