import type pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { toDomainEvent, type ProjectedAggregate } from './aggregates.js';
import { OWNED_TABLES, READ_MODELS_SCHEMA, schemaIdent, TABLE_COLUMNS, writeStreamRows } from './projector-store.js';
import type { ReadModelTable } from './shared/row-set.js';

/**
 * Read models as the desk knew them at a past moment: every stream folded from the events recorded up to then, with
 * the projector's own evolve and row builders, written into temporary tables that the ordinary queries read with
 * `schema: 'pg_temp'`. Same code, same answers — only the cut-off differs.
 */
export interface FoldedStreams {
  streams: Map<string, { aggregate: ProjectedAggregate; state: unknown; version: number }>;
  lastPosition: string | null;
  lastRecordedAt: string | null;
  lastEventId: string | null;
  /** Events the projector would have dead-lettered (unknown types, unsupported versions, evolve failures). */
  unprojectable: number;
}

export function emptyFoldedStreams(): FoldedStreams {
  return { streams: new Map(), lastPosition: null, lastRecordedAt: null, lastEventId: null, unprojectable: 0 };
}

/** Folds events (in global order) into per-stream states, skipping what the projector would skip. Pure. */
export function foldPublishedEvents(events: Iterable<PublishedEvent>, folded: FoldedStreams = emptyFoldedStreams()): FoldedStreams {
  for (const event of events) {
    folded.lastPosition = event.globalPosition;
    folded.lastRecordedAt = event.recordedAt;
    folded.lastEventId = event.eventId;
    const current = folded.streams.get(event.streamId);
    if (current && event.streamVersion <= current.version) continue;
    try {
      const { aggregate, domainEvent } = toDomainEvent(event);
      const state = aggregate.applyAt(current?.state, domainEvent, event.streamVersion);
      folded.streams.set(event.streamId, { aggregate, state, version: event.streamVersion });
    } catch {
      folded.unprojectable += 1;
      if (current) current.version = event.streamVersion;
    }
  }
  return folded;
}

export const AS_OF_SCHEMA = 'pg_temp';

/**
 * Creates the read-model tables as temporary tables of this transaction (dropped at its end) and fills them from the
 * folded streams. Call inside BEGIN … ROLLBACK on one client; query with `{ schema: AS_OF_SCHEMA }`.
 */
export async function materializeAsOf(client: pg.ClientBase, folded: FoldedStreams): Promise<void> {
  const live = schemaIdent(READ_MODELS_SCHEMA);
  for (const table of [...(Object.keys(TABLE_COLUMNS) as ReadModelTable[]), 'projection_snapshots']) {
    await client.query(`CREATE TEMP TABLE ${table} (LIKE ${live}.${table} INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP`);
  }
  for (const [streamId, { aggregate, state }] of folded.streams) {
    await writeStreamRows(client, AS_OF_SCHEMA, streamId, OWNED_TABLES[aggregate.type], aggregate.rows(state));
  }
  // What getFreshness reports: the last event the view reflects.
  if (folded.lastPosition !== null) {
    await client.query(
      `INSERT INTO pg_temp.projection_snapshots (stream_id, stream_type, version, last_event_id, last_global_position, last_recorded_at) VALUES ('as-of', 'as-of', 0, $1, $2, $3)`,
      [folded.lastEventId, folded.lastPosition, folded.lastRecordedAt],
    );
  }
}
