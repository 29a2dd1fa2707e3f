import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { PostgresEventStore } from '../../../libs/event-store/src/postgres-event-store.js';
import { type DevBroker, startDevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { OutboxRelay } from './outbox-relay.js';
import { createRelayMetrics } from './relay-metrics.js';
import {
  appendEvents,
  checkDelivery,
  type Collector,
  createTestTopics,
  editorialEvent,
  makeStreams,
  startCollector,
  storedEvents,
  TEST_TOPICS,
  testKafka,
  unpublishedCount,
  waitFor,
} from './testing/relay-test-kit.js';

describe('OutboxRelay', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const cleanups: Array<() => Promise<unknown> | unknown> = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await db.drop();
  });

  async function broker(dataDir?: string, port = 0): Promise<DevBroker> {
    const started = await startDevBroker({ port, dataDir });
    return started;
  }

  /** A dev broker with the test topics, stopped after the test. */
  async function brokerWithTopics(): Promise<DevBroker> {
    const kafkaBroker = await broker();
    cleanups.push(() => kafkaBroker.stop());
    await createTestTopics(kafkaBroker.brokers);
    return kafkaBroker;
  }

  /** A consumer of every test topic, stopped after the test. */
  async function collect(brokers: string): Promise<Collector> {
    const collector = await startCollector(brokers);
    cleanups.push(() => collector.stop());
    return collector;
  }

  function relay(brokers: string, options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
    const instance = new OutboxRelay({
      pool: db.pool,
      kafka: testKafka(brokers),
      topics: TEST_TOPICS,
      pollIntervalMs: 100,
      lockPollMs: 100,
      maxBackoffMs: 500,
      ...options,
    });
    instance.start();
    cleanups.push(() => instance.stop());
    return instance;
  }

  it('publishes appended events to their aggregate topic with key = stream id, the public value and headers, in stream order, and marks the rows', async () => {
    const kafkaBroker = await brokerWithTopics();
    const collector = await collect(kafkaBroker.brokers);

    const registry = new Registry();
    const metrics = createRelayMetrics(registry);
    const work = 'work-3f2a7c1e-0000-4000-8000-000000000001';
    const registered = editorialEvent('work', 1, { occurredAt: { date: '2018', precision: 'year' }, actor: { id: 'editor-42', role: 'editor' } });
    await store.append({ id: work, type: 'work' }, 'no-stream', [registered]);
    const streams = makeStreams(8);
    await appendEvents(store, streams, 120);
    relay(kafkaBroker.brokers, { metrics, batchSize: 25 });
    await store.append({ id: work, type: 'work' }, 1, [editorialEvent('work', 2)]);

    const expected = await storedEvents(db.pool);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'outbox drained');
    await waitFor(() => checkDelivery(collector.received, expected).missing.length === 0, 'every event consumed');
    const report = checkDelivery(collector.received, expected);
    expect(report.violations).toEqual([]);
    expect(report.distinct).toBe(expected.length);

    const first = collector.received.find((m) => m.event.eventId === registered.metadata.eventId)!;
    expect(first.topic).toBe('reelwire.work.v1');
    expect(first.key).toBe(work);
    const stored = (await store.readStream(work))[0]!;
    expect(first.event).toEqual({
      eventId: stored.eventId,
      type: 'WorkRegistered',
      schemaVersion: 1,
      streamId: work,
      streamType: 'work',
      streamVersion: 1,
      globalPosition: stored.globalPosition,
      recordedAt: stored.recordedAt,
      data: stored.data,
      metadata: stored.metadata,
    });
    expect(first.headers).toEqual({
      'event-id': stored.eventId,
      'event-type': 'WorkRegistered',
      'schema-version': '1',
      'correlation-id': registered.metadata.correlationId,
      'causation-id': registered.metadata.causationId,
      actor: 'editor-42',
      'occurred-at': '{"date":"2018","precision":"year"}',
      'recorded-at': stored.recordedAt,
      'global-position': stored.globalPosition,
    });
    // Topic per aggregate, one partition per stream.
    for (const message of collector.received) expect(message.topic).toBe(`reelwire.${message.event.streamType}.v1`);
    const partitionsOf = new Map<string, Set<number>>();
    for (const m of collector.received) (partitionsOf.get(m.key) ?? partitionsOf.set(m.key, new Set()).get(m.key)!).add(m.partition);
    for (const partitions of partitionsOf.values()) expect(partitions.size).toBe(1);

    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NOT NULL');
    expect(rows[0]!.n).toBe(expected.length);
    const text = await registry.metrics();
    expect(text).toMatch(new RegExp(`reelwire_relay_published_total ${expected.length}\\b`));
    expect(text).toMatch(/reelwire_relay_batch_seconds_count [1-9]/);
    expect(text).toMatch(/reelwire_relay_active 1\b/);
    await waitFor(async () => /reelwire_outbox_backlog 0\b/.test(await registry.metrics()), 'backlog gauge at 0');
  });

  it('holds back rows behind a transaction that is still running (the gate), then publishes them in order', async () => {
    const kafkaBroker = await brokerWithTopics();
    const stream = makeStreams(1);
    await appendEvents(store, stream, 3);
    // A transaction that took its id before the next append: every row written after it is held back while it runs.
    const blocker = await db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    await appendEvents(store, stream, 2);
    const registry = new Registry();
    const instance = relay(kafkaBroker.brokers, { metrics: createRelayMetrics(registry) });
    await waitFor(() => instance.stats.published === 3, 'the 3 rows before the open transaction');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(instance.stats.published).toBe(3);
    expect(await unpublishedCount(db.pool)).toBe(2);
    // The rows held back are the backlog (counted while held back; a drained outbox sets the gauge to 0 without a count).
    expect(await registry.metrics()).toMatch(/reelwire_outbox_backlog 2\b/);
    await blocker.query('COMMIT');
    blocker.release();
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'the rest after the commit');
    await waitFor(async () => /reelwire_outbox_backlog 0\b/.test(await registry.metrics()), 'backlog gauge at 0 after the commit');
  });

  it('retries a batch whose send failed half-way (broker stopped mid-drain): nothing lost, per-stream order kept', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-midbatch-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let kafkaBroker = await broker(dataDir);
    const port = kafkaBroker.port;
    cleanups.push(() => kafkaBroker.stop());
    await createTestTopics(kafkaBroker.brokers);
    const streams = makeStreams(40);
    await appendEvents(store, streams, 4000);

    const instance = relay(kafkaBroker.brokers, { batchSize: 200, minBackoffMs: 50, maxBackoffMs: 300 });
    await waitFor(() => instance.stats.published > 0, 'a first batch', 20_000, 1);
    await kafkaBroker.stop();
    const publishedBeforeStop = instance.stats.published;
    await waitFor(() => instance.stats.publishErrors > 0, 'a failed send');
    expect(await unpublishedCount(db.pool)).toBeGreaterThan(0);
    kafkaBroker = await broker(dataDir, port);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'outbox drained after the restart', 30_000);

    const collector = await collect(kafkaBroker.brokers);
    const expected = await storedEvents(db.pool);
    await waitFor(() => checkDelivery(collector.received, expected).missing.length === 0, 'every event consumed', 30_000);
    const report = checkDelivery(collector.received, expected);
    expect(report.violations).toEqual([]);
    expect(report.distinct).toBe(4000);
    expect(publishedBeforeStop).toBeLessThan(4000);
    expect(instance.stats.publishErrors).toBeGreaterThan(0);
  });

  it('marks a batch Kafka acknowledged when it stops before reading the next one (the mark rides on the next read otherwise)', async () => {
    const kafkaBroker = await brokerWithTopics();
    const collector = await collect(kafkaBroker.brokers);
    await appendEvents(store, makeStreams(4), 30);
    // The read after the first batch (which would mark it) is a minute away: only stop() can mark it.
    const instance = new OutboxRelay({ pool: db.pool, kafka: testKafka(kafkaBroker.brokers), topics: TEST_TOPICS, minBatchIntervalMs: 60_000 });
    instance.start();
    cleanups.push(() => instance.stop());
    await waitFor(() => collector.received.length >= 30, 'the batch consumed');
    expect(await unpublishedCount(db.pool)).toBe(30);
    await instance.stop();
    expect(await unpublishedCount(db.pool)).toBe(0);
    expect(instance.stats).toMatchObject({ published: 30, batches: 1 });
  });

  it('publishes the first event after a quiet spell at once, and gathers what arrives within minBatchIntervalMs of a read into one batch', async () => {
    const kafkaBroker = await brokerWithTopics();
    const collector = await collect(kafkaBroker.brokers);
    const instance = relay(kafkaBroker.brokers, { minBatchIntervalMs: 3_000, pollIntervalMs: 60_000 });
    await waitFor(() => instance.isActive, 'active');
    // Past the interval of the relay's first (empty) read: this event is read as soon as its NOTIFY arrives.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const streams = makeStreams(10);
    const started = Date.now();
    await appendEvents(store, streams.slice(0, 1), 1);
    await waitFor(() => collector.received.length === 1, 'the lone event consumed');
    expect(Date.now() - started).toBeLessThan(2_500);
    // Ten appends, each its own transaction and NOTIFY, within the interval of the last read: one batch for all.
    for (const stream of streams) await appendEvents(store, [stream], 1);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'the ten events published', 20_000);
    expect(instance.stats).toMatchObject({ published: 11, batches: 2 });
  });

  it('publishes nothing while the lock is held by someone else, and takes over once it is released', async () => {
    const kafkaBroker = await brokerWithTopics();
    const holder = await db.pool.connect();
    await holder.query('SELECT pg_advisory_lock(7123003)');
    await appendEvents(store, makeStreams(3), 10);
    const instance = relay(kafkaBroker.brokers);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(instance.isActive).toBe(false);
    expect(instance.stats.published).toBe(0);
    holder.release(true);
    await waitFor(() => instance.isActive, 'takeover');
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'outbox drained');
  });

  it('reconnects after the server ends its session (as a PostgreSQL restart does) and LISTENs again: the next event comes on its NOTIFY', async () => {
    const kafkaBroker = await brokerWithTopics();
    const collector = await collect(kafkaBroker.brokers);
    // Polls a minute apart: within this test only a NOTIFY can wake the relay.
    const instance = relay(kafkaBroker.brokers, { pollIntervalMs: 60_000, minBackoffMs: 50 });
    await waitFor(() => instance.isActive, 'the relay active');
    const streams = makeStreams(2);
    await appendEvents(store, streams, 4);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'the first events published');

    const session = `reelwire-outbox-relay:${instance.instanceId}`;
    const { rows } = await db.pool.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [session]);
    expect(rows.map((row) => row.ended)).toEqual([true]);
    await waitFor(() => instance.stats.activations === 2 && instance.isActive, 'the relay active again on a new session');
    // Its first read on the new session is done and it sleeps on LISTEN: an event appended now is not picked up by that
    // read. (pg_stat_activity shows the start of the last statement: the batch read begins with the gate's CTE.)
    await waitFor(async () => {
      const { rows: idle } = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = $2 AND query LIKE $3', [session, 'idle', '%WITH gate_snapshot AS%']);
      return idle.length === 1;
    }, 'the relay waiting for a NOTIFY');

    const [late] = await appendEvents(store, streams, 1).then(() => storedEvents(db.pool)).then((events) => events.slice(-1));
    await waitFor(() => collector.received.some((message) => message.event.eventId === late!.eventId), 'the event appended after the reconnect on Kafka', 10_000);
  });
});
