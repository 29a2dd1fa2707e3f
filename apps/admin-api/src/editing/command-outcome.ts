import { factsAddedBy, primaryDemotedBy } from '../../../../libs/domain/src/shared/facts-added.js';
import type { AppendResult } from '../../../../libs/event-store/src/index.js';

/** A fact the write added under a new id: `{ type, id }` is how a fix or a standing change names it. */
export interface NewFact {
  type: string;
  id: string;
  /** The stream it was stated on: the record in the URL, or the target work of a move. */
  streamId: string;
  eventId: string;
}

/** The title or name a write made primary in place of another: the one it demoted, named as a fix names it. */
export interface DemotedFact {
  type: 'title' | 'name';
  id: string;
  /** Its text and language (left out only if the stream no longer shows it, which an append-only log never does). */
  text?: string;
  language?: string;
}

/**
 * What a write answers: the aggregate, its new version (the next If-Match), and the events recorded. Everything in it
 * is what was stored (ids, versions, positions, recordedAt, the events' data), so a retry with the same
 * Idempotency-Key gets the same answer byte for byte; `replayed` is said by a header (Idempotent-Replayed), never in
 * the body.
 */
export interface CommandOutcome {
  aggregate: string;
  id: string;
  streamId: string;
  version: number;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
  /** The first fact the write added (a write that adds none has neither). */
  factType?: string;
  factId?: string;
  /** Every fact the write added, in the order stated (a registration: the record, then its titles or names, …). */
  facts?: NewFact[];
  /** A title or name made primary demoted the one that was: it is named here. */
  demoted?: DemotedFact;
  events: { eventId: string; type: string; streamId: string; streamVersion: number; globalPosition: string; recordedAt: string }[];
  /** A move touches two works: the version of each stream after the write. */
  streams?: { streamId: string; version: number }[];
}

/**
 * Looks up the text of a title or name a write demoted, as it stood before the write's events (a title's or name's
 * text never changes under its id: a correction states a replacement with a new id, so any state before the write
 * gives the same text, and a replayed answer says what the first one said).
 */
export type DemotedTextOf = (streamId: string, beforeVersion: number, fact: { type: 'title' | 'name'; id: string }) => Promise<{ text: string; language?: string } | undefined>;

export async function outcomeOf(aggregate: string, id: string, results: AppendResult[], replayed: boolean, demotedTextOf?: DemotedTextOf): Promise<CommandOutcome> {
  const [primary] = results;
  const stored = results.flatMap((result) => result.events);
  const facts = stored.flatMap((event) => factsAddedBy(event).map((fact) => ({ type: fact.type, id: fact.id, streamId: event.streamId, eventId: event.eventId })));
  const demoted = await demotedFact(stored, demotedTextOf);
  return {
    aggregate,
    id,
    streamId: primary.streamId,
    version: primary.streamVersion,
    replayed,
    ...(facts.length > 0 ? { factType: facts[0]!.type, factId: facts[0]!.id, facts } : {}),
    ...(demoted ? { demoted } : {}),
    events: stored.map((event) => ({
      eventId: event.eventId,
      type: event.type,
      streamId: event.streamId,
      streamVersion: event.streamVersion,
      globalPosition: event.globalPosition,
      recordedAt: event.recordedAt,
    })),
    ...(results.length > 1 ? { streams: results.map((result) => ({ streamId: result.streamId, version: result.streamVersion })) } : {}),
  };
}

async function demotedFact(stored: AppendResult['events'], demotedTextOf: DemotedTextOf | undefined): Promise<DemotedFact | undefined> {
  for (const event of stored) {
    const demoted = primaryDemotedBy(event);
    if (!demoted) continue;
    const first = stored.find((e) => e.streamId === event.streamId)!;
    const found = demotedTextOf ? await demotedTextOf(event.streamId, first.streamVersion - 1, demoted as DemotedFact) : undefined;
    return { type: demoted.type as DemotedFact['type'], id: demoted.id, ...(found ? { text: found.text } : {}), ...(found?.language ? { language: found.language } : {}) };
  }
  return undefined;
}
