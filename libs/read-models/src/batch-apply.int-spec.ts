import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { fold, type DomainEvent } from '../../domain/src/shared/decider.js';
import { decideWorkMove } from '../../domain/src/work/work-move.decider.js';
import { workDecider } from '../../domain/src/work/work.decider.js';
import type { WorkState } from '../../domain/src/work/work.state.js';
import { applyEventsInTransaction, SnapshotCache } from './batch-apply.js';
import { applyEvent, beginWithApplyLock, TABLE_COLUMNS, TABLE_KEYS } from './projector-store.js';
import { RowChanges } from './row-diff.js';
import { emptyRowSet } from './shared/row-set.js';
import { canonicalRows, expectedRows, READ_MODEL_TABLES, tableRows } from './testing/expected-rows.js';
import { buildScenario, IDS, publishScenario, uuid, uuidContext } from './testing/scenario.js';

/**
 * The batch path must be the one-event path, only cheaper: same rows, same snapshots, same dead letters — also with
 * redeliveries, a gap and a poison event inside one batch.
 */
describe('applyEventsInTransaction', () => {
  let oneByOne: TestDatabase;
  let batched: TestDatabase;
  let diffed: TestDatabase;
  let projected: TestDatabase;
  beforeAll(async () => {
    [oneByOne, batched, diffed, projected] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([oneByOne?.drop(), batched?.drop(), diffed?.drop(), projected?.drop()]);
  });

  async function applyBatch(db: TestDatabase, values: readonly unknown[], options: { cache?: SnapshotCache; rollback?: boolean } = {}) {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const outcomes = await applyEventsInTransaction(client, 'read_models', values.map((value) => ({ value })), options.cache ? { cache: options.cache } : {});
      await client.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
      return outcomes;
    } finally {
      client.release();
    }
  }

  async function expectTablesToHold(db: TestDatabase, events: readonly PublishedEvent[], context: string) {
    const expected = expectedRows(events);
    for (const table of READ_MODEL_TABLES) {
      expect({ context, table, rows: await tableRows(db.pool, 'read_models', table) }).toEqual({ context, table, rows: canonicalRows(expected[table]) });
    }
  }

  /** Every row by its primary key: its content and the transaction that last wrote it (xmin). */
  async function rowVersions(db: TestDatabase): Promise<Map<string, { xmin: string; row: string }>> {
    const versions = new Map<string, { xmin: string; row: string }>();
    for (const table of READ_MODEL_TABLES) {
      const columns = Object.keys(TABLE_COLUMNS[table]);
      const { rows } = await db.pool.query<{ xmin: string; r: Record<string, unknown> }>(
        `SELECT xmin::text AS xmin, json_build_object(${columns.map((c) => `'${c}', t."${c}"`).join(', ')}) AS r FROM read_models.${table} t`,
      );
      for (const { xmin, r } of rows) versions.set(`${table} ${(TABLE_KEYS[table] as readonly string[]).map((c) => r[c]).join(' ')}`, { xmin, row: canonicalRows([r])[0]! });
    }
    return versions;
  }

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

  it("the projector's way (lock taken with BEGIN, checkpoint in the write statement) leaves the same, and its checkpoint", async () => {
    const list = messages();
    const client = await projected.pool.connect();
    try {
      const cache = new SnapshotCache();
      for (let start = 0, batch = 0; start < list.length; start += 7, batch++) {
        const checkpoint = { consumerGroup: 'g', topic: 't', partition: 0, nextOffset: String(start + 7), globalPosition: String(1000 + batch), recordedAt: '2025-01-02T03:04:05.000Z' };
        await beginWithApplyLock(client);
        await applyEventsInTransaction(client, 'read_models', list.slice(start, start + 7).map((value) => ({ value })), { cache, applyLockHeld: true, checkpoints: [checkpoint] });
        await client.query('COMMIT');
        const { rows } = await client.query('SELECT next_offset::text AS next, last_global_position::text AS position FROM read_models.projection_checkpoints');
        expect(rows).toEqual([{ next: String(start + 7), position: String(1000 + batch) }]);
      }
      // A redelivered batch whose events are all applied already writes only its checkpoints (one per partition).
      await beginWithApplyLock(client);
      const again = await applyEventsInTransaction(client, 'read_models', list.slice(0, 7).map((value) => ({ value })), { cache, applyLockHeld: true, checkpoints: [{ consumerGroup: 'g', topic: 't', partition: 1, nextOffset: '7' }, { consumerGroup: 'g', topic: 't2', partition: 0, nextOffset: '3' }] });
      await client.query('COMMIT');
      expect(again.map((o) => o.outcome)).toEqual(list.slice(0, 7).map(() => 'skipped'));
      const { rows } = await client.query('SELECT topic, partition, next_offset::text AS next FROM read_models.projection_checkpoints ORDER BY topic, partition');
      expect(rows).toEqual([
        { topic: 't', partition: 0, next: String(Math.ceil(list.length / 7) * 7) },
        { topic: 't', partition: 1, next: '7' },
        { topic: 't2', partition: 0, next: '3' },
      ]);
    } finally {
      client.release();
    }
    expect(await snapshotOf(projected)).toEqual(await snapshotOf(oneByOne));
  });

  it('after every batch the tables hold exactly the rows of the events so far: changed, removed and moved rows included', async () => {
    const events = publishScenario(buildScenario());
    const size = 5;
    // The credit move is one correction: its two halves (out of the remake, into 'Mother') are made to open one batch.
    const movedOut = events.findIndex((e) => e.type === 'CompanyCreditMovedOut');
    expect(events[movedOut + 1]!.type).toBe('CompanyCreditMovedIn');
    // The projector's snapshot cache, kept across batches. Every third run goes through the one-event path (as the
    // projector's fallback does) and every third is first rolled back: either way the cached states the run's streams
    // had are no longer the snapshots' and must not be used.
    const cache = new SnapshotCache();
    let hits = 0;
    for (let start = 0, end = movedOut % size, run = 0; start < events.length; start = end, end = Math.min(events.length, end + size), run++) {
      const slice = events.slice(start, end);
      hits += slice.filter((e) => cache.get(e.streamId)).length;
      if (run % 3 === 1) {
        const client = await diffed.pool.connect();
        try {
          for (const event of slice) await applyEvent(client, 'read_models', event);
        } finally {
          client.release();
        }
      } else {
        if (run % 3 === 2) await applyBatch(diffed, slice, { cache, rollback: true });
        await applyBatch(diffed, slice, { cache });
      }
      await expectTablesToHold(diffed, events.slice(0, end), `after ${end} events`);
    }
    expect(hits).toBeGreaterThan(10);
    const snapshots = await diffed.pool.query<{ stream_id: string; state: unknown }>('SELECT stream_id, state FROM read_models.projection_snapshots');
    for (const { stream_id, state } of snapshots.rows) if (cache.get(stream_id)) expect({ stream_id, state: cache.get(stream_id)!.state }).toEqual({ stream_id, state });
  });

  it('writes only the rows an event changed: a new row, changed rows, a removed row and a row moved to another work', async () => {
    // Continues the previous test's database: the whole scenario is applied.
    const context = uuidContext('f0000000');
    const scenario = buildScenario();
    const published = publishScenario(scenario);
    const stateOf = (id: string) => fold<DomainEvent, WorkState>(workDecider as never, scenario.streams.get(`work-${id}`)!.events);
    const remake = scenario.streams.get(`work-${IDS.REMAKE}`)!;
    const mother = scenario.streams.get(`work-${IDS.MOTHER}`)!;
    const record = (stream: typeof remake, list: readonly DomainEvent[]) => {
      for (const event of list) {
        scenario.order.push([stream.streamId, stream.events.length]);
        stream.events.push(event);
      }
    };
    const source = { publisher: 'Variety', url: 'https://variety.com/2025/film/asia/', language: 'en' };
    record(remake, workDecider.decide({ type: 'RecordMilestone', data: { workId: IDS.REMAKE, milestoneId: 'm-wrap', label: 'Wrapped', kind: 'principal-photography-end', date: { date: '2025-06', precision: 'month' }, source } } as never, stateOf(IDS.REMAKE), context));
    record(remake, workDecider.decide({ type: 'RetractWorkFact', data: { workId: IDS.REMAKE, fact: { type: 'relation', id: 'r-1' }, note: 'not a remake after all', source } } as never, stateOf(IDS.REMAKE), context));
    const [out, into] = decideWorkMove({ type: 'MoveCompanyCredit', data: { workId: IDS.REMAKE, creditId: 'c-cj', targetWorkId: IDS.MOTHER, note: 'CJ ENM backs Mother', source } }, stateOf(IDS.REMAKE), stateOf(IDS.MOTHER), context);
    record(remake, out!.events);
    record(mother, into!.events);
    const all = publishScenario(scenario);
    const added = all.slice(published.length);
    expect(added.map((e) => e.type)).toEqual(['MilestoneRecorded', 'WorkFactRetracted', 'CompanyCreditMovedOut', 'CompanyCreditMovedIn']);

    const before = await rowVersions(diffed);
    await applyBatch(diffed, added);
    await expectTablesToHold(diffed, all, 'after the added events');
    const after = await rowVersions(diffed);

    const changed = (map: Map<string, { row: string }>, other: Map<string, { row: string }>) => [...map].filter(([key, v]) => other.get(key)?.row !== v.row).map(([key]) => key).sort();
    const rewritten = [...after].filter(([key, v]) => before.get(key)?.xmin !== v.xmin).map(([key]) => key).sort();
    // Rows whose content is the same were not touched; every new or changed row was written.
    expect(rewritten).toEqual(changed(after, before));
    expect(changed(before, after)).toEqual(expect.arrayContaining([`work_relations work-${IDS.REMAKE} r-1`, `company_portfolio work-${IDS.REMAKE} credit:c-cj`]));
    expect(rewritten).toEqual(expect.arrayContaining([`project_status ${IDS.REMAKE}`, `project_status ${IDS.MOTHER}`]));
    expect(rewritten.filter((key) => key.startsWith('company_portfolio '))).toEqual([`company_portfolio work-${IDS.MOTHER} credit:${(into!.events[0]!.data as { creditId: string }).creditId}`]);
    // Most of the remake's timeline stayed as it was.
    expect([...after.keys()].filter((key) => key.startsWith(`timeline_entries work-${IDS.REMAKE} `) && !rewritten.includes(key)).length).toBeGreaterThan(5);
  });

  it('an upsert never takes over a key another stream owns: the write fails and the row stays', async () => {
    const { rows } = await diffed.pool.query<{ row: Record<string, unknown> & { primary_title: string } }>(`SELECT to_json(p) AS row FROM read_models.project_status p WHERE work_id = $1`, [IDS.MOTHER]);
    const theirs = rows[0]!.row;
    const changes = new RowChanges();
    changes.add('work-intruder', ['project_status'], undefined, { ...emptyRowSet(), project_status: [{ ...theirs, owner_stream: 'work-intruder', primary_title: 'Stolen' }] as never });
    const client = await diffed.pool.connect();
    try {
      await client.query('BEGIN');
      await expect(changes.write(client, '"read_models"')).rejects.toThrow(/1 of 1 rows have a key another stream owns/);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    const after = await diffed.pool.query<{ owner_stream: string; primary_title: string }>('SELECT owner_stream, primary_title FROM read_models.project_status WHERE work_id = $1', [IDS.MOTHER]);
    expect(after.rows).toEqual([{ owner_stream: `work-${IDS.MOTHER}`, primary_title: theirs.primary_title }]);
  });
});
