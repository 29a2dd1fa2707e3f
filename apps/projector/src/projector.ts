import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { TOPICS } from '../../../libs/contracts/src/streams.js';
import { isDatabaseUnavailable } from '../../../libs/database/src/unavailable.js';
import type { ApplyOutcome, EngineInput, ProjectionEngine } from '../../../libs/read-models/src/engine/engine.js';
import { applyMessage as applyOneMessage, applyRunInTransaction } from '../../../libs/read-models/src/engine/pg-apply.js';
import { beginWithApplyLock, loadCheckpoints, READ_MODELS_SCHEMA, type Checkpoint } from '../../../libs/read-models/src/engine/pg-store.js';
import { READ_MODELS } from '../../../libs/read-models/src/read-models.js';
import { inSpan } from '../../../libs/telemetry/src/trace-context.js';
import { applySpanOptions, recordDeadLetters } from './apply-spans.js';

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
  /** Messages applied per Postgres transaction (default 200); 1 applies each message in its own transaction. */
  batchSize?: number;
  /**
   * Partitions applied at the same time, each in its own transaction (default 3). Partitions never share a stream (the
   * key is the stream id), so their transactions touch disjoint rows; running them side by side overlaps their round
   * trips and commits (one fsync can serve several) instead of queueing every partition of a fetch behind the others.
   */
  partitionsConcurrently?: number;
  /**
   * Messages one transaction may carry when runs of several partitions share it (default 600): what it holds is those
   * messages and the rows their events read, so a message count bounds it.
   */
  maxMessagesPerTransaction?: number;
  /** The read models to apply (default: every read model, READ_MODELS). */
  engine?: ProjectionEngine;
  /** Waits before applying again after PostgreSQL could not be reached: doubling from the first to the second (default 100 ms, 5 s). */
  retryBackoffMs?: readonly [first: number, most: number];
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

/** Messages per shared transaction (ProjectorOptions.maxMessagesPerTransaction). */
export const DEFAULT_MESSAGES_PER_TRANSACTION = 600;

/** How often the Kafka offsets (for monitoring tools; the projector resumes from Postgres) are committed at most. */
const KAFKA_COMMIT_INTERVAL_MS = 1_000;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** How often a wait for PostgreSQL tells the group coordinator that this member is alive (well inside sessionTimeout). */
const HEARTBEAT_WHILE_WAITING_MS = 1_000;

/** The log position a message's event carries, for the checkpoint (freshness). */
function positionOf(value: unknown): Pick<Checkpoint, 'globalPosition' | 'recordedAt'> {
  const v = value as { globalPosition?: unknown; recordedAt?: unknown } | null | undefined;
  return {
    ...(typeof v?.globalPosition === 'string' && /^\d+$/.test(v.globalPosition) ? { globalPosition: v.globalPosition } : {}),
    ...(typeof v?.recordedAt === 'string' && !Number.isNaN(Date.parse(v.recordedAt)) ? { recordedAt: v.recordedAt } : {}),
  };
}

/**
 * The projector: a kafkajs consumer group over the reelwire topics. Each message is applied in its own Postgres
 * transaction together with its checkpoint (topic, partition, offset + 1), so a crash between the two is impossible.
 * Postgres is the source of truth for progress: on every assignment the projector reads its checkpoints and seeks
 * there; messages below a checkpoint are passed over; Kafka offsets are committed as a courtesy (monitoring tools), at
 * most once a second.
 */
export function createProjector(options: ProjectorOptions): Projector {
  const groupId = options.groupId ?? DEFAULT_GROUP_ID;
  const topics = options.topics ?? DEFAULT_TOPICS;
  const schema = options.schema ?? READ_MODELS_SCHEMA;
  const log = options.log ?? (() => undefined);
  const consumer = options.kafka.consumer({ groupId, ...options.consumerConfig });
  const runSize = options.batchSize ?? 200;
  // The states this projector wrote last, so a stream edited again is not read back and re-parsed every run.
  const engine = options.engine ?? READ_MODELS;
  const maxWeight = options.maxMessagesPerTransaction ?? DEFAULT_MESSAGES_PER_TRANSACTION;
  /** Next offset per partition as Postgres knows it, refreshed on each assignment. */
  const checkpoints = new Map<string, bigint>();
  let refreshing: Promise<void> = Promise.resolve();
  let stopping = false;
  const [firstBackoffMs, mostBackoffMs] = options.retryBackoffMs ?? [100, 5_000];
  /** Wakes the waits for PostgreSQL when the projector stops, so stop() does not wait out a backoff. */
  const onStop = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        onStop.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      onStop.add(done);
    });

  /**
   * Runs `attempt` until it succeeds, again and again (with a doubling pause) while PostgreSQL cannot be reached: a
   * restart of the server is waited out, not turned into a consumer crash. Any other error is thrown at once, and so is
   * the database's when `giveUp` says the work is no longer this projector's (stopping, partition reassigned). Nothing
   * is resolved in Kafka until the transaction committed, so a run retried here is a run not yet applied, or applied
   * by a COMMIT whose answer was lost: the engine passes over stream versions it has applied, so never twice.
   */
  const whileUnavailable = async <T>(what: string, attempt: () => Promise<T>, giveUp: () => boolean, heartbeat?: () => Promise<void>): Promise<T> => {
    for (let failures = 0; ; ) {
      try {
        const result = await attempt();
        if (failures > 0) log(`${what}: done after ${failures + 1} attempts (PostgreSQL is back)`);
        return result;
      } catch (error) {
        if (!isDatabaseUnavailable(error) || stopping || giveUp()) throw error;
        failures += 1;
        const delay = Math.min(mostBackoffMs, firstBackoffMs * 2 ** Math.min(failures - 1, 20));
        if (failures === 1 || failures % 10 === 0) log(`${what}: PostgreSQL unavailable (${(error as Error).message}); attempt ${failures} failed, trying again in ${delay} ms`);
        for (let waited = 0; waited < delay && !stopping; waited += HEARTBEAT_WHILE_WAITING_MS) {
          await pause(Math.min(HEARTBEAT_WHILE_WAITING_MS, delay - waited));
          if (!stopping) await heartbeat?.();
        }
        if (stopping) throw error;
      }
    }
  };

  const refreshCheckpoints = async (assignment: Record<string, number[]>) => {
    const stored = await loadCheckpoints(options.pool, schema, groupId);
    checkpoints.clear();
    for (const c of stored) checkpoints.set(key(c.topic, c.partition), BigInt(c.nextOffset));
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        // No checkpoint means nothing of this partition is in the read models (a new database, or read models reset by
        // a migration): start from the beginning, whatever offsets Kafka still has committed for the group.
        const next = checkpoints.get(key(topic, partition)) ?? 0n;
        consumer.seek({ topic, partition, offset: next.toString() });
      }
    }
  };

  // Each join supersedes the previous one's refresh, which stops retrying.
  let joins = 0;
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const join = ++joins;
    refreshing = whileUnavailable('checkpoint refresh', () => refreshCheckpoints(event.payload.memberAssignment), () => join !== joins).catch((error: unknown) =>
      log(`checkpoint refresh failed: ${(error as Error).message}`),
    );
  });

  /** Waits for `work`, heartbeating meanwhile, so a wait for PostgreSQL does not cost this member its place in the group. */
  const awaitWithHeartbeats = async (work: Promise<void>, heartbeat: () => Promise<void>) => {
    let settled = false;
    const done = work.finally(() => (settled = true));
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, HEARTBEAT_WHILE_WAITING_MS)))]);
      clearTimeout(timer);
      if (settled) return done;
      await heartbeat();
    }
  };

  /** A Kafka message as the engine takes it: its parsed value, or its raw text when it is not JSON. */
  const inputOf = (topic: string, partition: number, message: KafkaMessage): EngineInput => {
    const origin = { topic, partition, offset: message.offset };
    const raw = message.value?.toString('utf8') ?? '';
    try {
      return { value: JSON.parse(raw) as unknown, origin };
    } catch (error) {
      return { unparseable: { raw: raw.slice(0, 100_000), error: (error as Error).message }, origin };
    }
  };

  const applyMessage = async (topic: string, partition: number, message: KafkaMessage): Promise<void> => {
    const origin = { topic, partition, offset: message.offset };
    const input = inputOf(topic, partition, message);
    const nextOffset = (BigInt(message.offset) + 1n).toString();
    const traced = [{ topic, partition, message }];
    await inSpan('projector apply', applySpanOptions(traced), async () => {
      const client = await options.pool.connect();
      try {
        const outcome = await applyOneMessage(client, schema, engine, input, { consumerGroup: groupId, topic, partition, nextOffset, ...positionOf('value' in input ? input.value : undefined) });
        recordDeadLetters(traced, [outcome]);
        checkpoints.set(key(topic, partition), BigInt(nextOffset));
        options.onOutcome?.(outcome, origin);
      } finally {
        client.release();
      }
    });
  };

  type Run = { message: KafkaMessage; value: unknown }[];
  interface PartitionRun {
    topic: string;
    partition: number;
    run: Run;
    /** Its messages (the share of a shared transaction it takes). */
    weight: number;
  }

  const checkpointAfter = ({ topic, partition, run }: PartitionRun): Checkpoint => {
    const last = run[run.length - 1]!;
    return { consumerGroup: groupId, topic, partition, nextOffset: (BigInt(last.message.offset) + 1n).toString(), ...positionOf(last.value) };
  };

  /**
   * Applies runs of messages (each of one partition, no two of the same) in ONE transaction with the checkpoint after
   * each run's last message: the engine loads every stream's progress and the rows its handlers read once, and writes
   * once per table. After the commit the runs count as applied (checkpoints, onOutcome); returns the outcomes per run,
   * or undefined after a rollback (a row write that cannot be pinned on one event, a database error).
   */
  const applyInOneTransaction = (runs: readonly PartitionRun[]): Promise<ApplyOutcome[][] | undefined> => {
    const traced = runs.flatMap(({ topic, partition, run }) => run.map(({ message }) => ({ topic, partition, message })));
    return inSpan('projector apply', applySpanOptions(traced), async (span) => {
      const outcomes = await applyRunsInOneTransaction(runs);
      if (!outcomes) {
        span.setAttribute('reelwire.rolled_back', true);
        return undefined;
      }
      recordDeadLetters(traced, outcomes.flat());
      // Inside the span, so what onOutcome logs can name the trace.
      runs.forEach((run, index) => applied(run, outcomes[index]!));
      return outcomes;
    });
  };

  const applyRunsInOneTransaction = async (runs: readonly PartitionRun[]): Promise<ApplyOutcome[][] | undefined> => {
    const client = await options.pool.connect();
    try {
      await beginWithApplyLock(client);
      const outcomes = await applyRunInTransaction(
        client,
        schema,
        engine,
        runs.flatMap(({ topic, partition, run }) => run.map(({ message, value }) => ({ value, origin: { topic, partition, offset: message.offset } }))),
        runs.map(checkpointAfter),
      );
      await client.query('COMMIT');
      let next = 0;
      return runs.map(({ run }) => outcomes.slice(next, (next += run.length)));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // PostgreSQL is away: no event is at fault, so message by message would only fail again; the caller waits and retries.
      if (isDatabaseUnavailable(error)) throw error;
      const where = runs.map(({ topic, partition, run }) => `${run.length} at ${topic}/${partition}@${run[0]!.message.offset}`).join(', ');
      log(`batch of ${where} failed (${(error as Error).message}); applying ${runs.length > 1 ? 'each run on its own' : 'it message by message'}`);
      return undefined;
    } finally {
      client.release();
    }
  };

  const applied = ({ topic, partition, run }: PartitionRun, outcomes: readonly ApplyOutcome[]) => {
    checkpoints.set(key(topic, partition), BigInt(run[run.length - 1]!.message.offset) + 1n);
    run.forEach(({ message }, index) => options.onOutcome?.(outcomes[index]!, { topic, partition, offset: message.offset }));
  };

  /** One run in one transaction; if that fails, message by message, which dead-letters a failing event alone. */
  const applyRun = async (partitionRun: PartitionRun): Promise<void> => {
    const outcomes = await applyInOneTransaction([partitionRun]);
    if (outcomes) return;
    for (const { message } of partitionRun.run) await applyMessage(partitionRun.topic, partitionRun.partition, message);
  };

  /**
   * Runs of the partitions consumed side by side go into one transaction: a run that arrives while a transaction is
   * applying waits for it and then goes with every other run that arrived meanwhile. Partitions never share a stream
   * (the key is the stream id), so this only changes how many transactions carry the runs: each pays its round trips,
   * statements, commit and fixed costs once instead of once per partition. If the shared transaction fails, each run
   * is applied on its own (applyRun), so a poison event still only holds up its own partition's run.
   */
  const waiting: { partitionRun: PartitionRun; settle: (error?: unknown) => void }[] = [];
  let draining = false;
  const drain = async () => {
    draining = true;
    try {
      while (waiting.length > 0) {
        // Every run waiting, as long as their streams' weight stays within the bound (at least one run).
        let take = 1;
        for (let weight = waiting[0]!.partitionRun.weight; take < waiting.length && weight + waiting[take]!.partitionRun.weight <= maxWeight; take++) {
          weight += waiting[take]!.partitionRun.weight;
        }
        const group = waiting.splice(0, take);
        const runs = group.map((w) => w.partitionRun);
        // Two runs of one partition (not expected: kafkajs hands a partition to one eachBatch at a time) go one by one.
        const together = runs.length > 1 && new Set(runs.map((r) => key(r.topic, r.partition))).size === runs.length;
        let outcomes: ApplyOutcome[][] | undefined;
        try {
          outcomes = together ? await applyInOneTransaction(runs) : undefined;
        } catch (error) {
          for (const w of group) w.settle(error);
          continue;
        }
        if (outcomes) {
          for (const w of group) w.settle();
          continue;
        }
        for (const w of group) {
          try {
            await applyRun(w.partitionRun);
            w.settle();
          } catch (error) {
            w.settle(error);
          }
        }
      }
    } finally {
      draining = false;
    }
  };
  const applyRunTogether = (partitionRun: PartitionRun): Promise<void> =>
    new Promise((resolve, reject) => {
      waiting.push({ partitionRun, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!draining) void drain();
    });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload) => {
    await awaitWithHeartbeats(refreshing, heartbeat);
    const gone = () => !isRunning() || isStale();
    const where = (offset: string) => `apply at ${batch.topic}/${batch.partition}@${offset}`;
    const messages = batch.messages;
    for (let index = 0; index < messages.length; ) {
      if (!isRunning() || isStale() || stopping) break;
      const message = messages[index]!;
      const known = checkpoints.get(key(batch.topic, batch.partition));
      if (known !== undefined && BigInt(message.offset) < known) {
        options.onOutcome?.({ outcome: 'behind-checkpoint' }, { topic: batch.topic, partition: batch.partition, offset: message.offset });
        resolveOffset(message.offset);
        index += 1;
        continue;
      }
      // A run of messages that parse as JSON goes through the batch path; anything else one by one.
      const run: { message: KafkaMessage; value: unknown }[] = [];
      while (index < messages.length && run.length < runSize) {
        const candidate = messages[index]!;
        let value: unknown;
        try {
          value = JSON.parse(candidate.value?.toString('utf8') ?? '');
        } catch {
          break;
        }
        run.push({ message: candidate, value });
        index += 1;
      }
      if (run.length > 0) {
        // PostgreSQL away: the same run again after a pause (whileUnavailable). Other database errors propagate: kafkajs
        // retries the batch from the first unresolved message (applying is idempotent).
        const partitionRun = { topic: batch.topic, partition: batch.partition, run, weight: run.length };
        await whileUnavailable(where(message.offset), () => applyRunTogether(partitionRun), gone, heartbeat);
        for (const { message: applied } of run) resolveOffset(applied.offset);
      } else {
        await whileUnavailable(where(message.offset), () => applyMessage(batch.topic, batch.partition, message), gone, heartbeat);
        resolveOffset(message.offset);
        index += 1;
      }
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
      // Kafka offsets are a courtesy (progress lives in the Postgres checkpoints), so they are committed at most once a
      // second by eachBatch's commitOffsetsIfNecessary: kafkajs's autoCommit sent an OffsetCommit after every batch.
      await consumer.run({
        eachBatchAutoResolve: false,
        autoCommit: false,
        autoCommitInterval: KAFKA_COMMIT_INTERVAL_MS,
        partitionsConsumedConcurrently: options.partitionsConcurrently ?? 3,
        eachBatch,
      });
      log(`projector consuming ${topics.join(', ')} as group ${groupId} into schema ${schema}`);
    },
    async stop() {
      stopping = true;
      for (const wake of [...onStop]) wake();
      await consumer.disconnect();
    },
  };
}
