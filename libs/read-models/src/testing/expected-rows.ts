import type pg from 'pg';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { fold } from '../../../domain/src/shared/decider.js';
import { PROJECTED_AGGREGATES, toDomainEvent } from '../aggregates.js';
import { TABLE_COLUMNS } from '../projector-store.js';
import { mergeRowSets, type ReadModelTable, type RowSet } from '../shared/row-set.js';

/** What the read models must hold after `events`: folded per stream in memory and built by the pure row builders. */
export function expectedRows(events: readonly PublishedEvent[]): RowSet {
  const byStream = new Map<string, PublishedEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  return mergeRowSets(
    [...byStream.values()].map((stream) => {
      const sorted = [...stream].sort((a, b) => a.streamVersion - b.streamVersion);
      const aggregate = PROJECTED_AGGREGATES[sorted[0]!.streamType as keyof typeof PROJECTED_AGGREGATES];
      const state = fold({ initialState: aggregate.initialState, evolve: aggregate.evolve }, sorted.map((e) => toDomainEvent(e).domainEvent));
      return aggregate.rows(state);
    }),
  );
}

/** JSON text of each row, sorted: equal lists mean equal tables, duplicates included. */
export function canonicalRows(rows: readonly object[]): string[] {
  return rows.map((r) => JSON.stringify(sortKeys(r))).sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}

/** Every row of a read-model table, as JSON (dates as YYYY-MM-DD, like the row builders make them). */
export async function tableRows(db: Pick<pg.Pool, 'query'>, schema: string, table: ReadModelTable): Promise<string[]> {
  const columns = Object.keys(TABLE_COLUMNS[table]);
  const { rows } = await db.query<{ r: object }>(`SELECT json_build_object(${columns.map((c) => `'${c}', t."${c}"`).join(', ')}) AS r FROM ${schema}.${table} t`);
  return canonicalRows(rows.map((row) => row.r));
}

export const READ_MODEL_TABLES = Object.keys(TABLE_COLUMNS) as ReadModelTable[];
