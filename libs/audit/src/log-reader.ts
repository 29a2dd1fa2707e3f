import pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import type { EventMetadata } from '../../contracts/src/envelope.js';
import { currentSchemaVersion, eventContracts } from '../../contracts/src/event-contracts.js';
import { GATE_HORIZON_CTE } from '../../event-store/src/postgres-event-store.js';

/**
 * A row as the page query returns it, in column order, every column as PostgreSQL's text: data and metadata stay
 * compact strings until their event is folded, so a page held in memory (and its prefetched successor) is a fraction
 * of the size of the same page as parsed objects, which would all outlive young-generation collections until folded.
 */
type LogRow = [globalPosition: string, streamId: string, streamType: string, streamVersion: string, eventId: string, type: string, schemaVersion: string, data: string, metadata: string | null, recordedAt: string];

const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
/** pg's own timestamptz parser: recordedAt becomes exactly the string toStoredEvent makes of the same column. */
const parseTimestamptz = pg.types.getTypeParser(1184) as (value: string) => Date;

/**
 * The event store's gated readAll (architecture.md invariant 3: rows only up to, not including, the first one whose
 * writing transaction may still commit), bounded by `until`, selecting only what a projector reads — not the hashes.
 * The gate is decided on the next $3 positions and their transaction ids alone (`candidate`, `cut`: the last position
 * before the first unsafe one, else the last candidate); the page is then read as one range of the primary key, which
 * comes out in order — selecting the rows in `candidate` and sorting them again spilled a page to disk.
 * ORDER BY names events.global_position: the bare name would be the text output column and sort "10" before "9".
 *
 * The metadata is left out (NULL) where the fold cannot depend on it: it is an object (the envelope check) and the
 * event's type has no upcaster ($4, which would be given the metadata). Evolve reads only metadata.eventId, which the
 * fold takes from the event (toDomainEvent). The metadata is half of an event's text and most of the cost of reading
 * the log, on both sides; a dead letter, which keeps the whole event, gets it from withStoredMetadata.
 */
const PAGE_SQL = `WITH ${GATE_HORIZON_CTE}, candidate AS (
    SELECT global_position, transaction_id
      FROM events WHERE global_position > $1::bigint AND global_position <= $2::bigint ORDER BY global_position LIMIT $3
  ), cut AS (
    SELECT coalesce(min(global_position) FILTER (WHERE transaction_id >= (SELECT xmin FROM gate_horizon)) - 1, max(global_position)) AS last_safe
      FROM candidate
  )
  SELECT global_position::text AS global_position, stream_id, stream_type, stream_version, event_id::text AS event_id,
         type, schema_version, data,
         CASE WHEN jsonb_typeof(metadata) = 'object' AND NOT (type = ANY($4::text[])) THEN NULL ELSE metadata END AS metadata,
         recorded_at
    FROM events
   WHERE events.global_position > $1::bigint AND events.global_position <= (SELECT last_safe FROM cut)
   ORDER BY events.global_position`;

/**
 * The metadata of an event read without it (PAGE_SQL): an empty object, one for all of them. It passes the envelope
 * check as the stored object would, and toDomainEvent gives evolve `{ ...metadata, eventId }` from it, which is all
 * evolve reads. Anything that keeps the event itself (a dead letter) loads the stored metadata first (withStoredMetadata).
 */
export const METADATA_NOT_READ: EventMetadata = Object.freeze({}) as EventMetadata;

/** Event types an upcaster may bring to a newer version: their metadata is read (an upcaster is given it). */
function typesWithUpcasters(): string[] {
  return [...new Set(eventContracts.map((c) => c.type))].filter((type) => currentSchemaVersion(type) > 1);
}

let lastInstant: { text: string; iso: string } | undefined;

/** recorded_at as toStoredEvent makes it; an append's events share it, so the last one is remembered. */
function isoInstant(text: string): string {
  if (lastInstant?.text !== text) lastInstant = { text, iso: parseTimestamptz(text).toISOString() };
  return lastInstant.iso;
}

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
    recordedAt: isoInstant(row[9]),
    data: JSON.parse(row[7]) as Record<string, unknown>,
    metadata: row[8] === null ? METADATA_NOT_READ : (JSON.parse(row[8]) as EventMetadata),
  };
}

/**
 * `events` as read from the log, each with its stored metadata: those read without it (METADATA_NOT_READ) are copied
 * with the metadata loaded from the events table; the others are returned as they are.
 */
export async function withStoredMetadata(pool: pg.Pool | pg.ClientBase, events: readonly PublishedEvent[]): Promise<PublishedEvent[]> {
  const missing = events.filter((event) => event.metadata === METADATA_NOT_READ).map((event) => event.globalPosition);
  if (missing.length === 0) return [...events];
  const stored = new Map<string, string>();
  for (let start = 0; start < missing.length; start += 10_000) {
    const { rows } = await pool.query<[string, string]>({
      text: 'SELECT global_position::text, metadata FROM events WHERE global_position = ANY($1::bigint[])',
      values: [missing.slice(start, start + 10_000)],
      rowMode: 'array',
      types: asText,
    });
    for (const [position, metadata] of rows) stored.set(position, metadata);
  }
  return events.map((event) => {
    if (event.metadata !== METADATA_NOT_READ) return event;
    const metadata = stored.get(event.globalPosition);
    if (metadata === undefined) throw new Error(`event at position ${event.globalPosition} is no longer in the log`);
    return { ...event, metadata: JSON.parse(metadata) as EventMetadata };
  });
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
  const upcastable = typesWithUpcasters();
  const fetch = (after: string) =>
    pool.query<LogRow>({ text: PAGE_SQL, values: [after, options.until.toString(), options.pageSize, upcastable], rowMode: 'array', types: asText }).then((r) => r.rows);
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
