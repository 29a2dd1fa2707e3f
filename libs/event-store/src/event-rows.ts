import type { EventMetadata } from '../../contracts/src/envelope.js';
import type { StoredEvent } from './event-store.types.js';

/** An events row as the store's queries select it (EVENT_COLUMNS). */
export interface EventRow {
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
  hash: string;
  prev_hash: string;
}

/** The columns of EventRow: bigint and uuid as text, so positions keep their precision. */
export const EVENT_COLUMNS = `global_position::text AS global_position, stream_id, stream_type, stream_version, event_id::text AS event_id,
  type, schema_version, data, metadata, recorded_at, hash, prev_hash`;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: row.global_position,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
