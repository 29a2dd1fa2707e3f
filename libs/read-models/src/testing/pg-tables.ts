import type pg from 'pg';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { MemoryProjectionStore } from '../engine/memory-store.js';
import { READ_MODELS } from '../read-models.js';
import { schemaIdent } from '../engine/pg-store.js';
import { historyOf } from '../engine/system-time.js';
import { keepsHistory } from '../engine/projection.js';

/**
 * Every row version of a read-model table as JSON text, sorted: equal lists mean equal histories (the open rows and
 * every closed version, with the positions and recordedAt between which each was true).
 */
export async function tableVersions(db: Pick<pg.Pool, 'query'>, schema: string, table: string): Promise<string[]> {
  const s = schemaIdent(schema);
  const spec = READ_MODELS.tables.find((t) => t.name === table)!;
  const current = `SELECT (to_jsonb(t) || jsonb_build_object('valid_to', NULL, 'recorded_to', NULL))::text AS r FROM ${s}.${table} t`;
  const { rows } = await db.query<{ r: string }>(keepsHistory(spec) ? `${current} UNION ALL SELECT to_jsonb(h)::text FROM ${s}.${historyOf(table)} h` : current);
  return rows.map((row) => row.r).sort();
}

/** Every read-model table of a schema, every version (for comparing two databases, or live with a rebuild). */
export async function readModelSnapshot(db: Pick<pg.Pool, 'query'>, schema: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of READ_MODELS.tables) out[table.name] = await tableVersions(db, schema, table.name);
  return out;
}

const SYSTEM = ['owner_stream', 'row_key', 'valid_from', 'valid_to', 'recorded_from', 'recorded_to'];

/** One row version as text both sides agree on: stream, key, positions, and the row with every column (absent ones null). */
function versionText(table: string, v: { stream: string; key: string; validFrom: number; validTo: number | null; row: Record<string, unknown> }): string {
  const spec = READ_MODELS.tables.find((t) => t.name === table)!;
  const row = Object.fromEntries(Object.keys(spec.columns).sort().map((c) => [c, sorted(v.row[c] ?? null)]));
  return JSON.stringify([v.stream, v.key, v.validFrom, v.validTo, row]);
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
  return value;
}

/** Every row version of every read-model table in Postgres. */
export async function storedVersions(db: Pick<pg.Pool, 'query'>, schema: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of READ_MODELS.tables) {
    const s = schemaIdent(schema);
    const current = `SELECT owner_stream, row_key, valid_from, NULL AS valid_to, to_jsonb(t) - $1::text[] AS row FROM ${s}.${table.name} t`;
    const { rows } = await db.query<{ owner_stream: string; row_key: string; valid_from: string; valid_to: string | null; row: Record<string, unknown> }>(
      keepsHistory(table) ? `${current} UNION ALL SELECT owner_stream, row_key, valid_from, valid_to, to_jsonb(h) - $1::text[] FROM ${s}.${historyOf(table.name)} h` : current,
      [SYSTEM],
    );
    out[table.name] = rows
      .map((r) => versionText(table.name, { stream: r.owner_stream, key: r.row_key, validFrom: Number(r.valid_from), validTo: r.valid_to === null ? null : Number(r.valid_to), row: r.row }))
      .sort();
  }
  return out;
}

/** Every row version the engine computes for `events` (in memory) and Postgres keeps, as storedVersions lists them. */
export async function expectedVersions(events: readonly PublishedEvent[]): Promise<Record<string, string[]>> {
  const store = new MemoryProjectionStore(READ_MODELS);
  await store.applyEvents(events);
  const out: Record<string, string[]> = {};
  for (const table of READ_MODELS.tables) {
    // A model's hidden state keeps only its current rows in Postgres.
    const kept = store.versions.get(table.name)!.filter((v) => v.validTo === null || keepsHistory(table));
    out[table.name] = kept.map((v) => versionText(table.name, { ...v, row: v.row as Record<string, unknown> })).sort();
  }
  return out;
}
