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

/** Rows per COPY in the fast attempt. */
const CHUNK_ROWS = 10_000;
/** Streams per savepoint when a failed fast attempt is retried carefully. */
const CAREFUL_GROUP = 500;

/** A stream's rows per owned table, or undefined if a builder throws or a row names another owner (as live, it fails). */
function rowsOf(streamId: string, stream: FoldedSnapshot): Array<[ReadModelTable, Record<string, unknown>[]]> | undefined {
  try {
    const rows: RowSet = stream.aggregate!.rows(stream.state);
    const owned = OWNED_TABLES[stream.aggregate!.type].map((table) => [table, rows[table] as unknown as Record<string, unknown>[]] as [ReadModelTable, Record<string, unknown>[]]);
    for (const [, list] of owned) for (const row of list) if (row.owner_stream !== streamId) return undefined;
    return owned;
  } catch {
    return undefined;
  }
}

/**
 * Writes a folded log into the empty tables of `schema`, inside the caller's transaction: each stream's rows once, in
 * COPY chunks per table, then every snapshot and the dead letters. The rows are those applyEventsInTransaction writes
 * for the same state (same builders, same columns, values typed alike). Rows are built stream by stream and turned
 * into COPY text at once, so they die young instead of a whole log's rows being held at the same time.
 */
export async function bulkWriteFold(client: pg.ClientBase, schema: string, fold: ProjectionFold, options: { projection?: string } = {}): Promise<BulkWriteResult> {
  const s = schemaIdent(schema);
  const unsettled = new Set<string>();
  let written: number;
  await client.query('SAVEPOINT bulk_write');
  try {
    written = await copyFast(client, s, fold, unsettled);
    await client.query('RELEASE SAVEPOINT bulk_write');
  } catch {
    // A row the tables refuse (a key written twice…): start again, group by group, to find the streams it belongs to.
    await client.query('ROLLBACK TO SAVEPOINT bulk_write');
    unsettled.clear();
    written = await copyCarefully(client, s, fold, unsettled);
  }
  const projection = options.projection ?? PROJECTION_NAME;
  for (const letter of fold.deadLetters) {
    if (unsettled.has(letter.event.streamId)) continue;
    await deadLetter(client, schema, letter.reason === 'malformed' ? { projection, reason: letter.reason, error: letter.error, payload: letter.event } : { projection, reason: letter.reason, error: letter.error, event: letter.event });
  }
  return { rows: written, unsettled: [...unsettled] };
}

/**
 * Every stream's rows, then every snapshot, in COPYs of CHUNK_ROWS, pipelined: the next chunk's text is built while
 * the server loads the previous one (one COPY in flight; a failure surfaces at the next await and fails the attempt).
 */
async function copyFast(client: pg.ClientBase, s: string, fold: ProjectionFold, unsettled: Set<string>): Promise<number> {
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (target: string, text: string) => {
    await inFlight;
    inFlight = copyIn(client, target, text);
    // Handled at the next await; this only keeps a failure that arrives meanwhile from counting as unhandled.
    inFlight.catch(() => undefined);
  };
  const pending = new Map<ReadModelTable, { text: string; rows: number }>();
  let written = 0;
  for (const [streamId, stream] of fold.streams) {
    if (!stream.aggregate) continue;
    const owned = rowsOf(streamId, stream);
    if (!owned) {
      unsettled.add(streamId);
      continue;
    }
    for (const [table, rows] of owned) {
      if (rows.length === 0) continue;
      const buffer = pending.get(table) ?? { text: '', rows: 0 };
      buffer.text += rowsText(table, rows);
      buffer.rows += rows.length;
      written += rows.length;
      if (buffer.rows >= CHUNK_ROWS) {
        pending.delete(table);
        await send(rowsTarget(s, table), buffer.text);
      } else pending.set(table, buffer);
    }
  }
  for (const [table, buffer] of pending) await send(rowsTarget(s, table), buffer.text);
  const settled = [...fold.streams].filter(([id]) => !unsettled.has(id));
  for (let start = 0; start < settled.length; start += SNAPSHOT_CHUNK) await send(SNAPSHOT_TARGET(s), snapshotsText(settled.slice(start, start + SNAPSHOT_CHUNK)));
  await inFlight;
  return written;
}

/**
 * The same writes, a group of streams under a savepoint at a time; a group that fails is written stream by stream,
 * and a stream whose own rows fail is unsettled (as live, where the write fails on that stream's event alone).
 */
async function copyCarefully(client: pg.ClientBase, s: string, fold: ProjectionFold, unsettled: Set<string>): Promise<number> {
  const streams = [...fold.streams].filter(([, stream]) => stream.aggregate);
  /** The group's rows under a savepoint; the number written, or undefined if the tables refused them. */
  const write = async (group: ReadonlyArray<[string, FoldedSnapshot]>, savepoint: string): Promise<number | undefined> => {
    const byTable = new Map<ReadModelTable, Record<string, unknown>[]>();
    let rowCount = 0;
    for (const [streamId, stream] of group) {
      const owned = rowsOf(streamId, stream);
      if (!owned) {
        unsettled.add(streamId);
        continue;
      }
      for (const [table, rows] of owned) {
        byTable.set(table, [...(byTable.get(table) ?? []), ...rows]);
        rowCount += rows.length;
      }
    }
    await client.query(`SAVEPOINT ${savepoint}`);
    try {
      for (const [table, rows] of byTable) if (rows.length > 0) await copyIn(client, rowsTarget(s, table), rowsText(table, rows));
      await client.query(`RELEASE SAVEPOINT ${savepoint}`);
      return rowCount;
    } catch {
      await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return undefined;
    }
  };
  let written = 0;
  for (let start = 0; start < streams.length; start += CAREFUL_GROUP) {
    const group = streams.slice(start, start + CAREFUL_GROUP);
    const all = await write(group, 'bulk_group');
    if (all !== undefined) {
      written += all;
      continue;
    }
    for (const one of group) {
      if (unsettled.has(one[0])) continue;
      const own = await write([one], 'bulk_stream');
      if (own === undefined) unsettled.add(one[0]);
      else written += own;
    }
  }
  const settled = [...fold.streams].filter(([id]) => !unsettled.has(id));
  for (let start = 0; start < settled.length; start += SNAPSHOT_CHUNK) await copyIn(client, SNAPSHOT_TARGET(s), snapshotsText(settled.slice(start, start + SNAPSHOT_CHUNK)));
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
