import { schemaOf, type QueryOptions, type Queryable } from '../shared/query-options.js';

export interface Freshness {
  /** The highest global position applied to the read models (a decimal string), null before the first event. */
  globalPosition: string | null;
  /** When that event was recorded in the event store. */
  recordedAt: string | null;
  /** When the projector last applied anything. */
  updatedAt: string | null;
}

/**
 * The position the read models reflect. As of a position: the last event applied at or before it (every applied
 * event opens a version of its stream's `stream_versions` row at its position).
 */
export async function getFreshness(db: Queryable, options?: QueryOptions): Promise<Freshness> {
  const s = schemaOf(options);
  const at = options?.at;
  const { rows } = await db.query<{ position: string | null; recorded_at: Date | null; updated_at: Date | null }>(
    at === undefined
      ? `SELECT last_global_position AS position, last_recorded_at AS recorded_at, (SELECT max(updated_at) FROM ${s}.projection_streams) AS updated_at
         FROM ${s}.projection_streams WHERE last_global_position IS NOT NULL ORDER BY last_global_position DESC LIMIT 1`
      : `SELECT valid_from AS position, recorded_from AS recorded_at, (SELECT max(updated_at) FROM ${s}.projection_streams) AS updated_at
         FROM ${s}.stream_versions WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1`,
    at === undefined ? [] : [at],
  );
  const row = rows[0];
  return {
    globalPosition: row?.position ?? null,
    recordedAt: row?.recorded_at ? row.recorded_at.toISOString() : null,
    updatedAt: row?.updated_at ? row.updated_at.toISOString() : null,
  };
}
