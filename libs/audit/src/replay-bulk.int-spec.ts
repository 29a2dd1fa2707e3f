import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import { streamIdFor } from '../../contracts/src/streams.js';
import { workDecider } from '../../domain/src/work/work.decider.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { rebuildAndSwap, verifyReadModels } from './rebuild.js';
import { appendScenario, readModelSnapshot, startLiveProjector, writeWork } from './testing/audit-fixtures.js';

const actor = { id: 'desk-audit-test', role: 'editor' as const };
const source = { publisher: 'Variety', url: 'https://variety.com/', language: 'en' };

/**
 * The rebuild folds the log in memory and writes each stream once (COPY); the live projector applies event by event.
 * These cases are where the two could part: events the projector dead-letters in the middle of a stream that goes on,
 * and text that COPY's format must escape.
 */
describe('replay: the bulk first phase leaves what the live projector leaves', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  /** Appends decided commands (and hand-made events) to one new work stream, as the admin API would. */
  function workWriter() {
    const workId = randomUUID();
    const streamId = streamIdFor('work', workId);
    const context = { now: new Date(), newId: () => randomUUID() };
    let state = workDecider.initialState();
    let version = 0;
    return {
      workId,
      streamId,
      async decide(command: { type: string; data: Record<string, unknown> }) {
        const events = workDecider.decide(command as never, state, context);
        await store.append(
          { id: streamId, type: 'work' },
          version === 0 ? 'no-stream' : version,
          events.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: { ...e.metadata, actor, correlationId: 'corr', causationId: 'cmd' } as never })),
        );
        state = events.reduce(workDecider.evolve, state);
        version += events.length;
      },
      /** The work as the decider sees it after the commands so far. */
      get state() {
        return state;
      },
      /** Appends a hand-made event (not decided: it may break a rule the decider keeps). */
      async raw(type: string, data: Record<string, unknown>) {
        await store.append({ id: streamId, type: 'work' }, version, [{ type, data, metadata: { eventId: randomUUID(), actor, correlationId: 'corr', causationId: 'cmd', source } as never }]);
        version += 1;
      },
      async poison(type: string, schemaVersion: number) {
        await store.append({ id: streamId, type: 'work' }, version, [{ type, data: { workId }, metadata: { eventId: randomUUID(), actor, correlationId: 'corr', causationId: 'cmd', schemaVersion } as never }]);
        version += 1;
      },
    };
  }

  const register = (workId: string, title: string) => ({
    type: 'RegisterWork',
    data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR', 'US'], titles: [{ text: title, language: 'en', class: 'working', primary: true }], status: 'announced', source },
  });
  const milestone = (workId: string, label: string) => ({ type: 'RecordMilestone', data: { workId, label, kind: 'casting', date: { date: '2022-02', precision: 'month' }, source } });

  it('dead-letters an unknown event type and a too-new schema version mid-stream, applies the stream around them, and escapes text as the projector stores it', async () => {
    await appendScenario(store);
    const work = workWriter();
    const { workId, streamId } = work;
    const title = 'Tab\there, back\\slash, "quoted", new\nline, \\N, {braces}, ünïcode';
    await work.decide(register(workId, title));
    await work.poison('WorkFactTeleported', 1);
    await work.decide(milestone(workId, 'Line\\one\tand two'));
    await work.poison('MilestoneRecorded', 99);
    await work.decide(milestone(workId, 'After the poison'));
    for (let i = 0; i < 5; i += 1) await writeWork(store);

    const projector = startLiveProjector(db.pool);
    await projector.caughtUp();
    await projector.stop();
    const live = await readModelSnapshot(db.pool);
    const liveSnapshot = await db.pool.query('SELECT version, skipped_versions, state::text AS state, last_event_id FROM read_models.projection_snapshots WHERE stream_id = $1', [streamId]);
    const liveLetters = await db.pool.query('SELECT reason, event_id, stream_version, error, payload FROM read_models.dead_letters ORDER BY global_position');
    expect(liveLetters.rows.map((r) => r.reason)).toEqual(['unknown-event-type', 'unsupported-schema-version']);
    expect(liveSnapshot.rows[0]).toMatchObject({ version: 5, skipped_versions: [2, 4] });

    const result = await rebuildAndSwap({ pool: db.pool, batchSize: 7 });
    expect(result.deadLettered).toBe(2);
    // every stream went through the fold and the bulk write (none needed the event-by-event fallback)
    expect(result.phases.streamsAppliedOneByOne).toBe(0);
    expect(result.events).toBe(result.applied + result.deadLettered);
    expect(await readModelSnapshot(db.pool)).toEqual(live);
    expect((await db.pool.query('SELECT version, skipped_versions, state::text AS state, last_event_id FROM read_models.projection_snapshots WHERE stream_id = $1', [streamId])).rows).toEqual(liveSnapshot.rows);
    expect((await db.pool.query('SELECT reason, event_id, stream_version, error, payload FROM read_models.dead_letters ORDER BY global_position')).rows).toEqual(liveLetters.rows);
    const status = await db.pool.query<{ primary_title: string; countries: string[] }>('SELECT primary_title, countries FROM read_models.project_status WHERE work_id = $1', [workId]);
    expect(status.rows[0]).toEqual({ primary_title: title, countries: ['KR', 'US'] });
    expect((await verifyReadModels({ pool: db.pool })).differences).toEqual([]);
  });
  it('a row the tables refuse: the bulk write finds its stream, which is applied event by event and dead-letters the event as live does', async () => {
    // A CHECK the live tables have (the shadow copies constraints): the second milestone's timeline row is refused.
    await db.pool.query(`ALTER TABLE read_models.timeline_entries ADD CONSTRAINT refused_label CHECK (label <> 'Refused by the table')`);
    const work = workWriter();
    await work.decide(register(work.workId, 'Refusal'));
    await work.decide(milestone(work.workId, 'Accepted'));
    await work.decide(milestone(work.workId, 'Refused by the table'));
    await work.decide(milestone(work.workId, 'Accepted after'));
    const projector = startLiveProjector(db.pool, { consumerGroup: 'audit-test-2' });
    await projector.caughtUp();
    await projector.stop();
    const live = await readModelSnapshot(db.pool);
    const letters = 'SELECT reason, event_id, stream_version FROM read_models.dead_letters WHERE stream_id = $1';
    const liveLetters = (await db.pool.query(letters, [work.streamId])).rows;
    expect(liveLetters.map((r) => r.reason)).toEqual(['write-failed']);

    // A commit between every two COPYs: the refused one comes after others were committed, and the load starts again empty.
    const result = await rebuildAndSwap({ pool: db.pool, commitEvery: 1 });
    expect(result.phases.streamsAppliedOneByOne).toBe(1);
    expect(await readModelSnapshot(db.pool)).toEqual(live);
    expect((await db.pool.query(letters, [work.streamId])).rows).toEqual(liveLetters);
    const labels = await db.pool.query<{ label: string }>('SELECT label FROM read_models.timeline_entries WHERE owner_stream = $1 AND kind = $2 ORDER BY label', [work.streamId, 'milestone']);
    expect(labels.rows.map((r) => r.label)).toEqual(['Accepted', 'Accepted after']);
    expect((await verifyReadModels({ pool: db.pool })).differences).toEqual([]);
  });

  it('a duplicate key (the tables are loaded before their primary keys are built): the key refuses it, its stream is applied event by event as live', async () => {
    // A hand-made event that states a milestone id the stream already has: two timeline rows with one key.
    const work = workWriter();
    await work.decide(register(work.workId, 'Duplicate key'));
    await work.decide(milestone(work.workId, 'First'));
    const [first] = work.state.milestones;
    await work.raw('MilestoneRecorded', { workId: work.workId, milestoneId: first!.milestoneId, label: 'Same id again', kind: 'casting', date: { date: '2023-01', precision: 'month' } });
    await work.decide(milestone(work.workId, 'After'));
    const other = workWriter();
    await other.decide(register(other.workId, 'Bystander'));
    await other.decide(milestone(other.workId, 'Untouched'));
    const projector = startLiveProjector(db.pool, { consumerGroup: 'audit-test-3' });
    await projector.caughtUp();
    await projector.stop();
    const live = await readModelSnapshot(db.pool);
    const letters = 'SELECT reason, event_id, stream_version FROM read_models.dead_letters WHERE stream_id = $1';
    const liveLetters = (await db.pool.query(letters, [work.streamId])).rows;
    expect(liveLetters.length).toBe(1);

    const result = await rebuildAndSwap({ pool: db.pool });
    // This stream (and the one the CHECK of the test before refuses, when it ran).
    expect(result.phases.streamsAppliedOneByOne).toBeGreaterThanOrEqual(1);
    expect(await readModelSnapshot(db.pool)).toEqual(live);
    expect((await db.pool.query(letters, [work.streamId])).rows).toEqual(liveLetters);
    // The keys are there after the swap, under their live names.
    const keys = await db.pool.query<{ conname: string; table: string }>(
      `SELECT c.conname, t.relname AS table FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.contype = 'p' AND t.relnamespace = 'read_models'::regnamespace ORDER BY t.relname`,
    );
    expect(keys.rows.map((r) => `${r.table}:${r.conname}`)).toEqual(
      expect.arrayContaining(['timeline_entries:timeline_entries_pkey', 'project_status:project_status_pkey', 'projection_snapshots:projection_snapshots_pkey', 'company_portfolio:company_portfolio_pkey']),
    );
    expect((await verifyReadModels({ pool: db.pool })).differences).toEqual([]);
  });
});
