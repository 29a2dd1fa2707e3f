import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { TOPICS } from '../../../libs/contracts/src/streams.js';
import { applyEvent, deadLetter, holdReadModelsApplyLock, loadCheckpoints, PROJECTION_NAME, READ_MODELS_SCHEMA, saveCheckpoint, type ApplyOutcome } from '../../../libs/read-models/src/projector-store.js';

export const DEFAULT_GROUP_ID = 'reelwire-projector';
export const DEFAULT_TOPICS: readonly string[] = Object.values(TOPICS);

export interface ProjectorOptions {
  kafka: Kafka;
  pool: pg.Pool;
  groupId?: string;
  topics?: readonly string[];
  schema?: string;
  consumerConfig?: Partial<ConsumerConfig>;
  log?: (line: string) => void;
  /** Called after each message's transaction committed (metrics, tests). */
  onOutcome?: (outcome: ApplyOutcome | { outcome: 'behind-checkpoint' }, message: { topic: string; partition: number; offset: string }) => void;
}

export interface Projector {
  start(): Promise<void>;
  /** Stops consuming: the message being applied finishes (its transaction commits or rolls back), nothing after it starts. */
  stop(): Promise<void>;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly schema: string;
  readonly consumer: Consumer;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * The projector: a kafkajs consumer group over the reelwire topics. Each message is applied in its own Postgres
 * transaction together with its checkpoint (topic, partition, offset + 1), so a crash between the two is impossible.
 * Postgres is the source of truth for progress: on every assignment the projector reads its checkpoints and seeks
 * there; messages below a checkpoint are passed over; Kafka offsets are committed as a courtesy (monitoring tools).
 */
export function createProjector(options: ProjectorOptions): Projector {
  const groupId = options.groupId ?? DEFAULT_GROUP_ID;
  const topics = options.topics ?? DEFAULT_TOPICS;
  const schema = options.schema ?? READ_MODELS_SCHEMA;
  const log = options.log ?? (() => undefined);
  const consumer = options.kafka.consumer({ groupId, ...options.consumerConfig });
  /** Next offset per partition as Postgres knows it, refreshed on each assignment. */
  const checkpoints = new Map<string, bigint>();
  let refreshing: Promise<void> = Promise.resolve();
  let stopping = false;

  const refreshCheckpoints = async (assignment: Record<string, number[]>) => {
    const stored = await loadCheckpoints(options.pool, schema, groupId);
    checkpoints.clear();
    for (const c of stored) checkpoints.set(key(c.topic, c.partition), BigInt(c.nextOffset));
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const next = checkpoints.get(key(topic, partition));
        if (next !== undefined) consumer.seek({ topic, partition, offset: next.toString() });
      }
    }
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    refreshing = refreshCheckpoints(event.payload.memberAssignment).catch((error: unknown) => log(`checkpoint refresh failed: ${(error as Error).message}`));
  });

  const applyMessage = async (topic: string, partition: number, message: KafkaMessage): Promise<void> => {
    const origin = { topic, partition, offset: message.offset };
    const nextOffset = (BigInt(message.offset) + 1n).toString();
    const client = await options.pool.connect();
    try {
      let value: unknown;
      let parseError: Error | undefined;
      const raw = message.value?.toString('utf8') ?? '';
      try {
        value = JSON.parse(raw);
      } catch (error) {
        parseError = error as Error;
      }
      let outcome: ApplyOutcome;
      if (parseError) {
        await client.query('BEGIN');
        try {
          await holdReadModelsApplyLock(client);
          outcome = await deadLetter(client, schema, { projection: PROJECTION_NAME, reason: 'unparseable', error: parseError, raw: raw.slice(0, 100_000), origin });
          await saveCheckpoint(client, schema, { consumerGroup: groupId, topic, partition, nextOffset });
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } else {
        const v = value as { globalPosition?: unknown; recordedAt?: unknown } | null;
        const globalPosition = typeof v?.globalPosition === 'string' && /^\d+$/.test(v.globalPosition) ? v.globalPosition : undefined;
        const recordedAt = typeof v?.recordedAt === 'string' && !Number.isNaN(Date.parse(v.recordedAt)) ? v.recordedAt : undefined;
        outcome = await applyEvent(client, schema, value, {
          origin,
          checkpoint: { consumerGroup: groupId, topic, partition, nextOffset, ...(globalPosition ? { globalPosition } : {}), ...(recordedAt ? { recordedAt } : {}) },
        });
      }
      checkpoints.set(key(topic, partition), BigInt(nextOffset));
      options.onOutcome?.(outcome, origin);
    } finally {
      client.release();
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) => {
    await refreshing;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || stopping) break;
      const known = checkpoints.get(key(batch.topic, batch.partition));
      if (known !== undefined && BigInt(message.offset) < known) {
        options.onOutcome?.({ outcome: 'behind-checkpoint' }, { topic: batch.topic, partition: batch.partition, offset: message.offset });
      } else {
        // Database errors propagate: kafkajs retries the batch from the first unresolved message (applying is idempotent).
        await applyMessage(batch.topic, batch.partition, message);
      }
      resolveOffset(message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  };

  return {
    groupId,
    topics,
    schema,
    consumer,
    async start() {
      stopping = false;
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({ eachBatchAutoResolve: false, autoCommit: true, eachBatch });
      log(`projector consuming ${topics.join(', ')} as group ${groupId} into schema ${schema}`);
    },
    async stop() {
      stopping = true;
      await consumer.disconnect();
    },
  };
}
