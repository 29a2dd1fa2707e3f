import type pg from 'pg';
import { schemaIdent } from '../engine/pg-store.js';

/** One row that differs between the live tables and the rebuild. */
export interface Difference {
  table: string;
  /** The row's key (primary key columns; for dead_letters projection and event id). */
  key: unknown[];
  kind: 'only-live' | 'only-rebuilt' | 'different';
  /** Columns whose values differ (for 'different'). */
  columns: string[];
  live?: Record<string, unknown>;
  rebuilt?: Record<string, unknown>;
}

/** Columns that legitimately differ between a live row and its rebuild: wall-clock and Kafka coordinates. */
const IGNORED: Record<string, readonly string[]> = {
  '*': ['updated_at'],
  dead_letters: ['id', 'failed_at', 'topic', 'partition', 'offset', 'raw'],
};

async function primaryKey(client: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ column: string }>(
    `SELECT a.attname AS column
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = $1 AND t.relname = $2 AND i.indisprimary
      ORDER BY k.ord`,
    [schema, table],
  );
  return rows.map((r) => r.column);
}

function differingColumns(live: Record<string, unknown>, rebuilt: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(live), ...Object.keys(rebuilt)]);
  return [...names].filter((name) => JSON.stringify(live[name]) !== JSON.stringify(rebuilt[name])).sort();
}

/**
 * Compares `tables` of two schemas row by row (matched by primary key; dead letters by projection and event id, only
 * those of events — a Kafka message that was not an event is not in the log). Both schemas must be readable on
 * `client` (pg_temp is the client's own session).
 */
export async function compareSchemas(
  client: pg.ClientBase,
  liveSchema: string,
  rebuiltSchema: string,
  tables: readonly string[],
  options: { limitPerTable?: number } = {},
): Promise<{ differences: Difference[]; rows: Record<string, number> }> {
  const l = schemaIdent(liveSchema);
  const r = schemaIdent(rebuiltSchema);
  const differences: Difference[] = [];
  const rows: Record<string, number> = {};
  for (const table of tables) {
    const t = `"${table}"`;
    let key: string[];
    let filter = 'true';
    if (table === 'dead_letters') {
      key = ['projection', 'event_id'];
      filter = 'event_id IS NOT NULL';
    } else {
      key = await primaryKey(client, liveSchema, table);
      if (key.length === 0) throw new Error(`${liveSchema}.${table} has no primary key to compare rows by`);
    }
    const ignored = [...IGNORED['*']!, ...(IGNORED[table] ?? [])];
    const keyExpr = `jsonb_build_array(${key.map((k) => `t."${k}"`).join(', ')})`;
    const side = (schema: string) => `SELECT ${keyExpr} AS k, to_jsonb(t) - $1::text[] AS j FROM ${schema}.${t} t WHERE ${filter}`;
    const { rows: found } = await client.query<{ live_key: unknown[] | null; rebuilt_key: unknown[] | null; live: Record<string, unknown> | null; rebuilt: Record<string, unknown> | null }>(
      `WITH l AS (${side(l)}), r AS (${side(r)})
       SELECT l.k AS live_key, r.k AS rebuilt_key, l.j AS live, r.j AS rebuilt
         FROM l FULL JOIN r ON l.k = r.k
        WHERE l.j IS DISTINCT FROM r.j
        ORDER BY coalesce(l.k, r.k)
        LIMIT $2`,
      [ignored, options.limitPerTable ?? 1000],
    );
    for (const row of found) {
      if (row.live && row.rebuilt) {
        differences.push({ table, key: row.live_key!, kind: 'different', columns: differingColumns(row.live, row.rebuilt), live: row.live, rebuilt: row.rebuilt });
      } else if (row.live) {
        differences.push({ table, key: row.live_key!, kind: 'only-live', columns: [], live: row.live });
      } else {
        differences.push({ table, key: row.rebuilt_key!, kind: 'only-rebuilt', columns: [], rebuilt: row.rebuilt! });
      }
    }
    rows[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${l}.${t} WHERE ${filter}`)).rows[0]!.n;
  }
  return { differences, rows };
}

/** One line per difference, for the CLI. */
export function describeDifference(d: Difference): string {
  const key = JSON.stringify(d.key);
  if (d.kind === 'only-live') return `${d.table} ${key}: in the live table, not in the rebuild`;
  if (d.kind === 'only-rebuilt') return `${d.table} ${key}: in the rebuild, missing from the live table`;
  const cols = d.columns.map((c) => `${c}: live ${JSON.stringify(d.live?.[c])} ≠ rebuilt ${JSON.stringify(d.rebuilt?.[c])}`);
  return `${d.table} ${key}: ${cols.join('; ')}`;
}
