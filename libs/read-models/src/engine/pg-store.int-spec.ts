import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { READ_MODELS } from '../read-models.js';
import { randomLog } from '../testing/random-log.js';
import { MemoryProjectionStore } from './memory-store.js';
import { applyMessage, applyRunInTransaction } from './pg-apply.js';
import { beginWithApplyLock, schemaIdent } from './pg-store.js';
import { keepsHistory } from './projection.js';
import { CURRENT_SYSTEM_COLUMNS, historyOf, SYSTEM_TIME_COLUMNS } from './system-time.js';

/** Every version of every read-model table in Postgres, as the memory store lists them. */
async function pgVersions(db: TestDatabase, schema: string) {
  const out: Record<string, string[]> = {};
  for (const table of READ_MODELS.tables) {
    const s = schemaIdent(schema);
    const current = `SELECT jsonb_build_object('stream', owner_stream, 'key', row_key, 'validFrom', valid_from, 'validTo', NULL, 'row', to_jsonb(t) - $1::text[])::text AS v
       FROM ${s}.${table.name} t`;
    const history = `SELECT jsonb_build_object('stream', owner_stream, 'key', row_key, 'validFrom', valid_from, 'validTo', valid_to, 'row', to_jsonb(h) - $1::text[])::text
       FROM ${s}.${historyOf(table.name)} h`;
    const { rows } = await db.pool.query<{ v: string }>(keepsHistory(table) ? `${current} UNION ALL ${history}` : current, [[...SYSTEM_TIME_COLUMNS]]);
    out[table.name] = rows.map((r) => canonical(JSON.parse(r.v))).sort();
  }
  return out;
}

function memoryVersions(store: MemoryProjectionStore) {
  const out: Record<string, string[]> = {};
  for (const table of READ_MODELS.tables) {
    out[table.name] = store.versions.get(table.name)!.filter((v) => v.validTo === null || keepsHistory(table)).map((v) => canonical({ stream: v.stream, key: v.key, validFrom: v.validFrom, validTo: v.validTo, row: completeRow(table.name, v.row) })).sort();
  }
  return out;
}

/** A row as Postgres returns it: every column of the table, absent ones null. */
function completeRow(table: string, row: Record<string, unknown>) {
  const spec = READ_MODELS.tables.find((t) => t.name === table)!;
  return Object.fromEntries(Object.keys(spec.columns).map((c) => [c, row[c] ?? null]));
}

function canonical(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(value));
}

describe('the engine on PostgreSQL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('the migrated tables have exactly the columns the read models declare, plus the system-time columns, and so do their histories', async () => {
    const columnsOf = async (name: string) =>
      (await db.pool.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'read_models' AND table_name = $1`, [name])).rows
        .map((r) => r.column_name)
        .sort();
    for (const table of READ_MODELS.tables) {
      expect({ table: table.name, columns: await columnsOf(table.name) }).toEqual({ table: table.name, columns: [...CURRENT_SYSTEM_COLUMNS, ...Object.keys(table.columns)].sort() });
      const history = historyOf(table.name);
      const expected = keepsHistory(table) ? [...SYSTEM_TIME_COLUMNS, ...Object.keys(table.columns)].sort() : [];
      expect({ table: history, columns: await columnsOf(history) }).toEqual({ table: history, columns: expected });
    }
  });

  it('writes the same row versions and stream progress as the in-memory store, one message at a time and in runs of 25 and 7', async () => {
    for (const [index, runSize] of [1, 25, 7].entries()) {
      const schema = `engine_check_${index}`;
      await db.pool.query(`CREATE SCHEMA ${schema}`);
      for (const table of ['projection_streams', 'projection_checkpoints', 'dead_letters', ...READ_MODELS.tables.flatMap((t) => (keepsHistory(t) ? [t.name, historyOf(t.name)] : [t.name]))]) {
        await db.pool.query(`CREATE TABLE ${schema}.${table} (LIKE read_models.${table} INCLUDING ALL)`);
      }
      const memory = new MemoryProjectionStore(READ_MODELS);
      const log = randomLog({ seed: 900 + index, commands: 80 }).events;
      await memory.applyEvents(log, runSize);
      const client = await db.pool.connect();
      try {
        for (let start = 0; start < log.length; start += runSize) {
          const run = log.slice(start, start + runSize).map((value) => ({ value }));
          if (runSize === 1) {
            await applyMessage(client, schema, READ_MODELS, run[0]!);
          } else {
            await beginWithApplyLock(client);
            await applyRunInTransaction(client, schema, READ_MODELS, run);
            await client.query('COMMIT');
          }
        }
      } finally {
        client.release();
      }
      expect(await pgVersions(db, schema)).toEqual(memoryVersions(memory));
      const progress = await db.pool.query<{ stream_id: string; version: number }>(`SELECT stream_id, version FROM ${schema}.projection_streams`);
      expect(new Map(progress.rows.map((r) => [r.stream_id, r.version]))).toEqual(new Map([...memory.progress].map(([id, p]) => [id, p.version])));
    }
  });

  it('dead-letters a poison event once, passes over its version, and applies the stream after it', async () => {
    const log = randomLog({ seed: 5, works: 1, people: 0, organizations: 0, deals: 0, commands: 12 }).events;
    const last = log.at(-1)!;
    const stream = log[0]!.streamId;
    const workId = (log[0]!.data as { workId: string }).workId;
    const at = (n: number) => ({ streamVersion: last.streamVersion + n, globalPosition: String(Number(last.globalPosition) + n), eventId: `00000000-0000-4000-8000-${String(900 + n).padStart(12, '0')}` });
    const poison = { ...last, ...at(1), type: 'WorkTeleported', data: { workId } };
    const after = { ...last, ...at(2), type: 'WorkDetailsUpdated', data: { workId, changes: { productionYear: 2031 } } };
    const client = await db.pool.connect();
    try {
      // the poison is delivered twice (a redelivery): one dead letter
      for (const value of [...log, poison, poison, after]) await applyMessage(client, 'read_models', READ_MODELS, { value });
    } finally {
      client.release();
    }
    const letters = await db.pool.query<{ reason: string; stream_version: number }>(`SELECT reason, stream_version FROM read_models.dead_letters WHERE stream_id = $1`, [stream]);
    expect(letters.rows).toEqual([{ reason: 'unknown-event-type', stream_version: poison.streamVersion }]);
    const progress = await db.pool.query<{ version: number; skipped_versions: number[] }>(`SELECT version, skipped_versions FROM read_models.projection_streams WHERE stream_id = $1`, [stream]);
    expect(progress.rows[0]).toEqual({ version: after.streamVersion, skipped_versions: [poison.streamVersion] });
    const card = await db.pool.query<{ production_year: number }>(`SELECT production_year FROM read_models.project_status WHERE work_id = $1`, [workId]);
    expect(card.rows).toEqual([{ production_year: 2031 }]);
  });

  it('two instances applying the first events of a new stream at once (a rebalance) take turns: applied once, no dead letter', async () => {
    const log = randomLog({ seed: 77, works: 1, people: 0, organizations: 0, deals: 0, commands: 3 }).events;
    const stream = log[0]!.streamId;
    const first = await db.pool.connect();
    const second = await db.pool.connect();
    try {
      await beginWithApplyLock(first);
      const firstOutcomes = await applyRunInTransaction(first, 'read_models', READ_MODELS, log.map((value) => ({ value })));
      // the second instance gets the same messages while the first has not committed: it waits for the stream's row
      const secondOutcome = applyMessage(second, 'read_models', READ_MODELS, { value: log[0] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await first.query('COMMIT');
      expect(firstOutcomes.every((o) => o.outcome === 'applied')).toBe(true);
      expect(await secondOutcome).toEqual({ outcome: 'skipped', streamId: stream, version: log.length });
    } finally {
      first.release();
      second.release();
    }
    const letters = await db.pool.query(`SELECT count(*)::int AS n FROM read_models.dead_letters WHERE stream_id = $1`, [stream]);
    expect(letters.rows[0].n).toBe(0);
  });
});
