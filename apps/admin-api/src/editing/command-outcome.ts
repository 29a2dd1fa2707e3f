import type { AppendResult } from '../../../../libs/event-store/src/index.js';

/**
 * What a write answers: the aggregate, its new version (the next If-Match), and the events recorded. Everything in it
 * is what was stored (ids, versions, positions, recordedAt), so a retry with the same Idempotency-Key gets the same
 * answer byte for byte; `replayed` is said by a header (Idempotent-Replayed), never in the body.
 */
export interface CommandOutcome {
  aggregate: string;
  id: string;
  streamId: string;
  version: number;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
  events: { eventId: string; type: string; streamId: string; streamVersion: number; globalPosition: string; recordedAt: string }[];
  /** A move touches two works: the version of each stream after the write. */
  streams?: { streamId: string; version: number }[];
}

export function outcomeOf(aggregate: string, id: string, results: AppendResult[], replayed: boolean): CommandOutcome {
  const [primary] = results;
  return {
    aggregate,
    id,
    streamId: primary.streamId,
    version: primary.streamVersion,
    replayed,
    events: results.flatMap((result) =>
      result.events.map((event) => ({
        eventId: event.eventId,
        type: event.type,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        globalPosition: event.globalPosition,
        recordedAt: event.recordedAt,
      })),
    ),
    ...(results.length > 1 ? { streams: results.map((result) => ({ streamId: result.streamId, version: result.streamVersion })) } : {}),
  };
}
