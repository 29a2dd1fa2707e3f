/**
 * (4) Rebuild and chain verification over N stored events (works: one WorkRegistered then dated milestones, made by
 * the domain's own decider, so every event evolves and produces read-model rows as in production):
 *  - the projector's path: the projection engine's applyMessage, one transaction per event (time-bounded sample);
 *  - the same engine for a batch, applyRunInTransaction, 500 events per transaction (what the projector runs, and a
 *    rebuild's catch-up in the swap);
 *  - the product's rebuild, libs/read-models rebuildAndSwap (`npm run replay -- --all`) over all N: the log read stream
 *    by stream in one snapshot, every stream stepped through the same engine from nothing, every row version written
 *    by COPY, keys and indexes built after the load, then catch-up and swap;
 *  - chain verification over all N: `npm run verify-chain`'s verifyChainStreaming (worker threads read and hash
 *    their shares of the log in one exported snapshot) and PostgresEventStore.verifyChain (one thread), one verdict.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { createPool } from '../libs/database/src/pool.js';
import { PostgresEventStore } from '../libs/event-store/src/postgres-event-store.js';
import type { StreamAppend } from '../libs/event-store/src/event-store.types.js';
import { toEventsForAppend, workDecider, type DomainEvent } from '../libs/domain/src/index.js';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from '../libs/event-store/src/event-rows.js';
import { toPublishedEvent } from '../libs/messaging/src/published-event.js';
import { applyMessage, applyRunInTransaction } from '../libs/read-models/src/engine/pg-apply.js';
import { READ_MODELS } from '../libs/read-models/src/read-models.js';
import { rebuildAndSwap } from '../libs/read-models/src/rebuild/rebuild.js';
import { verifyChainStreaming } from '../libs/audit/src/verify-chain.js';
import { backendCpu, existingDatabase, freshDatabase, log, nowMs, round } from './support.js';

export interface RebuildFigures {
  eventsStored: number;
  eventsTarget: number;
  streams: number;
  eventsPerStream: number;
  /** NaN when the run reused a log stored by an earlier run (`--reuse-db`). */
  populateEventsPerSecond: number;
  /** The log was stored by an earlier run (`--reuse-db`), not populated by this one. */
  reusedLog?: boolean;
  applyEventPerTransaction: { events: number; eventsPerSecond: number };
  applyEventBatched500: { events: number; eventsPerSecond: number };
  /** rebuildAndSwap: seconds is the whole command (shadow schema, phases, swap, row counts); read/fold/write its first phase. */
  replay: {
    events: number;
    seconds: number;
    eventsPerSecond: number;
    readSeconds: number;
    foldSeconds: number;
    writeSeconds: number;
    /** Of writeSeconds: building the deferred indexes after the load (primary keys of the loaded tables, secondary indexes). */
    indexSeconds?: number;
    rows: number;
    nodeCpuSeconds: number;
    /** CPU seconds of the PostgreSQL backends serving the rebuild (read, COPY, indexes), when /proc shows them. */
    postgresCpuSeconds?: number;
    /** Peak RSS of this process during the rebuild (it holds the states of the streams being folded). */
    peakRssMb?: number;
  };
  /** verifyChainStreaming (`npm run verify-chain`), hashing in worker threads. */
  verifyChain: { events: number; seconds: number; eventsPerSecond: number; ok: boolean; workers?: number };
  /** PostgresEventStore.verifyChain, hashing in one thread. */
  verifyChainOneThread?: { events: number; seconds: number; eventsPerSecond: number; ok: boolean };
}

/** Events per work in the rebuild log (bench/emmett-rebuild.ts stores the same works). */
export const PER_STREAM = 20;
const ENVELOPE = { actor: { id: 'editor-7', role: 'editor' as const }, correlationId: randomUUID(), causationId: randomUUID() };
const SOURCE = { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', language: 'en' };

/** One work's events, decided by the work decider: registration, then milestones. */
export function workEvents(): { workId: string; streamId: string; events: ReturnType<typeof toEventsForAppend> } {
  const workId = randomUUID();
  const ctx = { now: new Date(), newId: randomUUID };
  let state = workDecider.initialState();
  const all: DomainEvent[] = [];
  const run = (command: { type: string; data: Record<string, unknown> }) => {
    const decided = workDecider.decide(command as never, state, ctx) as DomainEvent[];
    for (const event of decided) state = workDecider.evolve(state, event as never);
    all.push(...decided);
  };
  run({ type: 'RegisterWork', data: { workId, kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], productionYear: 2003, titles: [{ text: 'Save the Green Planet!', language: 'en', class: 'original', primary: true }], status: 'announced', source: SOURCE } });
  while (all.length < PER_STREAM) {
    run({ type: 'RecordMilestone', data: { workId, label: `Milestone ${all.length}`, kind: 'rights-acquired', date: { date: `20${10 + (all.length % 15)}-05`, precision: 'month' }, source: SOURCE } });
  }
  return { workId, streamId: `work-${workId}`, events: toEventsForAppend(all.slice(0, PER_STREAM), ENVELOPE) };
}

const toPublished = (row: EventRow): PublishedEvent => toPublishedEvent(toStoredEvent(row));

/** The log in position order (ORDER BY events.global_position: the bare name is the text column, which sorts "10" before "9"). */
async function* readPages(pool: pg.Pool, limit: number, pageSize = 5000): AsyncGenerator<EventRow[]> {
  let after = '0';
  let read = 0;
  while (read < limit) {
    const { rows } = await pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1::bigint ORDER BY events.global_position LIMIT $2`,
      [after, Math.min(pageSize, limit - read)],
    );
    if (rows.length === 0) return;
    read += rows.length;
    after = rows[rows.length - 1]!.global_position;
    yield rows;
  }
}

/**
 * A log an earlier run stored in the scratch database (kept with `--reuse-db`), if it is this bench's: exactly
 * `events` events in works of PER_STREAM, and the chain head at the last one. Undefined otherwise.
 */
async function reusableLog(pool: pg.Pool, events: number): Promise<number | undefined> {
  try {
    const { rows } = await pool.query<{ n: number; streams: number; head: string; last: string }>(
      `SELECT count(*)::int AS n, count(DISTINCT stream_id)::int AS streams, (SELECT position::text FROM chain_head WHERE id = 1) AS head, coalesce(max(global_position), 0)::text AS last FROM events`,
    );
    const r = rows[0]!;
    return r.n === events && r.n === r.streams * PER_STREAM && r.head === r.last ? r.n : undefined;
  } catch {
    return undefined;
  }
}

export async function benchRebuild(options: {
  events: number;
  populateBudgetMs: number;
  applySampleEvents: number;
  applyBudgetMs: number;
  /** Reuse the log an earlier `--reuse-db` run left in the scratch database if it has `events` events (skips populating). */
  reuse?: boolean;
  /** Skip the time-bounded applyEvent / applyEventsInTransaction samples (their figures are NaN). */
  skipApplySamples?: boolean;
}): Promise<RebuildFigures> {
  const existing = options.reuse ? await existingDatabase() : undefined;
  const candidate = existing ? createPool(existing, { max: 6, applicationName: 'bench-rebuild' }) : undefined;
  const reused = candidate ? await reusableLog(candidate, options.events) : undefined;
  if (candidate && reused === undefined) await candidate.end();
  const pool = candidate && reused !== undefined ? candidate : createPool(await freshDatabase(), { max: 6, applicationName: 'bench-rebuild' });
  try {
    const store = new PostgresEventStore(pool);
    // Populate: 50 new works × 20 events per appendMany (1,000 events, one transaction).
    const started = nowMs();
    let stored = reused ?? 0;
    if (reused !== undefined) log(`rebuild: reusing the ${reused} events an earlier run stored in the scratch database`);
    while (reused === undefined && stored < options.events && nowMs() - started < options.populateBudgetMs) {
      const appends: StreamAppend[] = [];
      for (let s = 0; s < 50 && stored + (s + 1) * PER_STREAM <= options.events; s++) {
        const { streamId, events } = workEvents();
        appends.push({ stream: { id: streamId, type: 'work' }, expectedVersion: 'no-stream', events: events.map((e) => ({ ...e, metadata: { ...e.metadata, eventId: randomUUID() } })) as never });
      }
      if (appends.length === 0) break;
      await store.appendMany(appends);
      stored += appends.length * PER_STREAM;
      if (stored % 100_000 === 0) log(`rebuild: ${stored} events stored`);
    }
    const populateSeconds = (nowMs() - started) / 1000;
    if (reused === undefined) {
      log(`rebuild: ${stored} events stored in ${round(populateSeconds, 1)} s`);
      await pool.query('VACUUM ANALYZE events');
    }

    // The projector's path: one transaction per event.
    const client = await pool.connect();
    let perTx = { events: 0, eventsPerSecond: NaN };
    let batched = { events: 0, eventsPerSecond: NaN };
    try {
      for (const schema of ['rm_per_event', 'rm_batched', 'rm_rebuild']) await cloneReadModelSchema(client, schema);
      if (!options.skipApplySamples) {
        const t0 = nowMs();
        let n = 0;
        outer: for await (const page of readPages(pool, options.applySampleEvents)) {
          for (const row of page) {
            await applyMessage(client, 'rm_per_event', READ_MODELS, { value: toPublished(row) });
            n += 1;
            if (nowMs() - t0 > options.applyBudgetMs) break outer;
          }
        }
        perTx = { events: n, eventsPerSecond: round(n / ((nowMs() - t0) / 1000)) };
        log(`rebuild: applyMessage (1 tx/event): ${n} events, ${perTx.eventsPerSecond} ev/s`);
      }
      if (!options.skipApplySamples) {
        const t0 = nowMs();
        let n = 0;
        outer: for await (const page of readPages(pool, options.applySampleEvents * 4, 500)) {
          await client.query('BEGIN');
          await applyRunInTransaction(client, 'rm_batched', READ_MODELS, page.map((row) => ({ value: toPublished(row) })));
          await client.query('COMMIT');
          n += page.length;
          if (nowMs() - t0 > options.applyBudgetMs) break outer;
        }
        batched = { events: n, eventsPerSecond: round(n / ((nowMs() - t0) / 1000)) };
        log(`rebuild: applyRunInTransaction (500/tx, the projector's path and a rebuild's catch-up): ${n} events, ${batched.eventsPerSecond} ev/s`);
      }

      // The product's rebuild over the whole log.
      // CPU time of this process next to the wall clock: on a shared 2-core machine the wall clock also measures the neighbours.
      const cpu0 = process.cpuUsage();
      const postgres = backendCpu(pool, 'bench-rebuild');
      let peakRss = process.memoryUsage.rss();
      const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
      const result = await rebuildAndSwap({ pool }).finally(() => clearInterval(rssTimer));
      const cpu = process.cpuUsage(cpu0);
      const postgresCpuSeconds = await postgres.stop();
      const rows = READ_MODELS.tables.reduce((sum, table) => sum + (result.rows[table.name] ?? 0), 0);
      const replay = {
        events: result.events,
        seconds: round(result.durationMs / 1000, 2),
        eventsPerSecond: round(result.rate),
        readSeconds: round(result.phases.readMs / 1000, 2),
        foldSeconds: round(result.phases.foldMs / 1000, 2),
        writeSeconds: round(result.phases.writeMs / 1000, 2),
        indexSeconds: round(result.phases.indexMs / 1000, 2),
        rows,
        nodeCpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
        ...(postgresCpuSeconds === undefined ? {} : { postgresCpuSeconds }),
        peakRssMb: round(peakRss / 2 ** 20),
      };
      log(
        `rebuild: rebuildAndSwap: ${replay.events} events in ${replay.seconds} s = ${replay.eventsPerSecond} ev/s (read ${replay.readSeconds} s, fold ${replay.foldSeconds} s, write ${replay.writeSeconds} s of which indexes ${replay.indexSeconds} s, ${rows} rows; ${result.deadLettered} dead-lettered; ${replay.nodeCpuSeconds} s CPU in this process, ${postgresCpuSeconds ?? '?'} s in PostgreSQL; peak RSS ${replay.peakRssMb} MB)`,
      );

      const v0 = nowMs();
      const chain = await verifyChainStreaming(pool, { batchSize: 5000 });
      const vs = (nowMs() - v0) / 1000;
      const verify = { events: chain.checked, seconds: round(vs, 2), eventsPerSecond: round(chain.checked / vs), ok: chain.ok, workers: availableParallelism() };
      log(`rebuild: verifyChainStreaming (npm run verify-chain, ${verify.workers} hashing threads) ${chain.checked} events in ${verify.seconds} s = ${verify.eventsPerSecond} ev/s (ok ${chain.ok})`);
      const s0 = nowMs();
      const single = await store.verifyChain({ batchSize: 5000 });
      const ss = (nowMs() - s0) / 1000;
      const verifyOneThread = { events: single.checked, seconds: round(ss, 2), eventsPerSecond: round(single.checked / ss), ok: single.ok };
      log(`rebuild: PostgresEventStore.verifyChain (one thread) ${single.checked} events in ${verifyOneThread.seconds} s = ${verifyOneThread.eventsPerSecond} ev/s (ok ${single.ok})`);
      return {
        eventsStored: stored,
        eventsTarget: options.events,
        streams: stored / PER_STREAM,
        eventsPerStream: PER_STREAM,
        populateEventsPerSecond: reused === undefined ? round(stored / populateSeconds) : NaN,
        ...(reused === undefined ? {} : { reusedLog: true }),
        applyEventPerTransaction: perTx,
        applyEventBatched500: batched,
        replay,
        verifyChain: verify,
        verifyChainOneThread: verifyOneThread,
      };
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}

/** A copy of the read_models tables (structure, defaults, indexes) in another schema. */
async function cloneReadModelSchema(client: pg.PoolClient, schema: string): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`CREATE SCHEMA ${schema}`);
  const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'read_models' AND table_type = 'BASE TABLE'`);
  for (const { table_name } of rows) {
    await client.query(`CREATE TABLE ${schema}.${table_name} (LIKE read_models.${table_name} INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)`);
  }
}
