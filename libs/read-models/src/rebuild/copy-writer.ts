import type pg from 'pg';
import { copyField, copyIn } from './copy-in.js';
import { keepsHistory, type TableSpec } from '../engine/projection.js';
import type { ColumnType } from '../shared/columns.js';
import { insertDeadLetters, PROJECTION_NAME, schemaIdent } from '../engine/pg-store.js';
import { CURRENT_SYSTEM_COLUMNS, historyOf, SYSTEM_TIME_COLUMNS } from '../engine/system-time.js';
import type { FoldedStream } from './stream-fold.js';

const PROGRESS_COLUMNS = ['stream_id', 'stream_type', 'version', 'skipped_versions', 'last_event_id', 'last_global_position', 'last_recorded_at'];

/**
 * Turns folded streams into COPY text per table (each row's open version into the table, its closed versions into the
 * table's history; the streams' progress) and loads it into empty tables of a schema, inside the caller's transaction.
 * Dead letters, few, go by INSERT.
 */
export class CopyWriter {
  private readonly buffers = new Map<string, string[]>();
  private readonly deadLetters: FoldedStream['deadLetters'][number][] = [];
  private bytes = 0;
  private readonly s: string;
  private readonly specs: Map<string, TableSpec>;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
    private readonly tables: readonly TableSpec[],
  ) {
    this.s = schemaIdent(schema);
    this.specs = new Map(tables.map((t) => [t.name, t]));
    for (const table of tables) {
      this.buffers.set(table.name, []);
      if (keepsHistory(table)) this.buffers.set(historyOf(table.name), []);
    }
    this.buffers.set('projection_streams', []);
  }

  private readonly columnLists = new Map<string, [string, ColumnType][]>();

  private columnsOf(table: TableSpec): [string, ColumnType][] {
    let columns = this.columnLists.get(table.name);
    if (!columns) this.columnLists.set(table.name, (columns = Object.entries(table.columns)));
    return columns;
  }

  /** Buffered bytes (roughly): the caller flushes past its threshold. */
  get buffered(): number {
    return this.bytes;
  }

  add(stream: FoldedStream): void {
    for (const version of stream.versions) {
      const table = this.specs.get(version.table);
      if (!table) throw new Error(`no read-model table ${version.table}`);
      if (version.validTo !== null && !keepsHistory(table)) continue;
      // An open version is the current row; a closed one goes to the history.
      const system =
        version.validTo === null
          ? [copyField('text', version.stream), copyField('text', version.key), String(version.validFrom), version.recordedFrom]
          : [copyField('text', version.stream), copyField('text', version.key), String(version.validFrom), String(version.validTo), version.recordedFrom, version.recordedTo ?? '\\N'];
      const own = this.columnsOf(table).map(([column, type]) => copyField(type, version.row[column]));
      const line = `${[...system, ...own].join('\t')}\n`;
      this.buffers.get(version.validTo === null ? table.name : historyOf(table.name))!.push(line);
      this.bytes += line.length;
    }
    const p = stream.progress;
    if (p) {
      const line = `${[
        copyField('text', stream.streamId),
        copyField('text', p.streamType),
        String(p.version),
        copyField('integer[]', p.skipped),
        p.lastEventId ?? '\\N',
        p.lastGlobalPosition === null ? '\\N' : String(p.lastGlobalPosition),
        p.lastRecordedAt ?? '\\N',
      ].join('\t')}\n`;
      this.buffers.get('projection_streams')!.push(line);
      this.bytes += line.length;
    }
    this.deadLetters.push(...stream.deadLetters);
  }

  /**
   * Takes everything buffered and COPYs it, returning when it is loaded. The next adds go to fresh buffers, so the
   * caller can go on folding while this is sent (and must await it before the next flush: one client, one COPY).
   */
  flush(): Promise<void> {
    const batches: { target: string; text: string }[] = [];
    for (const [table, lines] of this.buffers) {
      if (lines.length === 0) continue;
      const spec = this.tables.find((t) => t.name === table || historyOf(t.name) === table);
      const system = spec && spec.name === table ? CURRENT_SYSTEM_COLUMNS : SYSTEM_TIME_COLUMNS;
      const columns = spec ? [...system, ...Object.keys(spec.columns)] : PROGRESS_COLUMNS;
      batches.push({ target: `${this.s}.${table} (${columns.map((c) => `"${c}"`).join(', ')})`, text: lines.join('') });
      this.buffers.set(table, []);
    }
    const deadLetters = this.deadLetters.splice(0);
    this.bytes = 0;
    return (async () => {
      for (const batch of batches) await copyIn(this.client, batch.target, batch.text);
      if (deadLetters.length) await insertDeadLetters(this.client, this.s, PROJECTION_NAME, deadLetters);
    })();
  }
}
