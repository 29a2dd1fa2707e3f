import type { Span } from '@opentelemetry/api';
import { inSpan } from '../../../telemetry/src/trace-context.js';
import type pg from 'pg';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { computeRun, type ProjectionEngine } from '../engine/engine.js';
import { PgProjectionStore, READ_MODELS_APPLY_LOCK_KEY, READ_MODELS_SCHEMA, schemaIdent } from '../engine/pg-store.js';
import { historyOf } from '../engine/system-time.js';
import { keepsHistory } from '../engine/projection.js';
import { READ_MODELS } from '../read-models.js';
import { compareSchemas, type Difference } from './compare.js';
import { CopyWriter } from './copy-writer.js';
import { createShadowSchema, createTempShadow } from './shadow-schema.js';
import { StreamByStreamFold } from './stream-fold.js';

export const LIVE_SCHEMA = READ_MODELS_SCHEMA;
export const SHADOW_SCHEMA = `${READ_MODELS_SCHEMA}_shadow`;
export const OLD_SCHEMA = `${READ_MODELS_SCHEMA}_old`;
/** Bookkeeping compared by --verify next to the model tables (checkpoints are Kafka offsets, not derived from the log). */
export const BOOKKEEPING_TABLES = ['projection_streams', 'dead_letters'] as const;

export type RebuildPhase = 'fold' | 'write' | 'indexes' | 'swap';

/** Every table the engine writes: each model table and, where it keeps one, its history. */
export function engineTables(engine: ProjectionEngine): string[] {
  return engine.tables.flatMap((t) => (keepsHistory(t) ? [t.name, historyOf(t.name)] : [t.name]));
}

export interface RebuildTally {
  events: number;
  applied: number;
  skipped: number;
  deadLettered: number;
}

/**
 * Where the first phase of a rebuild spent its time. Reading and writing overlap folding: readMs is the time spent
 * waiting for a page, writeMs waiting for a COPY to finish (and building the keys and indexes, indexMs of it).
 */
export interface PhaseTimings {
  readMs: number;
  foldMs: number;
  /** COPY, and the keys and indexes built after the load (indexMs of it). */
  writeMs: number;
  indexMs: number;
}

/** Events per page of the log. */
const DEFAULT_PAGE = 10_000;
/** COPY text buffered before it is sent. */
const FLUSH_BYTES = 8 << 20;

interface LogRow {
  global_position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: PublishedEvent['metadata'];
  recorded_at: Date;
}

const LOG_COLUMNS = `global_position::text AS global_position, stream_id, stream_type, stream_version, event_id::text AS event_id, type, schema_version, data, metadata, recorded_at`;

function toPublished(row: LogRow): PublishedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    globalPosition: row.global_position,
    recordedAt: row.recorded_at.toISOString(),
    data: row.data,
    metadata: row.metadata,
  };
}

/**
 * Reads the log stream by stream, in (stream, version) order, inside one REPEATABLE READ snapshot: every stream's
 * committed events up to the snapshot, each stream whole and in order (a stream's versions are contiguous in any
 * snapshot, since an append needs the version before it), without waiting on the position gate — the rows a stream
 * has depend on its own events only. What is appended later is caught up per stream (catchUp).
 */
async function* logByStream(pool: pg.Pool, pageSize: number, onTotal: (total: number) => void): AsyncGenerator<PublishedEvent[]> {
  const reader = await pool.connect();
  try {
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM events');
    onTotal(rows[0]!.n);
    let after: [string, number] = ['', 0];
    const page = (from: [string, number]) =>
      reader.query<LogRow>(`SELECT ${LOG_COLUMNS} FROM events WHERE (stream_id, stream_version) > ($1, $2) ORDER BY stream_id, stream_version LIMIT $3`, [from[0], from[1], pageSize]);
    let next = page(after);
    for (;;) {
      const { rows: events } = await next;
      if (events.length === 0) break;
      const last = events[events.length - 1]!;
      after = [last.stream_id, last.stream_version];
      // The next page is fetched while this one is folded.
      next = page(after);
      yield events.map(toPublished);
      if (events.length < pageSize) {
        await next;
        break;
      }
    }
    await reader.query('COMMIT');
  } catch (error) {
    await reader.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    reader.release();
  }
}

interface FoldIntoOptions {
  engine: ProjectionEngine;
  pageSize: number;
  onProgress?: (done: number, total: number) => void;
  onPhase?: (phase: RebuildPhase) => void;
}

/**
 * The first phase of a rebuild, into EMPTY tables of `schema` inside the writer's open transaction: the log folded
 * stream by stream through the engine (the live projector's rule and handlers), every version of every row loaded by
 * COPY while the next page is read.
 */
async function foldLogInto(writer: pg.ClientBase, pool: pg.Pool, schema: string, options: FoldIntoOptions, timings: PhaseTimings = { readMs: 0, foldMs: 0, writeMs: 0, indexMs: 0 }): Promise<RebuildTally> {
  const tally: RebuildTally = { events: 0, applied: 0, skipped: 0, deadLettered: 0 };
  const copy = new CopyWriter(writer, schema, options.engine.tables);
  const fold = new StreamByStreamFold(options.engine, (stream) => {
    tally.applied += stream.applied;
    tally.skipped += stream.skipped;
    tally.deadLettered += stream.deadLettered;
    copy.add(stream);
  });
  let total = 0;
  options.onPhase?.('fold');
  const pages = logByStream(pool, options.pageSize, (n) => (total = n));
  // The COPY of what is buffered goes on while the next pages are folded; one at a time on the writer's connection.
  let sending: Promise<void> = Promise.resolve();
  const send = async () => {
    const mark = performance.now();
    await sending;
    timings.writeMs += performance.now() - mark;
    sending = copy.flush();
    sending.catch(() => undefined);
  };
  for (;;) {
    let mark = performance.now();
    const next = await pages.next();
    timings.readMs += performance.now() - mark;
    if (next.done) break;
    const page = next.value;
    mark = performance.now();
    for (const event of page) fold.add(event);
    timings.foldMs += performance.now() - mark;
    tally.events += page.length;
    options.onProgress?.(tally.events, Math.max(total, tally.events));
    if (copy.buffered > FLUSH_BYTES) await send();
  }
  fold.finish();
  options.onPhase?.('write');
  await send();
  const mark = performance.now();
  await sending;
  timings.writeMs += performance.now() - mark;
  return tally;
}

/** Streams whose events the rebuilt tables do not all reflect yet (appended after the rebuild's snapshot). */
async function streamsBehindLog(client: pg.ClientBase, schema: string): Promise<Array<{ streamId: string; version: number }>> {
  const { rows } = await client.query<{ stream_id: string; version: number }>(
    `SELECT s.stream_id, coalesce(p.version, 0) AS version FROM streams s LEFT JOIN ${schemaIdent(schema)}.projection_streams p USING (stream_id)
     WHERE s.version > coalesce(p.version, 0)`,
  );
  return rows.map((r) => ({ streamId: r.stream_id, version: r.version }));
}

/**
 * Applies, through the live path (the same engine, one run), every event the rebuilt tables are missing: per stream,
 * the versions after the one they reflect (and at most `upTo`'s version of that stream, when given).
 */
async function catchUp(client: pg.ClientBase, schema: string, engine: ProjectionEngine, tally: RebuildTally, upTo?: ReadonlyMap<string, number>): Promise<number> {
  const behind = await streamsBehindLog(client, schema);
  const wanted = behind.filter((b) => !upTo || (upTo.get(b.streamId) ?? 0) > b.version);
  if (wanted.length === 0) return 0;
  const { rows } = await client.query<LogRow>(
    `SELECT ${LOG_COLUMNS} FROM events e JOIN unnest($1::text[], $2::integer[], $3::integer[]) AS w(stream_id, after, upto) USING (stream_id)
     WHERE e.stream_version > w.after AND (w.upto IS NULL OR e.stream_version <= w.upto) ORDER BY e.global_position`,
    [wanted.map((w) => w.streamId), wanted.map((w) => w.version), wanted.map((w) => (upTo ? (upTo.get(w.streamId) ?? 0) : null))],
  );
  const store = new PgProjectionStore(client, schema, engine.tables);
  for (let start = 0; start < rows.length; start += DEFAULT_PAGE) {
    const result = await computeRun(engine, store, rows.slice(start, start + DEFAULT_PAGE).map((row) => ({ value: toPublished(row) })));
    await store.write(result);
    for (const outcome of result.outcomes) {
      if (outcome.outcome === 'applied') tally.applied += 1;
      else if (outcome.outcome === 'skipped') tally.skipped += 1;
      else tally.deadLettered += 1;
    }
  }
  tally.events += rows.length;
  return rows.length;
}

/** Stream versions the given read models reflect. */
async function reflectedVersions(client: pg.ClientBase, schema: string): Promise<Map<string, number>> {
  const { rows } = await client.query<[string, number]>({ text: `SELECT stream_id, version FROM ${schemaIdent(schema)}.projection_streams`, rowMode: 'array' });
  return new Map(rows);
}

export interface RebuildOptions {
  pool: pg.Pool;
  engine?: ProjectionEngine;
  /** Events per page of the log. Default 10,000. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  onPhase?: (phase: RebuildPhase) => void;
  /** Test hook: runs after the shadow is built, before the swap takes the lock. */
  beforeSwap?: () => Promise<void>;
}

export interface RebuildResult extends RebuildTally {
  /** The first phase (the log as of the rebuild's snapshot). */
  phases: PhaseTimings;
  caughtUpInSwap: number;
  checkpointsCopied: number;
  durationMs: number;
  /** Events per second of the whole rebuild. */
  rate: number;
  rows: Record<string, number>;
}

/**
 * Blue/green rebuild of every read model from the PostgreSQL event log:
 * 1. create `read_models_shadow` with the live tables' structure, empty, secondary indexes and keys deferred;
 * 2. fold the log into it stream by stream (foldLogInto), then build the keys and indexes — queries and the live
 *    projector keep using `read_models` meanwhile;
 * 3. swap, in ONE transaction: take the apply lock EXCLUSIVE (every live apply holds it shared, so the projector
 *    pauses and nothing it applied can be missed), catch up every stream appended to since step 2, copy the live
 *    Kafka checkpoints (the projector resumes where it was; what the shadow already has is skipped by the version
 *    rule), keep the dead letters of Kafka messages that were not events, rename the schemas, commit; drop the old.
 */
export function rebuildAndSwap(options: RebuildOptions): Promise<RebuildResult> {
  return inSpan('rebuild', { attributes: { 'reelwire.rebuild.mode': 'swap' } }, async (span) => {
    const result = await rebuildAndSwapUntraced({ ...options, onPhase: phaseEvents(span, options.onPhase) });
    span.setAttributes({ 'reelwire.rebuild.events': result.events, 'reelwire.rebuild.dead_lettered': result.deadLettered, 'reelwire.rebuild.caught_up_in_swap': result.caughtUpInSwap });
    return result;
  });
}

/** Each phase of a rebuild as an event on its span: where the time went, without a collector's span per statement. */
function phaseEvents(span: Span, onPhase: ((phase: RebuildPhase) => void) | undefined) {
  return (phase: RebuildPhase) => {
    span.addEvent(phase);
    onPhase?.(phase);
  };
}

async function rebuildAndSwapUntraced(options: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const engine = options.engine ?? READ_MODELS;
  const client = await options.pool.connect();
  try {
    await client.query('BEGIN');
    let tally: RebuildTally;
    const phases: PhaseTimings = { readMs: 0, foldMs: 0, writeMs: 0, indexMs: 0 };
    try {
      const { deferredIndexes, deferredKeys } = await createShadowSchema(client, LIVE_SCHEMA, SHADOW_SCHEMA, {
        deferSecondaryIndexes: true,
        deferPrimaryKeysOf: [...engineTables(engine), 'projection_streams'],
      });
      tally = await foldLogInto(client, options.pool, SHADOW_SCHEMA, { engine, pageSize: options.batchSize ?? DEFAULT_PAGE, ...phaseOptions(options) }, phases);
      options.onPhase?.('indexes');
      const indexStart = performance.now();
      for (const statement of [...deferredKeys, ...deferredIndexes]) await client.query(statement);
      phases.indexMs = performance.now() - indexStart;
      phases.writeMs += phases.indexMs;
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (options.beforeSwap) await options.beforeSwap();

    options.onPhase?.('swap');
    const live = schemaIdent(LIVE_SCHEMA);
    const shadow = schemaIdent(SHADOW_SCHEMA);
    const beforeSwap = tally.events;
    let checkpointsCopied = 0;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [READ_MODELS_APPLY_LOCK_KEY]);
      // The projector is paused: what live reflects is fixed; the shadow reflects everything committed by now.
      await catchUp(client, SHADOW_SCHEMA, engine, tally);
      const liveVersions = await reflectedVersions(client, LIVE_SCHEMA);
      const shadowVersions = await reflectedVersions(client, SHADOW_SCHEMA);
      const behind = [...liveVersions].filter(([stream, version]) => (shadowVersions.get(stream) ?? 0) < version);
      if (behind.length) {
        throw new Error(`swap abandoned: the live read models reflect versions the log does not have (e.g. ${behind.slice(0, 3).map(([s, v]) => `${s} v${v}`).join(', ')})`);
      }
      const copied = await client.query(`INSERT INTO ${shadow}.projection_checkpoints SELECT * FROM ${live}.projection_checkpoints`);
      checkpointsCopied = copied.rowCount ?? 0;
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
    const tables = [...engineTables(engine), ...BOOKKEEPING_TABLES];
    const counts = await Promise.all(tables.map((table) => options.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${live}.${table}`)));
    const rows = Object.fromEntries(tables.map((table, i) => [table, counts[i]!.rows[0]!.n]));
    const durationMs = Date.now() - started;
    return { ...tally, phases, caughtUpInSwap: tally.events - beforeSwap, checkpointsCopied, durationMs, rate: tally.events / Math.max(durationMs / 1000, 1e-3), rows };
  } finally {
    client.release();
  }
}

function phaseOptions(options: Pick<RebuildOptions, 'onProgress' | 'onPhase'>) {
  return { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.onPhase ? { onPhase: options.onPhase } : {}) };
}

export interface VerifyReadModelsOptions {
  pool: pg.Pool;
  engine?: ProjectionEngine;
  /** Compare only these tables (default: every model table plus projection_streams and dead_letters). */
  tables?: readonly string[];
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  onPhase?: (phase: RebuildPhase) => void;
  /** Differences fetched per table at most. Default 1000. */
  limitPerTable?: number;
}

export interface VerifyReadModelsResult {
  ok: boolean;
  differences: Difference[];
  rows: Record<string, number>;
  events: number;
  /** Streams the live tables reflect at a lower version than the log has (lagging); compared at the live version. */
  streamsComparedBehindLog: number;
  durationMs: number;
  rate: number;
}

/**
 * Proof that the read models are true to the log: rebuild every model, every version of every row, into temporary
 * tables of one session (nothing real is written), then, holding the apply lock exclusively (the live projector
 * pauses), bring every stream to exactly the version the live tables reflect and compare table by table, version by
 * version: the history the live projector wrote must be the history the log gives, not just its last state.
 */
export function verifyReadModels(options: VerifyReadModelsOptions): Promise<VerifyReadModelsResult> {
  return inSpan('rebuild', { attributes: { 'reelwire.rebuild.mode': 'verify' } }, async (span) => {
    const result = await verifyReadModelsUntraced({ ...options, onPhase: phaseEvents(span, options.onPhase) });
    span.setAttributes({ 'reelwire.rebuild.events': result.events, 'reelwire.rebuild.differences': result.differences.length });
    return result;
  });
}

async function verifyReadModelsUntraced(options: VerifyReadModelsOptions): Promise<VerifyReadModelsResult> {
  const started = Date.now();
  const engine = options.engine ?? READ_MODELS;
  const tables = options.tables ?? [...engineTables(engine), ...BOOKKEEPING_TABLES];
  const client = await options.pool.connect();
  try {
    // Temporary objects are created in one short read-write transaction (a session whose default is read-only may still
    // create them); everything after runs READ ONLY, which still lets it write the session's temporary tables.
    await client.query('BEGIN READ WRITE');
    await createTempShadow(client, LIVE_SCHEMA);
    await client.query('COMMIT');
    await client.query('BEGIN READ ONLY');
    const tally = await foldLogInto(client, options.pool, 'pg_temp', { engine, pageSize: options.batchSize ?? DEFAULT_PAGE, ...phaseOptions(options) });
    await client.query('COMMIT');

    options.onPhase?.('swap');
    await client.query('BEGIN READ ONLY');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [READ_MODELS_APPLY_LOCK_KEY]);
      const liveVersions = await reflectedVersions(client, LIVE_SCHEMA);
      // Streams the rebuild has further than live (the projector lags): folded again up to the live version.
      const rebuiltVersions = await reflectedVersions(client, 'pg_temp');
      const ahead = [...rebuiltVersions].filter(([stream, version]) => version > (liveVersions.get(stream) ?? 0)).map(([stream]) => stream);
      for (const stream of ahead) {
        for (const table of engineTables(engine)) await client.query(`DELETE FROM pg_temp.${table} WHERE owner_stream = $1`, [stream]);
        await client.query('DELETE FROM pg_temp.projection_streams WHERE stream_id = $1', [stream]);
        await client.query('DELETE FROM pg_temp.dead_letters WHERE stream_id = $1', [stream]);
      }
      await catchUp(client, 'pg_temp', engine, tally, liveVersions);
      const { differences, rows } = await compareSchemas(client, LIVE_SCHEMA, 'pg_temp', tables, { limitPerTable: options.limitPerTable ?? 1000 });
      await client.query('COMMIT');
      const durationMs = Date.now() - started;
      return { ok: differences.length === 0, differences, rows, events: tally.events, streamsComparedBehindLog: ahead.length, durationMs, rate: tally.events / Math.max(durationMs / 1000, 1e-3) };
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
