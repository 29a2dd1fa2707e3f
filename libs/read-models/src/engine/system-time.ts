/**
 * System time of read-model rows (the SQL:2011 idea, built as system-versioned tables commonly are): every version of
 * a row carries the global positions (and recordedAt) between which it was the row — `valid_from` inclusive,
 * `valid_to` exclusive. Each model table `<t>` holds the current version of each row (primary key owner_stream,
 * row_key; an edit updates it in place, so its indexes do not grow with the row's history), and `<t>_history` the
 * closed versions. The current view reads `<t>`; a view as of a position reads both, on indexes that lead with the
 * model's own columns and `valid_from`.
 */
import type { TableSpec } from './projection.js';

/** Columns of a current table besides the model's own. */
export const CURRENT_SYSTEM_COLUMNS = ['owner_stream', 'row_key', 'valid_from', 'recorded_from'] as const;
/** Columns of a history table besides the model's own. */
export const SYSTEM_TIME_COLUMNS = ['owner_stream', 'row_key', 'valid_from', 'valid_to', 'recorded_from', 'recorded_to'] as const;

/** The table of a model table's closed versions. */
export const historyOf = (table: string) => `${table}_history`;

/** Which view of the read models a query reads: now, or as of a global position (`at`). */
export interface ViewAt {
  /** A global position: the rows true once every event up to and including it was applied. Absent: now. */
  at?: number;
}

/**
 * The FROM item for `table` in a view: the current table, or (as of `at`) the versions true then — the current rows
 * opened at or before it and the closed versions whose interval contains it, one relation with `valid_to` (null for
 * current rows). `param` adds a bind parameter and returns its placeholder.
 *
 * The interval test sits outside the UNION ALL on purpose: PostgreSQL flattens a UNION ALL into an append relation
 * only when its branches have no WHERE of their own, and only an append relation can take a join's condition into
 * each branch's index (a parameterized path). With the test inside the branches, a join to this view (the card's
 * stream version, a credit's company name) hashed every version true at `at` instead of looking up one key.
 */
export function tableAt(schema: string, table: TableSpec, alias: string, view: ViewAt, param: (value: unknown) => string): string {
  if (view.at === undefined) return `${schema}.${table.name} ${alias}`;
  const p = param(view.at);
  const own = Object.keys(table.columns).map((c) => `"${c}"`).join(', ');
  const versions = `${alias}_versions`;
  return `(SELECT * FROM (
             SELECT owner_stream, row_key, valid_from, NULL::bigint AS valid_to, recorded_from, NULL::timestamptz AS recorded_to, ${own}
               FROM ${schema}.${table.name}
             UNION ALL
             SELECT owner_stream, row_key, valid_from, valid_to, recorded_from, recorded_to, ${own}
               FROM ${schema}.${historyOf(table.name)}) ${versions}
           WHERE ${versions}.valid_from <= ${p} AND (${versions}.valid_to IS NULL OR ${versions}.valid_to > ${p})) ${alias}`;
}
