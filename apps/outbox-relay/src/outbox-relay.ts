import { hostname } from 'node:os';
import kafkajs, { type ITopicConfig, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type pg from 'pg';
import { isAggregateType, parseStreamId, topicFor } from '../../../libs/contracts/src/streams.js';
import type { EventRow } from '../../../libs/event-store/src/event-rows.js';
import { GATE_HORIZON_CTE } from '../../../libs/event-store/src/postgres-event-store.js';
import { ensureTopics, REELWIRE_TOPICS } from '../../../libs/messaging/src/kafka.js';
import { toKafkaMessage, type PublishableEvent } from '../../../libs/messaging/src/published-event.js';
import { startPublishSpans } from './publish-spans.js';
import type { RelayMetrics } from './relay-metrics.js';

const { Partitioners } = kafkajs;

/** Session-level advisory lock: whoever holds it is the one active relay (7123001 = migrations, 7123002 = appends). */
export const RELAY_LOCK_KEY = 7_123_003;
/** Channel of migrations/0002-outbox-notify.sql. */
export const OUTBOX_CHANNEL = 'reelwire_outbox';

/** pino fits; every method takes a context object and a message. */
export interface RelayLogger {
  debug(context: object, message: string): void;
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

const silent: RelayLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface OutboxRelayOptions {
  pool: pg.Pool;
  kafka: Kafka;
  /** Outbox rows per Kafka request. Default 500. */
  batchSize?: number;
  /** Poll when no NOTIFY arrives. Default 500 ms. */
  pollIntervalMs?: number;
  /**
   * Least time between the starts of two batch reads. Default 5 ms. Under load every append's NOTIFY would otherwise
   * start a batch of an event or two, and a batch's fixed cost (a statement, a Kafka request) is most of the relay's
   * CPU and of the PostgreSQL work it causes; this caps batches at 1000/n per second. An event waits at most this much
   * longer; one arriving after a quiet spell does not wait at all.
   */
  minBatchIntervalMs?: number;
  /** How often a standby instance tries the relay lock. Default 1000 ms. */
  lockPollMs?: number;
  /** Backoff after a failed publish: doubles from minBackoffMs up to maxBackoffMs. Defaults 200 ms, 5 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Topics created at start (idempotent). Default REELWIRE_TOPICS. */
  topics?: readonly ITopicConfig[];
  logger?: RelayLogger;
  metrics?: RelayMetrics;
  /** Shown in logs and as the lock session's application_name. Default host-pid. */
  instanceId?: string;
  lockKey?: number;
}

export interface RelayStats {
  /** Events acknowledged by Kafka and marked published by this instance (duplicates after a failure count again). */
  published: number;
  batches: number;
  publishErrors: number;
  /** Times this instance became the active relay. */
  activations: number;
}

/** An event row as the store selects it, without the hashes, after the batch query's gate column. */
interface OutboxRow extends Omit<EventRow, 'global_position' | 'hash' | 'prev_hash'> {
  first_unsafe: string | null;
  /** null on the row that only reports first_unsafe (no publishable rows). */
  global_position: string | null;
}

/** Marks the outbox rows at the positions in `positions` (a bigint[] parameter) published; rows marked already stay as they are. */
function markPublishedSql(positions: string): string {
  return `UPDATE outbox SET published_at = now() WHERE global_position = ANY(${positions}::bigint[]) AND published_at IS NULL`;
}

/**
 * The next unpublished outbox rows in global order, behind the gate of architecture.md invariant 3: the batch ends before
 * the first row whose writing transaction is not older than every transaction still running, so a later position is
 * never published while an earlier one may still become visible. `first_unsafe` says whether rows were held back (the
 * query always returns one row at least).
 * The horizon is the event store's (GATE_HORIZON_CTE): the snapshot xmin restricted to this database and to transactions
 * that may append (read-model applies, which hold the shared apply lock, are left out).
 *
 * The same statement marks the previous batch ($2, the positions Kafka acknowledged) as published: one round trip and
 * one transaction per batch instead of two. Its read runs on the statement's snapshot, taken before the UPDATE, so it
 * still sees those rows unpublished; $3 keeps them out. $3 is the highest position this session had acknowledged: by the
 * gate no unpublished row below it can appear any more, and starting the index scan there skips the dead entries that
 * every mark leaves in outbox_unpublished_idx until the next vacuum (a scan from the start walks all of them; a bitmap
 * scan, which the planner picks on the never-analyzed table, never even learns they are dead). The relay starts again
 * from 0 on every new session and after every quiet poll, so a row below it is still published, late, if it ever came.
 */
const NEXT_BATCH_SQL = `
WITH ${GATE_HORIZON_CTE}, marked AS (
  ${markPublishedSql('$2')}
), candidate AS (
  SELECT o.global_position, e.transaction_id
  FROM outbox o JOIN events e ON e.global_position = o.global_position
  WHERE o.published_at IS NULL AND o.global_position > $3::bigint
  ORDER BY o.global_position
  LIMIT $1
), cut AS (
  SELECT min(global_position) AS first_unsafe FROM candidate
  WHERE transaction_id >= (SELECT xmin FROM gate_horizon)
)
SELECT cut.first_unsafe::text AS first_unsafe, r.*
FROM cut LEFT JOIN LATERAL (
  SELECT c.global_position AS position, e.global_position::text AS global_position, e.stream_id, e.stream_type, e.stream_version, e.event_id::text AS event_id,
         e.type, e.schema_version, e.data, e.metadata, e.recorded_at
  FROM candidate c JOIN events e ON e.global_position = c.global_position
  WHERE cut.first_unsafe IS NULL OR c.global_position < cut.first_unsafe
) r ON true
ORDER BY r.position`;

const MARK_PUBLISHED_SQL = markPublishedSql('$1');
const BACKLOG_SQL = 'SELECT count(*)::int AS backlog FROM outbox WHERE published_at IS NULL';

/** Where an event goes: its aggregate's topic. A stream type outside the contract cannot be routed. */
export function topicOfEvent(event: { streamType: string; streamId: string }): string {
  if (isAggregateType(event.streamType)) return topicFor(event.streamType);
  const parsed = parseStreamId(event.streamId);
  if (parsed) return topicFor(parsed.aggregate);
  throw new UnroutableEventError(event.streamType, event.streamId);
}

export class UnroutableEventError extends Error {
  override readonly name = 'UnroutableEventError';
  constructor(
    readonly streamType: string,
    readonly streamId: string,
  ) {
    super(`no topic for stream type "${streamType}" (stream ${streamId})`);
  }
}

/** Kafka messages grouped by topic, each group in global (hence per-stream) order. */
export function groupByTopic(events: PublishableEvent[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const event of events) {
    const topic = topicOfEvent(event);
    let messages = byTopic.get(topic);
    if (!messages) byTopic.set(topic, (messages = []));
    messages.push(toKafkaMessage(event));
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function toEvent(row: OutboxRow): PublishableEvent {
  return {
    globalPosition: row.global_position!,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
  };
}

/** An error of the lock session: this instance is no longer (certainly) the active relay. */
class SessionLostError extends Error {
  override readonly name = 'SessionLostError';
}

/** A sleep that a NOTIFY (or stop()) cuts short; a poke while nobody sleeps makes the next sleep return at once. */
class Waker {
  private wake: (() => void) | undefined;
  private pending = false;
  /** Resolves true when poked, false when the time ran out. */
  sleep(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (poked: boolean) => {
        clearTimeout(timer);
        if (this.wake === wake) this.wake = undefined;
        resolve(poked);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.wake = wake;
    });
  }
  poke(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }
}

/** A batch Kafka acknowledged, waiting for the next batch statement to mark it published. */
interface AcknowledgedBatch {
  /** Global positions, ascending. */
  positions: string[];
  /** process.hrtime.bigint() when its send started. */
  started: bigint;
}

/**
 * Publishes the outbox to Kafka in global order, at least once (architecture.md invariants 3 and 5).
 *
 * - One active relay: the instance holding the session-level advisory lock RELAY_LOCK_KEY on its own connection. It reads,
 *   and marks, through that same connection, so a relay whose session died cannot mark anything. Standby instances try
 *   the lock every lockPollMs and take over when the holder's connection drops (process killed, network gone).
 * - One idempotent kafkajs producer (acks -1, one request in flight). A batch is marked published only after Kafka
 *   acknowledged all of it. Key = stream id, so a stream's events go to one partition, in order.
 * - A failed send marks nothing: the producer is recreated, the relay backs off and re-sends the same rows from the start.
 *   Kafka may then hold duplicates (consumers skip versions they applied) but a stream never goes backwards: event n+1
 *   is never sent in a request before every earlier request holding event n was acknowledged.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minBatchIntervalMs: number;
  private readonly lockPollMs: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly lockKey: number;
  private readonly logger: RelayLogger;
  private readonly waker = new Waker();
  private stopping = false;
  private running: Promise<void> | undefined;
  private active = false;
  private topicsEnsured = false;
  private lastBacklogAt = 0;
  readonly instanceId: string;
  readonly stats: RelayStats = { published: 0, batches: 0, publishErrors: 0, activations: 0 };

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.minBatchIntervalMs = options.minBatchIntervalMs ?? 5;
    this.lockPollMs = options.lockPollMs ?? 1000;
    this.minBackoffMs = options.minBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.lockKey = options.lockKey ?? RELAY_LOCK_KEY;
    this.logger = options.logger ?? silent;
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.batchSize}`);
    if (!(this.minBatchIntervalMs >= 0 && Number.isFinite(this.minBatchIntervalMs))) throw new RangeError(`minBatchIntervalMs must be a finite number >= 0, got ${this.minBatchIntervalMs}`);
  }

  /** True while this instance holds the relay lock. */
  get isActive(): boolean {
    return this.active;
  }

  /** Starts the loop in the background: the instance waits for the lock, then publishes until stop(). */
  start(): void {
    if (this.running) throw new Error('relay already started');
    this.stopping = false;
    this.running = this.run();
  }

  /** Finishes the batch in flight, releases the lock, disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waker.poke();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let client: pg.PoolClient | undefined;
      let sessionError: Error | undefined;
      try {
        client = await this.options.pool.connect();
        client.on('error', (error) => {
          sessionError = error;
          // The session (its lock and its LISTEN) is gone: reconnect now, not when the poll interval runs out.
          this.waker.poke();
        });
        await client.query(`SELECT set_config('application_name', $1, false)`, [`reelwire-outbox-relay:${this.instanceId}`]);
        if (!(await this.acquire(client))) break;
        failures = 0;
        await this.lead(client, () => sessionError);
      } catch (error) {
        if (this.stopping && !sessionError) break;
        failures++;
        this.logger.warn({ err: error, instance: this.instanceId }, 'relay: database session failed; reconnecting');
        await this.waker.sleep(this.backoff(failures));
      } finally {
        this.setActive(false);
        if (client) {
          // The session is never reused: closing it drops the lock and the LISTEN with it.
          if (!sessionError) await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
          client.release(sessionError ?? true);
        }
      }
    }
  }

  /** Polls the lock until it is ours (true) or the relay stops (false). */
  private async acquire(client: pg.PoolClient): Promise<boolean> {
    let waitingLogged = false;
    while (!this.stopping) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.lockKey]);
      if (rows[0]!.locked) {
        await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        client.on('notification', () => this.waker.poke());
        this.stats.activations++;
        this.setActive(true);
        this.logger.info({ instance: this.instanceId }, 'relay: active (holding the relay lock)');
        return true;
      }
      if (!waitingLogged) {
        this.logger.info({ instance: this.instanceId }, 'relay: standby (another relay holds the lock)');
        waitingLogged = true;
      }
      await this.waker.sleep(this.lockPollMs);
    }
    return false;
  }

  /**
   * Publishes while holding the lock; returns on stop, throws when the session fails. A batch Kafka acknowledged is
   * marked by the statement that reads the next one (NEXT_BATCH_SQL), sent right after the acknowledgement, or on its
   * own when the relay stops first. A session that fails before marks nothing, and the next relay re-sends the batch.
   */
  private async lead(client: pg.PoolClient, sessionError: () => Error | undefined): Promise<void> {
    let producer: Producer | undefined;
    let failures = 0;
    let acknowledged: AcknowledgedBatch | undefined;
    // The highest position this session had acknowledged; 0 = read from the start (see NEXT_BATCH_SQL).
    let after = '0';
    let lastReadAt = -Infinity;
    try {
      while (!this.stopping) {
        const lost = sessionError();
        if (lost) throw new SessionLostError(lost.message);
        await this.untilNextReadAllowed(lastReadAt);
        if (this.stopping) break;
        lastReadAt = performance.now();
        const { events, heldBack } = await this.nextBatch(client, acknowledged, after);
        if (acknowledged) this.markedPublished(acknowledged);
        acknowledged = undefined;
        if (events.length === 0) {
          await this.updateBacklog(client, true, heldBack);
          const poked = await this.waker.sleep(heldBack ? Math.min(20, this.pollIntervalMs) : this.pollIntervalMs);
          if (!poked) after = '0';
          continue;
        }
        const started = process.hrtime.bigint();
        const topicMessages = groupByTopic(events);
        const spans = startPublishSpans(topicMessages);
        try {
          producer ??= await this.connectProducer();
          await producer.sendBatch({ topicMessages, acks: -1 });
          spans.acknowledged();
        } catch (error) {
          spans.failed(error as Error);
          failures++;
          this.stats.publishErrors++;
          this.options.metrics?.publishErrors.inc();
          const delay = this.backoff(failures);
          this.logger.warn(
            { err: error, instance: this.instanceId, firstPosition: events[0]!.globalPosition, count: events.length, retryInMs: delay },
            'relay: publish failed; nothing marked, retrying the same rows',
          );
          const broken = producer;
          producer = undefined;
          await this.disconnect(broken);
          await this.waker.sleep(delay);
          continue;
        }
        failures = 0;
        const positions = events.map((e) => e.globalPosition);
        acknowledged = { positions, started };
        after = positions[positions.length - 1]!;
        await this.updateBacklog(client, false, false);
      }
      if (acknowledged && !sessionError()) {
        await client.query(MARK_PUBLISHED_SQL, [acknowledged.positions]);
        this.markedPublished(acknowledged);
      }
    } finally {
      await this.disconnect(producer);
    }
  }

  /**
   * Waits until minBatchIntervalMs have passed since `lastReadAt` (or the relay stops). A NOTIFY meanwhile only cuts
   * the wait short to be waited again: the read comes at the end of it anyway.
   */
  private async untilNextReadAllowed(lastReadAt: number): Promise<void> {
    for (;;) {
      const early = lastReadAt + this.minBatchIntervalMs - performance.now();
      if (early <= 0 || this.stopping) return;
      await this.waker.sleep(early);
    }
  }

  private markedPublished(batch: AcknowledgedBatch): void {
    const seconds = Number(process.hrtime.bigint() - batch.started) / 1e9;
    const count = batch.positions.length;
    this.stats.published += count;
    this.stats.batches++;
    this.options.metrics?.published.inc(count);
    this.options.metrics?.batchSeconds.observe(seconds);
    this.logger.debug(
      { instance: this.instanceId, count, firstPosition: batch.positions[0], lastPosition: batch.positions[count - 1], ms: Math.round(seconds * 1000) },
      'relay: batch published',
    );
  }

  /** Marks `acknowledged` published and reads the next batch, in one statement (prepared once per session). */
  private async nextBatch(client: pg.PoolClient, acknowledged: AcknowledgedBatch | undefined, after: string): Promise<{ events: PublishableEvent[]; heldBack: boolean }> {
    const { rows } = await client.query<OutboxRow>({
      name: 'reelwire-relay-next-batch',
      text: NEXT_BATCH_SQL,
      values: [this.batchSize, acknowledged?.positions ?? [], after],
    });
    const heldBack = rows[0]?.first_unsafe != null;
    return { events: rows.filter((row) => row.global_position !== null).map(toEvent), heldBack };
  }

  private async connectProducer(): Promise<Producer> {
    if (!this.topicsEnsured) {
      const admin = this.options.kafka.admin();
      await admin.connect();
      try {
        const created = await ensureTopics(admin, this.options.topics ?? REELWIRE_TOPICS);
        if (created.length) this.logger.info({ topics: created }, 'relay: topics created');
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      this.topicsEnsured = true;
    }
    const producer = this.options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (error) {
      await this.disconnect(producer);
      throw error;
    }
    return producer;
  }

  private async disconnect(producer: Producer | undefined): Promise<void> {
    if (!producer) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      producer.disconnect().catch(() => undefined),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Counts the backlog at most once a second while busy. Idle: a read that found nothing and held nothing back saw an
   * empty backlog, so the gauge is set to 0 without a query; rows held back by the gate are counted on every poll.
   */
  private async updateBacklog(client: pg.PoolClient, idle: boolean, heldBack: boolean): Promise<void> {
    if (!this.options.metrics) return;
    const now = Date.now();
    if (idle && !heldBack) {
      this.lastBacklogAt = now;
      this.options.metrics.backlog.set(0);
      return;
    }
    if (!idle && now - this.lastBacklogAt < 1000) return;
    this.lastBacklogAt = now;
    const { rows } = await client.query<{ backlog: number }>({ name: 'reelwire-relay-backlog', text: BACKLOG_SQL });
    this.options.metrics.backlog.set(rows[0]!.backlog);
  }

  private setActive(active: boolean): void {
    this.active = active;
    this.options.metrics?.active.set(active ? 1 : 0);
  }

  private backoff(failures: number): number {
    const base = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.max(0, failures - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
