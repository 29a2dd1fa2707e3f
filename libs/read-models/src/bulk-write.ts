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
export async function bulkWriteFold(client: pg.ClientBase, schema: string, fold: ProjectionFold, options: { projection?: string; carefully?: boolean } = {}): Promise<BulkWriteResult> {
  const s = schemaIdent(schema);
  const unsettled = new Set<string>();
  let written: number | undefined;
  if (!options.carefully) {
    await client.query('SAVEPOINT bulk_write');
    try {
      written = await copyFast(client, s, fold, unsettled);
      await client.query('RELEASE SAVEPOINT bulk_write');
    } catch {
      // A row the tables refuse (a key written twice…): start again, group by group, to find the streams it belongs to.
      await client.query('ROLLBACK TO SAVEPOINT bulk_write');
      unsettled.clear();
    }
  }
  written ??= await copyCarefully(client, s, fold, unsettled);
  await writeDeadLetters(client, schema, fold, unsettled, options);
  return { rows: written, unsettled: [...unsettled] };
}

/** The fold's dead letters in log order, but those of `unsettled` streams (applied again, they are dead-lettered then). */
export async function writeDeadLetters(client: pg.ClientBase, schema: string, fold: ProjectionFold, unsettled: ReadonlySet<string>, options: { projection?: string } = {}): Promise<void> {
  const projection = options.projection ?? PROJECTION_NAME;
  for (const letter of fold.deadLetters) {
    if (unsettled.has(letter.event.streamId)) continue;
    await deadLetter(client, schema, letter.reason === 'malformed' ? { projection, reason: letter.reason, error: letter.error, payload: letter.event } : { projection, reason: letter.reason, error: letter.error, event: letter.event });
  }
}

/** COPY data per statement of a BulkLoad, in bytes. */
const LOAD_CHUNK = 2 << 20;
/** Chunks waiting behind the one in flight (per connection) before `drain` makes the fold wait. */
const LOAD_QUEUE = 4;

/** COPY text for one target, encoded as it is made: a line is written into the buffer at once, never joined with others. */
interface LoadChunk {
  target: string;
  buffer: Buffer;
  length: number;
}

/** A connection a BulkLoad sends COPYs on; `commit` ends its transaction and begins the next (see commitEvery). */
export interface LoadConnection {
  client: pg.ClientBase;
  commit?: () => Promise<void>;
}

/** One connection's COPYs: one statement in flight, the next chunks queued. */
interface Lane extends LoadConnection {
  queue: LoadChunk[];
  inFlight: boolean;
  sinceCommit: number;
}

/**
 * The bulk write of bulkWriteFold's fast attempt, streamed: the fold hands over each stream as soon as it is finished
 * (ProjectionFold's onFinished), its rows and snapshot become COPY text at once, and the COPYs run (one in flight per
 * connection, the next chunks queued) while the fold goes on with the log, so PostgreSQL loads while JavaScript folds
 * and a finished stream's state is let go instead of being held until the end of the log.
 *
 * Model rows go over `rows`; snapshots over `snapshots` when given (a second connection, so two backends load side by
 * side), else over `rows` too. With `commit`, a connection's transaction is ended and the next begun between two of
 * its COPYs every `commitEvery` bytes.
 *
 * As in the fast attempt, a stream whose rows cannot be built is `unsettled` (nothing of it written); a COPY the tables
 * refuse fails the load: `drain` and `finish` reject, and the caller empties the tables and writes carefully.
 */
export class BulkLoad {
  readonly unsettled = new Set<string>();
  /** Model rows handed to COPY. */
  rows = 0;
  private readonly s: string;
  private readonly targets = new Map<ReadModelTable, string>();
  private readonly snapshots: string;
  private readonly pending = new Map<string, LoadChunk>();
  private readonly rowLane: Lane;
  private readonly snapshotLane: Lane;
  private failure: Error | undefined;
  private waiting: Array<() => void> = [];

  constructor(
    schema: string,
    connections: { rows: LoadConnection; snapshots?: LoadConnection },
    private readonly options: { commitEvery?: number } = {},
  ) {
    this.s = schemaIdent(schema);
    this.snapshots = SNAPSHOT_TARGET(this.s);
    const lane = (connection: LoadConnection): Lane => ({ ...connection, queue: [], inFlight: false, sinceCommit: 0 });
    this.rowLane = lane(connections.rows);
    this.snapshotLane = connections.snapshots ? lane(connections.snapshots) : this.rowLane;
  }

  /** A finished stream: its rows and snapshot, as the fast attempt writes them. */
  add(streamId: string, stream: FoldedSnapshot): void {
    if (this.failure) return;
    if (stream.aggregate) {
      const owned = rowsOf(streamId, stream);
      if (!owned) {
        this.unsettled.add(streamId);
        return;
      }
      for (const [table, rows] of owned) {
        if (rows.length === 0) continue;
        const line = lineWriter(table);
        let target = this.targets.get(table);
        if (!target) this.targets.set(table, (target = rowsTarget(this.s, table)));
        for (const row of rows) this.append(target, line(row));
        this.rows += rows.length;
      }
    }
    this.append(this.snapshots, snapshotLine(streamId, stream));
  }

  /** Waits while more than `limit` chunks wait on a connection (PostgreSQL is behind); rejects once a COPY failed. */
  async drain(limit = LOAD_QUEUE): Promise<void> {
    const behind = (lane: Lane) => lane.queue.length > limit || (limit === 0 && lane.inFlight);
    while (!this.failure && (behind(this.rowLane) || behind(this.snapshotLane))) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure) throw this.failure;
  }

  /** Sends what is left and waits for every COPY (and the commits due); rejects if one failed. */
  async finish(): Promise<void> {
    for (const chunk of this.pending.values()) if (chunk.length > 0) this.laneOf(chunk.target).queue.push(chunk);
    this.pending.clear();
    this.pump(this.rowLane);
    this.pump(this.snapshotLane);
    await this.drain(0);
  }

  private laneOf(target: string): Lane {
    return target === this.snapshots ? this.snapshotLane : this.rowLane;
  }

  /** One line of COPY text (`line` and a newline) for `target`. */
  private append(target: string, line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; then the newline.
    const room = line.length * 3 + 1;
    let chunk = this.pending.get(target);
    if (chunk && chunk.length + room > chunk.buffer.length) {
      this.pending.delete(target);
      const lane = this.laneOf(target);
      lane.queue.push(chunk);
      this.pump(lane);
      chunk = undefined;
    }
    if (!chunk) {
      chunk = { target, buffer: Buffer.allocUnsafe(Math.max(LOAD_CHUNK, room)), length: 0 };
      this.pending.set(target, chunk);
    }
    chunk.length += chunk.buffer.write(line, chunk.length, 'utf8');
    chunk.buffer[chunk.length++] = 0x0a;
  }

  private pump(lane: Lane): void {
    if (lane.inFlight || this.failure) return;
    if (lane.commit && lane.sinceCommit >= (this.options.commitEvery ?? Infinity)) {
      lane.sinceCommit = 0;
      this.run(lane, lane.commit());
      return;
    }
    const next = lane.queue.shift();
    if (!next) return;
    lane.sinceCommit += next.length;
    this.run(lane, copyIn(lane.client, next.target, next.buffer.subarray(0, next.length)));
  }

  /** One statement (a COPY or a commit) in flight on the lane; its next is sent when it is done. */
  private run(lane: Lane, step: Promise<void>): void {
    lane.inFlight = true;
    step.then(
      () => {
        lane.inFlight = false;
        this.pump(lane);
        this.notify();
      },
      (error: unknown) => {
        lane.inFlight = false;
        this.failure ??= error instanceof Error ? error : new Error(String(error));
        this.rowLane.queue.length = 0;
        this.snapshotLane.queue.length = 0;
        this.notify();
      },
    );
  }

  private notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
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
  const line = lineWriter(table);
  let data = '';
  for (const row of rows) data += `${line(row)}\n`;
  return data;
}

const LINE_WRITERS = new Map<ReadModelTable, (row: Record<string, unknown>) => string>();

/** A row of `table` as one line of COPY text (without its newline), columns in the table's spec order. */
function lineWriter(table: ReadModelTable): (row: Record<string, unknown>) => string {
  let writer = LINE_WRITERS.get(table);
  if (!writer) {
    const columns = Object.keys(TABLE_COLUMNS[table]);
    const types = Object.values(TABLE_COLUMNS[table] as Record<string, ColumnType>);
    // Joined, not appended field by field: one flat string, where appending builds a rope to be flattened again.
    const fields = new Array<string>(columns.length);
    writer = (row) => {
      for (let i = 0; i < columns.length; i++) fields[i] = copyField(types[i]!, row[columns[i]!]);
      return fields.join('\t');
    };
    LINE_WRITERS.set(table, writer);
  }
  return writer;
}

/** States are large (a work's facts): smaller chunks keep each COPY's text a few MB. */
const SNAPSHOT_CHUNK = 2000;
const SNAPSHOT_TARGET = (s: string) => `${s}.projection_snapshots (stream_id, stream_type, version, state, skipped_versions, last_event_id, last_global_position, last_recorded_at)`;

/** Snapshots as the projector leaves them; the state as JSON text in a json column, so its key order is kept. */
function snapshotsText(streams: readonly [string, FoldedSnapshot][]): string {
  let data = '';
  for (const [id, stream] of streams) data += `${snapshotLine(id, stream)}\n`;
  return data;
}

/** A snapshot as one line of COPY text, without its newline. */
function snapshotLine(id: string, stream: FoldedSnapshot): string {
  const last = stream.last;
  return [
    copyField('text', id),
    copyField('text', stream.streamType),
    copyField('integer', stream.version),
    copyField('json', stream.state),
    copyField('integer[]', stream.skipped),
    copyField('text', last?.eventId),
    copyField('bigint', last?.globalPosition),
    copyField('text', last && !Number.isNaN(Date.parse(last.recordedAt)) ? last.recordedAt : null),
  ].join('\t');
}
