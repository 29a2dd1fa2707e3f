import pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import type { EventMetadata } from '../../contracts/src/envelope.js';
import { GATE_HORIZON_CTE } from '../../event-store/src/postgres-event-store.js';

/**
 * A row as the page query returns it, in column order, every column as PostgreSQL's text: data and metadata stay
 * compact strings until their event is folded, so a page held in memory (and its prefetched successor) is a fraction
 * of the size of the same page as parsed objects, which would all outlive young-generation collections until folded.
 */
type LogRow = [globalPosition: string, streamId: string, streamType: string, streamVersion: string, eventId: string, type: string, schemaVersion: string, data: string, metadata: string, recordedAt: string];

const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
/** pg's own timestamptz parser: recordedAt becomes exactly the string toStoredEvent makes of the same column. */
const parseTimestamptz = pg.types.getTypeParser(1184) as (value: string) => Date;

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
    eventId: row[4],
    type: row[5],
    schemaVersion: Number(row[6]),
    streamId: row[1],
    streamType: row[2],
    streamVersion: Number(row[3]),
    globalPosition: row[0],
    recordedAt: parseTimestamptz(row[9]).toISOString(),
    data: JSON.parse(row[7]) as Record<string, unknown>,
    metadata: JSON.parse(row[8]) as EventMetadata,
  };
}

/** One page of the log: its events are parsed one at a time as they are iterated. */
export interface LogPage {
  size: number;
  lastPosition: string;
  events(): Iterable<PublishedEvent>;
}

function* parsed(rows: readonly LogRow[]): Iterable<PublishedEvent> {
  for (const row of rows) yield toPublished(row);
}

/**
 * The log after `after` up to `until` in position order, page by page, through the gate; ends at `until` or where the
 * gate stops (the rest is read later, once the transactions in flight have ended). The next page is fetched while the
 * caller works on the current one.
 */
export async function* readLogPages(pool: pg.Pool, options: { after: string; until: bigint; pageSize: number }): AsyncGenerator<LogPage> {
  const fetch = (after: string) =>
    pool.query<LogRow>({ text: PAGE_SQL, values: [after, options.until.toString(), options.pageSize], rowMode: 'array', types: asText }).then((r) => r.rows);
  if (BigInt(options.after) >= options.until) return;
  // A prefetched page the caller no longer wants (it stopped early) must not become an unhandled rejection.
  let next = fetch(options.after);
  next.catch(() => undefined);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]![0];
    const more = rows.length === options.pageSize && BigInt(last) < options.until;
    if (more) {
      next = fetch(last);
      next.catch(() => undefined);
    }
    yield { size: rows.length, lastPosition: last, events: () => parsed(rows) };
    if (!more) return;
  }
}
