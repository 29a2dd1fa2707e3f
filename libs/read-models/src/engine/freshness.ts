import { schemaOf, type QueryOptions, type Queryable } from '../shared/query-options.js';

export interface Freshness {
  /** The highest global position applied to the read models (a decimal string), null before the first event. */
  globalPosition: string | null;
  /** When that event was recorded in the event store (null where the read models cannot tell, see getFreshness). */
  recordedAt: string | null;
  /** When the projector last applied anything. */
  updatedAt: string | null;
}

/**
 * The position the read models reflect. As of a position: that position, or the projector's if it has not got that
 * far; the read models do not index when each position was recorded (the event store does), so recordedAt is null
 * then unless it is the projector's own position.
 */
export async function getFreshness(db: Queryable, options?: QueryOptions): Promise<Freshness> {
  const s = schemaOf(options);
  const { rows } = await db.query<{ position: string | null; recorded_at: Date | null; updated_at: Date | null }>(
    `SELECT last_global_position AS position, last_recorded_at AS recorded_at, (SELECT max(updated_at) FROM ${s}.projection_streams) AS updated_at
     FROM ${s}.projection_streams WHERE last_global_position IS NOT NULL ORDER BY last_global_position DESC LIMIT 1`,
  );
  const row = rows[0];
  const live: Freshness = {
    globalPosition: row?.position ?? null,
    recordedAt: row?.recorded_at ? row.recorded_at.toISOString() : null,
    updatedAt: row?.updated_at ? row.updated_at.toISOString() : null,
  };
  const at = options?.at;
  if (at === undefined || live.globalPosition === null || at >= Number(live.globalPosition)) return live;
  return { globalPosition: String(at), recordedAt: null, updatedAt: live.updatedAt };
}
