import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { fsyncDirectory, writeFileAtomic } from './fs-util.js';
import { PartitionLog } from './partition-log.js';

export interface Topic {
  readonly name: string;
  readonly partitions: readonly PartitionLog[];
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;
const TOPIC_FILE = 'topic.json';

/** Kafka's topic-name rule; it also keeps every name safe as a directory name. Returns why a name is invalid. */
export function invalidTopicName(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL_TOPIC_NAME.test(name)) return `topic name "${name}" may contain only ASCII letters, digits, ".", "_" and "-"`;
  return null;
}

export interface TopicRegistryOptions {
  /** Root of the broker's data directory, or null for memory only. */
  readonly dataDir: string | null;
  readonly segmentBytes: number;
  readonly logger: Logger;
}

/**
 * The topics and their partition logs. On disk: `topics/<name>/topic.json` (written last, atomically: a topic
 * exists once that file does) and `topics/<name>/<partition>/<base offset>.log`. A deleted topic is first renamed
 * into `trash/` (atomic), then removed, so a crash never leaves a half-deleted topic behind.
 */
export class TopicRegistry {
  private readonly topics = new Map<string, Topic>();

  constructor(private readonly options: TopicRegistryOptions) {}

  private get topicsDir(): string {
    return join(this.options.dataDir!, 'topics');
  }

  private get trashDir(): string {
    return join(this.options.dataDir!, 'trash');
  }

  load(): void {
    if (this.options.dataDir === null) return;
    mkdirSync(this.topicsDir, { recursive: true });
    rmSync(this.trashDir, { recursive: true, force: true });
    for (const name of readdirSync(this.topicsDir).sort()) {
      const dir = join(this.topicsDir, name);
      const partitionCount = this.readTopicFile(dir, name);
      if (partitionCount === null) {
        this.options.logger.warn(`kafka-dev-broker: removing ${dir}: no valid ${TOPIC_FILE} (topic creation did not finish)`);
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const partitions = Array.from({ length: partitionCount }, (_, p) =>
        PartitionLog.open(join(dir, String(p)), this.options.segmentBytes, this.options.logger),
      );
      this.topics.set(name, { name, partitions });
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitionCount: number): Topic {
    if (this.topics.has(name)) throw new Error(`topic ${name} exists`);
    let partitions: PartitionLog[];
    if (this.options.dataDir === null) {
      partitions = Array.from({ length: partitionCount }, () => PartitionLog.inMemory(this.options.segmentBytes));
    } else {
      const dir = join(this.topicsDir, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      partitions = Array.from({ length: partitionCount }, (_, p) =>
        PartitionLog.open(join(dir, String(p)), this.options.segmentBytes, this.options.logger),
      );
      writeFileAtomic(join(dir, TOPIC_FILE), `${JSON.stringify({ name, partitions: partitionCount })}\n`);
      fsyncDirectory(this.topicsDir);
    }
    const topic: Topic = { name, partitions };
    this.topics.set(name, topic);
    return topic;
  }

  delete(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    for (const partition of topic.partitions) partition.close();
    if (this.options.dataDir !== null) {
      const dir = join(this.topicsDir, name);
      if (existsSync(dir)) {
        mkdirSync(this.trashDir, { recursive: true });
        const trashed = join(this.trashDir, `${name}-${randomUUID()}`);
        renameSync(dir, trashed);
        fsyncDirectory(this.topicsDir);
        rmSync(trashed, { recursive: true, force: true });
      }
    }
    return true;
  }

  sync(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.sync();
  }

  async syncAsync(): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) if (partition.dirty) pending.push(partition.syncAsync());
    }
    await Promise.all(pending);
  }

  close(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.close();
    this.topics.clear();
  }

  maxProducerId(): bigint {
    let max = -1n;
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        const id = partition.producers.maxProducerId();
        if (id > max) max = id;
      }
    }
    return max;
  }

  private readTopicFile(dir: string, name: string): number | null {
    try {
      const parsed = JSON.parse(readFileSync(join(dir, TOPIC_FILE), 'utf8')) as { name?: unknown; partitions?: unknown };
      if (parsed.name !== name || typeof parsed.partitions !== 'number' || !Number.isInteger(parsed.partitions) || parsed.partitions < 1) {
        return null;
      }
      return parsed.partitions;
    } catch {
      return null;
    }
  }
}
