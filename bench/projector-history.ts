/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/projector-history.js [--works=1000] [--short=7] [--long=80]
 * [--measure=4] [--run=200] [--repeat=1]`: the projector's apply cost per event on fresh and on long-history streams.
 * Writes nothing to docs/; prints its figures (and one JSON line on stdout).
 *
 * `--works` work streams, registered then edited with milestones (the typical edit of bench/pipeline.ts), interleaved
 * round robin as live edits are, applied with applyEventsInTransaction in transactions of `--run` events with one
 * SnapshotCache for the whole process (as the projector runs it). Two measured windows of `--measure` events per work:
 * once the works have `--short` events, and once they have `--long`. Each window reports Node CPU ms (process.cpuUsage,
 * the apply calls and their commits only: the events are decided beforehand) and PostgreSQL backend CPU ms (the one
 * connection's backend, /proc/<pid>/stat) per 1,000 events, and the snapshot cache's hits.
 *
 * `--app`: the same windows through the projector app itself (dist/apps/projector/src/main.js, a child process with the
 * apps' node flags, scripts/app-node-args.ts) consuming a dev broker: each window's events are produced as a backlog,
 * then drained; CPU of the app process and of its PostgreSQL backends per 1,000 events, and the app's peak RSS (VmHWM,
 * and the largest 200 ms sample) over the whole run, which includes draining the backlog from `--short` to `--long`.
 *
 * Profile the Node side with `node --cpu-prof --cpu-prof-dir=<dir> dist/bench/projector-history.js …`; `--only=long`
 * keeps the short window out of the profile (it is still built up to, unmeasured).
 */
import pg from 'pg';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { BenchWorks } from './work-events.js';
import { applyEventsInTransaction, SnapshotCache } from '../libs/read-models/src/batch-apply.js';
import { APP_NODE_ARGS } from '../scripts/app-node-args.js';
import { argument as arg, backendCpu, cpuSecondsOf, dropDatabase, freePort, freshDatabase, log, memoryOf, round, RssSampler, runScript, sleep, startApp, startBenchKafka } from './support.js';



interface Window {
  label: string;
  eventsPerWorkAtStart: number;
  events: number;
  nodeCpuMsPer1k: number;
  pgCpuMsPer1k: number;
  wallMsPer1k: number;
  cacheHitRate?: number;
  stateCharsPerStream?: number;
}

async function applyAll(client: pg.PoolClient, events: readonly PublishedEvent[], run: number, cache: SnapshotCache): Promise<void> {
  for (let start = 0; start < events.length; start += run) {
    await client.query('BEGIN');
    await applyEventsInTransaction(client, 'read_models', events.slice(start, start + run).map((value) => ({ value })), { cache });
    await client.query('COMMIT');
  }
}

/** Cache hits, counted from outside (the cache's get is called once per stream of a batch by the lock query). */
function countingCache(cache: SnapshotCache): { hits: number; lookups: number } {
  const counts = { hits: 0, lookups: 0 };
  const get = cache.get.bind(cache);
  cache.get = (id: string) => {
    const found = get(id);
    counts.lookups += 1;
    if (found) counts.hits += 1;
    return found;
  };
  return counts;
}

async function measure(label: string, client: pg.PoolClient, backendPid: number, works: BenchWorks, perWork: number, startAt: number, run: number, cache: SnapshotCache, counts: { hits: number; lookups: number }): Promise<Window> {
  const events = works.round(perWork);
  if (global.gc) global.gc();
  const { rows: before } = await client.query<{ chars: string }>('SELECT coalesce(sum(length(state::text)), 0)::bigint AS chars FROM read_models.projection_snapshots');
  counts.hits = 0;
  counts.lookups = 0;
  const pg0 = cpuSecondsOf(backendPid) ?? NaN;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await applyAll(client, events, run, cache);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = cpuSecondsOf(backendPid) ?? NaN;
  const { rows: after } = await client.query<{ chars: string }>('SELECT coalesce(sum(length(state::text)), 0)::bigint AS chars FROM read_models.projection_snapshots');
  const per1k = (ms: number) => round((ms / events.length) * 1000, 1);
  const window: Window = {
    label,
    eventsPerWorkAtStart: startAt,
    events: events.length,
    nodeCpuMsPer1k: per1k((cpu.user + cpu.system) / 1000),
    pgCpuMsPer1k: per1k((pg1 - pg0) * 1000),
    wallMsPer1k: per1k(wall),
    cacheHitRate: counts.lookups ? round(counts.hits / counts.lookups, 3) : undefined,
    // Mean length of the state a stream's snapshot holds after the window (what each batch writes per stream).
    stateCharsPerStream: round(Number(after[0]!.chars) / works.count),
  };
  void before;
  log(
    `${label} (${startAt}→${startAt + perWork} events/work, ${events.length} events, runs of ${run}): Node ${window.nodeCpuMsPer1k} ms CPU/1k events, ` +
      `PostgreSQL ${window.pgCpuMsPer1k} ms CPU/1k, wall ${window.wallMsPer1k} ms/1k, cache hits ${window.cacheHitRate}, state ${window.stateCharsPerStream} chars/stream`,
  );
  return window;
}

/** The windows through the projector app: produce each window's events, wait until the snapshots show them all. */
async function throughApp(url: string, worksCount: number, short: number, long: number, perWork: number, only: string[]): Promise<void> {
  const kafka = await startBenchKafka('bench-projector-history');
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const works = new BenchWorks(worksCount);
  let produced = 0;
  const produce = async (perWorkCount: number) => {
    for (let k = 0; k < perWorkCount; k++) {
      const events = works.round(1);
      for (let start = 0; start < events.length; start += 500) {
        await kafka.sendWorkEvents(events.slice(start, start + 500));
      }
      produced += events.length;
    }
  };
  const drained = async () => {
    for (;;) {
      const { rows } = await pool.query<{ n: string }>('SELECT coalesce(sum(version), 0)::bigint AS n FROM read_models.projection_snapshots');
      if (Number(rows[0]!.n) >= produced) return;
      await sleep(100);
    }
  };
  const app = startApp('projector', 'dist/apps/projector/src/main.js', { DATABASE_URL: url, KAFKA_BROKERS: kafka.brokers, PROJECTOR_METRICS_PORT: String(await freePort()), LOG_LEVEL: 'warn', NODE_ENV: 'development' }, [...APP_NODE_ARGS, ...(process.env.PROJECTOR_NODE_ARGS ?? '').split(' ').filter(Boolean)]);
  const sampler = new RssSampler([app]);
  const windows: Window[] = [];
  const window = async (label: string, startAt: number) => {
    const pgCpu = backendCpu(pool, 'reelwire-projector');
    await sleep(300);
    const cpu0 = cpuSecondsOf(app.process.pid!)!;
    const before = produced;
    const t0 = performance.now();
    await produce(perWork);
    await drained();
    const wall = performance.now() - t0;
    const nodeMs = (cpuSecondsOf(app.process.pid!)! - cpu0) * 1000;
    const pgMs = ((await pgCpu.stop()) ?? NaN) * 1000;
    const events = produced - before;
    const per1k = (ms: number) => round((ms / events) * 1000, 1);
    windows.push({ label, eventsPerWorkAtStart: startAt, events, nodeCpuMsPer1k: per1k(nodeMs), pgCpuMsPer1k: per1k(pgMs), wallMsPer1k: per1k(wall) });
    log(`app ${label} (${startAt}→${startAt + perWork} events/work, ${events} events): Node ${per1k(nodeMs)} ms CPU/1k events, PostgreSQL ${per1k(pgMs)} ms CPU/1k, produce+drain ${per1k(wall)} ms/1k`);
  };
  try {
    await app.waitFor(/consuming/);
    await produce(short);
    await drained();
    if (only.includes('short')) await window('short history', short);
    const reached = short + (only.includes('short') ? perWork : 0);
    const t0 = performance.now();
    await produce(long - reached);
    await drained();
    log(`app drained a backlog up to ${long} events/work in ${round((performance.now() - t0) / 1000, 1)} s`);
    if (only.includes('long')) await window('long history', long);
    const peak = sampler.peak().projector!;
    const hwm = memoryOf(app.process.pid!)?.hwmMb;
    log(`projector peak RSS: VmHWM ${round(hwm ?? NaN, 1)} MB, largest sample ${peak.sampledPeakRssMb} MB`);
    process.stdout.write(`${JSON.stringify({ app: true, works: worksCount, windows, vmHwmMb: round(hwm ?? NaN, 1), sampledPeakRssMb: peak.sampledPeakRssMb })}\n`);
  } finally {
    sampler.stop();
    await app.stop();
    await pool.end();
    await kafka.stop();
  }
}

async function main(): Promise<void> {
  const worksCount = Number(arg('works', '1000'));
  const short = Number(arg('short', '7'));
  const long = Number(arg('long', '80'));
  const perWork = Number(arg('measure', '4'));
  const run = Number(arg('run', '200'));
  const only = arg('only', 'short,long').split(',');
  const url = await freshDatabase();
  if (process.argv.includes('--app')) {
    try {
      return await throughApp(url, worksCount, short, long, perWork, only);
    } finally {
      await dropDatabase();
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backendPid = rows[0]!.pid;
    const works = new BenchWorks(worksCount);
    // --cache=<streams>:<chars> sizes the cache (the default is the projector's); heap figures need --expose-gc.
    const sizing = arg('cache', '').split(':').filter(Boolean).map(Number);
    const cache = sizing.length === 2 ? new SnapshotCache(sizing[0], sizing[1]) : new SnapshotCache();
    const counts = countingCache(cache);
    const windows: Window[] = [];
    const build = async (to: number, from: number) => {
      // Up to `to` events per work, unmeasured, in the same runs (so the cache holds what the projector's would).
      for (let at = from; at < to; at += 1) await applyAll(client, works.round(1), run, cache);
    };
    await build(short, 0);
    if (only.includes('short')) windows.push(await measure('short history', client, backendPid, works, perWork, short, run, cache, counts));
    const reached = short + (only.includes('short') ? perWork : 0);
    const t0 = performance.now();
    await build(long, reached);
    log(`built up to ${long} events/work in ${round((performance.now() - t0) / 1000, 1)} s`);
    if (only.includes('long')) windows.push(await measure('long history', client, backendPid, works, perWork, long, run, cache, counts));
    let heapMb: { withCache: number; cached: number } | undefined;
    if (global.gc) {
      global.gc();
      const withCache = process.memoryUsage().heapUsed;
      const cached = cache.size;
      // What the cache holds: the heap with it, less the heap once it is emptied.
      (cache as unknown as { entries: Map<string, unknown> }).entries.clear();
      global.gc();
      heapMb = { withCache: round(withCache / 2 ** 20, 1), cached };
      log(`heap with the cache ${heapMb.withCache} MB (${cached} streams), without ${round(process.memoryUsage().heapUsed / 2 ** 20, 1)} MB`);
    }
    process.stdout.write(`${JSON.stringify({ works: worksCount, run, windows, heapMb })}\n`);
  } finally {
    client.release();
    await pool.end();
    await dropDatabase();
  }
}

runScript('bench', main);
