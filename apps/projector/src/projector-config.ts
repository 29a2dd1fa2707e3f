import type { ITopicConfig } from 'kafkajs';
import { given, kafkaBrokers, listenHost, port, wholeNumber } from '../../../libs/config/src/env.js';
import { reelwireTopics } from '../../../libs/messaging/src/kafka.js';
import { DEFAULT_GROUP_ID } from './projector.js';

/** Everything `npm run start:projector` reads from its environment but the database (resolveDatabase). */
export interface ProjectorConfig {
  brokers: string[];
  /** The topics created when missing (KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR). */
  topics: ITopicConfig[];
  groupId: string;
  /** Partitions applied side by side; undefined: createProjector's default. */
  partitionsConcurrently?: number;
  /** Messages of a partition applied as one run (createProjector's batchSize); undefined: its default. */
  runSize?: number;
  metricsPort: number;
  host: string;
}

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:19092';

/** The largest PROJECTOR_RUN_SIZE: a run is one transaction, and it holds its messages and the rows they read. */
export const MAX_RUN_SIZE = 10_000;

/** Checks every variable before anything starts; throws a ConfigurationError naming the first bad one. */
export function loadProjectorConfig(env: NodeJS.ProcessEnv): ProjectorConfig {
  const groupId = given(env, 'PROJECTOR_GROUP') ?? DEFAULT_GROUP_ID;
  const partitionsConcurrently = wholeNumber(env, 'PROJECTOR_PARTITIONS_CONCURRENTLY', undefined, { min: 1 });
  const runSize = wholeNumber(env, 'PROJECTOR_RUN_SIZE', undefined, { min: 1, max: MAX_RUN_SIZE });
  return {
    brokers: kafkaBrokers(env, DEFAULT_KAFKA_BROKERS),
    topics: reelwireTopics(env),
    groupId,
    ...(partitionsConcurrently !== undefined ? { partitionsConcurrently } : {}),
    ...(runSize !== undefined ? { runSize } : {}),
    metricsPort: port(env, 'PROJECTOR_METRICS_PORT', 9465, { allowAnyFree: true }),
    host: listenHost(env, 'HOST'),
  };
}
