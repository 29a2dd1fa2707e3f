/**
 * Event-store append throughput: reelwire's PostgresEventStore, Emmett's PostgreSQL event store and the ceiling (plain
 * INSERTs of rows of the same size into a bare table with the events table's indexes), interleaved in each repetition
 * so the ratios compare figures measured seconds apart on the same server.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { PostgresEventStore } from '../libs/event-store/src/postgres-event-store.js';
import type { EventToAppend } from '../libs/event-store/src/event-store.types.js';
import { closedLoop, freshDatabase, log, median, round } from './support.js';

export interface AppendCase {
  name: string;
  writers: number;
  /** Events per append call. */
  batch: number;
}

export interface AppendFigures {
  cases: Array<{
    case: AppendCase;
    runs: { reelwire: number[]; reelwireNoGroupCommit: number[]; emmett: number[]; ceiling: number[]; ceilingBatched: number[] };
    median: { reelwire: number; reelwireNoGroupCommit: number; emmett: number; ceiling: number; ceilingBatched: number };
    /** Medians of the per-run ratios (each ratio taken within one run). */
    ratios: { reelwireToEmmett: number; reelwireToCeiling: number; reelwireToCeilingBatched: number; groupCommitGain: number };
  }>;
  emmett: { package: string; version: string; works: boolean; note: string };
  eventBytes: number;
}

const CEILING_DDL = `
CREATE TABLE ceiling_events (
  global_position bigserial   PRIMARY KEY,
  stream_id       text        NOT NULL,
  stream_type     text        NOT NULL,
  stream_version  integer     NOT NULL,
  event_id        uuid        NOT NULL UNIQUE,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL DEFAULT 1,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  hash            text        NOT NULL,
  prev_hash       text        NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE INDEX ceiling_events_recorded_at_idx ON ceiling_events (recorded_at);`;

/** The data of a typical edit (a dated milestone) and an editor's metadata: the same payload for every store. */
function payload(streamId: string) {
  return {
    data: { workId: streamId.slice(5), milestoneId: randomUUID(), label: 'Remake rights acquired', kind: 'rights-acquired', date: { date: '2018-05', precision: 'month' } },
    metadata: {
      actor: { id: 'editor-7', role: 'editor' as const },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      source: { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example', title: 'Remake deal', language: 'en' },
      occurredAt: { date: '2018-05', precision: 'month' as const },
    },
  };
}

function reelwireEvent(streamId: string): EventToAppend {
  const { data, metadata } = payload(streamId);
  return { type: 'MilestoneRecorded', data, metadata: { eventId: randomUUID(), ...metadata } };
}

const HASH = 'f'.repeat(64);

/** Per-writer streams with their versions, so every append states the expected version. */
class Streams {
  private readonly versions: number[][];
  private readonly ids: string[][];
  constructor(
    writers: number,
    perWriter: number,
    private readonly tag: string,
  ) {
    this.ids = Array.from({ length: writers }, (_, w) => Array.from({ length: perWriter }, () => `work-${randomUUID()}`));
    this.versions = this.ids.map((ids) => ids.map(() => 0));
    void this.tag;
  }
  pick(writer: number, iteration: number): { id: string; version: number; advance(n: number): void } {
    const ids = this.ids[writer]!;
    const k = iteration % ids.length;
    const versions = this.versions[writer]!;
    return { id: ids[k]!, version: versions[k]!, advance: (n) => (versions[k]! += n) };
  }
}

export async function benchAppend(options: { cases: AppendCase[]; repetitions: number; durationMs: number }): Promise<AppendFigures> {
  const url = await freshDatabase();
  // Each system gets a fresh pool of the same size, opened before its timed phase and closed after (the server allows
  // 100 connections and others share it), so no phase pays for connection start-up.
  const poolSize = 16;
  const withPool = async <T>(name: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: name, idleTimeoutMillis: 60_000 });
    pool.on('error', () => undefined);
    try {
      const clients = await Promise.all(Array.from({ length: poolSize }, () => pool.connect()));
      for (const client of clients) client.release();
      return await fn(pool);
    } finally {
      await pool.end();
    }
  };
  const emmettVersion = (JSON.parse(readFileSync('node_modules/@event-driven-io/emmett-postgresql/package.json', 'utf8')) as { version: string }).version;
  let emmettWorks = true;
  let emmettNote = 'works with pg 8 on Node 20, installs without install scripts';
  try {
    await withPool('bench-emmett', async (pool) => {
      const emmett = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'CreateOrUpdate' } });
      await emmett.schema.migrate();
      await emmett.appendToStream(`work-${randomUUID()}`, [{ type: 'Warmup', data: {} }], { expectedStreamVersion: 0n });
    });
  } catch (error) {
    emmettWorks = false;
    emmettNote = `could not run: ${(error as Error).message}`;
  }
  await withPool('bench-ceiling', (pool) => pool.query(CEILING_DDL));
  const sample = reelwireEvent(`work-${randomUUID()}`);
  const eventBytes = JSON.stringify(sample.data).length + JSON.stringify(sample.metadata).length;

  const figures: AppendFigures = { cases: [], emmett: { package: '@event-driven-io/emmett-postgresql', version: emmettVersion, works: emmettWorks, note: emmettNote }, eventBytes };
  for (const appendCase of options.cases) {
    const runs = { reelwire: [] as number[], reelwireNoGroupCommit: [] as number[], emmett: [] as number[], ceiling: [] as number[], ceilingBatched: [] as number[] };
    const ratioRuns = { reelwireToEmmett: [] as number[], reelwireToCeiling: [] as number[], reelwireToCeilingBatched: [] as number[], groupCommitGain: [] as number[] };
    for (let rep = 0; rep < options.repetitions; rep++) {
      const { writers, batch } = appendCase;
      const d = options.durationMs;
      const rw = new Streams(writers, 20, 'rw');
      const reelwire = await withPool('bench-reelwire', (pool) => {
        const store = new PostgresEventStore(pool);
        return closedLoop(writers, d, async (w, i) => {
        const s = rw.pick(w, i);
        await store.append({ id: s.id, type: 'work' }, s.version === 0 ? 'no-stream' : s.version, Array.from({ length: batch }, () => reelwireEvent(s.id)));
        s.advance(batch);
        return batch;
      });
      });
      const pw = new Streams(writers, 20, 'pw');
      const plain = await withPool('bench-reelwire-nogroup', (pool) => {
        const plainStore = new PostgresEventStore(pool, { groupCommit: false });
        return closedLoop(writers, d, async (w, i) => {
        const s = pw.pick(w, i);
        await plainStore.append({ id: s.id, type: 'work' }, s.version === 0 ? 'no-stream' : s.version, Array.from({ length: batch }, () => reelwireEvent(s.id)));
        s.advance(batch);
        return batch;
      });
      });
      let emmettRate = NaN;
      if (emmettWorks) {
        const es = new Streams(writers, 20, 'em');
        emmettRate = await withPool('bench-emmett', (pool) => {
        const e = getPostgreSQLEventStore(url, { connectionOptions: { pool }, schema: { autoMigration: 'None' } });
        return closedLoop(writers, d, async (w, i) => {
          const s = es.pick(w, i);
          const events = Array.from({ length: batch }, () => {
            const p = payload(s.id);
            return { type: 'MilestoneRecorded', data: p.data, metadata: p.metadata };
          });
          await e.appendToStream(s.id, events, { expectedStreamVersion: BigInt(s.version) });
          s.advance(batch);
          return batch;
        });
        });
      }
      // Ceiling, same shape: one INSERT statement (its own transaction) per call of `batch` rows.
      const insert = (rows: number) => {
        const tuples: string[] = [];
        for (let r = 0; r < rows; r++) {
          const o = r * 6;
          tuples.push(`($${o + 1}, 'work', $${o + 2}, $${o + 3}, 'MilestoneRecorded', $${o + 4}, $${o + 5}, '${HASH}', $${o + 6})`);
        }
        return `INSERT INTO ceiling_events (stream_id, stream_type, stream_version, event_id, type, data, metadata, hash, prev_hash) VALUES ${tuples.join(', ')}`;
      };
      const ceilingInsert = async (ceilingPool: pg.Pool, s: { id: string; version: number; advance(n: number): void }, rows: number) => {
        const params: unknown[] = [];
        for (let r = 0; r < rows; r++) {
          const p = payload(s.id);
          params.push(s.id, s.version + r + 1, randomUUID(), JSON.stringify(p.data), JSON.stringify({ eventId: randomUUID(), ...p.metadata, recordedAt: new Date().toISOString(), schemaVersion: 1 }), HASH);
        }
        await ceilingPool.query(insert(rows), params);
        s.advance(rows);
        return rows;
      };
      const cs = new Streams(writers, 20, 'cs');
      const ceiling = await withPool('bench-ceiling', (pool) => closedLoop(writers, d, (w, i) => ceilingInsert(pool, cs.pick(w, i), batch)));
      // The absolute ceiling: 100-row INSERTs from the same writers, whatever the call shape.
      const cb = new Streams(writers, 20, 'cb');
      const ceilingBatched = batch >= 100 ? ceiling : await withPool('bench-ceiling', (pool) => closedLoop(writers, d, (w, i) => ceilingInsert(pool, cb.pick(w, i), 100)));
      runs.reelwire.push(reelwire);
      runs.reelwireNoGroupCommit.push(plain);
      runs.emmett.push(emmettRate);
      runs.ceiling.push(ceiling);
      runs.ceilingBatched.push(ceilingBatched);
      ratioRuns.reelwireToEmmett.push(reelwire / emmettRate);
      ratioRuns.reelwireToCeiling.push(reelwire / ceiling);
      ratioRuns.reelwireToCeilingBatched.push(reelwire / ceilingBatched);
      ratioRuns.groupCommitGain.push(reelwire / plain);
      log(
        `append ${appendCase.name} run ${rep + 1}: reelwire ${round(reelwire)} ev/s (no group commit ${round(plain)}), emmett ${round(emmettRate)}, ceiling ${round(ceiling)}, ceiling 100-row ${round(ceilingBatched)}`,
      );
    }
    figures.cases.push({
      case: appendCase,
      runs: mapValues(runs, (v) => v.map((x) => round(x))),
      median: mapValues(runs, (v) => round(median(v))),
      ratios: mapValues(ratioRuns, (v) => round(median(v), 2)),
    });
  }
  return figures;
}

function mapValues<T extends Record<string, number[]>>(object: T, f: (v: number[]) => number): { [K in keyof T]: number };
function mapValues<T extends Record<string, number[]>>(object: T, f: (v: number[]) => number[]): { [K in keyof T]: number[] };
function mapValues(object: Record<string, number[]>, f: (v: number[]) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, f(v)]));
}
