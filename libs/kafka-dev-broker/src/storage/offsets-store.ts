import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync, fsync } from 'node:fs';
import { Reader, Writer } from '../protocol/codec.js';
import { crc32c } from '../protocol/crc32c.js';
import type { Logger } from '../logger.js';
import { writeFileAtomic } from './fs-util.js';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
}

const RecordType = { Commit: 1, DeleteGroup: 2, DeleteTopic: 3 } as const;
/** length (int32) + CRC-32C (uint32) before each payload */
const RECORD_PREFIX = 8;
const MAX_RECORD_PAYLOAD = 1024 * 1024;
/** Rewrite the log once it holds this many records and several times more records than live entries. */
const COMPACT_MIN_RECORDS = 10_000;
const COMPACT_RATIO = 4;

type GroupOffsets = Map<string, Map<number, CommittedOffset>>;

/**
 * Committed consumer-group offsets, stored verbatim. With a data directory they go to an append-only log
 * (`consumer-offsets.log`: length, CRC-32C, payload per record) that is replayed at start-up (a torn tail is cut
 * off) and compacted by an atomic rewrite when it is mostly superseded records.
 */
export class OffsetsStore {
  private readonly groups = new Map<string, GroupOffsets>();
  private fd: number | null = null;
  private size = 0;
  private records = 0;
  private liveEntries = 0;
  dirty = false;

  private constructor(
    private readonly path: string | null,
    private readonly logger: Logger,
  ) {}

  static inMemory(logger: Logger): OffsetsStore {
    return new OffsetsStore(null, logger);
  }

  static open(path: string, logger: Logger): OffsetsStore {
    const store = new OffsetsStore(path, logger);
    store.recover();
    return store;
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Topic → partition → offset for one group (empty when the group committed nothing). */
  offsetsOf(group: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Commits several offsets of one group; with a data directory they are written as one append. */
  commit(group: string, entries: ReadonlyArray<{ topic: string; partition: number } & CommittedOffset>): void {
    if (entries.length === 0) return;
    if (this.path !== null) {
      this.append(
        entries.map((entry) =>
          new Writer()
            .int8(RecordType.Commit)
            .string(group)
            .string(entry.topic)
            .int32(entry.partition)
            .int64(entry.offset)
            .string(entry.metadata)
            .toBuffer(),
        ),
      );
    }
    for (const entry of entries) this.apply(group, entry.topic, entry.partition, { offset: entry.offset, metadata: entry.metadata });
    this.maybeCompact();
  }

  deleteGroup(group: string): void {
    if (!this.groups.has(group)) return;
    if (this.path !== null) this.append([new Writer().int8(RecordType.DeleteGroup).string(group).toBuffer()]);
    this.removeGroup(group);
  }

  deleteTopic(topic: string): void {
    let present = false;
    for (const offsets of this.groups.values()) if (offsets.has(topic)) present = true;
    if (!present) return;
    if (this.path !== null) this.append([new Writer().int8(RecordType.DeleteTopic).string(topic).toBuffer()]);
    this.removeTopic(topic);
  }

  sync(): void {
    if (this.fd === null || !this.dirty) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  syncAsync(): Promise<void> {
    if (this.fd === null || !this.dirty) return Promise.resolve();
    this.dirty = false;
    const fd = this.fd;
    return new Promise((resolve) =>
      fsync(fd, (error) => {
        if (error) this.dirty = true;
        resolve();
      }),
    );
  }

  close(): void {
    if (this.fd === null) return;
    this.sync();
    closeSync(this.fd);
    this.fd = null;
  }

  private apply(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let offsets = this.groups.get(group);
    if (!offsets) this.groups.set(group, (offsets = new Map()));
    let partitions = offsets.get(topic);
    if (!partitions) offsets.set(topic, (partitions = new Map()));
    if (!partitions.has(partition)) this.liveEntries++;
    partitions.set(partition, value);
  }

  private removeGroup(group: string): void {
    const offsets = this.groups.get(group);
    if (!offsets) return;
    for (const partitions of offsets.values()) this.liveEntries -= partitions.size;
    this.groups.delete(group);
  }

  private removeTopic(topic: string): void {
    for (const [group, offsets] of this.groups) {
      const partitions = offsets.get(topic);
      if (!partitions) continue;
      this.liveEntries -= partitions.size;
      offsets.delete(topic);
      if (offsets.size === 0) this.groups.delete(group);
    }
  }

  private append(payloads: Buffer[]): void {
    const frame = Buffer.concat(payloads.flatMap((payload) => [recordPrefix(payload), payload]));
    let written = 0;
    try {
      while (written < frame.length) written += writeSync(this.fd!, frame, written, frame.length - written, this.size + written);
    } catch (error) {
      if (written > 0) {
        try {
          ftruncateSync(this.fd!, this.size);
        } catch {
          // a torn tail is cut off at the next start
        }
      }
      throw error;
    }
    this.size += frame.length;
    this.records += payloads.length;
    this.dirty = true;
  }

  private maybeCompact(): void {
    if (this.path === null || this.records < COMPACT_MIN_RECORDS || this.records < COMPACT_RATIO * this.liveEntries) return;
    const parts: Buffer[] = [];
    let count = 0;
    for (const [group, offsets] of this.groups) {
      for (const [topic, partitions] of offsets) {
        for (const [partition, value] of partitions) {
          const payload = new Writer()
            .int8(RecordType.Commit)
            .string(group)
            .string(topic)
            .int32(partition)
            .int64(value.offset)
            .string(value.metadata)
            .toBuffer();
          parts.push(recordPrefix(payload), payload);
          count++;
        }
      }
    }
    const contents = Buffer.concat(parts);
    closeSync(this.fd!);
    writeFileAtomic(this.path, contents);
    this.fd = openSync(this.path, 'r+');
    this.size = contents.length;
    this.records = count;
    this.dirty = false;
  }

  private recover(): void {
    const path = this.path!;
    this.fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    const fileSize = fstatSync(this.fd).size;
    const contents = Buffer.allocUnsafe(fileSize);
    let done = 0;
    while (done < fileSize) {
      const n = readSync(this.fd, contents, done, fileSize - done, done);
      if (n === 0) break;
      done += n;
    }
    let position = 0;
    while (position + RECORD_PREFIX <= done) {
      const length = contents.readInt32BE(position);
      if (length <= 0 || length > MAX_RECORD_PAYLOAD || position + RECORD_PREFIX + length > done) break;
      const start = position + RECORD_PREFIX;
      if (contents.readUInt32BE(position + 4) !== crc32c(contents, start, start + length)) break;
      try {
        this.replay(new Reader(contents, start, start + length));
      } catch {
        break;
      }
      this.records++;
      position = start + length;
    }
    if (position < fileSize) {
      this.logger.warn(`kafka-dev-broker: ${path}: truncating ${fileSize - position} bytes of torn or corrupt offset records`);
      ftruncateSync(this.fd, position);
    }
    this.size = position;
  }

  private replay(reader: Reader): void {
    const type = reader.int8();
    if (type === RecordType.Commit) {
      const group = reader.string();
      const topic = reader.string();
      const partition = reader.int32();
      const offset = reader.int64();
      const metadata = reader.nullableString();
      this.apply(group, topic, partition, { offset, metadata });
    } else if (type === RecordType.DeleteGroup) {
      this.removeGroup(reader.string());
    } else if (type === RecordType.DeleteTopic) {
      this.removeTopic(reader.string());
    } else {
      throw new Error(`unknown offset record type ${type}`);
    }
  }
}

function recordPrefix(payload: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(RECORD_PREFIX);
  prefix.writeInt32BE(payload.length, 0);
  prefix.writeUInt32BE(crc32c(payload), 4);
  return prefix;
}
