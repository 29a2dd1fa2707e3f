import kafkajs, { type Admin, type ITopicConfig, type Kafka, type KafkaConfig, type logCreator } from 'kafkajs';
import { wholeNumber } from '../../config/src/env.js';
import { AGGREGATE_TYPES, topicFor } from '../../contracts/src/streams.js';

const { Kafka: KafkaClient, logLevel: LogLevel } = kafkajs;
export { LogLevel };
export type KafkaLogLevel = kafkajs.logLevel;

export interface CreateKafkaOptions {
  /** "host:port,host:port" or a list. */
  brokers: string | string[];
  clientId: string;
  /** kafkajs' own log level; default ERROR. */
  logLevel?: kafkajs.logLevel;
  logCreator?: logCreator;
  retry?: KafkaConfig['retry'];
  connectionTimeout?: number;
  requestTimeout?: number;
}

export function parseBrokers(brokers: string | string[]): string[] {
  const list = (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('no Kafka brokers given (KAFKA_BROKERS)');
  return list;
}

/** A kafkajs client for reelwire services. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  // The relay picks the partitioner explicitly (murmur2, Java-compatible); the warning about the v2 default is noise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new KafkaClient({
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    logLevel: options.logLevel ?? LogLevel.ERROR,
    ...(options.logCreator ? { logCreator: options.logCreator } : {}),
    retry: options.retry ?? { initialRetryTime: 100, maxRetryTime: 2_000, retries: 5 },
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
  });
}

/**
 * reelwire's topics: one per aggregate type, `reelwire.<aggregate>.v1`. Partitions KAFKA_TOPIC_PARTITIONS (default 6),
 * replication KAFKA_REPLICATION_FACTOR (default 1), infinite retention (the event store is the source of truth, but
 * consumers may replay from the beginning at any time).
 */
export function reelwireTopics(env: NodeJS.ProcessEnv = process.env): ITopicConfig[] {
  const numPartitions = wholeNumber(env, 'KAFKA_TOPIC_PARTITIONS', 6, { min: 1 });
  const replicationFactor = wholeNumber(env, 'KAFKA_REPLICATION_FACTOR', 1, { min: 1 });
  return AGGREGATE_TYPES.map((aggregate) => ({
    topic: topicFor(aggregate),
    numPartitions,
    replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'cleanup.policy', value: 'delete' },
    ],
  }));
}

/**
 * The topics with the default settings. The apps pass reelwireTopics(env) instead, read when their configuration is
 * checked at start, so a bad KAFKA_TOPIC_PARTITIONS is reported there rather than thrown while modules load.
 */
export const REELWIRE_TOPICS: readonly ITopicConfig[] = reelwireTopics({});

/**
 * Creates the missing topics (and waits for their leaders); existing topics are left as they are. Idempotent, and safe
 * when two processes race (TOPIC_ALREADY_EXISTS is ignored). Returns the names it created.
 */
export async function ensureTopics(admin: Admin, topics: readonly ITopicConfig[] = REELWIRE_TOPICS): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: [...missing], waitForLeaders: true });
  } catch (error) {
    const errors = (error as { errors?: Array<{ type?: string }> }).errors;
    const alreadyExists = (e: { type?: string }) => e.type === 'TOPIC_ALREADY_EXISTS';
    if (!(alreadyExists(error as { type?: string }) || (Array.isArray(errors) && errors.length > 0 && errors.every(alreadyExists)))) throw error;
  }
  return missing.map((t) => t.topic);
}
