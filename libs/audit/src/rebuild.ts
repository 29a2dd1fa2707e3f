import type pg from 'pg';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import type { StoredEvent } from '../../event-store/src/event-store.types.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../../event-store/src/event-rows.js';
import { toPublishedEvent } from '../../messaging/src/published-event.js';
import { applyEventsInTransaction } from '../../read-models/src/batch-apply.js';
import { BulkLoad, bulkWriteFold, writeDeadLetters, type LoadConnection } from '../../read-models/src/bulk-write.js';
import { ProjectionFold } from '../../read-models/src/projection-fold.js';
import { applyEventInTransaction, READ_MODELS_APPLY_LOCK_KEY, schemaIdent, type ApplyOutcome } from '../../read-models/src/projector-store.js';
import type { ReadModelTable } from '../../read-models/src/shared/row-set.js';
import { compareSchemas, type Difference } from './compare.js';
import { ALL_MODEL_TABLES, BOOKKEEPING_TABLES, LIVE_SCHEMA, OLD_SCHEMA, SHADOW_SCHEMA } from './models.js';
import { readLogPages, withStoredMetadata } from './log-reader.js';
import { createShadowSchema, createTempShadow } from './shadow-schema.js';

export interface ApplyTally {
  /** The last global position read (exclusive start of the next read). */
  after: string;
  events: number;
  applied: number;
  skipped: number;
  deadLettered: number;
}

interface ApplyLogOptions {
  after: string;
  batchSize: number;
  /** Apply only the events this accepts (the others are read and passed over). */
  accept?: (event: StoredEvent) => boolean;
  /** Stop once this position has been read (writers may append faster than a replay applies). */
  until?: bigint;
}

function emptyTally(after: string): ApplyTally {
  return { after, events: 0, applied: 0, skipped: 0, deadLettered: 0 };
}

function count(tally: ApplyTally, outcome: ApplyOutcome): void {
  if (outcome.outcome === 'applied') tally.applied += 1;
  else if (outcome.outcome === 'skipped') tally.skipped += 1;
  else tally.deadLettered += 1;
}

/**
 * The projector's batch path (snapshots read once, rows written once per stream) under a savepoint; if the batch
 * fails it is rolled back to the savepoint and applied event by event, as the projector does, so a row write that
 * fails is dead-lettered on its own event exactly as it was live.
 */
async function applyBatch(client: pg.ClientBase, schema: string, events: readonly StoredEvent[], tally: ApplyTally): Promise<void> {
  if (events.length === 0) return;
  await client.query('SAVEPOINT replay_batch');
  try {
    const outcomes = await applyEventsInTransaction(client, schema, events.map((event) => ({ value: toPublishedEvent(event) })));
    await client.query('RELEASE SAVEPOINT replay_batch');
    for (const outcome of outcomes) count(tally, outcome);
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT replay_batch');
    for (const event of events) count(tally, await applyEventInTransaction(client, schema, toPublishedEvent(event)));
  }
}

/**
 * The catch-up of a rebuild, inside the caller's transaction: reads the log in position order through the event
 * store's gated readAll (never past a transaction that may still commit) and applies it batch by batch with the
 * projector's batch path into `schema`. Stops when readAll returns nothing more or `until` is read.
 */
export async function applyLog(client: pg.ClientBase, store: PostgresEventStore, schema: string, options: ApplyLogOptions, tally = emptyTally(options.after)): Promise<ApplyTally> {
  for (;;) {
    if (options.until !== undefined && BigInt(tally.after) >= options.until) return tally;
    const events = await store.readAll({ after: tally.after, limit: options.batchSize });
    if (events.length === 0) return tally;
    tally.events += events.length;
    await applyBatch(client, schema, options.accept ? events.filter(options.accept) : events, tally);
    tally.after = events[events.length - 1]!.globalPosition;
  }
}

/** Where the first phase of a rebuild spent its time. Reading, folding and writing overlap; each is what it held the fold up. */
export interface PhaseTimings {
  /** Waiting for the next page of the log (fetched while the previous one is folded). */
  readMs: number;
  /** Folding in memory (parsing each event, the projector's rule) and turning finished streams into COPY text. */
  foldMs: number;
  /**
   * Waiting for PostgreSQL to take the COPYs while folding (it loads while the fold goes on; the fold waits only when
   * it is ahead by a few chunks), then the rest: the streams still open at the end, dead letters, streams that needed
   * the event-by-event path, the deferred indexes, the commit.
   */
  writeMs: number;
  /** Of writeMs: building the deferred indexes after the load (the primary keys of the loaded tables, then the secondary indexes). */
  indexMs: number;
  /** Streams whose rows the bulk write could not settle, applied again event by event (see bulkWriteFold). */
  streamsAppliedOneByOne: number;
}

/** What a rebuild is doing, for a progress display: folding the log (read, fold and COPY overlap), then the rest of the write. */
export type RebuildPhase = 'fold' | 'write' | 'indexes' | 'swap';

const now = () => performance.now();

interface FoldLogOptions {
  until: bigint;
  /** Each stream's version at `until` (logHead): a stream is written as soon as the fold has its last event. */
  lastVersions?: ReadonlyMap<string, number>;
  pageSize: number;
  readOnly?: boolean;
  /**
   * Statements that make the primary keys of the loaded tables (createShadowSchema's deferredKeys): run as soon as the
   * load is in, before anything else writes the tables; a duplicate key fails them as it would have failed a COPY.
   */
  deferredKeys?: readonly string[];
  deferredIndexes?: readonly string[];
  onBatch?: (tally: ApplyTally) => void;
  onPhase?: (phase: RebuildPhase) => void;
  /** COPY bytes per transaction of the load; default COMMIT_EVERY. */
  commitEvery?: number;
}

/** A load the tables refused (a COPY or a key): the caller rolls back to its savepoint and writes carefully. */
class LoadRefused extends Error {
  constructor(readonly refusal: unknown) {
    super(`the bulk load was refused: ${refusal instanceof Error ? refusal.message : String(refusal)}`);
  }
}

/**
 * The first phase of a rebuild, into the EMPTY tables of `schema`: the log up to `until`, read in
 * position order through the gate (readLogPages), folded in memory with the projector's own rule (ProjectionFold: the
 * same evolve, upcasters, skips, gaps and dead letters), every stream's rows and snapshot written once, by COPY.
 *
 * The three overlap: the next page is fetched while one is folded, and a stream is written as soon as the fold has
 * its last event (`lastVersions`, read with `until` in one snapshot), by COPYs that PostgreSQL runs while the fold
 * goes on (BulkLoad); the fold keeps only the states of the streams it is in the middle of. Streams still open at the
 * end (appended to after `until` was read, or cut off by the gate) are written then.
 *
 * A stream whose rows cannot be built, or that turns out to have an event after the one `lastVersions` said was its
 * last, is applied again event by event through the projector's batch path (applyBatch), which pins a failure on its
 * event as live. If the tables refuse a COPY, the load is emptied and done again the careful way (the log folded
 * whole, then bulkWriteFold's group-by-group write, which finds the streams the refused rows belong to).
 * With `deferredKeys`, the tables are loaded without their primary keys, which are built right after the load; a key
 * that cannot be built (a duplicate row) is a refusal like a refused COPY. The careful way builds them first.
 * The load commits every COMMIT_EVERY bytes (a long transaction would hold back every gated reader of the log);
 * the rest — streams still open, dead letters, streams applied event by event, `deferredIndexes` — is one transaction.
 */
async function foldLogInto(client: pg.ClientBase, pool: pg.Pool, schema: string, given: FoldLogOptions): Promise<{ tally: ApplyTally; timings: PhaseTimings }> {
  let phase: RebuildPhase | undefined;
  const options: FoldLogOptions = { ...given, onPhase: (next) => next !== phase && given.onPhase?.((phase = next)) };
  const tally = emptyTally('0');
  const timings: PhaseTimings = { readMs: 0, foldMs: 0, writeMs: 0, indexMs: 0, streamsAppliedOneByOne: 0 };
  options.onPhase?.('fold');
  const begin = async () => {
    await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN READ WRITE');
    // Crash-safe without waiting for the flush: the swap's own commit is synchronous and comes after these in the WAL,
    // so a swap that survives a crash finds the load committed; a load lost in a crash was never swapped in.
    if (!options.readOnly) await client.query('SET LOCAL synchronous_commit = off');
  };
  await begin();
  const buildKeys = async () => {
    if ((options.deferredKeys ?? []).length === 0) return;
    const building = now();
    await client.query(SORT_MEMORY_SQL, [INDEX_SORT_MEMORY]);
    for (const statement of options.deferredKeys ?? []) await client.query(statement);
    // Part of the write (after the load, before the rest of it), and index building.
    timings.writeMs += now() - building;
    timings.indexMs += now() - building;
  };
  try {
    let fold: ProjectionFold;
    let unsettled: Set<string>;
    let reopened: string[] = [];
    try {
      // The load commits every few MB: a transaction that has written holds the gate of every reader of the log
      // (the outbox relay's too) at its transaction id, so one transaction for the whole load would hold back the
      // events appended meanwhile from Kafka for as long as the rebuild runs. The shadow is not live until the swap.
      const commit = async () => {
        await client.query('COMMIT');
        await begin();
      };
      ({ fold, unsettled } = await streamLoad(pool, schema, { ...options, rows: { client, commit } }, tally, timings));
      await buildKeys().catch((error: unknown) => {
        throw new LoadRefused(error);
      });
      reopened = [...fold.reopened];
    } catch (error) {
      if (!(error instanceof LoadRefused)) throw error;
      // Start again with empty tables (part of the load may be committed), the careful way.
      await client.query('ROLLBACK');
      await begin();
      const s = schemaIdent(schema);
      const loaded = [...ALL_MODEL_TABLES, 'projection_snapshots'].map((table) => `${s}.${table}`);
      // TRUNCATE is refused in a READ ONLY transaction, even on temporary tables.
      if (options.readOnly) for (const table of loaded) await client.query(`DELETE FROM ${table}`);
      else await client.query(`TRUNCATE ${loaded.join(', ')}`);
      // The keys first: the careful write relies on them to refuse the rows a key forbids, group by group.
      await buildKeys();
      const mark = now();
      fold = new ProjectionFold();
      for await (const page of readLogPages(pool, { after: '0', until: BigInt(tally.after), pageSize: options.pageSize })) fold.add(page.events());
      await loadDeadLetterMetadata(pool, fold);
      unsettled = new Set((await bulkWriteFold(client, schema, fold, { carefully: true })).unsettled);
      timings.writeMs += now() - mark;
    }
    const mark = now();
    options.onPhase?.('write');
    for (const id of reopened) unsettled.add(id);
    fold.forget(unsettled);
    timings.streamsAppliedOneByOne = unsettled.size;
    Object.assign(tally, { applied: fold.applied, skipped: fold.skipped, deadLettered: fold.deadLettered });
    await loadDeadLetterMetadata(pool, fold);
    await writeDeadLetters(client, schema, fold, unsettled);
    if (unsettled.size > 0) {
      const ids = [...unsettled];
      // Reopened streams were written before their later event came: take their rows back out first.
      if (reopened.length > 0) {
        for (const table of ALL_MODEL_TABLES) await client.query(`DELETE FROM ${schemaIdent(schema)}.${table} WHERE owner_stream = ANY($1::text[])`, [reopened]);
        await client.query(`DELETE FROM ${schemaIdent(schema)}.projection_snapshots WHERE stream_id = ANY($1::text[])`, [reopened]);
      }
      const { rows } = await client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) AND global_position <= $2::bigint ORDER BY events.global_position`, [
        ids,
        tally.after,
      ]);
      await applyBatch(client, schema, rows.map(toStoredEvent), tally);
    }
    const indexing = now();
    if ((options.deferredIndexes ?? []).length > 0) {
      options.onPhase?.('indexes');
      // Room to sort a big index in memory rather than in temporary files (never less than the server's own setting).
      await client.query(SORT_MEMORY_SQL, [INDEX_SORT_MEMORY]);
    }
    for (const index of options.deferredIndexes ?? []) await client.query(index);
    timings.indexMs += now() - indexing;
    await client.query('COMMIT');
    timings.writeMs += now() - mark;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return { tally, timings };
}

/** A dead letter keeps the whole event: the metadata the log reader left out is loaded for the fold's dead letters. */
async function loadDeadLetterMetadata(pool: pg.Pool, fold: ProjectionFold): Promise<void> {
  const events = await withStoredMetadata(pool, fold.deadLetters.map((letter) => letter.event));
  fold.deadLetters.forEach((letter, i) => (letter.event = events[i]!));
}

/** COPY data per transaction of the load (see foldLogInto): at the loading rate, well under a second each. */
const COMMIT_EVERY = 16 << 20;

/** maintenance_work_mem for building the deferred indexes (the timeline's, over every entry, is the big one). */
const INDEX_SORT_MEMORY = '256MB';
/** Sets maintenance_work_mem to $1 for the transaction, never below the server's own setting. */
const SORT_MEMORY_SQL = `SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes(current_setting('maintenance_work_mem')), pg_size_bytes($1)) / 1024 || 'kB', true)`;

/** Events folded between two turns of the event loop (about 10 ms). */
const FOLD_SLICE = 1000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * foldLogInto's fast path: fold and stream the load; a refusal of the tables is thrown as LoadRefused. Model rows go
 * over the caller's connection (`rows`, left in an open transaction); snapshots — the bigger half of the data, with
 * a JSON check and compression per state in PostgreSQL — over a second connection of the pool, in transactions of
 * their own (committed here), so two backends load side by side. Temporary tables (`readOnly`, the verification) are
 * the caller's session's alone: everything goes over `rows` then.
 */
async function streamLoad(
  pool: pg.Pool,
  schema: string,
  options: FoldLogOptions & { rows: LoadConnection },
  tally: ApplyTally,
  timings: PhaseTimings,
): Promise<{ fold: ProjectionFold; unsettled: Set<string> }> {
  // The caller holds one connection and the log is read on one or two more: a second lane only where the pool has room.
  const second = options.readOnly || (pool.options.max ?? 10) < 4 ? undefined : await pool.connect();
  let snapshots: LoadConnection | undefined;
  if (second) {
    const begin = async () => {
      await second.query('BEGIN READ WRITE');
      await second.query('SET LOCAL synchronous_commit = off');
    };
    await begin();
    snapshots = {
      client: second,
      commit: async () => {
        await second.query('COMMIT');
        await begin();
      },
    };
  }
  try {
    const result = await foldAndLoad(pool, schema, options, { rows: options.rows, ...(snapshots ? { snapshots } : {}) }, tally, timings);
    await second?.query('COMMIT');
    return result;
  } catch (error) {
    await second?.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    second?.release();
  }
}

async function foldAndLoad(
  pool: pg.Pool,
  schema: string,
  options: FoldLogOptions,
  connections: { rows: LoadConnection; snapshots?: LoadConnection },
  tally: ApplyTally,
  timings: PhaseTimings,
): Promise<{ fold: ProjectionFold; unsettled: Set<string> }> {
  const load = new BulkLoad(schema, connections, { commitEvery: options.commitEvery ?? COMMIT_EVERY });
  const fold = new ProjectionFold({ ...(options.lastVersions ? { lastVersions: options.lastVersions } : {}), onFinished: (id, stream) => load.add(id, stream) });
  const loaded = async (step: Promise<void>) => {
    try {
      await step;
    } catch (error) {
      throw new LoadRefused(error);
    }
  };
  let mark = now();
  for await (const page of readLogPages(pool, { after: '0', until: options.until, pageSize: options.pageSize })) {
    timings.readMs += now() - mark;
    // A slice at a time, then back to the event loop: the sockets move only there — the COPY text queued for
    // PostgreSQL, a finished COPY's answer (the next one waits for it), the next page arriving. Folding a whole page
    // in one go left PostgreSQL waiting for data most of the time.
    const events = page.events()[Symbol.iterator]();
    for (let done = false; !done; ) {
      const folding = now();
      done = fold.addSome(events, FOLD_SLICE) < FOLD_SLICE;
      const writing = now();
      timings.foldMs += writing - folding;
      await loaded(load.drain());
      await yieldToEventLoop();
      timings.writeMs += now() - writing;
    }
    tally.events += page.size;
    tally.after = page.lastPosition;
    mark = now();
    options.onBatch?.(tally);
  }
  // The streams still open: appended to after `until` was read, or cut off by the gate (the swap catches them up).
  options.onPhase?.('write');
  mark = now();
  let added = 0;
  for (const [id, stream] of fold.streams) {
    load.add(id, stream);
    if (++added % 1000 === 0) await loaded(load.drain());
  }
  await loaded(load.finish());
  timings.writeMs += now() - mark;
  return { fold, unsettled: load.unsettled };
}

/** Streams whose live snapshot is ahead of the rebuilt one (the rebuild has not reached what live reflects). */
async function streamsBehindLive(client: pg.ClientBase, live: string, rebuilt: string): Promise<Array<{ streamId: string; live: number; rebuilt: number }>> {
  const { rows } = await client.query<{ stream_id: string; live: number; rebuilt: number | null }>(
    `SELECT l.stream_id, l.version AS live, r.version AS rebuilt
       FROM ${schemaIdent(live)}.projection_snapshots l LEFT JOIN ${schemaIdent(rebuilt)}.projection_snapshots r USING (stream_id)
      WHERE r.version IS NULL OR r.version < l.version ORDER BY l.stream_id LIMIT 20`,
  );
  return rows.map((r) => ({ streamId: r.stream_id, live: r.live, rebuilt: r.rebuilt ?? 0 }));
}

/**
 * The log's head now, how many events lie up to it (the first phase of a replay stops there), and every stream's
 * version at that head — one snapshot, so a stream's version counts exactly the events up to the head (appends take
 * their positions and move their stream's version in one transaction).
 */
async function logHead(pool: pg.Pool): Promise<{ head: bigint; count: number; lastVersions: Map<string, number> }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ head: string; n: number }>('SELECT coalesce(max(global_position), 0)::text AS head, count(*)::int AS n FROM events');
    const versions = await client.query<[string, number]>({ text: 'SELECT stream_id, version FROM streams', rowMode: 'array' });
    await client.query('COMMIT');
    return { head: BigInt(rows[0]!.head), count: rows[0]!.n, lastVersions: new Map(versions.rows) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The highest position the live tables reflect (any stream); a catch-up must read at least that far. */
async function liveHighWater(client: pg.ClientBase, live: string): Promise<bigint> {
  const { rows } = await client.query<{ p: string }>(`SELECT coalesce(max(last_global_position), 0)::text AS p FROM ${schemaIdent(live)}.projection_snapshots`);
  return BigInt(rows[0]!.p);
}

/** Events per read of the log (a page of the first phase, a batch of the catch-up). */
const DEFAULT_PAGE = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RebuildOptions {
  /** Read-write pool of the database (events and read models). */
  pool: pg.Pool;
  /** Defaults to a PostgresEventStore over `pool`. */
  store?: PostgresEventStore;
  /** Events per read of the log: pages of the first phase, batches of the catch-up in the swap. Default 10,000. */
  batchSize?: number;
  /** Called after every page with the events read so far and the estimated total. */
  onProgress?: (done: number, total: number) => void;
  /** Called when the rebuild moves on: folding the log (and writing as it goes), the rest of the write, the indexes, the swap. */
  onPhase?: (phase: RebuildPhase) => void;
  /** COPY bytes the load commits after (default 16 MB; see foldLogInto). Tests set 1: a commit between every two COPYs. */
  commitEvery?: number;
  /**
   * How long the swap may wait (holding the exclusive lock, so the live projector is paused) for the gated log to
   * reach every version the live tables reflect. Default 30 s; after it the swap is abandoned, nothing changes.
   */
  catchUpTimeoutMs?: number;
  /** Test hook: runs after the shadow is built, before the swap takes the lock. */
  beforeSwap?: () => Promise<void>;
}

export interface RebuildResult extends ApplyTally {
  /** The first phase (everything up to the log head seen at the start). */
  phases: PhaseTimings;
  /** Events applied inside the swap transaction (appended while the shadow was being built). */
  caughtUpInSwap: number;
  checkpointsCopied: number;
  durationMs: number;
  /** Events per second of the whole rebuild. */
  rate: number;
  rows: Record<string, number>;
}

/**
 * Blue/green rebuild of every read model from the Postgres event log:
 * 1. create `read_models_shadow` with the live tables' structure (empty);
 * 2. fold the log up to its head into it (foldLogInto: read through the gate, folded in memory with the projector's
 *    rule, each stream's rows written once in bulk, secondary indexes built after the load) — queries and the live
 *    projector keep using `read_models` meanwhile;
 * 3. swap, in ONE transaction: take the read-model lock EXCLUSIVE (every live apply holds it shared, so the projector
 *    pauses at its next message and nothing it applied can be missed), apply what was appended since step 2, check
 *    that the shadow reflects at least every stream version the live tables do, copy the live Kafka checkpoints
 *    (the projector resumes where it was; events the shadow already has are skipped by the version rule), carry over
 *    dead letters of Kafka messages that are not events, rename read_models → read_models_old and
 *    read_models_shadow → read_models, commit; then drop read_models_old.
 */
export async function rebuildAndSwap(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const store = options.store ?? new PostgresEventStore(options.pool);
  const batchSize = options.batchSize ?? DEFAULT_PAGE;
  const client = await options.pool.connect();
  try {
    // The head (and the streams' versions) is read on another connection while the shadow schema is created.
    const head = logHead(options.pool);
    head.catch(() => undefined);
    let deferredIndexes: string[];
    let deferredKeys: string[];
    await client.query('BEGIN READ WRITE');
    try {
      ({ deferredIndexes, deferredKeys } = await createShadowSchema(client, LIVE_SCHEMA, SHADOW_SCHEMA, {
        deferSecondaryIndexes: true,
        deferPrimaryKeysOf: [...ALL_MODEL_TABLES, 'projection_snapshots'],
      }));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const start = await head;
    let total = start.count;
    const { tally, timings } = await foldLogInto(client, options.pool, SHADOW_SCHEMA, {
      until: start.head,
      lastVersions: start.lastVersions,
      pageSize: batchSize,
      deferredKeys,
      deferredIndexes,
      onBatch: (t) => {
        total = Math.max(total, t.events);
        options.onProgress?.(t.events, total);
      },
      ...(options.onPhase ? { onPhase: options.onPhase } : {}),
      ...(options.commitEvery ? { commitEvery: options.commitEvery } : {}),
    });
    if (options.beforeSwap) await options.beforeSwap();

    const live = schemaIdent(LIVE_SCHEMA);
    const shadow = schemaIdent(SHADOW_SCHEMA);
    options.onPhase?.('swap');
    const beforeSwap = tally.events;
    let checkpointsCopied = 0;
    await client.query('BEGIN READ WRITE');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [READ_MODELS_APPLY_LOCK_KEY]);
      const deadline = Date.now() + (options.catchUpTimeoutMs ?? 30_000);
      // The projector is paused: what live reflects is fixed. Read at least as far as it (writers go on appending).
      const until = await liveHighWater(client, LIVE_SCHEMA);
      for (;;) {
        await applyLog(client, store, SHADOW_SCHEMA, { after: tally.after, batchSize, until }, tally);
        const behind = await streamsBehindLive(client, LIVE_SCHEMA, SHADOW_SCHEMA);
        if (behind.length === 0) break;
        if (Date.now() > deadline) {
          throw new Error(
            `swap abandoned: the readable log does not reach what the live read models reflect (e.g. ${behind
              .slice(0, 3)
              .map((b) => `${b.streamId} live v${b.live}, rebuilt v${b.rebuilt}`)
              .join('; ')}); a long transaction holds the read gate back, or the live tables hold rows the log does not explain`,
          );
        }
        await sleep(100);
      }
      await client.query(`DELETE FROM ${shadow}.projection_checkpoints`);
      const copied = await client.query(`INSERT INTO ${shadow}.projection_checkpoints SELECT * FROM ${live}.projection_checkpoints`);
      checkpointsCopied = copied.rowCount ?? 0;
      // Dead letters of Kafka messages that were not events (unparseable) are not in the log: keep them.
      const columns = (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'dead_letters' AND column_name <> 'id' ORDER BY ordinal_position`,
          [LIVE_SCHEMA],
        )
      ).rows.map((r) => `"${r.column_name}"`);
      await client.query(`INSERT INTO ${shadow}.dead_letters (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${live}.dead_letters WHERE event_id IS NULL ORDER BY id`);
      await client.query(`ALTER SCHEMA ${live} RENAME TO ${schemaIdent(OLD_SCHEMA)}`);
      await client.query(`ALTER SCHEMA ${shadow} RENAME TO ${live}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await client.query(`DROP SCHEMA IF EXISTS ${schemaIdent(OLD_SCHEMA)} CASCADE`);
    // Counted side by side on the pool's other connections (the big tables take a while each).
    const tables = [...ALL_MODEL_TABLES, ...BOOKKEEPING_TABLES];
    const counts = await Promise.all(tables.map((table) => options.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${live}.${table}`)));
    const rows: Record<string, number> = Object.fromEntries(tables.map((table, i) => [table, counts[i]!.rows[0]!.n]));
    const durationMs = Date.now() - started;
    return { ...tally, phases: timings, caughtUpInSwap: tally.events - beforeSwap, checkpointsCopied, durationMs, rate: tally.events / Math.max(durationMs / 1000, 1e-3), rows };
  } finally {
    client.release();
  }
}

export interface VerifyReadModelsOptions {
  pool: pg.Pool;
  store?: PostgresEventStore;
  /** Compare only these tables (default: every model table plus projection_snapshots and dead_letters). */
  tables?: readonly string[];
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** As RebuildOptions.onPhase ('swap' is the comparison here). */
  onPhase?: (phase: RebuildPhase) => void;
  /** How long to wait for the gated log to reach what the live tables reflect. Default 30 s. */
  catchUpTimeoutMs?: number;
  /** Differences fetched per table at most. Default 1000. */
  limitPerTable?: number;
}

export interface VerifyReadModelsResult {
  ok: boolean;
  differences: Difference[];
  /** Rows compared per table (live side). */
  rows: Record<string, number>;
  events: number;
  /** Streams the live tables reflect at a lower version than the log has (lagging); compared at the live version. */
  streamsComparedBehindLog: number;
  durationMs: number;
  rate: number;
}

/**
 * Proof that the read models are true to the log: rebuild every model from the log into temporary tables of one
 * session (nothing real is written; the replay runs in READ ONLY transactions), then, holding the read-model lock
 * exclusively (the live projector pauses), bring the rebuild to exactly the stream versions the live tables reflect
 * and compare table by table, row by row (updated_at and Kafka coordinates ignored).
 */
export async function verifyReadModels(options: VerifyReadModelsOptions): Promise<VerifyReadModelsResult> {
  const started = Date.now();
  const store = options.store ?? new PostgresEventStore(options.pool);
  const batchSize = options.batchSize ?? DEFAULT_PAGE;
  const tables = options.tables ?? [...ALL_MODEL_TABLES, ...BOOKKEEPING_TABLES];
  const client = await options.pool.connect();
  try {
    // Temporary objects only; a session whose default is read-only may still create them in a READ WRITE transaction.
    await client.query('BEGIN READ WRITE');
    await createTempShadow(client, LIVE_SCHEMA);
    await client.query('COMMIT');
    const start = await logHead(options.pool);
    let total = start.count;
    const { tally } = await foldLogInto(client, options.pool, 'pg_temp', {
      until: start.head,
      lastVersions: start.lastVersions,
      pageSize: batchSize,
      readOnly: true,
      onBatch: (t) => {
        total = Math.max(total, t.events);
        options.onProgress?.(t.events, total);
      },
      ...(options.onPhase ? { onPhase: options.onPhase } : {}),
    });

    const live = schemaIdent(LIVE_SCHEMA);
    options.onPhase?.('swap');
    await client.query('BEGIN READ ONLY');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [READ_MODELS_APPLY_LOCK_KEY]);
      const liveVersions = new Map(
        (await client.query<{ stream_id: string; version: number }>(`SELECT stream_id, version FROM ${live}.projection_snapshots`)).rows.map((r) => [r.stream_id, r.version]),
      );
      const atLive = (event: StoredEvent) => event.streamVersion <= (liveVersions.get(event.streamId) ?? 0);
      const deadline = Date.now() + (options.catchUpTimeoutMs ?? 30_000);
      const until = await liveHighWater(client, LIVE_SCHEMA);
      for (;;) {
        await applyLog(client, store, 'pg_temp', { after: tally.after, batchSize, accept: atLive, until }, tally);
        if ((await streamsBehindLive(client, LIVE_SCHEMA, 'pg_temp')).length === 0 || Date.now() > deadline) break;
        await sleep(100);
      }
      // Streams the rebuild has further than live (the projector lags): rebuild them at the live version.
      const ahead = await client.query<{ stream_id: string; version: number }>(`SELECT stream_id, version FROM pg_temp.projection_snapshots ORDER BY stream_id`);
      let behindLog = 0;
      for (const row of ahead.rows) {
        const target = liveVersions.get(row.stream_id) ?? 0;
        if (row.version <= target) continue;
        behindLog += 1;
        for (const table of ALL_MODEL_TABLES) await client.query(`DELETE FROM pg_temp.${table} WHERE owner_stream = $1`, [row.stream_id]);
        await client.query('DELETE FROM pg_temp.projection_snapshots WHERE stream_id = $1', [row.stream_id]);
        await client.query('DELETE FROM pg_temp.dead_letters WHERE stream_id = $1', [row.stream_id]);
        if (target === 0) continue;
        const scratch = emptyTally('0');
        await applyBatch(client, 'pg_temp', await store.readStream(row.stream_id, { toVersion: target }), scratch);
      }
      const { differences, rows } = await compareSchemas(client, LIVE_SCHEMA, 'pg_temp', tables, { limitPerTable: options.limitPerTable ?? 1000 });
      await client.query('COMMIT');
      const durationMs = Date.now() - started;
      return {
        ok: differences.length === 0,
        differences,
        rows,
        events: tally.events,
        streamsComparedBehindLog: behindLog,
        durationMs,
        rate: tally.events / Math.max(durationMs / 1000, 1e-3),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    // The session's temporary tables go with the connection.
    client.release(true);
  }
}

export type { Difference } from './compare.js';
export type { ReadModelTable };
