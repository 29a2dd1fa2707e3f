import type pg from 'pg';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './event-rows.js';
import type { StoredEvent } from './event-store.types.js';

/**
 * Filtered reads of the whole log for auditors (the global history feed): by actor, type, stream, recordedAt,
 * occurredAt, source publisher, paged by global position in either direction. Rows come back as stored; callers that
 * want current schema versions upcast them (UpcastingEventStore does). Not gated (see readAll): a history page may
 * miss an event whose transaction commits after the page was read with a lower position than the page's last one.
 */
export interface EventLogFilter {
  /** metadata.actor.id, exact. */
  actor?: string;
  /** Event types (any of). */
  types?: readonly string[];
  /** Stream (aggregate) types (any of). */
  streamTypes?: readonly string[];
  /** Stream ids (any of). */
  streamIds?: readonly string[];
  /** recorded_at >= recordedFrom (inclusive). */
  recordedFrom?: Date;
  /** recorded_at <= recordedTo (inclusive). */
  recordedTo?: Date;
  /**
   * The start of metadata.occurredAt (a year → YYYY-01-01, a month → YYYY-MM-01) >= this ISO date (YYYY-MM-DD, the
   * start of the filter's partial date). Events without occurredAt are left out when either occurred bound is set.
   */
  occurredFrom?: string;
  /** The start of metadata.occurredAt <= this ISO date (inclusive). */
  occurredTo?: string;
  /**
   * Text in metadata.source.publisher, compared by search key (public.search_key, migration 0009: case, accents,
   * punctuation and spacing ignored).
   */
  publisher?: string;
  /** Exclusive cursor: positions after it (ascending) or before it (descending). */
  cursor?: string;
  order: 'asc' | 'desc';
  limit: number;
}



/** The start of metadata.occurredAt as an ISO date string, in SQL. */
const OCCURRED_START = `CASE metadata->'occurredAt'->>'precision'
    WHEN 'year' THEN (metadata->'occurredAt'->>'date') || '-01-01'
    WHEN 'month' THEN (metadata->'occurredAt'->>'date') || '-01'
    ELSE metadata->'occurredAt'->>'date' END`;


/** The SQL and parameters of a filtered log read (exported for tests and EXPLAIN). */
export function eventLogQuery(filter: EventLogFilter): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (filter.actor !== undefined) where.push(`metadata->'actor'->>'id' = ${param(filter.actor)}`);
  if (filter.types?.length) where.push(`type = ANY(${param([...filter.types])}::text[])`);
  if (filter.streamTypes?.length) where.push(`stream_type = ANY(${param([...filter.streamTypes])}::text[])`);
  if (filter.streamIds?.length) where.push(`stream_id = ANY(${param([...filter.streamIds])}::text[])`);
  if (filter.recordedFrom) where.push(`recorded_at >= ${param(filter.recordedFrom.toISOString())}::timestamptz`);
  if (filter.recordedTo) where.push(`recorded_at <= ${param(filter.recordedTo.toISOString())}::timestamptz`);
  if (filter.occurredFrom !== undefined || filter.occurredTo !== undefined) where.push(`metadata ? 'occurredAt'`);
  if (filter.occurredFrom !== undefined) where.push(`(${OCCURRED_START}) >= ${param(filter.occurredFrom)}`);
  if (filter.occurredTo !== undefined) where.push(`(${OCCURRED_START}) <= ${param(filter.occurredTo)}`);
  if (filter.publisher !== undefined) where.push(`strpos(public.search_key(metadata->'source'->>'publisher'), public.search_key(${param(filter.publisher)})) > 0`);
  if (filter.cursor !== undefined) where.push(`global_position ${filter.order === 'asc' ? '>' : '<'} ${param(filter.cursor)}::bigint`);
  const text = `SELECT ${EVENT_COLUMNS} FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY events.global_position ${filter.order === 'asc' ? 'ASC' : 'DESC'} LIMIT ${param(filter.limit)}`;
  return { text, values };
}

/** Events matching the filter, as stored, in the filter's order. */
export async function queryEventLog(pool: pg.Pool, filter: EventLogFilter): Promise<StoredEvent[]> {
  const { text, values } = eventLogQuery(filter);
  const { rows } = await pool.query<EventRow>(text, values);
  return rows.map(toStoredEvent);
}

/** Every event of the given streams, as stored, in global order (the streams a page of history touches). */
export async function readStreamsRaw(pool: pg.Pool, streamIds: readonly string[]): Promise<StoredEvent[]> {
  if (streamIds.length === 0) return [];
  const { rows } = await pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY events.global_position`, [[...streamIds]]);
  return rows.map(toStoredEvent);
}
