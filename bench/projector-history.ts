/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/projector-history.js [--works=1000] [--short=7] [--long=80]
 * [--measure=4] [--run=200] [--repeat=1]`: the projector's apply cost per event on fresh and on long-history streams.
 * Writes nothing to docs/; prints its figures (and one JSON line on stdout).
 *
 * `--works` work streams, registered then edited with milestones (the typical edit of bench/pipeline.ts), interleaved
 * round robin as live edits are, applied through the projection engine (applyRunInTransaction, the projector's own
 * path) in transactions of `--run` events. Measured windows of `--measure` events per work: once the works have
 * `--short` events, and once they have `--long` (or, with `--histories=10,100,1000`, at each of those lengths). Each
 * window reports Node CPU ms (process.cpuUsage, the apply calls and their commits only: the events are decided
 * beforehand) and PostgreSQL backend CPU ms (the one connection's backend, /proc/<pid>/stat) per 1,000 events. `--cache`
 * is accepted and ignored: the engine keeps no cache (what an event reads is a few rows by key).
 *
 * `--app`: the same windows through the projector app itself (dist/apps/projector/src/main.js, a child process with the
 * apps' node flags, scripts/app-node-args.ts) consuming a dev broker: each window's events are produced as a backlog,
 * then drained; CPU of the app process and of its PostgreSQL backends per 1,000 events, and the app's peak RSS (VmHWM,
 * and the largest 200 ms sample) over the whole run, which includes draining the backlog from `--short` to `--long`.
 *
 * `--warmup=<n>` (in process only; default 0, as before): first `n` events per work on as many other works, unmeasured,
 * so the first window is not also measuring V8 compiling the engine's code (with 100 works, the window at 10 events
 * of history otherwise runs after only 1,000 events: ≈3× the Node CPU per event of the later windows in one run, and
 * still 1.3–1.6× with a warm-up of 50 or 200, so not all of that difference is the compiler).
 *
 * `--same-date` (in process only; default off, as before): every milestone dated 2018-05, as the admin API benches'
 * edits are, so every event changes the status card whatever the history (by default the dates cycle and a milestone
 * changes the card on a work's first 15 milestones and then once in 15, so a window at 10 events of history does more
 * per event than one at 100 or 1,000).
 *
 * Profile the Node side with `node --cpu-prof --cpu-prof-dir=<dir> dist/bench/projector-history.js …`; `--only=long`
 * keeps the short window out of the profile (it is still built up to, unmeasured).
 */
import pg from 'pg';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { BenchWorks } from './work-events.js';
import { applyRunInTransaction } from '../libs/read-models/src/engine/pg-apply.js';
import { READ_MODELS } from '../libs/read-models/src/read-models.js';
import { APP_NODE_ARGS } from '../scripts/app-node-args.js';
import { argument as arg, backendCpu, cpuSecondsOf, dropDatabase, freePort, freshDatabase, log, memoryOf, round, RssSampler, runScript, sleep, startApp, startBenchKafka } from './support.js';



interface Window {
  label: string;
  eventsPerWorkAtStart: number;
  events: number;
  nodeCpuMsPer1k: number;
  pgCpuMsPer1k: number;
  wallMsPer1k: number;
}

async function applyAll(client: pg.PoolClient, events: readonly PublishedEvent[], run: number): Promise<void> {
  for (let start = 0; start < events.length; start += run) {
    await client.query('BEGIN');
    await applyRunInTransaction(client, 'read_models', READ_MODELS, events.slice(start, start + run).map((value) => ({ value })));
    await client.query('COMMIT');
  }
}

async function measure(label: string, client: pg.PoolClient, backendPid: number, works: BenchWorks, perWork: number, startAt: number, run: number): Promise<Window> {
  const events = works.round(perWork);
  if (global.gc) global.gc();
  const pg0 = cpuSecondsOf(backendPid) ?? NaN;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await applyAll(client, events, run);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = cpuSecondsOf(backendPid) ?? NaN;
  const per1k = (ms: number) => round((ms / events.length) * 1000, 1);
  const window: Window = {
    label,
    eventsPerWorkAtStart: startAt,
    events: events.length,
    nodeCpuMsPer1k: per1k((cpu.user + cpu.system) / 1000),
    pgCpuMsPer1k: per1k((pg1 - pg0) * 1000),
    wallMsPer1k: per1k(wall),
  };
  log(
    `${label} (${startAt}→${startAt + perWork} events/work, ${events.length} events, runs of ${run}): Node ${window.nodeCpuMsPer1k} ms CPU/1k events, ` +
      `PostgreSQL ${window.pgCpuMsPer1k} ms CPU/1k, wall ${window.wallMsPer1k} ms/1k`,
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
      const { rows } = await pool.query<{ n: string }>('SELECT coalesce(sum(version), 0)::bigint AS n FROM read_models.projection_streams');
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
    const warmup = Number(arg('warmup', '0'));
    if (warmup > 0) {
      const t0 = performance.now();
      const warm = new BenchWorks(worksCount, { sameDate: process.argv.includes('--same-date') });
      for (let k = 0; k < warmup; k++) await applyAll(client, warm.round(1), run);
      log(`warm-up: ${warmup} events on each of ${worksCount} other works in ${round((performance.now() - t0) / 1000, 1)} s`);
    }
    const works = new BenchWorks(worksCount, { sameDate: process.argv.includes('--same-date') });
    const windows: Window[] = [];
    let reached = 0;
    const build = async (to: number) => {
      // Up to `to` events per work, unmeasured, in the same runs.
      for (; reached < to; reached += 1) await applyAll(client, works.round(1), run);
    };
    const histories = arg('histories', '') ? arg('histories', '').split(',').map(Number) : undefined;
    const targets: [string, number][] = histories ? histories.map((h) => [`${h} events of history`, h]) : [['short history', short], ['long history', long]].filter(([label]) => only.includes(String(label).split(' ')[0]!)) as [string, number][];
    for (const [label, at] of targets) {
      const t0 = performance.now();
      await build(at);
      log(`built up to ${at} events/work in ${round((performance.now() - t0) / 1000, 1)} s`);
      windows.push(await measure(label, client, backendPid, works, perWork, at, run));
      reached += perWork;
    }
    let heapMb: { heapUsed: number } | undefined;
    if (global.gc) {
      global.gc();
      heapMb = { heapUsed: round(process.memoryUsage().heapUsed / 2 ** 20, 1) };
    }
    process.stdout.write(`${JSON.stringify({ works: worksCount, run, windows, heapMb, ...(process.argv.includes('--same-date') ? { sameDate: true } : {}) })}\n`);
  } finally {
    client.release();
    await pool.end();
    await dropDatabase();
  }
}

runScript('bench', main);
