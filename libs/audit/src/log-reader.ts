import type pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import type { EventMetadata } from '../../contracts/src/envelope.js';
import { GATE_HORIZON_CTE } from '../../event-store/src/postgres-event-store.js';

interface LogRow {
  global_position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

/**
 * The event store's gated readAll (architecture.md invariant 3: rows only up to, not including, the first one whose
 * writing transaction may still commit), bounded by `until`, selecting only what a projector reads — not the hashes.
 * ORDER BY names candidate.global_position: the bare name would be the text output column and sort "10" before "9".
 */
const PAGE_SQL = `WITH ${GATE_HORIZON_CTE}, candidate AS (
    SELECT global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata, recorded_at, transaction_id
      FROM events WHERE global_position > $1::bigint AND global_position <= $2::bigint ORDER BY global_position LIMIT $3
  ), cut AS (
    SELECT min(global_position) AS first_unsafe FROM candidate WHERE transaction_id >= (SELECT xmin FROM gate_horizon)
  )
  SELECT candidate.global_position::text AS global_position, stream_id, stream_type, stream_version, event_id::text AS event_id,
         type, schema_version, data, metadata, recorded_at
    FROM candidate, cut
   WHERE cut.first_unsafe IS NULL OR candidate.global_position < cut.first_unsafe
   ORDER BY candidate.global_position`;

/** The event as the projector receives it from Kafka (toPublishedEvent of the stored event), as stored: not upcast. */
function toPublished(row: LogRow): PublishedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    recordedAt: row.recorded_at.toISOString(),
    data: row.data,
    metadata: row.metadata,
  };
}

/**
 * The log after `after` up to `until` in position order, page by page, through the gate; ends at `until` or where the
 * gate stops (the rest is read later, once the transactions in flight have ended). The next page is fetched while the
 * caller works on the current one.
 */
export async function* readLogPages(pool: pg.Pool, options: { after: string; until: bigint; pageSize: number }): AsyncGenerator<PublishedEvent[]> {
  const fetch = (after: string) => pool.query<LogRow>(PAGE_SQL, [after, options.until.toString(), options.pageSize]).then((r) => r.rows);
  if (BigInt(options.after) >= options.until) return;
  // A prefetched page the caller no longer wants (it stopped early) must not become an unhandled rejection.
  let next = fetch(options.after);
  next.catch(() => undefined);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!.global_position;
    const more = rows.length === options.pageSize && BigInt(last) < options.until;
    if (more) {
      next = fetch(last);
      next.catch(() => undefined);
    }
    yield rows.map(toPublished);
    if (!more) return;
  }
}
