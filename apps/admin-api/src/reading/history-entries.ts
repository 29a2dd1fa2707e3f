import { correctionChains, streamsToLoad, type CorrectionChain } from '../../../../libs/domain/src/shared/correction-chains.js';
import type { StoredEvent, UpcastingEventStore } from '../../../../libs/event-store/src/index.js';

/** One event as auditors read it: who, when (world and desk time), why, on which source, and its correction chain. */
export interface HistoryEntry {
  globalPosition: string;
  streamId: string;
  aggregate: string;
  version: number;
  eventId: string;
  type: string;
  /** The version the data is shown at (upcast on read when older events were stored at a lower one). */
  schemaVersion: number;
  /** Only when the event was upcast on read: the version stored (and covered by `hash`). */
  storedSchemaVersion?: number;
  recordedAt: string;
  occurredAt?: unknown;
  actor: unknown;
  source: unknown;
  /** Personal data recorded with the event: opened for editors, auditors and admins, else its label. */
  personalData?: unknown;
  note?: string;
  correlationId: string;
  causationId: string;
  data: Record<string, unknown>;
  hash: string;
  correctionChain: CorrectionChain;
}

export function historyEntry(event: StoredEvent, chain: CorrectionChain | undefined): HistoryEntry {
  const { metadata } = event;
  return {
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    aggregate: event.streamType,
    version: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    ...(event.storedSchemaVersion !== undefined ? { storedSchemaVersion: event.storedSchemaVersion } : {}),
    recordedAt: event.recordedAt,
    ...(metadata.occurredAt ? { occurredAt: metadata.occurredAt } : {}),
    actor: metadata.actor,
    source: metadata.source,
    ...(metadata.personalData ? { personalData: metadata.personalData } : {}),
    ...(metadata.note ? { note: metadata.note } : {}),
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    data: event.data,
    hash: event.hash,
    correctionChain: chain ?? { fixedBy: [] },
  };
}

/**
 * History entries of `events` with their correction chains, computed over the whole streams they belong to (plus the
 * other side of every move), so a page of the global feed and the per-aggregate history say the same. `loaded` are
 * events already read in full streams (the per-aggregate history passes its stream).
 */
export async function withCorrectionChains(store: UpcastingEventStore, events: readonly StoredEvent[], loaded: readonly StoredEvent[] = []): Promise<HistoryEntry[]> {
  const have = new Set(loaded.map((e) => e.streamId));
  const missing = [...new Set(events.map((e) => e.streamId))].filter((id) => !have.has(id));
  let context = [...loaded, ...(await store.readStreams(missing))];
  const others = streamsToLoad(context);
  if (others.length > 0) context = [...context, ...(await store.readStreams(others))];
  const chains = correctionChains(context);
  return events.map((event) => historyEntry(event, chains.get(event.eventId)));
}
