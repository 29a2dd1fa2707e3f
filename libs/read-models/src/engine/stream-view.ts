import type { Row, RowChange, StreamRows } from './projection.js';

/** A row version the engine writes: open (`validTo` null) or already closed by a later event of the same run. */
export interface RowVersion {
  table: string;
  stream: string;
  key: string;
  row: Row;
  validFrom: number;
  recordedFrom: string;
  validTo: number | null;
  recordedTo: string | null;
}

/** An open row that was stored before this run and is closed by it. */
export interface RowClosing {
  table: string;
  stream: string;
  key: string;
  validTo: number;
  recordedTo: string;
}

/** What a run of events changed: versions to insert and stored open rows to close. */
export interface RowWrites {
  inserts: RowVersion[];
  closings: RowClosing[];
}

interface OpenRow {
  row: Row;
  /** Stored before this run (closing it is an UPDATE), or a version this run opened (an element of `inserts`). */
  stored: boolean;
  version?: RowVersion;
}

/** Structural equality of row values (JSON data): a put equal to the open row opens no new version. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return (a ?? null) === (b ?? null);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bArray = b as unknown[];
    return a.length === bArray.length && a.every((value, index) => sameValue(value, bArray[index]));
  }
  const aEntries = Object.entries(a).filter(([, value]) => value !== undefined);
  const bRecord = b as Record<string, unknown>;
  const bCount = Object.values(bRecord).filter((value) => value !== undefined).length;
  return aEntries.length === bCount && aEntries.every(([key, value]) => sameValue(value, bRecord[key]));
}

/**
 * One stream's open rows as far as they are known (loaded from the store, or written by this run), and the writes
 * that bring the store to them. A table is `complete` when every open row of the stream in it is known: always for a
 * stream the run starts from nothing (a rebuild), and for a table loaded whole because a handler lists it.
 */
export class StreamView implements StreamRows {
  private readonly open = new Map<string, Map<string, OpenRow>>();
  private readonly complete = new Set<string>();
  /** Keys looked up in the store and found absent. */
  private readonly absent = new Set<string>();

  constructor(
    readonly streamId: string,
    private readonly writes: RowWrites,
    /** A stream with no stored rows at all (a rebuild from the start, a stream's first event): every table is complete. */
    private readonly startsEmpty = false,
  ) {}

  /** Rows read from the store: `complete` when `rows` are every open row of the stream in that table. */
  load(table: string, rows: Iterable<readonly [key: string, row: Row]>, complete: boolean, lookedUp: readonly string[] = []): void {
    const tableRows = this.tableOf(table);
    // A key this run already knows (open, or closed by an earlier event of the run) keeps what the run made of it.
    for (const [key, row] of rows) if (!tableRows.has(key) && !this.absent.has(`${table}\u0000${key}`)) tableRows.set(key, { row, stored: true });
    for (const key of lookedUp) if (!tableRows.has(key)) this.absent.add(`${table}\u0000${key}`);
    if (complete) this.complete.add(table);
  }

  /** Whether `get(table, key)` can answer without the store. */
  knows(table: string, key: string): boolean {
    return this.isComplete(table) || this.open.get(table)?.has(key) === true || this.absent.has(`${table}\u0000${key}`);
  }

  isComplete(table: string): boolean {
    return this.startsEmpty || this.complete.has(table);
  }

  get(table: string, key: string): Row | undefined {
    if (!this.knows(table, key)) throw new Error(`${table} row ${key} of ${this.streamId} was read without being declared in the handler's reads`);
    return this.open.get(table)?.get(key)?.row;
  }

  list(table: string): readonly (readonly [string, Row])[] {
    if (!this.isComplete(table)) throw new Error(`${table} of ${this.streamId} was listed without being declared in the handler's reads`);
    const rows = [...(this.open.get(table) ?? new Map<string, OpenRow>())].map(([key, open]) => [key, open.row] as const);
    return rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * Applies one event's changes at its position. Several changes to one key: the last one counts. A put equal to the
   * open row changes nothing; otherwise the open row is closed at this position and the new version opened.
   */
  apply(changes: readonly RowChange[], position: number, recordedAt: string): void {
    for (const change of changes) {
      // A close is decided against the open row, so it must be known; a put of an unknown key is a new row (a put over
      // a stored open row the handler did not declare is refused at the write, by the one-open-version index).
      if (change.row === null && !this.knows(change.table, change.key)) {
        throw new Error(`${change.table} row ${change.key} of ${this.streamId} was closed without being declared in the handler's reads`);
      }
    }
    const last = new Map<string, RowChange>();
    for (const change of changes) last.set(`${change.table}\u0000${change.key}`, change);
    for (const change of last.values()) {
      const tableRows = this.tableOf(change.table);
      const current = tableRows.get(change.key);
      if (change.row === null ? current === undefined : current !== undefined && sameValue(current.row, change.row)) continue;
      if (current) this.closeOpen(change.table, change.key, current, position, recordedAt);
      if (change.row === null) {
        tableRows.delete(change.key);
        this.absent.add(`${change.table}\u0000${change.key}`);
        continue;
      }
      const version: RowVersion = { table: change.table, stream: this.streamId, key: change.key, row: change.row, validFrom: position, recordedFrom: recordedAt, validTo: null, recordedTo: null };
      this.writes.inserts.push(version);
      tableRows.set(change.key, { row: change.row, stored: false, version });
    }
  }

  private closeOpen(table: string, key: string, current: OpenRow, position: number, recordedAt: string): void {
    if (current.version) {
      current.version.validTo = position;
      current.version.recordedTo = recordedAt;
    } else {
      this.writes.closings.push({ table, stream: this.streamId, key, validTo: position, recordedTo: recordedAt });
    }
  }

  private tableOf(table: string): Map<string, OpenRow> {
    let rows = this.open.get(table);
    if (!rows) this.open.set(table, (rows = new Map()));
    return rows;
  }
}
