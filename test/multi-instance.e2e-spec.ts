import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEV_API_KEYS } from '../apps/admin-api/src/config/app-config.js';
import { createAdminApi } from '../apps/admin-api/src/create-admin-api.js';
import { OutboxRelay } from '../apps/outbox-relay/src/outbox-relay.js';
import { createProjector, type Projector } from '../apps/projector/src/projector.js';
import { createPool } from '../libs/database/src/pool.js';
import { startDevBroker, type DevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { createKafka, LogLevel, REELWIRE_TOPICS } from '../libs/messaging/src/kafka.js';
import { fromKafkaMessage } from '../libs/messaging/src/published-event.js';
import { verifyReadModels } from '../libs/read-models/src/rebuild/rebuild.js';
import { BRIEF, EDITOR } from './support/admin-api.js';
import { readModelsCaughtUp } from './support/read-models-caught-up.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * docs/operations.md says any number of admin API instances and up to the partition count of projectors may share one
 * PostgreSQL and one Kafka. Here two API instances (two Nest applications in this process, each with its own pool,
 * stream state cache and turns: everything an instance keeps) take concurrent edits of the same works, one relay
 * publishes over the Kafka wire to the dev broker, and two projectors in one consumer group apply.
 */
describe('two admin API instances and two projectors on one PostgreSQL and one Kafka', () => {
  let db: TestDatabase;
  let broker: DevBroker;
  const apis: INestApplication[] = [];
  const projectors: Projector[] = [];
  let relay: OutboxRelay;
  const pools: ReturnType<typeof createPool>[] = [];
  /** Per projector instance, the (stream, version) pairs it applied. */
  const appliedBy: string[][] = [[], []];
  const assignedBy: Array<Set<string>> = [new Set(), new Set()];

  beforeAll(async () => {
    db = await createTestDatabase();
    broker = await startDevBroker({ port: 0 });
    for (let index = 0; index < 2; index++) {
      const app = await createAdminApi({ port: 0, databaseUrl: db.url, apiKeys: DEV_API_KEYS, logLevel: 'silent', usingDevKeys: true });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      apis.push(app);
    }
    const relayPool = createPool(db.url, { max: 2 });
    pools.push(relayPool);
    relay = new OutboxRelay({ pool: relayPool, kafka: createKafka({ brokers: broker.brokers, clientId: 'multi-relay' }), pollIntervalMs: 50 });
    relay.start();
    for (let index = 0; index < 2; index++) {
      const pool = createPool(db.url, { max: 5 });
      pools.push(pool);
      const projector = createProjector({
        // Rebalances as the second member joins are expected; kafkajs logs each refused heartbeat as an error.
        kafka: createKafka({ brokers: broker.brokers, clientId: `multi-projector-${index}`, logLevel: LogLevel.NOTHING }),
        pool,
        consumerConfig: { maxWaitTimeInMs: 50 },
        onOutcome: (outcome) => {
          if (outcome.outcome === 'applied') appliedBy[index]!.push(`${outcome.streamId}@${outcome.version}`);
        },
      });
      projector.consumer.on(projector.consumer.events.GROUP_JOIN, (event) => {
        assignedBy[index] = new Set(Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`)));
      });
      await projector.start();
      projectors.push(projector);
    }
  }, 60_000);

  afterAll(async () => {
    for (const projector of projectors) await projector.stop().catch(() => undefined);
    await relay?.stop();
    for (const app of apis) await app.close();
    for (const pool of pools) await pool.end();
    await broker?.stop();
    await db?.drop();
  });

  const post = (instance: number, path: string, body: object) => request(apis[instance]!.getHttpServer()).post(path).set('Authorization', EDITOR).send(body);

  it('loses no acknowledged edit, applies none twice, keeps each stream in order on Kafka and in the read models, and a rebuild equals them', async () => {
    const works: string[] = [];
    for (let index = 0; index < 8; index++) {
      const response = await post(index % 2, '/works', {
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        titles: [{ text: `Multi-instance work ${randomUUID()}`, language: 'en', class: 'working' }], // eight films, not likely duplicates
        status: 'in-development',
        statusEffective: { date: '2018', precision: 'year' },
        source: BRIEF,
      });
      expect(response.status).toBe(201);
      works.push(response.body.id);
    }

    // Every work gets edits through both instances at the same time, none naming a version.
    const edits = works.flatMap((workId) => Array.from({ length: 8 }, (_, index) => ({ workId, label: `Draft ${index} ${randomUUID().slice(0, 8)}`, instance: index % 2 })));
    const answers = await Promise.all(
      edits.map((edit) => post(edit.instance, `/works/${edit.workId}/milestones`, { label: edit.label, kind: 'script', date: { date: '2019', precision: 'year' }, source: BRIEF })),
    );
    const acknowledged = edits.filter((_, index) => answers[index]!.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    // Edits through different instances race (each instance only orders its own): the loser of a race is re-decided on
    // the stored stream, and answered 409 if it loses again. A refusal may only be that or overload, as problem+json,
    // and records nothing (checked below).
    for (const answer of refused) {
      expect([409, 503]).toContain(answer.status);
      expect(answer.headers['content-type']).toContain('application/problem+json');
    }
    for (const workId of works) expect(acknowledged.some((edit) => edit.workId === workId)).toBe(true);

    // Nothing acknowledged is lost, nothing refused is recorded, nothing is recorded twice.
    for (const workId of works) {
      const state = (await request(apis[0]!.getHttpServer()).get(`/works/${workId}`).set('Authorization', EDITOR)).body;
      const recorded = state.state.milestones.map((milestone: { label: string }) => milestone.label).sort();
      expect(recorded).toEqual(acknowledged.filter((edit) => edit.workId === workId).map((edit) => edit.label).sort());
    }

    // The read models reach every stream's version in the log.
    await readModelsCaughtUp(db.pool);

    // The two projectors shared the partitions (disjointly) and no stream version was applied twice, by either.
    expect(assignedBy[0]!.size).toBeGreaterThan(0);
    expect(assignedBy[1]!.size).toBeGreaterThan(0);
    expect([...assignedBy[0]!].filter((partition) => assignedBy[1]!.has(partition))).toEqual([]);
    // Per-stream order in the read models: each instance applied each stream's versions in increasing order.
    for (const log of appliedBy) {
      const lastApplied = new Map<string, number>();
      for (const entry of log) {
        const [streamId, version] = [entry.slice(0, entry.lastIndexOf('@')), Number(entry.slice(entry.lastIndexOf('@') + 1))];
        expect([streamId, version]).toEqual([streamId, (lastApplied.get(streamId) ?? 0) + 1]);
        lastApplied.set(streamId, version);
      }
    }
    const applied = [...appliedBy[0]!, ...appliedBy[1]!];
    expect(applied.length).toBe(new Set(applied).size);
    const { rows: logged } = await db.pool.query<{ stream_id: string; version: number }>('SELECT stream_id, stream_version AS version FROM events ORDER BY global_position');
    expect(new Set(applied)).toEqual(new Set(logged.map((event) => `${event.stream_id}@${event.version}`)));

    // Per-stream order on Kafka: read back every topic; each stream's versions first appear as 1, 2, 3, … (a re-sent
    // suffix may repeat versions already seen, never skip or swap one).
    const reader = createKafka({ brokers: broker.brokers, clientId: 'multi-reader' }).consumer({ groupId: `multi-reader-${randomUUID()}`, maxWaitTimeInMs: 50 });
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<string>();
    await reader.connect();
    await reader.subscribe({ topics: REELWIRE_TOPICS.map((topic) => topic.topic), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const event = fromKafkaMessage(message);
        const id = `${event.streamId}@${event.streamVersion}`;
        if (seen.has(id)) return;
        seen.add(id);
        firstSeen.set(event.streamId, [...(firstSeen.get(event.streamId) ?? []), event.streamVersion]);
      },
    });
    const readDeadline = Date.now() + 60_000;
    while (seen.size < logged.length && Date.now() < readDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await reader.disconnect();
    expect(seen.size).toBe(logged.length);
    for (const [, versions] of firstSeen) expect(versions).toEqual(versions.map((_, index) => index + 1));

    // A rebuild from the log equals the live read models, row versions and history included.
    const verified = await verifyReadModels({ pool: db.pool });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
  }, 120_000);
});
