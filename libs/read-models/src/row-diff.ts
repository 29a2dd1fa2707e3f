import type pg from 'pg';
import { COMPANY_PORTFOLIO_COLUMNS } from './company-portfolio/company-portfolio.rows.js';
import { ORGANIZATION_NAME_COLUMNS, PERSON_NAME_COLUMNS } from './lookups/lookups.rows.js';
import { PERSON_ATTACHMENT_COLUMNS } from './person-attachments/person-attachments.rows.js';
import { PROJECT_STATUS_COLUMNS } from './project-status/project-status.rows.js';
import { WORK_RELATION_COLUMNS } from './remake-map/remake-map.rows.js';
import type { ColumnType, ReadModelTable, RowSet, TableColumns } from './shared/row-set.js';
import { TIMELINE_COLUMNS } from './timeline/timeline.rows.js';

export const TABLE_COLUMNS: { [K in ReadModelTable]: TableColumns<RowSet[K][number]> } = {
  project_status: PROJECT_STATUS_COLUMNS,
  timeline_entries: TIMELINE_COLUMNS,
  company_portfolio: COMPANY_PORTFOLIO_COLUMNS,
  work_relations: WORK_RELATION_COLUMNS,
  person_attachments: PERSON_ATTACHMENT_COLUMNS,
  organization_names: ORGANIZATION_NAME_COLUMNS,
  person_names: PERSON_NAME_COLUMNS,
};

/** Each table's primary key (migrations/0003-read-models.sql): what a row is upserted on and deleted by. */
export const TABLE_KEYS: { [K in ReadModelTable]: readonly (keyof RowSet[K][number] & string)[] } = {
  project_status: ['work_id'],
  timeline_entries: ['owner_stream', 'entry_key'],
  company_portfolio: ['owner_stream', 'row_key'],
  work_relations: ['owner_stream', 'relation_id'],
  person_attachments: ['owner_stream', 'attachment_id'],
  organization_names: ['organization_id'],
  person_names: ['person_id'],
};

type Row = Record<string, unknown>;

/** Row writes collected for one statement per table and kind: rows to upsert, and keys (owner_stream first) to delete. */
export class RowChanges {
  readonly upserts = new Map<ReadModelTable, Row[]>();
  readonly deletes = new Map<ReadModelTable, string[][]>();

  /**
   * Adds what turns `owner`'s rows in `tables` from `before` (the rows of the state the tables hold for it, undefined
   * when it owns none yet) into `after`: rows that are new or differ, and keys that are gone. Every row of `after`
   * must belong to `owner` (a state that computes another stream's rows is a poison event, not a write).
   */
  add(owner: string, tables: readonly ReadModelTable[], before: RowSet | undefined, after: RowSet): void {
    for (const table of tables) {
      const keyOf = keyFunction(table);
      const previous = new Map<string, Row>();
      for (const row of (before?.[table] ?? []) as unknown as Row[]) previous.set(keyOf(row), row);
      for (const row of after[table] as unknown as Row[]) {
        if (row.owner_stream !== owner) throw new Error(`${table} row owned by ${String(row.owner_stream)} computed for ${owner}`);
        const key = keyOf(row);
        const was = previous.get(key);
        previous.delete(key);
        if (was !== undefined && sameValue(was, row)) continue;
        push(this.upserts, table, row);
      }
      // What is left was in the previous row set and is not in the new one.
      const columns = deleteColumns(table);
      for (const row of previous.values()) push(this.deletes, table, columns.map((c) => row[c] as string));
    }
  }

  /**
   * Deletes first (a key removed from one stream may be added by another in the same batch), then upserts: at most two
   * statements per table, whatever the number of streams. `s` is the quoted schema (schemaIdent).
   */
  async write(client: pg.ClientBase, s: string): Promise<void> {
    await this.writeDeletes(client, s);
    for (const [table, rows] of this.upserts) await upsertRows(client, s, table, rows);
  }

  /** The deletes alone, for a caller that sends the upserts (upsertStatement) after them in a statement of its own. */
  async writeDeletes(client: pg.ClientBase, s: string): Promise<void> {
    for (const [table, keys] of this.deletes) await deleteKeys(client, s, table, keys);
  }
}

function push<V>(map: Map<ReadModelTable, V[]>, table: ReadModelTable, value: V): void {
  const list = map.get(table);
  if (list) list.push(value);
  else map.set(table, [value]);
}

function keyFunction(table: ReadModelTable): (row: Row) => string {
  const [first, second] = TABLE_KEYS[table] as readonly string[];
  // Key columns are text; NUL cannot occur in a Postgres text value, so it separates them unambiguously.
  return second === undefined ? (row) => String(row[first!]) : (row) => `${String(row[first!])}\u0000${String(row[second])}`;
}

/**
 * Deep equality of two rows as JSON would see them (plain objects, arrays, primitives). Walks without building strings:
 * comparing the JSON text of every row of a long stream twice per batch was the diff's main cost. Keys present on one
 * side as undefined count as a difference, which only costs a needless upsert.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

/** The key columns a delete matches on: owner_stream, so a stream only ever deletes its own rows, then the table's key. */
function deleteColumns(table: ReadModelTable): string[] {
  return ['owner_stream', ...(TABLE_KEYS[table] as readonly string[]).filter((c) => c !== 'owner_stream')];
}

async function deleteKeys(client: pg.ClientBase, s: string, table: ReadModelTable, keys: readonly string[][]): Promise<void> {
  const columns = deleteColumns(table);
  // Keys are text columns; one array parameter per key column, zipped by unnest.
  await client.query(
    `DELETE FROM ${s}.${table} AS t USING unnest(${columns.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS d(${columns.map((c) => `"${c}"`).join(', ')})
     WHERE ${columns.map((c) => `t."${c}" = d."${c}"`).join(' AND ')}`,
    columns.map((_, i) => keys.map((key) => key[i])),
  );
}

const upsertSql = new Map<string, string>();

/**
 * The INSERT … ON CONFLICT of an upsert of `table` whose rows travel as one JSON array in `param` (e.g. `$1`), returning
 * one row per row written: json_to_recordset types them by the table's columns (JSON arrays become text[], objects
 * jsonb). A key held by another stream is left alone (the WHERE of DO UPDATE) and so not returned: the caller compares
 * the count with the rows it sent and throws, as a plain INSERT's primary-key violation would (a poison event's write).
 */
export function upsertStatement(s: string, table: ReadModelTable, param: string): string {
  const cacheKey = `${s}.${table} ${param}`;
  let sql = upsertSql.get(cacheKey);
  if (!sql) {
    const spec = TABLE_COLUMNS[table] as Record<string, ColumnType>;
    const columns = Object.keys(spec);
    const keys = TABLE_KEYS[table] as readonly string[];
    const list = columns.map((c) => `"${c}"`).join(', ');
    const updates = columns.filter((c) => !keys.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
    sql = `INSERT INTO ${s}.${table} AS t (${list})
             SELECT ${list} FROM json_to_recordset(${param}::json) AS r(${columns.map((c) => `"${c}" ${spec[c]}`).join(', ')})
             ON CONFLICT (${keys.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${updates.join(', ')} WHERE t.owner_stream = excluded.owner_stream
             RETURNING 1`;
    upsertSql.set(cacheKey, sql);
  }
  return sql;
}

/** Throws when an upsert wrote fewer rows than it was given (see upsertStatement). */
export function checkUpserted(table: ReadModelTable, sent: number, written: number): void {
  if (written !== sent) throw new Error(`${table}: ${sent - written} of ${sent} rows have a key another stream owns`);
}

/** One statement for any number of rows (see upsertStatement). */
async function upsertRows(client: pg.ClientBase, s: string, table: ReadModelTable, rows: readonly Row[]): Promise<void> {
  const { rows: result } = await client.query<{ n: number }>(`WITH written AS (${upsertStatement(s, table, '$1')}) SELECT count(*)::integer AS n FROM written`, [JSON.stringify(rows)]);
  checkUpserted(table, rows.length, result[0]!.n);
}
