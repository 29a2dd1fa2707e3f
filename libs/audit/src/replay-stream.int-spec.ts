import { randomUUID } from 'node:crypto';
import { eventUpcasters } from '../../contracts/src/upcasters.js';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import { testEvent } from '../../event-store/src/test-events.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { rebuildAndSwap, verifyReadModels, type RebuildPhase } from './rebuild.js';
import { appendScenario, readModelSnapshot, startLiveProjector, writeWork } from './testing/audit-fixtures.js';

/**
 * The first phase of a rebuild writes a stream as soon as the fold has the last event the `streams` table gives it,
 * while the log is still being read, and reads events without their metadata where the fold cannot depend on it.
 * These are the cases where that could part from what the live projector leaves.
 */
describe('replay: streaming the load while the log is read', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  async function liveProjection(consumerGroup: string) {
    const projector = startLiveProjector(db.pool, { consumerGroup });
    await projector.caughtUp();
    await projector.stop();
    return readModelSnapshot(db.pool);
  }

  it('keeps the live tables\' storage settings across the swap (projection_snapshots.state stays lz4)', async () => {
    await appendScenario(store);
    await liveProjection('stream-test-1');
    const compression = `SELECT attcompression::text AS c FROM pg_attribute WHERE attrelid = 'read_models.projection_snapshots'::regclass AND attname = 'state'`;
    const before = (await db.pool.query<{ c: string }>(compression)).rows[0]!.c;
    const phases: RebuildPhase[] = [];
    await rebuildAndSwap({ pool: db.pool, onPhase: (phase) => phases.push(phase) });
    expect((await db.pool.query<{ c: string }>(compression)).rows[0]!.c).toBe(before);
    expect(phases).toEqual(['fold', 'write', 'indexes', 'swap']);
  });

  it('a stream with events after the version the streams table gives it is written, then taken back and applied event by event', async () => {
    for (let i = 0; i < 6; i += 1) await writeWork(store, 5);
    const live = await liveProjection('stream-test-2');
    // The streams table says one stream ends two events earlier than the log does: the fold finishes (and writes) it
    // there, then meets its next event.
    const { rows } = await db.pool.query<{ stream_id: string; version: number }>(`SELECT stream_id, version FROM streams WHERE stream_type = 'work' AND version >= 4 ORDER BY stream_id LIMIT 1`);
    const behind = rows[0]!;
    await db.pool.query('UPDATE streams SET version = $2 WHERE stream_id = $1', [behind.stream_id, behind.version - 2]);
    try {
      const result = await rebuildAndSwap({ pool: db.pool, batchSize: 5, commitEvery: 1 });
      expect(result.phases.streamsAppliedOneByOne).toBe(1);
      expect(result.events).toBe(result.applied + result.skipped + result.deadLettered);
    } finally {
      await db.pool.query('UPDATE streams SET version = $2 WHERE stream_id = $1', [behind.stream_id, behind.version]);
    }
    expect(await readModelSnapshot(db.pool)).toEqual(live);
    expect((await verifyReadModels({ pool: db.pool })).differences).toEqual([]);
  });

  it('reads the metadata of events an upcaster is given, and puts it back into dead letters', async () => {
    // An upcaster that reads the metadata: the rebuild must give it what the projector gets from Kafka.
    const removeUpcaster = eventUpcasters.register({
      type: 'MilestoneRecorded',
      fromVersion: 1,
      // (only the events written with `title`: the other milestones of this database were written with `label`)
      upcast: ({ title, ...rest }, metadata) => (title === undefined ? rest : { ...rest, label: `${String(title)} (${metadata.actor?.id ?? 'nobody'})` }),
    });
    try {
      const workId = randomUUID();
      const streamId = `work-${workId}`;
      await store.append({ id: streamId, type: 'work' }, 'no-stream', [
        testEvent('WorkRegistered', {
          workId,
          kind: 'feature-film',
          originalLanguage: 'ko',
          countries: ['KR'],
          externalIds: {},
          titles: [{ titleId: randomUUID(), text: 'Upcast', language: 'en', class: 'working', primary: true }],
          status: 'in-development',
          statusChangeId: randomUUID(),
          statusEffective: { date: '2018', precision: 'year' },
        }),
      ]);
      await store.append({ id: streamId, type: 'work' }, 1, [
        testEvent('MilestoneRecorded', { workId, milestoneId: randomUUID(), kind: 'development-start', date: { date: '2018', precision: 'year' }, title: 'Remake announced' }, { schemaVersion: 1 }),
        // dead-lettered (unknown type): its payload keeps the stored metadata
        testEvent('WorkFactTeleported', { workId }),
      ]);
      const live = await liveProjection('stream-test-3');
      const letters = 'SELECT reason, event_id, payload FROM read_models.dead_letters ORDER BY global_position';
      const liveLetters = (await db.pool.query(letters)).rows;
      expect(liveLetters.length).toBeGreaterThan(0);
      expect(liveLetters.every((letter) => typeof letter.payload.metadata?.correlationId === 'string')).toBe(true);
      const label = `SELECT label FROM read_models.timeline_entries WHERE owner_stream = $1 AND kind = 'milestone'`;
      expect((await db.pool.query(label, [streamId])).rows[0]!.label).toMatch(/^Remake announced \(.+\)$/);

      await rebuildAndSwap({ pool: db.pool });
      expect(await readModelSnapshot(db.pool)).toEqual(live);
      expect((await db.pool.query(letters)).rows).toEqual(liveLetters);
      expect((await verifyReadModels({ pool: db.pool })).differences).toEqual([]);
    } finally {
      removeUpcaster();
    }
  });
});
