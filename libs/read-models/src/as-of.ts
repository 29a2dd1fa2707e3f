import type pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import type { ProjectedAggregate } from './aggregates.js';
import { projectEvent } from './projection-fold.js';
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
  /** Version of each stream none of whose events has applied yet (each was passed over): where its next event fits. */
  passedOver: Map<string, number>;
}

export function emptyFoldedStreams(): FoldedStreams {
  return { streams: new Map(), lastPosition: null, lastRecordedAt: null, lastEventId: null, unprojectable: 0, passedOver: new Map() };
}

/** Folds events (in global order) into per-stream states by the projector's rule (projectEvent). Pure. */
export function foldPublishedEvents(events: Iterable<PublishedEvent>, folded: FoldedStreams = emptyFoldedStreams()): FoldedStreams {
  for (const event of events) {
    folded.lastPosition = event.globalPosition;
    folded.lastRecordedAt = event.recordedAt;
    folded.lastEventId = event.eventId;
    const current = folded.streams.get(event.streamId);
    const passed = folded.passedOver.get(event.streamId);
    const step = projectEvent(current ?? (passed === undefined ? undefined : { state: null, version: passed }), event);
    if (step.outcome === 'applied') {
      folded.streams.set(event.streamId, { aggregate: step.aggregate, state: step.state, version: event.streamVersion });
      folded.passedOver.delete(event.streamId);
    } else if (step.outcome !== 'skipped') {
      folded.unprojectable += 1;
      // As the projector: a version passed over lets the stream's later events apply; a gap leaves the stream as it is.
      if (step.outcome === 'unprojectable') {
        if (current) current.version = event.streamVersion;
        else folded.passedOver.set(event.streamId, event.streamVersion);
      }
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
