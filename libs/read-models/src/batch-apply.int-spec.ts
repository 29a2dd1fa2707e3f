import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { applyEventsInTransaction } from './batch-apply.js';
import { applyEvent } from './projector-store.js';
import { READ_MODEL_TABLES, tableRows } from './testing/expected-rows.js';
import { buildScenario, IDS, publishScenario, uuid } from './testing/scenario.js';

/**
 * The batch path must be the one-event path, only cheaper: same rows, same snapshots, same dead letters — also with
 * redeliveries, a gap and a poison event inside one batch.
 */
describe('applyEventsInTransaction', () => {
  let oneByOne: TestDatabase;
  let batched: TestDatabase;
  beforeAll(async () => {
    [oneByOne, batched] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([oneByOne?.drop(), batched?.drop()]);
  });

  function messages(): unknown[] {
    const events = publishScenario(buildScenario());
    const registered = events.find((e) => e.type === 'WorkRegistered' && e.streamId === `work-${IDS.MOTHER}`)!;
    const poisonStream = `work-${uuid(999)}`;
    const poison = (version: number, data: Record<string, unknown>): PublishedEvent => ({
      ...registered,
      eventId: uuid(900 + version),
      streamId: poisonStream,
      streamVersion: version,
      globalPosition: String(5000 + version),
      data,
    });
    const registration = poison(1, { ...registered.data, workId: uuid(999), titles: [{ titleId: 't-p', text: 'Poison Pill', language: 'en', class: 'working', primary: true }] });
    return [
      ...events.slice(0, 10),
      ...events.slice(3, 6), // redelivered inside the same run
      registration,
      poison(2, { workId: uuid(999) }), // evolve throws: dead letter, version passed over
      poison(4, registration.data), // a gap: dead letter, snapshot stays
      { not: 'an event' }, // malformed
      ...events.slice(10),
      ...events.slice(0, 2), // redelivered later
    ];
  }

  async function snapshotOf(db: TestDatabase) {
    const tables = Object.fromEntries(await Promise.all(READ_MODEL_TABLES.map(async (table) => [table, await tableRows(db.pool, 'read_models', table)] as const)));
    const snapshots = await db.pool.query('SELECT stream_id, version, state::text AS state, skipped_versions, last_event_id, last_global_position FROM read_models.projection_snapshots ORDER BY stream_id');
    const deadLetters = await db.pool.query('SELECT reason, event_id, stream_id, stream_version FROM read_models.dead_letters ORDER BY reason, stream_version NULLS FIRST');
    return { tables, snapshots: snapshots.rows, deadLetters: deadLetters.rows };
  }

  it('leaves exactly the rows, snapshots and dead letters the one-event path leaves', async () => {
    const list = messages();
    const single = await oneByOne.pool.connect();
    const singleOutcomes = [];
    try {
      for (const value of list) singleOutcomes.push(await applyEvent(single, 'read_models', value));
    } finally {
      single.release();
    }

    const client = await batched.pool.connect();
    const batchOutcomes = [];
    try {
      for (let start = 0; start < list.length; start += 7) {
        await client.query('BEGIN');
        batchOutcomes.push(...(await applyEventsInTransaction(client, 'read_models', list.slice(start, start + 7).map((value) => ({ value })))));
        await client.query('COMMIT');
      }
    } finally {
      client.release();
    }

    expect(batchOutcomes.map((o) => o.outcome)).toEqual(singleOutcomes.map((o) => o.outcome));
    expect(batchOutcomes.filter((o) => o.outcome === 'dead-lettered').map((o) => (o as { reason: string }).reason)).toEqual(['evolve-failed', 'gap', 'malformed']);
    expect(await snapshotOf(batched)).toEqual(await snapshotOf(oneByOne));
  });
});
