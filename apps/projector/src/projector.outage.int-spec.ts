import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { PublishedEvent } from '../../../libs/contracts/src/published-event.js';
import { createPool } from '../../../libs/database/src/pool.js';
import type { DomainEvent } from '../../../libs/domain/src/shared/decider.js';
import { workDecider } from '../../../libs/domain/src/work/work.decider.js';
import { startDevBroker, type DevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { FAST_CONSUMER, testKafka } from '../../../libs/kafka-dev-broker/src/testing/kafkajs-test-kit.js';
import { waitFor } from '../../../libs/kafka-dev-broker/src/testing/wait-for.js';
import { toKafkaMessage } from '../../../libs/messaging/src/published-event.js';
import { loadCheckpoints } from '../../../libs/read-models/src/engine/pg-store.js';
import { expectedVersions, storedVersions } from '../../../libs/read-models/src/testing/pg-tables.js';
import { publishScenario, uuid, uuidContext, type Scenario } from '../../../libs/read-models/src/testing/scenario.js';
import { startSeverableProxy, type SeverableProxy } from '../../../test/support/severable-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { createProjector } from './projector.js';

/** Longer than the consumer's session timeout (FAST_CONSUMER: 6 s) and than kafkajs's own retries of a failed batch. */
const OUTAGE_MS = 15_000;
const GROUP = 'projector-outage';
const PREFIX = 'outage.';
const TOPICS = ['work', 'organization', 'person', 'deal'].map((aggregate) => `${PREFIX}reelwire.${aggregate}.v1`);
const source = { publisher: 'Test Wire' };

/** `count` works of three events each (registered, in development, a milestone), one work after the other. */
function works(count: number): PublishedEvent[] {
  const context = uuidContext('e2222222');
  const scenario: Scenario = { streams: new Map(), order: [] };
  for (let i = 0; i < count; i++) {
    const workId = uuid(20_000 + i);
    let state = workDecider.initialState();
    const events: DomainEvent[] = [];
    const run = (command: Parameters<typeof workDecider.decide>[0]) => {
      const decided = workDecider.decide(command, state, context);
      state = decided.reduce(workDecider.evolve, state);
      events.push(...decided);
    };
    run({ type: 'RegisterWork', data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: `Outage ${i}`, language: 'en', class: 'working' }], status: 'announced', statusEffective: { date: '2019', precision: 'year' }, source } });
    run({ type: 'ChangeWorkStatus', data: { workId, to: 'in-development', effective: { date: '2020', precision: 'year' }, source } });
    run({ type: 'RecordMilestone', data: { workId, milestoneId: `m-${i}`, label: 'Script', kind: 'script', date: { date: '2021', precision: 'year' }, source } });
    const streamId = `work-${workId}`;
    scenario.streams.set(streamId, { aggregate: 'work', streamId, events });
    events.forEach((_, index) => scenario.order.push([streamId, index]));
  }
  return publishScenario(scenario);
}

describe('projector while PostgreSQL is unreachable', () => {
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDatabase;
  let proxy: SeverableProxy;
  let projectorPool: pg.Pool;
  const events = works(200);

  beforeAll(async () => {
    broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
    kafka = testKafka(broker.brokers);
    db = await createTestDatabase();
    const url = new URL(db.url);
    proxy = await startSeverableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    projectorPool = createPool(url.toString(), { max: 5, applicationName: 'reelwire-projector-outage-test' });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic: `${PREFIX}reelwire.work.v1`, messages: events.map(toKafkaMessage) }] });
    } finally {
      await producer.disconnect();
    }
  });

  afterAll(async () => {
    await projectorPool?.end();
    await proxy?.close();
    await db?.drop();
    await broker?.stop();
  });

  it('waits the outage out in its group (no crash, no rejoin), commits no Kafka offset past its checkpoint, then applies everything once', async () => {
    const lines: string[] = [];
    let applied = 0;
    const projector = createProjector({
      kafka,
      pool: projectorPool,
      groupId: GROUP,
      topics: TOPICS,
      batchSize: 5,
      consumerConfig: FAST_CONSUMER,
      retryBackoffMs: [50, 1_000],
      log: (line) => lines.push(line),
      onOutcome: (outcome) => {
        if (outcome.outcome !== 'applied') return;
        applied += 1;
        // Cut mid-stream, from the callback itself: the next transactions find the server gone.
        if (applied === 30) proxy.sever();
      },
    });
    let crashes = 0;
    let joins = 0;
    projector.consumer.on(projector.consumer.events.CRASH, () => (crashes += 1));
    projector.consumer.on(projector.consumer.events.GROUP_JOIN, () => (joins += 1));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await projector.start();
      await waitFor(() => applied >= 30, '30 events applied before the outage', 30_000);
      const outageStarted = Date.now();
      expect(applied).toBeLessThan(events.length);

      // Half-way through: whatever Kafka has as the group's offsets, the read models' checkpoints are at least there.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
      const checkpoints = new Map((await loadCheckpoints(db.pool, 'read_models', GROUP)).map((c) => [`${c.topic}/${c.partition}`, BigInt(c.nextOffset)]));
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: GROUP, topics: TOPICS })) {
        for (const { partition, offset } of partitions) {
          if (offset === '-1') continue;
          expect({ at: `${topic}/${partition}`, committed: BigInt(offset) <= (checkpoints.get(`${topic}/${partition}`) ?? 0n) }).toEqual({ at: `${topic}/${partition}`, committed: true });
        }
      }
      const appliedDuringOutage = applied;

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStarted + OUTAGE_MS - Date.now())));
      expect(applied).toBe(appliedDuringOutage);
      proxy.restore();

      await waitFor(
        async () => {
          const { rows } = await db.pool.query<{ total: number }>('SELECT coalesce(sum(version), 0)::int AS total FROM read_models.projection_streams');
          return rows[0]!.total === events.length;
        },
        'every event applied after the outage',
        60_000,
      );
      await projector.stop();
    } finally {
      await projector.stop().catch(() => undefined);
      await admin.disconnect();
    }

    expect(crashes).toBe(0);
    expect(joins).toBe(1);
    // Once each: the read models are exactly what the engine computes from the events, history rows included.
    expect(await storedVersions(db.pool, 'read_models')).toEqual(await expectedVersions(events));
    expect((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_models.dead_letters')).rows[0]!.n).toBe(0);
    expect(lines.some((line) => /PostgreSQL is back/.test(line))).toBe(true);
  }, 120_000);
});
