import type pg from 'pg';
import { copyField, copyIn } from './copy-in.js';
import { deadLetter, OWNED_TABLES, PROJECTION_NAME, schemaIdent, TABLE_COLUMNS } from './projector-store.js';
import type { FoldedSnapshot, ProjectionFold } from './projection-fold.js';
import type { ColumnType, ReadModelTable, RowSet } from './shared/row-set.js';

export interface BulkWriteResult {
  /** Model rows written. */
  rows: number;
  /**
   * Streams whose rows could not be built (a row builder threw, or a row named another owner) or written (the
   * statement failed): nothing of theirs is written. Live, the projector dead-letters the event at which that
   * happens and goes on from the state before it; only applying their events one by one reproduces that.
   */
  unsettled: string[];
}

/** Rows per COPY (a savepoint each, so a failing chunk is retried stream by stream). */
const CHUNK_ROWS = 10_000;

/**
 * Writes a folded log into the empty tables of `schema`, inside the caller's transaction: each stream's rows once,
 * table by table in COPY chunks, then every snapshot and the dead letters. The rows are those
 * applyEventsInTransaction writes for the same state (same builders, same columns, values typed alike).
 */
export async function bulkWriteFold(client: pg.ClientBase, schema: string, fold: ProjectionFold, options: { projection?: string } = {}): Promise<BulkWriteResult> {
  const s = schemaIdent(schema);
  const unsettled = new Set<string>();
  const byTable = new Map<ReadModelTable, Record<string, unknown>[]>();
  for (const [streamId, stream] of fold.streams) {
    if (!stream.aggregate) continue;
    let rows: RowSet;
    try {
      rows = stream.aggregate.rows(stream.state);
      for (const table of OWNED_TABLES[stream.aggregate.type]) for (const row of rows[table] as unknown as Record<string, unknown>[]) if (row.owner_stream !== streamId) throw new Error('foreign row');
    } catch {
      unsettled.add(streamId);
      continue;
    }
    for (const table of OWNED_TABLES[stream.aggregate.type]) {
      const list = byTable.get(table) ?? [];
      for (const row of rows[table] as unknown as Record<string, unknown>[]) list.push(row);
      byTable.set(table, list);
    }
  }

  const settled = [...fold.streams].filter(([id]) => !unsettled.has(id));
  let written: number;
  await client.query('SAVEPOINT bulk_write');
  try {
    written = await copyAll(client, s, byTable, settled);
    await client.query('RELEASE SAVEPOINT bulk_write');
  } catch {
    // A row the tables refuse (a key written twice…): start again chunk by chunk to find the streams it belongs to.
    await client.query('ROLLBACK TO SAVEPOINT bulk_write');
    written = 0;
    for (const [table, rows] of byTable) {
      for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
        const chunk = rows.slice(start, start + CHUNK_ROWS).filter((row) => !unsettled.has(row.owner_stream as string));
        written += await insertChunk(client, s, table, chunk, unsettled);
      }
    }
    // Rows of a stream found unsettled in a later table may already be in an earlier one.
    for (const table of byTable.keys()) written -= (await client.query(`DELETE FROM ${s}.${table} WHERE owner_stream = ANY($1::text[])`, [[...unsettled]])).rowCount ?? 0;
    for (let start = 0; start < settled.length; start += SNAPSHOT_CHUNK) {
      await copyIn(client, SNAPSHOT_TARGET(s), snapshotsText(settled.slice(start, start + SNAPSHOT_CHUNK).filter(([id]) => !unsettled.has(id))));
    }
  }

  const projection = options.projection ?? PROJECTION_NAME;
  for (const letter of fold.deadLetters) {
    if (unsettled.has(letter.event.streamId)) continue;
    await deadLetter(client, schema, letter.reason === 'malformed' ? { projection, reason: letter.reason, error: letter.error, payload: letter.event } : { projection, reason: letter.reason, error: letter.error, event: letter.event });
  }
  return { rows: written, unsettled: [...unsettled] };
}

/**
 * One COPY under a savepoint; if it fails, the chunk is written stream by stream so that only the streams
 * whose own rows fail are marked unsettled (as live, where the write fails on that stream's event alone).
 */
async function insertChunk(client: pg.ClientBase, s: string, table: ReadModelTable, rows: readonly Record<string, unknown>[], unsettled: Set<string>): Promise<number> {
  if (rows.length === 0) return 0;
  await client.query('SAVEPOINT bulk_chunk');
  try {
    await copyIn(client, rowsTarget(s, table), rowsText(table, rows));
    await client.query('RELEASE SAVEPOINT bulk_chunk');
    return rows.length;
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT bulk_chunk');
  }
  const byOwner = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const owner = row.owner_stream as string;
    const own = byOwner.get(owner) ?? [];
    own.push(row);
    byOwner.set(owner, own);
  }
  let written = 0;
  for (const [owner, own] of byOwner) {
    await client.query('SAVEPOINT bulk_stream');
    try {
      await copyIn(client, rowsTarget(s, table), rowsText(table, own));
      await client.query('RELEASE SAVEPOINT bulk_stream');
      written += own.length;
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT bulk_stream');
      unsettled.add(owner);
    }
  }
  return written;
}

/**
 * Every chunk of rows, then every snapshot, one COPY each, pipelined: the next chunk's text is built while the server
 * loads the previous one (one COPY in flight; a failure surfaces at the next await and fails the whole attempt).
 */
async function copyAll(client: pg.ClientBase, s: string, byTable: ReadonlyMap<ReadModelTable, Record<string, unknown>[]>, settled: readonly [string, FoldedSnapshot][]): Promise<number> {
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (target: string, text: string) => {
    await inFlight;
    inFlight = copyIn(client, target, text);
    // Handled at the next await; this only keeps a failure that arrives meanwhile from counting as unhandled.
    inFlight.catch(() => undefined);
  };
  let written = 0;
  for (const [table, rows] of byTable) {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const chunk = rows.slice(start, start + CHUNK_ROWS);
      await send(rowsTarget(s, table), rowsText(table, chunk));
      written += chunk.length;
    }
  }
  for (let start = 0; start < settled.length; start += SNAPSHOT_CHUNK) await send(SNAPSHOT_TARGET(s), snapshotsText(settled.slice(start, start + SNAPSHOT_CHUNK)));
  await inFlight;
  return written;
}

const rowsTarget = (s: string, table: ReadModelTable) => `${s}.${table} (${Object.keys(TABLE_COLUMNS[table]).map((column) => `"${column}"`).join(', ')})`;

/** The rows in COPY's text format, one line each, columns in the table's spec order (typed as the projector types them). */
function rowsText(table: ReadModelTable, rows: readonly Record<string, unknown>[]): string {
  const spec = Object.entries(TABLE_COLUMNS[table] as Record<string, ColumnType>);
  let data = '';
  for (const row of rows) data += `${spec.map(([column, type]) => copyField(type, row[column])).join('\t')}\n`;
  return data;
}

/** States are large (a work's facts): smaller chunks keep each COPY's text a few MB. */
const SNAPSHOT_CHUNK = 2000;
const SNAPSHOT_TARGET = (s: string) => `${s}.projection_snapshots (stream_id, stream_type, version, state, skipped_versions, last_event_id, last_global_position, last_recorded_at)`;

/** Snapshots as the projector leaves them; the state as JSON text in a json column, so its key order is kept. */
function snapshotsText(streams: readonly [string, FoldedSnapshot][]): string {
  let data = '';
  for (const [id, stream] of streams) {
    const last = stream.last;
    data += `${[
      copyField('text', id),
      copyField('text', stream.streamType),
      copyField('integer', stream.version),
      copyField('json', stream.state),
      copyField('integer[]', stream.skipped),
      copyField('text', last?.eventId),
      copyField('bigint', last?.globalPosition),
      copyField('text', last && !Number.isNaN(Date.parse(last.recordedAt)) ? last.recordedAt : null),
    ].join('\t')}\n`;
  }
  return data;
}
