import v8 from 'node:v8';
import type pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import { asPublishedEvent, type ProjectedAggregate } from './aggregates.js';
import { projectEvent } from './projection-fold.js';
import {
  checkpointParams,
  checkpointStatement,
  deadLetter,
  holdReadModelsApplyLock,
  OWNED_TABLES,
  PROJECTION_NAME,
  recordedAtOf,
  schemaIdent,
  type ApplyOutcome,
  type Checkpoint,
  type DeadLetterReason,
} from './projector-store.js';
import { checkUpserted, RowChanges, upsertStatement } from './row-diff.js';
import type { ReadModelTable, RowSet } from './shared/row-set.js';
import { StateJson } from './state-json.js';

export interface BatchItem {
  /** The parsed value of a Kafka message (or a PublishedEvent). */
  value: unknown;
  origin?: { topic: string; partition: number; offset: string };
}

interface StreamWork {
  streamId: string;
  version: number;
  state: unknown;
  skipped: number[];
  /** The state the tables reflect at the start of the batch. */
  baseState: unknown;
  /** rows(baseState), when the snapshot cache had them. */
  baseRows?: RowSet | undefined;
  /** The JSON text of baseState (with its top-level values' texts), when the snapshot cache had it. */
  baseJson?: StateJson | undefined;
  /** rows(state), once built. */
  rows?: RowSet;
  aggregate?: ProjectedAggregate;
  /** An event was applied: the owned rows may have changed. */
  applied: boolean;
  /** The snapshot row must be written (applied, or a version skipped). */
  touched: boolean;
  last?: PublishedEvent;
}

interface CachedSnapshot {
  /** projection_snapshots.updated_at (as text) of the row this process wrote. */
  updatedAt: string;
  state: unknown;
  rows: RowSet | undefined;
  /** The state's JSON text, kept per top-level value (StateJson): the next write stringifies only what is new. */
  json?: StateJson | undefined;
}

/**
 * Heap bytes a cached stream takes per character of its state's JSON: the parsed state (1.6–1.8), its rows (0.9) and
 * its JSON text (StateJson, 1.0). Measured with --expose-gc on work streams of 80 and 150 milestones (29,000 and 54,000
 * characters of state).
 */
export const CACHED_BYTES_PER_STATE_CHAR = 3.7;

/**
 * Share of the process's heap limit the default snapshot cache may fill. The rest holds the app, kafkajs's fetched
 * batches and a transaction's states (bounded by weight in the projector). Measured on the projector app (192 MB of old
 * space) draining works of 80 edits: at 45 % it spent most of its time collecting garbage, at 30 % its RSS reached
 * 300–312 MB, at 20 % 268 MB; at 2 % (next to no cache) it used ≈30 % more CPU. The cache pays only while it holds most
 * of the streams being edited: on 1,000 works of 110 edits (40,000 characters of state each, three times what fits) the
 * CPU per event was the same at 1 %, 12 % and 20 % (1.59, 1.64 and 1.57 ms; 35 %: 1.85 ms), the RSS 190, 252 and
 * 277–287 MB; on 300 such works 0.53, 0.48 and 0.44 ms (bench/projector-history.ts --app). 12 % keeps the projector
 * under 300 MB with room for the rest of its heap, for at most a tenth more CPU where a larger cache would hold it all.
 */
export const SNAPSHOT_CACHE_HEAP_SHARE = 0.12;

/**
 * The default weight bound: SNAPSHOT_CACHE_HEAP_SHARE of the heap limit (V8's: the projector's --max-old-space-size of
 * 192 MB, scripts/app-node-args.ts, gives 240 MB, so ≈8 million characters, 29 MB: a thousand works of 7 edits, 270 of
 * 80), at most 24 million characters (the bound before it was sized by the heap) where the heap is not capped.
 */
export function defaultSnapshotCacheWeight(heapLimitBytes = v8.getHeapStatistics().heap_size_limit): number {
  return Math.min(24_000_000, Math.floor((heapLimitBytes * SNAPSHOT_CACHE_HEAP_SHARE) / CACHED_BYTES_PER_STATE_CHAR));
}

/**
 * The states (and their rows and JSON text) this process last wrote, so that the next batch of the same streams
 * neither reads the state back (tens of KB of JSON on a long stream, parsed by the client every batch) nor builds its
 * old rows nor stringifies its unchanged facts again. An entry is used only while the snapshot row still carries the
 * updated_at this process's write gave it: any other write (the one-event fallback, a rebuild's schema swap, another
 * projector after a rebalance) changes it, and a rolled-back batch leaves the older one, so the state is read from the
 * row instead. The domain's evolve never mutates a state, so a cached one stays valid as a base.
 *
 * Bounded by a number of streams and by weight (the states' JSON length). Past either bound, a stream picked at
 * random goes: edits come round robin over the works being edited, and a least-recently-written rule then forgets
 * each stream just before its next edit, so a working set a little larger than the cache got no hits at all (measured:
 * 13 % at 1,000 works of 80 edits against a 24-million-character bound). A random pick keeps a share of them in
 * proportion to the room.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, { entry: CachedSnapshot; weight: number; slot: number }>();
  /** The cached stream ids, in no order: a random slot is evicted in constant time (the last moves into it). */
  private readonly slots: string[] = [];
  private weight = 0;
  /** A running mean of the weights written: the guess for a stream the cache does not hold. */
  private meanWeight = 0;
  private written = 0;

  constructor(
    readonly capacity = 10_000,
    readonly maxWeight = defaultSnapshotCacheWeight(),
    private readonly random: () => number = Math.random,
  ) {}

  get(streamId: string): CachedSnapshot | undefined {
    return this.entries.get(streamId)?.entry;
  }

  /**
   * The weight of a stream's state as last written (its JSON length), or the mean of the states written lately when the
   * cache does not hold it: what a caller bounding a transaction by the states it touches counts for the stream.
   */
  weightOf(streamId: string): number {
    return this.entries.get(streamId)?.weight ?? Math.round(this.meanWeight);
  }

  set(streamId: string, entry: CachedSnapshot, weight: number): void {
    // The mean of the states written, over roughly the last thousand once there are that many.
    this.written += 1;
    this.meanWeight += (weight - this.meanWeight) / Math.min(this.written, 1_000);
    this.delete(streamId);
    // Heavier than the bound on its own: nothing fits beside it, nor it.
    if (weight > this.maxWeight) return;
    while (this.entries.size > 0 && (this.entries.size >= this.capacity || this.weight + weight > this.maxWeight)) {
      this.delete(this.slots[Math.floor(this.random() * this.slots.length)]!);
    }
    this.entries.set(streamId, { entry, weight, slot: this.slots.push(streamId) - 1 });
    this.weight += weight;
  }

  private delete(streamId: string): void {
    const held = this.entries.get(streamId);
    if (!held) return;
    this.entries.delete(streamId);
    this.weight -= held.weight;
    const last = this.slots.pop()!;
    if (last !== streamId) {
      this.slots[held.slot] = last;
      this.entries.get(last)!.slot = held.slot;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The states' JSON length held. */
  get totalWeight(): number {
    return this.weight;
  }
}

export interface BatchOptions {
  projection?: string;
  /** The caller's cache of the snapshots it wrote (one per consumer and schema); without it, every state is read. */
  cache?: SnapshotCache;
  /**
   * Kafka progress to record, in the same statement as the batch's row and snapshot writes (see saveCheckpoint): one
   * per partition whose messages the batch holds (at most one per topic and partition).
   */
  checkpoints?: readonly Checkpoint[];
  /** The caller began the transaction with beginWithApplyLock: the apply lock is held already. */
  applyLockHeld?: boolean;
}

/**
 * The projection rule of applyEventInTransaction for a whole batch of messages, in one transaction: the same skips,
 * gaps and dead letters event by event, but each stream's snapshot is read once, folded in memory, and its rows and
 * snapshot are written once at the end — a handful of statements per batch instead of a dozen per event.
 *
 * A failure to build or write rows cannot be pinned on one event here: the caller rolls back and applies that batch
 * event by event with applyEvent, which dead-letters the one that fails. Outcomes are in input order.
 */
export async function applyEventsInTransaction(client: pg.ClientBase, schema: string, items: readonly BatchItem[], options: BatchOptions = {}): Promise<ApplyOutcome[]> {
  const s = schemaIdent(schema);
  const projection = options.projection ?? PROJECTION_NAME;
  if (!options.applyLockHeld) await holdReadModelsApplyLock(client);

  const parsed = items.map((item) => {
    try {
      return { item, event: asPublishedEvent(item.value) };
    } catch (error) {
      return { item, error };
    }
  });
  const streams = await lockSnapshots(client, s, parsed.flatMap((p) => (p.event ? [[p.event.streamId, p.event.streamType] as const] : [])), options.cache);

  const outcomes: ApplyOutcome[] = [];
  const reject = async (reason: DeadLetterReason, error: unknown, item: BatchItem, event?: PublishedEvent) =>
    deadLetter(client, schema, { projection, reason, error, ...(event ? { event } : { payload: item.value }), origin: item.origin });

  for (const { item, event, error } of parsed) {
    if (!event) {
      outcomes.push(await reject('malformed', error, item));
      continue;
    }
    const work = streams.get(event.streamId)!;
    const step = projectEvent(work, event);
    if (step.outcome === 'skipped') {
      outcomes.push({ outcome: 'skipped', streamId: event.streamId, version: work.version });
    } else if (step.outcome === 'gap') {
      outcomes.push(await reject('gap', step.error, item, event));
    } else if (step.outcome === 'applied') {
      // Rows are built once per stream at the end (building them per event is quadratic on a long stream); if a row
      // builder throws there, the whole run fails and the caller applies it event by event, which pins it on its event.
      Object.assign(work, { state: step.state, aggregate: step.aggregate, version: event.streamVersion, applied: true, touched: true, last: event });
      outcomes.push({ outcome: 'applied', streamId: event.streamId, version: event.streamVersion });
    } else {
      // As applyEventInTransaction: the version is passed over so the stream's later events still apply.
      Object.assign(work, { version: event.streamVersion, touched: true, last: event });
      work.skipped.push(event.streamVersion);
      outcomes.push(await reject(step.reason, step.error, item, event));
    }
  }

  await writeBatch(client, s, [...streams.values()], options);
  return outcomes;
}

/**
 * Locks all of the batch's snapshot rows (in id order, FOR UPDATE), creating the missing ones first. The state comes
 * back only for streams whose cached entry is missing or stale. One statement when every stream has its row (all but a
 * stream's first batch); rows are created only for the streams that have none (an ON CONFLICT DO UPDATE here wrote a
 * new version of every snapshot row in every batch, only to lock it).
 */
async function lockSnapshots(client: pg.ClientBase, s: string, refs: readonly (readonly [string, string])[], cache: SnapshotCache | undefined): Promise<Map<string, StreamWork>> {
  const unique = new Map(refs.map(([id, type]) => [id, type]));
  const ids = [...unique.keys()].sort();
  const locked = ids.length > 0 ? await selectForUpdate(client, s, ids, cache) : [];
  if (locked.length < ids.length) {
    const found = new Set(locked.map((row) => row.stream_id));
    const missing = ids.filter((id) => !found.has(id));
    await client.query(
      `INSERT INTO ${s}.projection_snapshots (stream_id, stream_type)
       SELECT id, type FROM unnest($1::text[], $2::text[]) AS u(id, type) ORDER BY id
       ON CONFLICT (stream_id) DO NOTHING`,
      [missing, missing.map((id) => unique.get(id))],
    );
    locked.push(...(await selectForUpdate(client, s, missing, cache)));
  }
  return new Map(
    locked.map((row) => {
      const entry = row.cached ? cache!.get(row.stream_id)! : undefined;
      const state = entry ? entry.state : row.state;
      return [
        row.stream_id,
        { streamId: row.stream_id, version: row.version, state, baseState: state, baseRows: entry?.rows, baseJson: entry?.json, skipped: [...row.skipped_versions], applied: false, touched: false },
      ];
    }),
  );
}

interface LockedSnapshot {
  stream_id: string;
  version: number;
  state: unknown;
  skipped_versions: number[];
  updated_at: string;
  cached: boolean;
}

async function selectForUpdate(client: pg.ClientBase, s: string, ids: readonly string[], cache: SnapshotCache | undefined): Promise<LockedSnapshot[]> {
  const cachedIds: string[] = [];
  const cachedAt: string[] = [];
  for (const id of ids) {
    const entry = cache?.get(id);
    if (entry) {
      cachedIds.push(id);
      cachedAt.push(entry.updatedAt);
    }
  }
  const { rows } = await client.query<LockedSnapshot>(
    prepared(
      `SELECT p.stream_id, p.version, p.skipped_versions, p.updated_at::text AS updated_at,
       coalesce(p.updated_at = c.updated_at, false) AS cached,
       CASE WHEN p.updated_at = c.updated_at THEN NULL ELSE p.state END AS state
     FROM ${s}.projection_snapshots AS p LEFT JOIN unnest($2::text[], $3::timestamptz[]) AS c(stream_id, updated_at) USING (stream_id)
     WHERE p.stream_id = ANY($1::text[]) ORDER BY p.stream_id FOR UPDATE OF p`,
      [ids, cachedIds, cachedAt],
    ),
  );
  return rows;
}

const statementNames = new Map<string, string>();

/**
 * A named (prepared) statement: each connection parses, analyses and plans it once, then only binds and executes it.
 * Parsing and planning these statements (dozens of columns, WITH queries) was about half of what PostgreSQL spent on
 * a batch. The name stands for the exact text, so two texts never share one. A schema rename (a rebuild's swap)
 * invalidates every cached plan, so the names are looked up again after it.
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name) {
    // The texts differ only by schema and by which tables a batch writes: a handful. Past the cap (many schemas over
    // a long life) a statement goes unnamed, as before, rather than holding ever more prepared statements per connection.
    if (statementNames.size >= 500) return { text, values };
    name = `read_models_batch_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

/**
 * Writes what the batch changed, in one statement after the deletes (if any): the row changes of every stream an event
 * was applied to (its rows computed from the state at the start of the batch, which the tables hold, against those of
 * its state now; one upsert per table for all streams), the snapshot of every touched stream, and the checkpoint.
 * The parts are data-modifying WITH queries on different tables, so none sees or depends on another's writes.
 */
async function writeBatch(client: pg.ClientBase, s: string, streams: readonly StreamWork[], options: BatchOptions): Promise<void> {
  const changes = new RowChanges();
  for (const work of streams) {
    if (!work.applied) continue;
    const aggregate = work.aggregate!;
    work.rows = aggregate.rows(work.state);
    changes.add(work.streamId, OWNED_TABLES[aggregate.type], work.baseRows ?? (work.baseState ? aggregate.rows(work.baseState) : undefined), work.rows);
  }
  // Deletes first, in statements of their own: a key removed from one stream may be added by another in this batch,
  // and one statement's parts would not see the delete.
  await changes.writeDeletes(client, s);

  const params: unknown[] = [];
  const parts: string[] = [];
  const counts: string[] = [];
  const upserted: { table: ReadModelTable; sent: number; column: string }[] = [];
  for (const [table, rows] of changes.upserts) {
    const column = `upserted_${upserted.length}`;
    parts.push(`${column} AS (${upsertStatement(s, table, `$${params.push(JSON.stringify(rows))}`)})`);
    counts.push(`(SELECT count(*)::integer FROM ${column}) AS ${column}`);
    upserted.push({ table, sent: rows.length, column });
  }

  const touched = streams.filter((w) => w.touched);
  // The states travel as one text parameter, one per line (JSON.stringify never writes a raw line break, and a stream
  // without state is an empty line), split by string_to_array: one statement text for any number of streams (so it
  // can be prepared), and no escaping into an array literal on either side (that was a pass over every state). Each is
  // cast to json once, verbatim, so key order (the order facts were stated) is kept as on the one-event path. The
  // other columns travel as arrays, all zipped by unnest.
  // Each state's text reuses its cached base's text for what did not change (StateJson): on a long stream,
  // stringifying its whole state for every batch was the largest cost of a batch.
  const json = touched.map((work) => (work.state === undefined || work.state === null ? undefined : StateJson.of(work.state, work.baseJson)));
  const states = json.map((state) => (state === undefined ? null : state.text));
  if (touched.length > 0) {
    const first = params.length + 1;
    params.push(
      touched.map((work) => work.streamId),
      touched.map((work) => work.version),
      touched.map((work) => `{${work.skipped.join(',')}}`),
      touched.map((work) => work.last!.eventId),
      touched.map((work) => work.last!.globalPosition),
      touched.map((work) => recordedAtOf(work.last!)),
      states.map((state) => state ?? '').join('\n'),
    );
    const p = (i: number) => `$${first + i}`;
    parts.push(`snapshots AS (UPDATE ${s}.projection_snapshots AS p SET
       version = u.version, state = nullif(u.state, '')::json, skipped_versions = u.skipped::integer[],
       last_event_id = u.last_event_id, last_global_position = u.last_global_position, last_recorded_at = u.last_recorded_at, updated_at = now()
     FROM unnest(${p(0)}::text[], ${p(1)}::integer[], ${p(2)}::text[], ${p(3)}::uuid[], ${p(4)}::bigint[], ${p(5)}::timestamptz[], string_to_array(${p(6)}::text, E'\\n'))
       AS u(stream_id, version, skipped, last_event_id, last_global_position, last_recorded_at, state)
     WHERE p.stream_id = u.stream_id
     RETURNING p.stream_id, p.updated_at::text AS updated_at)`);
  }
  for (const [index, checkpoint] of (options.checkpoints ?? []).entries()) {
    parts.push(`checkpoint_${index} AS (${checkpointStatement(s, params.length + 1)})`);
    params.push(...checkpointParams(checkpoint));
  }
  if (parts.length === 0) return;

  const select = touched.length > 0 ? `SELECT stream_id, updated_at${counts.map((c) => `, ${c}`).join('')} FROM snapshots` : `SELECT ${['1 AS one', ...counts].join(', ')}`;
  const { rows } = await client.query<Record<string, unknown> & { stream_id: string; updated_at: string }>(prepared(`WITH ${parts.join(',\n')}\n${select}`, params));
  // Every touched stream's row is locked by this transaction, so each is updated.
  if (touched.length > 0 && rows.length !== touched.length) throw new Error(`${touched.length - rows.length} of ${touched.length} snapshot rows were not updated`);
  for (const { table, sent, column } of upserted) checkUpserted(table, sent, rows[0]![column] as number);

  const cache = options.cache;
  if (!cache || touched.length === 0) return;
  const written = new Map(touched.map((work, index) => [work.streamId, { work, json: json[index] }]));
  for (const row of rows) {
    const { work, json: stateJson } = written.get(row.stream_id)!;
    // A stream whose events were all passed over keeps its state, and so its rows.
    cache.set(row.stream_id, { updatedAt: row.updated_at, state: work.state, rows: work.applied ? work.rows : work.baseRows, json: stateJson }, stateJson?.text.length ?? 0);
  }
}
