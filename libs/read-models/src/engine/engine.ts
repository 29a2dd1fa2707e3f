import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import type { AggregateType } from '../../../contracts/src/streams.js';
import type { EventHandler, ProjectedEvent, Projection, RowChange, RowReads, TableSpec } from './projection.js';
import { asPublishedEvent, toProjectedEvent, UnprojectableEventError, type DeadLetterReason } from './published-events.js';
import { StreamView, type RowWrites } from './stream-view.js';

/** What the engine keeps per stream besides rows: the dedupe rule's version and the versions passed over. */
export interface StreamProgress {
  streamType: string;
  /** The last version applied or passed over; the next event must carry version + 1. */
  version: number;
  /** Versions passed over as dead letters (each has one). */
  skipped: number[];
  lastEventId: string | null;
  lastGlobalPosition: number | null;
  lastRecordedAt: string | null;
}

export type ApplyOutcome =
  | { outcome: 'applied'; streamId: string; version: number }
  | { outcome: 'skipped'; streamId: string; version: number }
  | { outcome: 'dead-lettered'; reason: DeadLetterReason; error: string; streamId?: string };

/** Where a message came from (kept on its dead letter). */
export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
}

export interface DeadLetterRecord {
  reason: DeadLetterReason;
  error: string;
  event?: PublishedEvent;
  /** A value that is not a published event (malformed). */
  payload?: unknown;
  /** A message that is not even JSON. */
  raw?: string;
  origin?: MessageOrigin;
}

/** A message as the engine takes it: the parsed JSON value, or the raw text of one that did not parse. */
export type EngineInput = { value: unknown; origin?: MessageOrigin } | { unparseable: { raw: string; error: string }; origin?: MessageOrigin };

/** An input after the checks that need no stored state. */
export type PreparedInput =
  | { kind: 'rejected'; deadLetter: DeadLetterRecord }
  | { kind: 'event'; published: PublishedEvent; origin?: MessageOrigin; projected: ProjectedEvent | UnprojectableEventError };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The one engine: the projection rule (dedupe, gaps, dead letters) and the read models' handlers, for the live
 * projector, a rebuild and a verification alike. It computes; a store (pg-store.ts, or memory-store.ts in tests) loads
 * what handlers read and writes what the engine computed.
 */
export class ProjectionEngine {
  readonly tables: readonly TableSpec[];
  private readonly tableOwner = new Map<string, string>();

  constructor(readonly projections: readonly Projection[]) {
    this.tables = projections.flatMap((p) => p.tables);
    for (const projection of projections) {
      for (const table of projection.tables) {
        const owner = this.tableOwner.get(table.name);
        if (owner) throw new Error(`table ${table.name} belongs to both ${owner} and ${projection.name}`);
        this.tableOwner.set(table.name, projection.name);
      }
    }
  }

  prepare(input: EngineInput): PreparedInput {
    const origin = input.origin;
    if ('unparseable' in input) return { kind: 'rejected', deadLetter: { reason: 'unparseable', error: input.unparseable.error, raw: input.unparseable.raw, ...(origin ? { origin } : {}) } };
    let published: PublishedEvent;
    try {
      published = asPublishedEvent(input.value);
    } catch (error) {
      return { kind: 'rejected', deadLetter: { reason: 'malformed', error: messageOf(error), payload: input.value, ...(origin ? { origin } : {}) } };
    }
    let projected: ProjectedEvent | UnprojectableEventError;
    try {
      projected = toProjectedEvent(published);
    } catch (error) {
      if (!(error instanceof UnprojectableEventError)) throw error;
      projected = error;
    }
    return { kind: 'event', published, projected, ...(origin ? { origin } : {}) };
  }

  /** Every row the handlers of all models read for this event. */
  readsOf(event: ProjectedEvent): RowReads {
    const keys: (readonly [string, string])[] = [];
    const tables: string[] = [];
    for (const handler of this.handlersOf(event)) {
      const reads = handler.reads?.(event);
      if (reads?.keys) keys.push(...reads.keys);
      if (reads?.tables) tables.push(...reads.tables);
    }
    return { keys, tables };
  }

  /** Rows the handlers read once they have seen the rows of their first reads (EventHandler.moreReads). */
  moreReadsOf(event: ProjectedEvent, rows: StreamView): RowReads {
    const keys: (readonly [string, string])[] = [];
    const tables: string[] = [];
    for (const handler of this.handlersOf(event)) {
      const reads = handler.moreReads?.(event, rows);
      if (reads?.keys) keys.push(...reads.keys);
      if (reads?.tables) tables.push(...reads.tables);
    }
    return { keys, tables };
  }

  /**
   * The rule for one event of a stream, given the stream's progress and its view. Version <= the stream's: skipped.
   * Version > the stream's + 1: a gap, dead-lettered, and the stream stays (nothing is applied on top of a missing
   * event). Otherwise every model's handler computes its changes; if any throws, or the event cannot be read, it is
   * dead-lettered and its version passed over, so the stream's later events still apply. All models' changes of an
   * event are applied together or not at all.
   */
  step(progress: StreamProgress | undefined, view: StreamView, input: Extract<PreparedInput, { kind: 'event' }>): { outcome: ApplyOutcome; progress?: StreamProgress; deadLetter?: DeadLetterRecord } {
    const event = input.published;
    const version = progress?.version ?? 0;
    const origin = input.origin ? { origin: input.origin } : {};
    if (event.streamVersion <= version) return { outcome: { outcome: 'skipped', streamId: event.streamId, version } };
    if (event.streamVersion > version + 1) {
      const error = `stream ${event.streamId} is at version ${version}; event version ${event.streamVersion} leaves a gap`;
      return { outcome: { outcome: 'dead-lettered', reason: 'gap', error, streamId: event.streamId }, deadLetter: { reason: 'gap', error, event, ...origin } };
    }
    const advanced = (skipped: boolean): StreamProgress => ({
      streamType: progress?.streamType ?? event.streamType,
      version: event.streamVersion,
      skipped: skipped ? [...(progress?.skipped ?? []), event.streamVersion] : (progress?.skipped ?? []),
      lastEventId: event.eventId,
      lastGlobalPosition: Number(event.globalPosition),
      lastRecordedAt: event.recordedAt,
    });
    const refuse = (reason: DeadLetterReason, error: string) => ({
      outcome: { outcome: 'dead-lettered' as const, reason, error, streamId: event.streamId },
      progress: advanced(true),
      deadLetter: { reason, error, event, ...origin },
    });
    if (input.projected instanceof UnprojectableEventError) return refuse(input.projected.reason, input.projected.message);
    const projected = input.projected;
    const changes: RowChange[] = [];
    try {
      for (const handler of this.handlersOf(projected)) changes.push(...handler.apply(projected, view));
      for (const change of changes) {
        if (!this.tableOwner.has(change.table)) throw new Error(`${projected.type} changed ${change.table}, which no read model declares`);
      }
      view.apply(changes, projected.globalPosition, projected.recordedAt);
    } catch (error) {
      return refuse('handler-failed', messageOf(error));
    }
    return { outcome: { outcome: 'applied', streamId: event.streamId, version: event.streamVersion }, progress: advanced(false) };
  }

  private handlersOf(event: ProjectedEvent): EventHandler[] {
    const handlers: EventHandler[] = [];
    for (const projection of this.projections) {
      const forStream = projection.handlers[event.streamType as AggregateType] as Record<string, EventHandler> | undefined;
      const handler = forStream?.[event.type];
      if (handler) handlers.push(handler);
    }
    return handlers;
  }
}

/** Rows to load for a run: per table, keys of some streams and whole streams. */
export interface RowLoadRequest {
  table: string;
  /** stream id → keys */
  keys: Map<string, Set<string>>;
  /** streams whose open rows in the table are all needed */
  wholeStreams: Set<string>;
}

/** What a store offers the engine: the progress of streams, and their open rows. */
export interface ProjectionSource {
  /**
   * The progress of streams that have any, locked for the caller's transaction where the store has transactions (two
   * projector instances during a rebalance then take turns on a stream, a new one included).
   */
  loadProgress(streams: readonly { id: string; type: string }[]): Promise<Map<string, StreamProgress>>;
  /** Open rows, per request: [stream, key, row]. */
  loadRows(requests: readonly RowLoadRequest[]): Promise<Map<string, { stream: string; key: string; row: Record<string, unknown> }[]>>;
}

/** What a run computed: the store writes it in one transaction (with the checkpoint). */
export interface RunResult {
  outcomes: ApplyOutcome[];
  writes: RowWrites;
  progress: Map<string, StreamProgress>;
  deadLetters: DeadLetterRecord[];
}

/**
 * Applies a run of messages: progress and declared rows are loaded once for the whole run (one query per table), the
 * events are stepped in order in memory, and what changed comes back to be written at once.
 */
export async function computeRun(engine: ProjectionEngine, source: ProjectionSource, inputs: readonly EngineInput[]): Promise<RunResult> {
  const prepared = inputs.map((input) => engine.prepare(input));
  const events = prepared.filter((p): p is Extract<PreparedInput, { kind: 'event' }> => p.kind === 'event');
  const streamTypes = new Map(events.map((e) => [e.published.streamId, e.published.streamType]));
  const streamIds = [...streamTypes.keys()];
  const stored = streamIds.length ? await source.loadProgress([...streamTypes].map(([id, type]) => ({ id, type }))) : new Map<string, StreamProgress>();
  const writes: RowWrites = { inserts: [], closings: [] };
  const views = new Map<string, StreamView>();
  for (const streamId of streamIds) views.set(streamId, new StreamView(streamId, writes, !stored.has(streamId)));

  const requests = new Map<string, RowLoadRequest>();
  const requestOf = (table: string) => {
    let request = requests.get(table);
    if (!request) requests.set(table, (request = { table, keys: new Map(), wholeStreams: new Set() }));
    return request;
  };
  for (const input of events) {
    if (input.projected instanceof UnprojectableEventError || !stored.has(input.published.streamId)) continue;
    const stream = input.published.streamId;
    const reads = engine.readsOf(input.projected);
    for (const table of reads.tables ?? []) requestOf(table).wholeStreams.add(stream);
    for (const [table, key] of reads.keys ?? []) {
      const request = requestOf(table);
      let keys = request.keys.get(stream);
      if (!keys) request.keys.set(stream, (keys = new Set()));
      keys.add(key);
    }
  }
  if (requests.size) {
    const loaded = await source.loadRows([...requests.values()]);
    for (const request of requests.values()) {
      const rows = loaded.get(request.table) ?? [];
      const byStream = new Map<string, [string, Record<string, unknown>][]>();
      for (const { stream, key, row } of rows) {
        let list = byStream.get(stream);
        if (!list) byStream.set(stream, (list = []));
        list.push([key, row]);
      }
      const streams = new Set([...request.keys.keys(), ...request.wholeStreams]);
      for (const stream of streams) {
        const whole = request.wholeStreams.has(stream);
        views.get(stream)!.load(request.table, byStream.get(stream) ?? [], whole, whole ? [] : [...(request.keys.get(stream) ?? [])]);
      }
    }
  }

  /** Loads what the views do not know yet, one query per table. */
  const load = async (wanted: Map<string, { table: string; keys: Set<string>; whole: boolean; stream: string }>) => {
    const byTable = new Map<string, RowLoadRequest>();
    for (const { table, keys, whole, stream } of wanted.values()) {
      let request = byTable.get(table);
      if (!request) byTable.set(table, (request = { table, keys: new Map(), wholeStreams: new Set() }));
      if (whole) request.wholeStreams.add(stream);
      else request.keys.set(stream, keys);
    }
    const loaded = await source.loadRows([...byTable.values()]);
    for (const { table, keys, whole, stream } of wanted.values()) {
      const rows = (loaded.get(table) ?? []).filter((r) => r.stream === stream).map((r) => [r.key, r.row] as const);
      views.get(stream)!.load(table, rows, whole, whole ? [] : [...keys]);
    }
  };

  const progress = new Map<string, StreamProgress>();
  const outcomes: ApplyOutcome[] = [];
  const deadLetters: DeadLetterRecord[] = [];
  for (const input of prepared) {
    if (input.kind === 'rejected') {
      deadLetters.push(input.deadLetter);
      outcomes.push({ outcome: 'dead-lettered', reason: input.deadLetter.reason, error: input.deadLetter.error });
      continue;
    }
    const streamId = input.published.streamId;
    const view = views.get(streamId)!;
    const before = progress.get(streamId) ?? stored.get(streamId);
    if (!(input.projected instanceof UnprojectableEventError) && input.published.streamVersion === (before?.version ?? 0) + 1) {
      // A handler that reads more once it has seen its first rows (rare events, e.g. recomputing an aggregate when the
      // fact it shows is retracted): loaded now, against the view as the run's earlier events left it.
      let more: ReturnType<ProjectionEngine['moreReadsOf']>;
      try {
        more = engine.moreReadsOf(input.projected, view);
      } catch {
        more = {};
      }
      const wanted = new Map<string, { table: string; keys: Set<string>; whole: boolean; stream: string }>();
      for (const table of more.tables ?? []) if (!view.isComplete(table)) wanted.set(table, { table, keys: new Set(), whole: true, stream: streamId });
      for (const [table, key] of more.keys ?? []) {
        if (view.knows(table, key) || wanted.get(table)?.whole) continue;
        const entry = wanted.get(table) ?? { table, keys: new Set<string>(), whole: false, stream: streamId };
        entry.keys.add(key);
        wanted.set(table, entry);
      }
      if (wanted.size) await load(wanted);
    }
    const step = engine.step(before, view, input);
    outcomes.push(step.outcome);
    if (step.progress) progress.set(streamId, step.progress);
    if (step.deadLetter) deadLetters.push(step.deadLetter);
  }
  return { outcomes, writes, progress, deadLetters };
}
