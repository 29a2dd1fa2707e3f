import type { Kafka } from 'kafkajs';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { PublishedEvent } from '../../../libs/contracts/src/published-event.js';
import { startDevBroker, type DevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { FAST_CONSUMER, testKafka } from '../../../libs/kafka-dev-broker/src/testing/kafkajs-test-kit.js';
import { waitFor } from '../../../libs/kafka-dev-broker/src/testing/wait-for.js';
import { toKafkaMessage } from '../../../libs/messaging/src/published-event.js';
import { getProjectStatus } from '../../../libs/read-models/src/project-status/project-status.queries.js';
import { expectedVersions, storedVersions } from '../../../libs/read-models/src/testing/pg-tables.js';
import { buildScenario, publishScenario, uuid, uuidContext } from '../../../libs/read-models/src/testing/scenario.js';
import { workDecider } from '../../../libs/domain/src/work/work.decider.js';
import type { DomainEvent } from '../../../libs/domain/src/shared/decider.js';
import { createProjectorMetrics } from './metrics.js';
import { createProjector, type Projector, type ProjectorOptions } from './projector.js';

let broker: DevBroker;
let kafka: Kafka;
const source = { publisher: 'Test Wire' };

/** The demo scenario plus `works` synthetic works of six events each, published in one global order. */
function backlog(works: number): PublishedEvent[] {
  const scenario = buildScenario(uuidContext('e0000000'));
  const context = uuidContext('e1111111');
  for (let i = 0; i < works; i++) {
    const workId = uuid(10_000 + i);
    let state = workDecider.initialState();
    const events: DomainEvent[] = [];
    const run = (command: Parameters<typeof workDecider.decide>[0]) => {
      const decided = workDecider.decide(command, state, context);
      state = decided.reduce(workDecider.evolve, state);
      events.push(...decided);
    };
    run({ type: 'RegisterWork', data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: `Backlog ${i}`, language: 'en', class: 'working' }], status: 'announced', statusEffective: { date: '2019', precision: 'year' }, source } });
    run({ type: 'ChangeWorkStatus', data: { workId, to: 'in-development', effective: { date: '2020', precision: 'year' }, source } });
    run({ type: 'AddCompanyCredit', data: { workId, creditId: `c-${i}`, organizationId: uuid(100), role: 'producer', from: { date: '2020', precision: 'year' }, source } });
    run({ type: 'AttachTalent', data: { workId, attachmentId: `a-${i}`, personId: uuid(200), role: 'director', attachedAt: { date: '2021', precision: 'year' }, source } });
    run({ type: 'RecordMilestone', data: { workId, milestoneId: `m-${i}`, label: 'Script', kind: 'script', date: { date: '2022', precision: 'year' }, source } });
    run({ type: 'CorrectWorkFact', data: { workId, fact: { type: 'milestone', id: `m-${i}` }, changes: { date: { date: '2021', precision: 'year' } }, note: 'earlier', source } });
    const streamId = `work-${workId}`;
    scenario.streams.set(streamId, { aggregate: 'work', streamId, events });
    // interleave with what is already there
    events.forEach((_, index) => scenario.order.splice(Math.min(scenario.order.length, (i * 7 + index * 13) % (scenario.order.length + 1)), 0, [streamId, index]));
  }
  // keep per-stream order after the interleaving
  const seen = new Map<string, number>();
  scenario.order = scenario.order.map(([streamId]) => {
    const next = seen.get(streamId) ?? 0;
    seen.set(streamId, next + 1);
    return [streamId, next];
  });
  return publishScenario(scenario);
}

const topicsFor = (prefix: string) => ['work', 'organization', 'person', 'deal'].map((a) => `${prefix}reelwire.${a}.v1`);

async function produce(prefix: string, events: readonly PublishedEvent[], extra: { topic: string; key: string; value: string }[] = []): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const byTopic = new Map<string, { key: string; value: string; headers?: Record<string, string> }[]>();
    for (const e of events) {
      const topic = `${prefix}reelwire.${e.streamType}.v1`;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), toKafkaMessage(e)]);
    }
    for (const x of extra) byTopic.set(x.topic, [...(byTopic.get(x.topic) ?? []), { key: x.key, value: x.value }]);
    await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  } finally {
    await producer.disconnect();
  }
}

function projector(db: TestDatabase, prefix: string, groupId: string, onOutcome?: ProjectorOptions['onOutcome']): Projector {
  return createProjector({ kafka, pool: db.pool, groupId, topics: topicsFor(prefix), consumerConfig: { ...FAST_CONSUMER, maxBytesPerPartition: 64 * 1024 }, ...(onOutcome ? { onOutcome } : {}) });
}

/** Every row version the projector wrote is one the engine computes from the same events (history included, not only the current rows). */
async function expectReadModelsToEqual(db: TestDatabase, events: readonly PublishedEvent[]) {
  expect(await storedVersions(db.pool, 'read_models')).toEqual(await expectedVersions(events));
}

async function finalVersionsReached(db: TestDatabase, events: readonly PublishedEvent[]): Promise<boolean> {
  const last = new Map<string, number>();
  for (const e of events) last.set(e.streamId, Math.max(last.get(e.streamId) ?? 0, e.streamVersion));
  const { rows } = await db.pool.query<{ stream_id: string; version: number }>('SELECT stream_id, version FROM read_models.projection_streams');
  const stored = new Map(rows.map((r) => [r.stream_id, r.version]));
  return [...last].every(([streamId, version]) => stored.get(streamId) === version);
}

beforeAll(async () => {
  broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
  kafka = testKafka(broker.brokers);
});
afterAll(async () => {
  await broker?.stop();
});

describe('projector over Kafka', () => {
  let db: TestDatabase;
  const events = backlog(150);
  beforeAll(async () => {
    db = await createTestDatabase();
    await produce('restart.', events);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('restarted mid-batch: everything applied once, no duplicate in any read model, checkpoints at the log end', async () => {
    expect(events.length).toBeGreaterThan(900);
    let appliedByFirst = 0;
    const first = projector(db, 'restart.', 'projector-restart', (o) => {
      if (o.outcome === 'applied') appliedByFirst++;
    });
    await first.start();
    await waitFor(() => appliedByFirst >= 150, '150 events applied by the first projector', 30_000);
    await first.stop();
    const afterStop = appliedByFirst;
    expect(afterStop).toBeLessThan(events.length); // stopped with a backlog left, inside a batch
    const { rows: snap } = await db.pool.query<{ n: number }>('SELECT sum(version)::int AS n FROM read_models.projection_streams');
    expect(snap[0]!.n).toBe(afterStop); // every commit is one applied event: nothing half-applied

    const outcomes: string[] = [];
    const second = projector(db, 'restart.', 'projector-restart', (o) => outcomes.push(o.outcome));
    await second.start();
    try {
      await waitFor(() => finalVersionsReached(db, events), 'every stream at its last version', 40_000, 100);
    } finally {
      await second.stop();
    }
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(events.length - afterStop);
    await expectReadModelsToEqual(db, events);
    const { rows } = await db.pool.query<{ n: string }>("SELECT sum(next_offset)::text AS n FROM read_models.projection_checkpoints WHERE consumer_group = 'projector-restart'");
    expect(Number(rows[0]!.n)).toBe(events.length);
    const dead = await db.pool.query('SELECT count(*)::int AS n FROM read_models.dead_letters');
    expect(dead.rows[0].n).toBe(0);
  });

  it('a redelivery of the whole log (a new consumer group) changes nothing; metrics show no lag', async () => {
    const outcomes: string[] = [];
    const again = projector(db, 'restart.', 'projector-redelivery', (o) => outcomes.push(o.outcome));
    await again.start();
    try {
      await waitFor(() => outcomes.length === events.length, 'the whole log redelivered', 40_000, 100);
    } finally {
      await again.stop();
    }
    expect(new Set(outcomes)).toEqual(new Set(['skipped']));
    await expectReadModelsToEqual(db, events);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const metrics = createProjectorMetrics({ admin, pool: db.pool, schema: 'read_models', groupId: 'projector-restart', topics: topicsFor('restart.') });
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/reelwire_projector_lag_events\{projection="project_status"\} 0/);
      expect(text).toMatch(/reelwire_projector_lag_seconds\{projection="timeline"\} 0/);
      expect(text).toContain('reelwire_projector_applied_total');
      expect(text).toContain('reelwire_dead_letters_total');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('partitions applied together', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a poison event in a transaction shared by several partitions holds up only its own: the rest applied, it dead-lettered', async () => {
    const events = backlog(60);
    const registered = events.find((e) => e.type === 'WorkRegistered')!;
    // A registration whose status date is no calendar month: the timeline's sort_key (a date column) refuses it, so the
    // row write fails (the whole shared transaction with it).
    const poisons = [0, 1, 2].map((partition) => ({
      partition,
      event: {
        ...registered,
        eventId: uuid(4400 + partition),
        streamId: `work-${uuid(4300 + partition)}`,
        streamVersion: 1,
        globalPosition: String(90_000 + partition),
        data: { ...registered.data, workId: uuid(4300 + partition), statusEffective: { date: '2019-13', precision: 'month' } },
      },
    }));
    // The poisons open each partition's log, so the runs of the first fetch, applied together, all fail at first.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({ topic: 'group.reelwire.work.v1', acks: -1, messages: poisons.map(({ partition, event }) => ({ ...toKafkaMessage(event), partition })) });
    } finally {
      await producer.disconnect();
    }
    await produce('group.', events);
    const outcomes: string[] = [];
    const lines: string[] = [];
    const p = createProjector({
      kafka,
      pool: db.pool,
      groupId: 'projector-group',
      topics: topicsFor('group.'),
      consumerConfig: { ...FAST_CONSUMER, maxBytesPerPartition: 64 * 1024 },
      log: (line) => lines.push(line),
      onOutcome: (o) => outcomes.push(o.outcome === 'dead-lettered' ? `dead:${o.reason}` : o.outcome),
    });
    await p.start();
    try {
      await waitFor(() => outcomes.length === events.length + poisons.length, 'every message handled', 30_000, 50);
    } finally {
      await p.stop();
    }
    expect(lines.some((line) => /failed .*applying each run on its own/.test(line))).toBe(true);
    expect(outcomes.filter((o) => o === 'dead:write-failed')).toHaveLength(poisons.length);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(events.length);
    await expectReadModelsToEqual(db, events);
    const letters = await db.pool.query<{ stream_id: string }>("SELECT stream_id FROM read_models.dead_letters WHERE reason = 'write-failed' ORDER BY stream_id");
    expect(letters.rows.map((r) => r.stream_id)).toEqual(poisons.map((x) => x.event.streamId).sort());
    const { rows } = await db.pool.query<{ n: string }>("SELECT sum(next_offset)::text AS n FROM read_models.projection_checkpoints WHERE consumer_group = 'projector-group'");
    expect(Number(rows[0]!.n)).toBe(events.length + poisons.length);
  });
});

describe('poison messages over Kafka', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('a non-JSON message and an unknown event type go to dead letters; later events are still projected', async () => {
    const events = publishScenario(buildScenario(uuidContext('e2222222')));
    const remake = events.filter((e) => e.streamId === `work-${uuid(2)}`);
    const [registered, ...rest] = remake;
    const unknown = { ...rest[0]!, eventId: uuid(7777), type: 'WorkTeleported', streamVersion: 2, globalPosition: '5000' };
    const shifted = rest.map((e) => ({ ...e, streamVersion: e.streamVersion + 1 }));
    const orgsAndPeople = events.filter((e) => e.streamType === 'organization' || e.streamType === 'person');
    // one partition's order matters: all on one key (the remake's stream), the garbage first
    await produce('poison.', [], [{ topic: 'poison.reelwire.work.v1', key: registered!.streamId, value: '{not json' }]);
    await produce('poison.', [registered!, unknown, ...shifted, ...orgsAndPeople]);
    const outcomes: string[] = [];
    const p = projector(db, 'poison.', 'projector-poison', (o) => outcomes.push(o.outcome === 'dead-lettered' ? `dead:${o.reason}` : o.outcome));
    await p.start();
    try {
      await waitFor(() => outcomes.length === 2 + remake.length + orgsAndPeople.length, 'every message handled', 30_000, 50);
    } finally {
      await p.stop();
    }
    const letters = await db.pool.query('SELECT reason, type, raw, topic FROM read_models.dead_letters ORDER BY id');
    expect(letters.rows).toEqual([
      { reason: 'unparseable', type: null, raw: '{not json', topic: 'poison.reelwire.work.v1' },
      { reason: 'unknown-event-type', type: 'WorkTeleported', raw: null, topic: 'poison.reelwire.work.v1' },
    ]);
    const status = await getProjectStatus(db.pool, uuid(2), { now: new Date('2025-06-30T00:00:00Z') });
    expect(status).toMatchObject({ status: 'filming', developmentYears: 7, streamVersion: remake.length + 1 });
    expect(status!.companiesByRole.producer?.[0]).toMatchObject({ name: 'CJ ENM' });
  });
});
