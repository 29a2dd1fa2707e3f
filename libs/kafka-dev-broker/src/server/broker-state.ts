import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GroupCoordinator } from '../groups/group-coordinator.js';
import type { Logger } from '../logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { OffsetsStore } from '../storage/offsets-store.js';
import { type Topic, TopicRegistry, invalidTopicName } from '../storage/topic-registry.js';

export interface BrokerConfig {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly advertisedHost: string;
  readonly dataDir: string | null;
  readonly defaultPartitions: number;
  readonly autoCreateTopics: boolean;
  readonly maxFrameBytes: number;
  readonly maxMessageBytes: number;
  readonly maxPartitionsPerTopic: number;
  readonly segmentBytes: number;
  readonly fsyncIntervalMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly initialRebalanceDelayMs: number;
  readonly maxFetchWaitMs: number;
}

export interface TopicLookup {
  readonly topic?: Topic;
  readonly errorCode: number;
}

/**
 * Everything a request handler works on: topics and their logs, committed offsets, consumer groups, producer ids,
 * and the durability policy of the data directory (see README "Durability").
 */
export class BrokerState {
  readonly topics: TopicRegistry;
  readonly offsets: OffsetsStore;
  readonly groups: GroupCoordinator;
  /** Set once the server listens: Metadata and FindCoordinator advertise the real bound port. */
  port = 0;
  private nextProducerId: bigint;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private syncing = false;
  private readonly lockPath: string | null;

  constructor(
    readonly config: BrokerConfig,
    readonly logger: Logger,
  ) {
    this.lockPath = config.dataDir === null ? null : join(config.dataDir, 'broker.lock');
    if (config.dataDir !== null) {
      mkdirSync(config.dataDir, { recursive: true });
      this.acquireLock();
    }
    try {
      this.topics = new TopicRegistry({ dataDir: config.dataDir, segmentBytes: config.segmentBytes, logger });
      this.topics.load();
      this.offsets =
        config.dataDir === null ? OffsetsStore.inMemory(logger) : OffsetsStore.open(join(config.dataDir, 'consumer-offsets.log'), logger);
    } catch (error) {
      this.releaseLock();
      throw error;
    }
    this.groups = new GroupCoordinator(
      {
        minSessionTimeoutMs: config.minSessionTimeoutMs,
        maxSessionTimeoutMs: config.maxSessionTimeoutMs,
        initialRebalanceDelayMs: config.initialRebalanceDelayMs,
        logger,
      },
      this.offsets,
    );
    // Ids start at the clock (in µs-sized steps) and above any id found in the log, so a restarted broker never
    // hands a new producer the id (and sequence state) of an old one.
    const fromClock = BigInt(Date.now()) * 1000n;
    const fromLog = this.topics.maxProducerId() + 1n;
    this.nextProducerId = fromLog > fromClock ? fromLog : fromClock;
    if (config.dataDir !== null && config.fsyncIntervalMs > 0) {
      this.fsyncTimer = setInterval(() => void this.syncInBackground(), config.fsyncIntervalMs);
      this.fsyncTimer.unref();
    }
  }

  allocateProducerId(): bigint {
    return this.nextProducerId++;
  }

  /** Looks a topic up, creating it with the default partition count when auto-creation is allowed. */
  lookupTopic(name: string, allowAutoCreate: boolean): TopicLookup {
    const topic = this.topics.get(name);
    if (topic) return { topic, errorCode: ErrorCode.NONE };
    if (invalidTopicName(name) !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
    if (!allowAutoCreate || !this.config.autoCreateTopics) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    const created = this.createTopic(name, this.config.defaultPartitions);
    return created.errorCode === ErrorCode.NONE ? { topic: this.topics.get(name)!, errorCode: ErrorCode.NONE } : created;
  }

  createTopic(name: string, partitions: number, validateOnly = false): { errorCode: number; message: string | null } {
    const invalid = invalidTopicName(name);
    if (invalid !== null) return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, message: invalid };
    if (this.topics.get(name)) return { errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, message: `Topic '${name}' already exists.` };
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > this.config.maxPartitionsPerTopic) {
      return {
        errorCode: ErrorCode.INVALID_PARTITIONS,
        message: `Number of partitions must be between 1 and ${this.config.maxPartitionsPerTopic}, got ${partitions}.`,
      };
    }
    if (validateOnly) return { errorCode: ErrorCode.NONE, message: null };
    try {
      this.topics.create(name, partitions);
    } catch (error) {
      this.logger.error(`kafka-dev-broker: creating topic ${name} failed: ${String(error)}`);
      return { errorCode: ErrorCode.KAFKA_STORAGE_ERROR, message: String(error) };
    }
    this.logger.debug(`kafka-dev-broker: created topic ${name} with ${partitions} partition(s)`);
    return { errorCode: ErrorCode.NONE, message: null };
  }

  deleteTopic(name: string): number {
    try {
      if (!this.topics.delete(name)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      this.offsets.deleteTopic(name);
    } catch (error) {
      this.logger.error(`kafka-dev-broker: deleting topic ${name} failed: ${String(error)}`);
      return ErrorCode.KAFKA_STORAGE_ERROR;
    }
    this.logger.debug(`kafka-dev-broker: deleted topic ${name}`);
    return ErrorCode.NONE;
  }

  /** With fsyncIntervalMs 0 every acknowledged write is fsynced before the response goes out. */
  get syncEveryWrite(): boolean {
    return this.config.dataDir !== null && this.config.fsyncIntervalMs <= 0;
  }

  syncNow(): void {
    this.topics.sync();
    this.offsets.sync();
  }

  private async syncInBackground(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      await this.topics.syncAsync();
      await this.offsets.syncAsync();
    } catch (error) {
      this.logger.warn(`kafka-dev-broker: periodic fsync failed: ${String(error)}`);
    } finally {
      this.syncing = false;
    }
  }

  close(): void {
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.groups.stop();
    try {
      this.syncNow();
    } finally {
      this.topics.close();
      this.offsets.close();
      this.releaseLock();
    }
  }

  /** One broker per data directory: a second one would interleave appends to the same segment files. */
  private acquireLock(): void {
    const path = this.lockPath!;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
          throw new Error(`kafka-dev-broker: data directory ${this.config.dataDir} is in use by process ${owner} (${path})`);
        }
        if (owner === process.pid) {
          throw new Error(`kafka-dev-broker: data directory ${this.config.dataDir} is already used by a broker in this process`);
        }
        rmSync(path, { force: true }); // stale lock of a process that is gone
      }
    }
    throw new Error(`kafka-dev-broker: could not lock ${path}`);
  }

  private releaseLock(): void {
    if (this.lockPath) rmSync(this.lockPath, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
