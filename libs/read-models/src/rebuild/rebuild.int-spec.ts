import { PostgresEventStore } from '../../../event-store/src/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { appendScenario, readModelSnapshot, startLiveProjector, writeWork } from '../../../audit/src/testing/audit-fixtures.js';
import { rebuildAndSwap, verifyReadModels } from './rebuild.js';

/**
 * The writers keep appending for as long as the rebuild takes, and the live projector applies one event per
 * transaction: with both cores busy the story takes minutes. Its waits are for conditions (caughtUp fails on a stall).
 */
const CONCURRENT_REBUILD_TIMEOUT_MS = 300_000;

describe('rebuild: blue/green rebuild of the read models from the event log', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('rebuilds during concurrent writes and a live projector, swaps without losing a live update, and ends equal to live', async () => {
    await appendScenario(store);
    for (let i = 0; i < 20; i += 1) await writeWork(store);
    const projector = startLiveProjector(db.pool);
    await projector.caughtUp();

    // three writers keep appending while the rebuild runs; the live projector keeps applying into read_models
    let writing = true;
    let written = 0;
    const writers = [0, 1, 2].map(async () => {
      while (writing) {
        written += await writeWork(store, 1 + (written % 5));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    const progress: number[] = [];
    let queriedDuringRebuild = 0;
    const result = await rebuildAndSwap({
      pool: db.pool,
      batchSize: 50,
      onProgress: (done) => progress.push(done),
      beforeSwap: async () => {
        // the live tables still answer while the shadow is built, and the writers are still at it
        queriedDuringRebuild = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_models.project_status')).rows[0]!.n;
        await new Promise((resolve) => setTimeout(resolve, 150));
      },
    });
    // keep writing a little after the swap: the projector applies into the swapped-in tables
    await new Promise((resolve) => setTimeout(resolve, 200));
    writing = false;
    await Promise.all(writers);
    await projector.caughtUp();
    await projector.stop();

    expect(written).toBeGreaterThan(0);
    expect(queriedDuringRebuild).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(1);
    expect(result.events).toBeGreaterThan(100);
    expect(result.checkpointsCopied).toBe(1);
    const schemas = await db.pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_models%' ORDER BY 1`);
    expect(schemas.rows.map((r) => r.nspname)).toEqual(['read_models']);
    // every event of the log is in the swapped-in read models, and they equal a fresh rebuild, version by version
    const head = (await db.pool.query<{ max: string }>('SELECT max(global_position)::text AS max FROM events')).rows[0]!.max;
    const applied = (await db.pool.query<{ max: string }>('SELECT max(last_global_position)::text AS max FROM read_models.projection_streams')).rows[0]!.max;
    expect(applied).toBe(head);
    const checkpoint = (await db.pool.query<{ last: string }>('SELECT last_global_position::text AS last FROM read_models.projection_checkpoints')).rows[0]!.last;
    expect(checkpoint).toBe(head);
    const verified = await verifyReadModels({ pool: db.pool });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
    // the dead_letters id sequence belongs to the new schema (the old one was dropped with its sequence)
    const seq = await db.pool.query<{ d: string }>(
      `SELECT column_default AS d FROM information_schema.columns WHERE table_schema = 'read_models' AND table_name = 'dead_letters' AND column_name = 'id'`,
    );
    expect(seq.rows[0]!.d).toContain('read_models.dead_letters_id_seq');
    // index names survive the swap
    const indexes = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'read_models' AND indexname = 'project_status_title_order_idx'`);
    expect(indexes.rows[0]!.n).toBe(1);
  }, CONCURRENT_REBUILD_TIMEOUT_MS);

  it('--verify detects a tampered read-model row, a deleted one and an invented one, and is clean again after a rebuild', async () => {
    const before = await readModelSnapshot(db.pool);
    // a current card edited, a past version of a timeline entry deleted (history matters too), a relation invented
    await db.pool.query(`UPDATE read_models.project_status SET primary_title = 'Tampered' WHERE work_id = (SELECT min(work_id) FROM read_models.project_status)`);
    await db.pool.query(
      `DELETE FROM read_models.timeline_entries_history WHERE (owner_stream, row_key, valid_from) = (SELECT owner_stream, row_key, valid_from FROM read_models.timeline_entries_history ORDER BY 1, 2, 3 LIMIT 1)`,
    );
    await db.pool.query(
      `INSERT INTO read_models.work_relations (owner_stream, row_key, valid_from, recorded_from, relation_id, work_id, relation, target_work_id) VALUES ('work-x', 'r-x', 1, now(), 'r-x', 'x', 'remake-of', 'y')`,
    );
    const result = await verifyReadModels({ pool: db.pool });
    expect(result.ok).toBe(false);
    const summary = result.differences.map((d) => `${d.table}:${d.kind}:${d.columns.join(',')}`).sort();
    expect(summary).toEqual(['project_status:different:primary_title', 'timeline_entries_history:only-rebuilt:', 'work_relations:only-live:']);
    const tampered = result.differences.find((d) => d.table === 'project_status')!;
    expect(tampered.live?.primary_title).toBe('Tampered');
    expect(tampered.rebuilt?.primary_title).not.toBe('Tampered');

    // only the named model's tables are compared
    const onlyLookups = await verifyReadModels({ pool: db.pool, tables: ['organization_names', 'organization_names_history', 'person_names', 'person_names_history'] });
    expect(onlyLookups.ok).toBe(true);

    await rebuildAndSwap({ pool: db.pool });
    expect(await readModelSnapshot(db.pool)).toEqual(before);
    expect((await verifyReadModels({ pool: db.pool })).ok).toBe(true);
  });
});
