import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { FactMapOwner } from '../../domain/src/shared/facts.js';
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

export function projectEvent(current: { state: unknown; version: number } | undefined, event: PublishedEvent, owner?: FactMapOwner): ProjectionStep {
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
    return { outcome: 'applied', aggregate: resolved.aggregate, state: resolved.aggregate.applyAt(current?.state, resolved.domainEvent, event.streamVersion, owner) };
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

/** What a stream contributed to a fold's totals (kept for a finished stream, whose snapshot the fold no longer holds). */
export interface FoldCounts {
  applied: number;
  passed: number;
  deadLettered: number;
}

export interface ProjectionFoldOptions {
  /**
   * The last version of each stream in the part of the log this fold is given (a stream absent from it is never
   * finished early). Once the fold has taken a stream's event at that version, the stream is finished: `onFinished`
   * gets its snapshot and the fold keeps only its counts, so a rebuild holds the state of the streams it is in the
   * middle of, not of every stream. A finished stream that gets another event after all is `reopened`.
   */
  lastVersions?: ReadonlyMap<string, number>;
  /** The snapshot of a stream that is finished; the fold lets go of it. */
  onFinished?: (streamId: string, snapshot: FoldedSnapshot) => void;
}

/**
 * The whole log folded by the projector's rule, in memory: one snapshot per stream (the map is bounded by the number
 * of streams, not events) and the dead letters in log order. What applyEventsInTransaction would leave after applying
 * the same events, minus the writes; bulkWriteFold (bulk-write.ts) writes it.
 *
 * With `lastVersions`, finished streams leave `streams` as the fold goes (see ProjectionFoldOptions); what is left in
 * `streams` at the end are the streams still open.
 */
export class ProjectionFold {
  private readonly open = new Map<string, FoldedSnapshot>();
  /**
   * Per stream being folded, the owner of its fact map (evolveOwning): the fold keeps only each stream's newest state,
   * so evolve adds to the map in place instead of copying it per event. A state anyone else can see — handed to
   * onFinished, or reachable through `streams` — is never written in place again.
   */
  private readonly owners = new Map<string, FactMapOwner>();

  /** Streams being folded (all of them, without `lastVersions`). Their states are the caller's from here: folding on copies them again. */
  get streams(): Map<string, FoldedSnapshot> {
    this.owners.clear();
    return this.open;
  }
  /** Streams handed to onFinished: their counts only. */
  readonly finished = new Map<string, FoldCounts>();
  /**
   * Finished streams that had another event after all (`lastVersions` was behind the log): their later events are
   * not folded; the caller applies these streams again from the log (and forgets them here).
   */
  readonly reopened = new Set<string>();
  readonly deadLetters: FoldDeadLetter[] = [];
  applied = 0;
  skipped = 0;
  deadLettered = 0;

  constructor(private readonly options: ProjectionFoldOptions = {}) {}

  add(events: Iterable<PublishedEvent>): void {
    for (const event of events) this.addOne(event);
  }

  /** Folds the next `count` events of `events` (fewer at its end); returns how many it took. */
  addSome(events: Iterator<PublishedEvent>, count: number): number {
    let taken = 0;
    while (taken < count) {
      const next = events.next();
      if (next.done) break;
      this.addOne(next.value);
      taken += 1;
    }
    return taken;
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
    let stream = this.open.get(event.streamId);
    if (!stream) {
      if (this.finished.has(event.streamId) || this.reopened.has(event.streamId)) {
        this.reopened.add(event.streamId);
        return;
      }
      // The projector creates the snapshot row (version 0) on first sight, whatever then happens to the event.
      stream = { streamType: event.streamType, state: null, version: 0, skipped: [], applied: 0, passed: 0, deadLettered: 0 };
      this.open.set(event.streamId, stream);
    }
    this.step(stream, event);
    if (this.options.lastVersions?.get(event.streamId) === event.streamVersion) {
      this.open.delete(event.streamId);
      this.owners.delete(event.streamId);
      this.finished.set(event.streamId, { applied: stream.applied, passed: stream.passed, deadLettered: stream.deadLettered });
      this.options.onFinished?.(event.streamId, stream);
    }
  }

  private step(stream: FoldedSnapshot, event: PublishedEvent): void {
    let owner = this.owners.get(event.streamId);
    if (!owner) this.owners.set(event.streamId, (owner = new FactMapOwner()));
    const step = projectEvent(stream, event, owner);
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

  /** Forgets streams whose events another path applies again: their snapshots (or finished counts), dead letters and counts. */
  forget(streamIds: Iterable<string>): void {
    const gone = new Set(streamIds);
    for (const id of gone) {
      const counts = this.open.get(id) ?? this.finished.get(id);
      this.open.delete(id);
      this.owners.delete(id);
      this.finished.delete(id);
      this.reopened.delete(id);
      if (!counts) continue;
      this.applied -= counts.applied;
      this.skipped -= counts.passed;
      this.deadLettered -= counts.deadLettered;
    }
    if (gone.size === 0) return;
    let kept = 0;
    for (const letter of this.deadLetters) if (!gone.has(letter.event.streamId)) this.deadLetters[kept++] = letter;
    this.deadLetters.length = kept;
  }
}
