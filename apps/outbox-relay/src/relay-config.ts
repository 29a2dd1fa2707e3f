import type { ITopicConfig } from 'kafkajs';
import { kafkaBrokers, listenHost, logLevel, port, wholeNumber, type LogLevelName } from '../../../libs/config/src/env.js';
import { reelwireTopics } from '../../../libs/messaging/src/kafka.js';

/** Everything `npm run start:relay` reads from its environment but the database (resolveDatabase). */
export interface RelayConfig {
  logLevel: LogLevelName;
  brokers: string[];
  /** The topics created when missing (KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR). */
  topics: ITopicConfig[];
  batchSize: number;
  pollIntervalMs: number;
  minBatchIntervalMs: number;
  lockPollMs: number;
  maxBackoffMs: number;
  metricsPort: number;
  host: string;
}

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:19092';

/** Checks every variable before anything starts; throws a ConfigurationError naming the first bad one. */
export function loadRelayConfig(env: NodeJS.ProcessEnv): RelayConfig {
  return {
    logLevel: logLevel(env),
    brokers: kafkaBrokers(env, DEFAULT_KAFKA_BROKERS),
    topics: reelwireTopics(env),
    batchSize: wholeNumber(env, 'RELAY_BATCH_SIZE', 500, { min: 1 }),
    pollIntervalMs: wholeNumber(env, 'RELAY_POLL_INTERVAL_MS', 500, { min: 1 }),
    minBatchIntervalMs: wholeNumber(env, 'RELAY_MIN_BATCH_INTERVAL_MS', 5, { min: 0 }),
    lockPollMs: wholeNumber(env, 'RELAY_LOCK_POLL_MS', 1000, { min: 1 }),
    maxBackoffMs: wholeNumber(env, 'RELAY_MAX_BACKOFF_MS', 5000, { min: 1 }),
    metricsPort: port(env, 'RELAY_METRICS_PORT', 9464, { allowAnyFree: true }),
    host: listenHost(env, 'HOST'),
  };
}
