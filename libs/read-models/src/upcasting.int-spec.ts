import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { eventUpcasters } from '../../contracts/src/upcasters.js';
import { currentSchemaVersion } from '../../contracts/src/event-contracts.js';
import { PostgresEventStore, UpcastingEventStore, type StoredEvent } from '../../event-store/src/index.js';
import { testEvent } from '../../event-store/src/test-events.js';
import { toProjectedEvent } from './engine/published-events.js';
import { applyMessage } from './engine/pg-apply.js';
import { READ_MODELS_SCHEMA } from './engine/pg-store.js';
import { READ_MODELS } from './read-models.js';
import { getTimeline } from './timeline/timeline.queries.js';

/**
 * Upcasting on read: a MilestoneRecorded stored at v1 (its label was called `title` then) is read at v2 by every
 * reader — the API's event store, the projection engine's handlers, a rebuild of the read models from the log — while the stored
 * row and the hash chain stay exactly as written.
 */
describe('upcasting old events on every read path', () => {
  let db: TestDatabase;
  let removeUpcaster: () => void;
  const workId = randomUUID();
  const milestoneId = randomUUID();
  const streamId = `work-${workId}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The event was first written as v1 with `title`; the contract (and the domain) now say v2 with `label`.
    removeUpcaster = eventUpcasters.register({
      type: 'MilestoneRecorded',
      fromVersion: 1,
      upcast: ({ title, ...rest }) => ({ ...rest, label: title }),
    });
    const raw = new PostgresEventStore(db.pool);
    await raw.append({ id: streamId, type: 'work' }, 'no-stream', [
      testEvent('WorkRegistered', {
        workId,
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        externalIds: {},
        titles: [{ titleId: randomUUID(), text: 'Save the Green Planet!', language: 'en', class: 'working', primary: true }],
        status: 'in-development',
        statusChangeId: randomUUID(),
        statusEffective: { date: '2018', precision: 'year' },
      }),
    ]);
    await raw.append({ id: streamId, type: 'work' }, 1, [
      testEvent('MilestoneRecorded', { workId, milestoneId, kind: 'development-start', date: { date: '2018', precision: 'year' }, title: 'Remake announced' }, { schemaVersion: 1 }),
    ]);
  });
  afterAll(async () => {
    removeUpcaster?.();
    await db?.drop();
  });

  it('stores the v1 row unchanged: schema_version 1, the old field name', async () => {
    expect(currentSchemaVersion('MilestoneRecorded')).toBe(2);
    const { rows } = await db.pool.query("SELECT schema_version, data, metadata->>'schemaVersion' AS meta_version FROM events WHERE type = 'MilestoneRecorded'");
    expect(rows).toEqual([{ schema_version: 1, meta_version: '1', data: expect.objectContaining({ title: 'Remake announced' }) }]);
    expect(rows[0].data.label).toBeUndefined();
  });

  it('readStream, readAll and the filtered log read of the upcasting store return v2 data, saying v1 was stored; the raw store still reads v1', async () => {
    const store = new UpcastingEventStore(db.pool);
    const [, milestone] = await store.readStream(streamId);
    expect(milestone).toMatchObject({ type: 'MilestoneRecorded', schemaVersion: 2, storedSchemaVersion: 1, data: { label: 'Remake announced', kind: 'development-start' } });
    expect(milestone!.metadata.schemaVersion).toBe(2);
    expect(milestone!.data).not.toHaveProperty('title');

    // readAll is gated by the server's oldest open transaction (other test databases may hold it): check what it returns
    const all = await store.readAll({ after: '0', limit: 100 });
    for (const event of all.filter((e) => e.type === 'MilestoneRecorded')) expect(event).toMatchObject({ schemaVersion: 2, data: { label: 'Remake announced' } });
    const [queried] = await store.queryEvents({ types: ['MilestoneRecorded'], order: 'desc', limit: 10 });
    expect(queried).toMatchObject({ schemaVersion: 2, storedSchemaVersion: 1, data: { label: 'Remake announced' } });

    const [, stored] = await new PostgresEventStore(db.pool).readStream(streamId);
    expect(stored).toMatchObject({ schemaVersion: 1, data: { title: 'Remake announced' } });
    expect(stored).not.toHaveProperty('storedSchemaVersion');
    // the hash is that of the stored content: the same on both reads
    expect(milestone!.hash).toBe(stored!.hash);
  });

  it('the engine gives handlers the v1 event upcast, as Kafka carries it (stored version)', async () => {
    const events: StoredEvent[] = await new PostgresEventStore(db.pool).readStream(streamId);
    const milestone = toProjectedEvent(events[1]!);
    expect(milestone.data).toEqual(expect.objectContaining({ milestoneId, label: 'Remake announced', kind: 'development-start' }));
    expect(milestone.data).not.toHaveProperty('title');
  });

  it('applying the log to the read models (every stored event through the engine) shows the upcast milestone on the timeline', async () => {
    const { rows } = await db.pool.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM events');
    const raw = new PostgresEventStore(db.pool);
    const log = (await Promise.all(rows.map((r) => raw.readStream(r.stream_id)))).flat().sort((a, b) => Number(BigInt(a.globalPosition) - BigInt(b.globalPosition)));
    const client = await db.pool.connect();
    try {
      for (const event of log) expect(await applyMessage(client, READ_MODELS_SCHEMA, READ_MODELS, { value: event })).toMatchObject({ outcome: 'applied' });
    } finally {
      client.release();
    }
    const timeline = await getTimeline(db.pool, workId);
    expect(JSON.stringify(timeline)).toContain('Remake announced');
    const dead = await db.pool.query('SELECT count(*)::int AS n FROM read_models.dead_letters');
    expect(dead.rows[0].n).toBe(0);
  });

  it('verifyChain still verifies every stored hash', async () => {
    expect(await new UpcastingEventStore(db.pool).verifyChain()).toMatchObject({ ok: true, checked: 2 });
  });

  it('new events of the type are written at v2 and are not upcast again', async () => {
    const store = new UpcastingEventStore(db.pool);
    const appended = await store.append({ id: streamId, type: 'work' }, 2, [
      testEvent('MilestoneRecorded', { workId, milestoneId: randomUUID(), kind: 'treatment', date: { date: '2019', precision: 'year' }, label: 'Treatment' }, { schemaVersion: currentSchemaVersion('MilestoneRecorded') }),
    ]);
    expect(appended.events[0]).toMatchObject({ schemaVersion: 2, data: { label: 'Treatment' } });
    expect(appended.events[0]).not.toHaveProperty('storedSchemaVersion');
    const events = await store.readStream(streamId);
    expect(events.map((e) => [e.schemaVersion, e.storedSchemaVersion, e.data.label])).toEqual([
      [1, undefined, undefined],
      [2, 1, 'Remake announced'],
      [2, undefined, 'Treatment'],
    ]);
  });
});
