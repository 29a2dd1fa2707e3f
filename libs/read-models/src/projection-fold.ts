import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { asPublishedEvent, toDomainEvent, UnprojectableEventError, type DeadLetterReason, type ProjectedAggregate } from './aggregates.js';

/**
 * The projector's rule for one event of a stream (see applyEventInTransaction), decided in memory from the stream's
 * folded state: skip what is applied, refuse a gap, evolve with the domain's evolve (upcast first), or pass over an
 * event that cannot be applied. Pure; the as-of view and the bulk rebuild fold with it, so they decide as live does.
 */
export type ProjectionStep =
  | { outcome: 'applied'; aggregate: ProjectedAggregate; state: unknown }
  | { outcome: 'skipped' }
  /** A gap: the stream stays as it is (nothing is applied on top of a missing event). */
  | { outcome: 'gap'; error: Error }
  /** Unknown type, unsupported version, evolve throwing: the stream's version moves past the event. */
  | { outcome: 'unprojectable'; reason: DeadLetterReason; error: Error };

export function projectEvent(current: { state: unknown; version: number } | undefined, event: PublishedEvent): ProjectionStep {
  const version = current?.version ?? 0;
  if (event.streamVersion <= version) return { outcome: 'skipped' };
  if (event.streamVersion > version + 1) {
    return { outcome: 'gap', error: new Error(`stream ${event.streamId} is at version ${version}; event version ${event.streamVersion} leaves a gap`) };
  }
  let resolved: ReturnType<typeof toDomainEvent>;
  try {
    resolved = toDomainEvent(event);
  } catch (error) {
    const reason = error instanceof UnprojectableEventError ? error.reason : 'evolve-failed';
    return { outcome: 'unprojectable', reason, error: error instanceof Error ? error : new Error(String(error)) };
  }
  try {
    return { outcome: 'applied', aggregate: resolved.aggregate, state: resolved.aggregate.applyAt(current?.state, resolved.domainEvent, event.streamVersion) };
  } catch (error) {
    return { outcome: 'unprojectable', reason: 'evolve-failed', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** A stream's snapshot as the projector would have stored it after the events folded so far. */
export interface FoldedSnapshot {
  streamType: string;
  /** Set once an event applied (a stream whose every event was passed over has none, and no rows). */
  aggregate?: ProjectedAggregate;
  state: unknown;
  version: number;
  skipped: number[];
  last?: { eventId: string; globalPosition: string; recordedAt: string };
  /** Outcomes counted on this stream (taken back out of the totals if the stream has to be applied again). */
  applied: number;
  passed: number;
  deadLettered: number;
}

export interface FoldDeadLetter {
  reason: DeadLetterReason;
  error: Error;
  event: PublishedEvent;
}

/**
 * The whole log folded by the projector's rule, in memory: one snapshot per stream (the map is bounded by the number
 * of streams, not events) and the dead letters in log order. What applyEventsInTransaction would leave after applying
 * the same events, minus the writes; bulkWriteFold (bulk-write.ts) writes it.
 */
export class ProjectionFold {
  readonly streams = new Map<string, FoldedSnapshot>();
  readonly deadLetters: FoldDeadLetter[] = [];
  applied = 0;
  skipped = 0;
  deadLettered = 0;

  add(events: Iterable<PublishedEvent>): void {
    for (const event of events) this.addOne(event);
  }

  private addOne(event: PublishedEvent): void {
    try {
      asPublishedEvent(event);
    } catch (error) {
      // As the projector: a malformed envelope is dead-lettered before any snapshot of its stream is created.
      this.deadLetters.push({ reason: 'malformed', error: error as Error, event });
      this.deadLettered += 1;
      return;
    }
    let stream = this.streams.get(event.streamId);
    if (!stream) {
      // The projector creates the snapshot row (version 0) on first sight, whatever then happens to the event.
      stream = { streamType: event.streamType, state: null, version: 0, skipped: [], applied: 0, passed: 0, deadLettered: 0 };
      this.streams.set(event.streamId, stream);
    }
    const step = projectEvent(stream, event);
    switch (step.outcome) {
      case 'applied':
        stream.aggregate = step.aggregate;
        stream.state = step.state;
        stream.version = event.streamVersion;
        stream.last = { eventId: event.eventId, globalPosition: event.globalPosition, recordedAt: event.recordedAt };
        stream.applied += 1;
        this.applied += 1;
        return;
      case 'skipped':
        stream.passed += 1;
        this.skipped += 1;
        return;
      case 'gap':
        this.deadLetters.push({ reason: 'gap', error: step.error, event });
        break;
      case 'unprojectable':
        stream.version = event.streamVersion;
        stream.skipped.push(event.streamVersion);
        stream.last = { eventId: event.eventId, globalPosition: event.globalPosition, recordedAt: event.recordedAt };
        this.deadLetters.push({ reason: step.reason, error: step.error, event });
        break;
    }
    stream.deadLettered += 1;
    this.deadLettered += 1;
  }

  /** Forgets streams whose events another path applies again: their snapshots, dead letters and counts. */
  forget(streamIds: Iterable<string>): void {
    const gone = new Set(streamIds);
    for (const id of gone) {
      const stream = this.streams.get(id);
      if (!stream) continue;
      this.applied -= stream.applied;
      this.skipped -= stream.passed;
      this.deadLettered -= stream.deadLettered;
      this.streams.delete(id);
    }
    if (gone.size > 0) this.deadLetters.splice(0, this.deadLetters.length, ...this.deadLetters.filter((d) => !gone.has(d.event.streamId)));
  }
}
