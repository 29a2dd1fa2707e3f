/**
 * Emmett's projection rebuild (`rebuildPostgreSQLProjections`, @event-driven-io/emmett-postgresql) over the same number
 * of events of the same shape as reelwire's rebuild benchmark (bench/rebuild.ts): works of 20 events each — one
 * WorkRegistered then 19 MilestoneRecorded, made by reelwire's own work decider — stored in Emmett's own tables
 * (emt_messages) through Emmett's appendToStream, one work's 20 events per call, in a scratch database of its own.
 *
 * The read model rebuilt is the comparable slice of reelwire's `project_status` (libs/read-models/src/project-status):
 * one row per work with its stream version, status, primary title and latest milestone (the milestone with the
 * greatest date, a tie going to the later event, as projectStatusRows does). It is an Emmett PostgreSQL projection
 * (postgreSQLProjection) whose handler runs one parameterised upsert per event on the processor's transaction, which
 * is what postgreSQLRawSQLProjection does with a generated statement; the SQL is parameterised through the pg client
 * Emmett hands the handler, so the bench needs no direct dependency on Emmett's SQL builder (dumbo).
 *
 * What Emmett runs per batch (0.42): one `SELECT … FROM emt_messages WHERE transaction_id < xmin … ORDER BY
 * transaction_id, global_position LIMIT batchSize` (emt_messages has no index on either column, so each batch scans
 * the table), one transaction per batch, and per event the projection's handler plus a checkpoint store
 * (emt_store_processor_checkpoint). The puller sleeps `pullingFrequencyInMs` (default 50 ms) between batches of
 * `batchSize` (default 100) — a cap of 2,000 events/s by construction — so the run sets the interval to 0 and a larger
 * batch, the most favourable settings found; the figures say which were used.
 *
 * Not comparable one to one with reelwire's rebuildAndSwap, which rebuilds ALL its read models (every table the
 * projector owns, with projection snapshots) from a hash-chained log read through the rebuild gate, into a shadow
 * schema it then swaps in; Emmett here rebuilds ONE table of five columns in place.
 */
import { readFileSync } from 'node:fs';
import { getPostgreSQLEventStore, postgreSQLProjection, rebuildPostgreSQLProjections, type PostgreSQLProjectionHandlerContext } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { PER_STREAM, workEvents as reelwireWorkEvents } from './rebuild.js';
import { BENCH_DB, databaseUrl, log, nowMs, round, sleep } from './support.js';

export interface EmmettRebuildOptions {
  /** Events to store and rebuild from (whole works of 20 events); default 50,000 with `quick`, else 1,000,000. */
  events?: number;
  /** The scratch database; default `${BENCH_DATABASE ?? 'reelwire_bench'}_emmett` on DATABASE_URL's server. Created and dropped here. */
  databaseUrl?: string;
  quick?: boolean;
  /**
   * Concurrent appendToStream callers while populating. Default 1: with concurrent appends, 0.42's consumer loses events
   * (it reads in transaction-id order but checkpoints and resumes by global position; 8 writers: 18,034 of 20,000
   * events reached the projection). Fixed upstream after 0.42 (event-driven-io/emmett#336).
   */
  writers?: number;
  /**
   * Emmett consumer pulling: events per batch (Emmett's default 100; 5,000 here) and the sleep between batches
   * (Emmett's default 50 ms; 0 here). Measured on 50,000 events: batch 100 / 0 ms 1,393 ev/s, 1,000 / 0 ms 1,687,
   * 5,000 / 0 ms 2,439, Emmett's defaults 100 / 50 ms 537 (noisy shared machine).
   */
  batchSize?: number;
  pullingFrequencyInMs?: number;
  /** Stop the rebuild after this long and report the partial rate (complete: false). Default 2 min quick, 30 min otherwise (737,000 events took 12 min here). */
  rebuildBudgetMs?: number;
}

export interface EmmettRebuildFigures {
  package: string;
  version: string;
  eventsTarget: number;
  works: number;
  eventsPerWork: number;
  populate: { method: string; writers: number; events: number; seconds: number; eventsPerSecond: number };
  rebuild: {
    api: string;
    model: string;
    batchSize: number;
    pullingFrequencyInMs: number;
    events: number;
    seconds: number;
    eventsPerSecond: number;
    complete: boolean;
    rows: number;
    /** Every row at the work's last version with a latest milestone. */
    rowsCheck: boolean;
    /** Time inside the projection's handler (the upserts); the rest is Emmett's reads, per-event checkpoints and transactions. */
    handlerSeconds: number;
  };
}

const PER_WORK = PER_STREAM;
const TABLE = 'emmett_project_status';
/** One work's events exactly as bench/rebuild.ts stores them, shaped for Emmett's appendToStream. */
function workEvents(): { workId: string; events: Array<{ type: string; data: Record<string, unknown>; metadata: Record<string, unknown> }> } {
  const { workId, events } = reelwireWorkEvents();
  return { workId, events: events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: { ...e.metadata } as Record<string, unknown> })) };
}

type WorkEvent =
  | { type: 'WorkRegistered'; data: { workId: string; status?: string; titles?: Array<{ text: string; primary?: boolean }> } }
  | { type: 'MilestoneRecorded'; data: { workId: string; milestoneId: string; label: string; kind: string; date: { date: string; precision: string } } };

/** The partial date's sort key as reelwire's sortKeyOf gives it for year / month / day precision: the first day. */
const DATE_KEY = (column: string) => `(CASE length(${column}) WHEN 4 THEN ${column} || '-01-01' WHEN 7 THEN ${column} || '-01' ELSE ${column} END)::date`;

/** The Emmett projection: one upsert per event on the processor's transaction. */
function projectStatusProjection() {
  return postgreSQLProjection<WorkEvent>({
    name: 'emmett_project_status',
    canHandle: ['WorkRegistered', 'MilestoneRecorded'],
    init: async ({ context }) => {
      await context.connection.client.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (work_id text PRIMARY KEY, stream_version integer NOT NULL, status text, primary_title text, latest_milestone jsonb)`,
      );
    },
    truncate: async (context: PostgreSQLProjectionHandlerContext) => {
      await context.connection.client.query(`TRUNCATE ${TABLE}`);
    },
    handle: async (events, context) => {
      const client = context.connection.client;
      for (const event of events) {
        const version = Number(event.metadata.streamPosition);
        if (event.type === 'WorkRegistered') {
          const titles = event.data.titles ?? [];
          const primary = titles.find((t) => t.primary) ?? titles[0];
          await client.query(
            `INSERT INTO ${TABLE} (work_id, stream_version, status, primary_title) VALUES ($1, $2, $3, $4)
             ON CONFLICT (work_id) DO UPDATE SET stream_version = excluded.stream_version, status = excluded.status, primary_title = excluded.primary_title`,
            [event.data.workId, version, event.data.status ?? null, primary?.text ?? null],
          );
        } else {
          const { milestoneId, label, kind, date } = event.data;
          await client.query(
            `UPDATE ${TABLE} SET stream_version = $2,
               latest_milestone = CASE WHEN latest_milestone IS NULL OR ${DATE_KEY('$4::text')} >= ${DATE_KEY("(latest_milestone->'date'->>'date')")} THEN $3::jsonb ELSE latest_milestone END
             WHERE work_id = $1`,
            [event.data.workId, version, JSON.stringify({ milestoneId, label, kind, date }), date.date],
          );
        }
      }
    },
  });
}

async function onServer<T>(url: string, fn: (admin: pg.Client, name: string) => Promise<T>): Promise<T> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    return await fn(admin, name);
  } finally {
    await admin.end();
  }
}

const dropScratch = (url: string) => onServer(url, (admin, name) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));

export async function benchEmmettRebuild(options: EmmettRebuildOptions = {}): Promise<EmmettRebuildFigures> {
  const quick = options.quick ?? false;
  const works = Math.max(1, Math.floor((options.events ?? (quick ? 50_000 : 1_000_000)) / PER_WORK));
  const eventsTarget = works * PER_WORK;
  const writers = options.writers ?? 1;
  const batchSize = options.batchSize ?? 5000;
  const pullingFrequencyInMs = options.pullingFrequencyInMs ?? 0;
  const budgetMs = options.rebuildBudgetMs ?? (quick ? 120_000 : 30 * 60_000);
  const url = options.databaseUrl ?? databaseUrl(`${BENCH_DB}_emmett`);
  const version = (JSON.parse(readFileSync('node_modules/@event-driven-io/emmett-postgresql/package.json', 'utf8')) as { version: string }).version;

  await dropScratch(url);
  await onServer(url, (admin, name) => admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  try {
    // Populate through Emmett's appendToStream: `writers` concurrent callers, one new work (20 events) per call.
    const pool = new pg.Pool({ connectionString: url, max: writers, application_name: 'bench-emmett-rebuild' });
    pool.on('error', () => undefined);
    let stored = 0;
    let populateSeconds = 0;
    try {
      const store = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'CreateOrUpdate' } });
      await store.schema.migrate();
      const started = nowMs();
      let next = 0;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (next < works) {
            next += 1;
            const { workId, events } = workEvents();
            await store.appendToStream(`work-${workId}`, events, { expectedStreamVersion: 0n });
            stored += PER_WORK;
            if (stored % 100_000 === 0) log(`emmett rebuild: ${stored} events stored`);
          }
        }),
      );
      populateSeconds = (nowMs() - started) / 1000;
      log(`emmett rebuild: ${stored} events stored through appendToStream in ${round(populateSeconds, 1)} s = ${round(stored / populateSeconds)} ev/s`);
      await pool.query('VACUUM ANALYZE emt_messages');
      // Emmett reads only events of transactions older than every running one (transaction_id < the snapshot's xmin,
      // which is server-wide): wait until a transaction elsewhere on the shared server no longer hides the last appends.
      const waitUntil = nowMs() + 120_000;
      for (;;) {
        const { rows } = await pool.query<{ hidden: string }>(
          `SELECT count(*)::text AS hidden FROM emt_messages WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())`,
        );
        if (rows[0]!.hidden === '0' || nowMs() > waitUntil) break;
        await sleep(500);
      }
    } finally {
      await pool.end();
    }

    // The rebuild: Emmett's rebuild consumer with the one projection, until no events are left.
    let handled = 0;
    let handlerMs = 0;
    const projection = projectStatusProjection();
    const counted = { ...projection, handle: async (events: Parameters<typeof projection.handle>[0], context: PostgreSQLProjectionHandlerContext) => {
      const h0 = nowMs();
      await projection.handle(events, context);
      handlerMs += nowMs() - h0;
      handled += events.length;
    } };
    const consumer = rebuildPostgreSQLProjections<WorkEvent>({
      connectionString: url,
      projections: [counted as typeof projection],
      pulling: { batchSize, pullingFrequencyInMs },
    });
    const t0 = nowMs();
    let complete = true;
    const timer = setTimeout(() => {
      complete = false;
      void consumer.stop();
    }, budgetMs);
    try {
      await consumer.start();
    } finally {
      clearTimeout(timer);
    }
    const seconds = (nowMs() - t0) / 1000;
    await consumer.close();
    // `handled` counts events whose handler ran, including a last batch whose transaction a stop may have rolled back.
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    let rows = 0;
    let rowsCheck = false;
    try {
      const { rows: r } = await check.query<{ rows: string; good: string }>(
        `SELECT count(*)::text AS rows, count(*) FILTER (WHERE stream_version = ${PER_WORK} AND latest_milestone IS NOT NULL)::text AS good FROM ${TABLE}`,
      );
      rows = Number(r[0]!.rows);
      rowsCheck = rows === works && Number(r[0]!.good) === works;
    } finally {
      await check.end();
    }
    if (handled < stored) complete = false;
    const figures: EmmettRebuildFigures = {
      package: '@event-driven-io/emmett-postgresql',
      version,
      eventsTarget,
      works,
      eventsPerWork: PER_WORK,
      populate: { method: `appendToStream, one work (${PER_WORK} events) per call, ${writers} caller${writers === 1 ? '' : 's'} at a time`, writers, events: stored, seconds: round(populateSeconds, 2), eventsPerSecond: round(stored / populateSeconds) },
      rebuild: {
        api: 'rebuildPostgreSQLProjections',
        model: `${TABLE}, one row per work (stream version, status, primary title, latest milestone), one upsert per event`,
        batchSize,
        pullingFrequencyInMs,
        events: handled,
        seconds: round(seconds, 2),
        eventsPerSecond: round(handled / seconds),
        complete,
        rows,
        rowsCheck,
        handlerSeconds: round(handlerMs / 1000, 2),
      },
    };
    log(
      `emmett rebuild: rebuildPostgreSQLProjections: ${handled} events in ${figures.rebuild.seconds} s = ${figures.rebuild.eventsPerSecond} ev/s (handler ${figures.rebuild.handlerSeconds} s; batch ${batchSize}, pull interval ${pullingFrequencyInMs} ms; ${rows} rows, check ${rowsCheck ? 'ok' : 'FAILED'}${complete ? '' : ', INCOMPLETE'})`,
    );
    return figures;
  } finally {
    await dropScratch(url).catch((error: unknown) => log(`emmett rebuild: could not drop the scratch database: ${String(error)}`));
  }
}
