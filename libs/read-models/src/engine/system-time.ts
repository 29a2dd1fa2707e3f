/**
 * System time of read-model rows (the SQL:2011 idea): every row version carries the global positions between which it
 * was the row (`valid_from` inclusive, `valid_to` exclusive, null while open) and the recordedAt of both events. The
 * current view is the open rows (partial indexes `WHERE valid_to IS NULL`); a past view is the rows whose interval
 * contains the position, answered by indexes that lead with the model's own columns and `valid_from`.
 */

/** Columns every versioned table has besides the model's own. */
export const SYSTEM_TIME_COLUMNS = ['owner_stream', 'row_key', 'valid_from', 'valid_to', 'recorded_from', 'recorded_to'] as const;

/** Where a query reads from: the current view, or the view as of a global position. */
export interface ViewAt {
  /** A global position: the rows true once every event up to and including it was applied. Absent: now. */
  at?: number;
}

/**
 * The SQL condition that keeps the versions of `alias` true at `at` (the open ones without it). `param` adds a bind
 * parameter and returns its placeholder.
 */
export function versionsAt(alias: string, view: ViewAt, param: (value: unknown) => string): string {
  if (view.at === undefined) return `${alias}.valid_to IS NULL`;
  const p = param(view.at);
  return `(${alias}.valid_from <= ${p} AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > ${p}))`;
}
