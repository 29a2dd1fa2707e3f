/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/as-of.js [--events=1000000] [--works=20000] [--requests=500]
 * [--concurrency=8] [--seconds=20] [--runs=3]`: the admin API's as-of reads of the read models on a long log. Writes
 * nothing to docs/; prints its figures (and one JSON line on stdout). `npm run bench` runs it as its section 7.
 *
 * The log: `--works` works registered, then edited with dated milestones (bench/work-log.ts: decided by the work
 * decider, appended straight to the event store, 1,000 events per transaction) in rounds of 5 events per work, until
 * it holds `--events` events — so every work's history runs through the whole log and a random instant falls in the
 * middle of most works' histories. The read models are loaded by the product's rebuild (rebuildAndSwap, what
 * `npm run replay -- --all` runs: every version of every row), then ANALYZEd as autovacuum would soon do.
 *
 * The admin API then runs as a child process with the apps' node flags (scripts/app-node-args.ts, so under its real
 * heap cap; add more with API_NODE_ARGS) and is asked, with the auditor's dev key, for six kinds of as-of read:
 * GET /projects/{id} (the status card), /projects/{id}/timeline and /projects (the first page of the list), each
 * with `?asOf=<instant>` and with `?asOfPosition=<n>`. Each request takes a random position of the log (uniform over
 * the events, so uniform over the log's history) — for asOf, the recordedAt of the event there, rounded up to the
 * millisecond — and, for a card or a timeline, a random work registered by then. Per run:
 *  - sequential: `--requests` of each kind, one at a time, kinds interleaved (latency: client-side, request sent to
 *    body read, on a keep-alive connection);
 *  - concurrent: `--concurrency` requests at a time for `--seconds` s, kinds drawn at random: latency under load,
 *    throughput, every non-200 answer (5xx separately), whether the API process is still alive, its CPU and that of
 *    its PostgreSQL backends per request, its peak RSS (largest 200 ms VmRSS sample, and VmHWM at the end).
 * `--runs` runs on the same log; the summary gives the median over runs of each run's p50 / p99.
 */
import http from 'node:http';
import { createPool } from '../libs/database/src/pool.js';
import { PostgresEventStore } from '../libs/event-store/src/postgres-event-store.js';
import { READ_MODELS } from '../libs/read-models/src/read-models.js';
import { rebuildAndSwap } from '../libs/read-models/src/rebuild/rebuild.js';
import { APP_NODE_ARGS } from '../scripts/app-node-args.js';
import { getAsAuditor } from './admin-api-requests.js';
import { appendWorkLog, WorkLog } from './work-log.js';
import { argument, backendCpu, BENCH_API_ENV, cpuSecondsOf, dropDatabase, freePort, freshDatabase, log, median, memoryOf, nowMs, round, RssSampler, runScript, sleep, startApp, summarize, type LatencySummary } from './support.js';

const arg = (name: string, fallback: number) => Number(argument(name, String(fallback)));

/** The six reads, by name: the status card, the timeline and the list's first page, as of an instant or a position. */
export const AS_OF_KINDS = ['card asOf', 'card asOfPosition', 'timeline asOf', 'timeline asOfPosition', 'list asOf', 'list asOfPosition'] as const;
export type AsOfKind = (typeof AS_OF_KINDS)[number];

export interface AsOfRun {
  sequential: Record<AsOfKind, LatencySummary>;
  concurrent: {
    concurrency: number;
    seconds: number;
    requestsPerSecond: number;
    all: LatencySummary;
    byKind: Record<AsOfKind, LatencySummary>;
    /** Answers other than 200, by status (5xx among them), and request errors (connection refused, reset). */
    non200: Record<string, number>;
    serverErrors: number;
    requestErrors: number;
    apiAlive: boolean;
    apiCpuMsPerRequest?: number;
    postgresCpuMsPerRequest?: number;
    sampledPeakRssMb: number;
  };
  /** Non-200 answers of the sequential part, by status. */
  sequentialNon200: Record<string, number>;
}

export interface AsOfFigures {
  events: number;
  works: number;
  eventsPerWork: number;
  populate: { seconds: number; eventsPerSecond: number };
  rebuild: { seconds: number; eventsPerSecond: number; rows: number; projectStatusRows: number; timelineRows: number };
  requestsPerKind: number;
  runs: AsOfRun[];
  median: {
    sequential: Record<AsOfKind, { p50: number; p99: number }>;
    concurrent: { requestsPerSecond: number; p50: number; p99: number; byKind: Record<AsOfKind, { p50: number; p99: number }> };
  };
  api: { alive: boolean; serverErrors: number; vmHwmMb: number; sampledPeakRssMb: number; heapCapMb: number; nodeArgs: string[] };
}

interface Sample {
  position: number;
  /** The event's recordedAt rounded up to the millisecond: the as-of position of this instant is ≥ position. */
  instant: string;
}

async function main(): Promise<void> {
  const events = arg('events', 1_000_000);
  const worksCount = arg('works', 20_000);
  const requests = arg('requests', 500);
  const concurrency = arg('concurrency', 8);
  const seconds = arg('seconds', 20);
  const runs = arg('runs', 3);
  const eventsPerWork = Math.max(1, Math.round(events / worksCount));
  const url = await freshDatabase();
  const pool = createPool(url, { max: 6, applicationName: 'bench-as-of' });
  let api: ReturnType<typeof startApp> | undefined;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(concurrency, 1) });
  try {
    // The log.
    const works = new WorkLog(worksCount);
    const populateSeconds = await appendWorkLog(new PostgresEventStore(pool), works, eventsPerWork, { perRound: 5, perCall: 1000, inFlight: 2, label: 'as-of' });
    const stored = worksCount * eventsPerWork;
    log(`as-of: ${stored} events (${worksCount} works × ${eventsPerWork}) stored in ${round(populateSeconds, 1)} s = ${round(stored / populateSeconds)} events/s`);
    await pool.query('VACUUM ANALYZE events');

    // The read models, every version of every row, by the product's rebuild.
    const rebuilt = await rebuildAndSwap({ pool });
    const rows = READ_MODELS.tables.reduce((sum, table) => sum + (rebuilt.rows[table.name] ?? 0), 0);
    const rebuild = {
      seconds: round(rebuilt.durationMs / 1000, 1),
      eventsPerSecond: round(rebuilt.rate),
      rows,
      projectStatusRows: rebuilt.rows.project_status ?? NaN,
      timelineRows: rebuilt.rows.timeline_entries ?? NaN,
    };
    log(`as-of: rebuildAndSwap ${rebuilt.events} events in ${rebuild.seconds} s (${rebuild.eventsPerSecond} events/s): ${rows} row versions, project_status ${rebuild.projectStatusRows}, timeline_entries ${rebuild.timelineRows}`);
    await pool.query('ANALYZE');

    // What the requests draw from: the log's positions with their instants, and when each work was registered.
    const { rows: head } = await pool.query<{ max: string }>('SELECT max(global_position)::text AS max FROM events');
    const maxPosition = Number(head[0]!.max);
    const { rows: registrations } = await pool.query<{ stream_id: string; p: string }>(
      'SELECT stream_id, global_position::text AS p FROM events WHERE stream_version = 1 ORDER BY global_position',
    );
    const regPositions = registrations.map((r) => Number(r.p));
    const regWorks = registrations.map((r) => r.stream_id.slice('work-'.length));
    const wanted = Array.from({ length: 20_000 }, () => 1 + Math.floor(Math.random() * maxPosition));
    const { rows: instants } = await pool.query<{ p: string; ms: string }>(
      `SELECT global_position::text AS p, ceil(extract(epoch FROM recorded_at) * 1000)::bigint::text AS ms FROM events WHERE global_position = ANY($1::bigint[])`,
      [wanted],
    );
    const samples: Sample[] = instants.map((r) => ({ position: Number(r.p), instant: new Date(Number(r.ms)).toISOString() }));
    if (samples.length === 0) throw new Error('as-of: no events to sample');
    const registeredBy = (position: number): number => {
      // How many works were registered at or before `position` (binary search on the sorted positions).
      let lo = 0;
      let hi = regPositions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (regPositions[mid]! <= position) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const pathFor = (kind: AsOfKind): string => {
      const sample = samples[Math.floor(Math.random() * samples.length)]!;
      const view = kind.endsWith('asOfPosition') ? `asOfPosition=${sample.position}` : `asOf=${encodeURIComponent(sample.instant)}`;
      if (kind.startsWith('list')) return `/projects?${view}`;
      const workId = regWorks[Math.floor(Math.random() * Math.max(1, registeredBy(sample.position)))]!;
      return kind.startsWith('card') ? `/projects/${workId}?${view}` : `/projects/${workId}/timeline?${view}`;
    };

    // The admin API as it runs.
    const port = await freePort();
    const nodeArgs = [...APP_NODE_ARGS, ...(process.env.API_NODE_ARGS ?? '').split(' ').filter(Boolean)];
    api = startApp('admin-api', 'dist/apps/admin-api/src/main.js', { ...BENCH_API_ENV, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development' }, nodeArgs);
    const app = api;
    await app.waitFor(/listening/);
    const sampler = new RssSampler([app]);
    const once = async (kind: AsOfKind): Promise<{ status: number; ms: number } | { error: string }> => {
      const t0 = nowMs();
      try {
        const { status } = await getAsAuditor(agent, port, pathFor(kind));
        return { status, ms: nowMs() - t0 };
      } catch (error) {
        return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
      }
    };
    // Warm-up: JIT, the pool's connections, the first pages of the indexes.
    for (let i = 0; i < 300; i++) await once(AS_OF_KINDS[i % AS_OF_KINDS.length]!);

    const allRuns: AsOfRun[] = [];
    for (let run = 1; run <= runs; run++) {
      // Sequential: one request at a time, the six kinds interleaved.
      const latencies = new Map<AsOfKind, number[]>(AS_OF_KINDS.map((k) => [k, []]));
      const sequentialNon200: Record<string, number> = {};
      for (let i = 0; i < requests * AS_OF_KINDS.length; i++) {
        const kind = AS_OF_KINDS[i % AS_OF_KINDS.length]!;
        const r = await once(kind);
        if ('error' in r) sequentialNon200[r.error] = (sequentialNon200[r.error] ?? 0) + 1;
        else if (r.status !== 200) sequentialNon200[`HTTP ${r.status}`] = (sequentialNon200[`HTTP ${r.status}`] ?? 0) + 1;
        else latencies.get(kind)!.push(r.ms);
      }
      const sequential = Object.fromEntries(AS_OF_KINDS.map((k) => [k, roundSummary(summarize(latencies.get(k)!))])) as Record<AsOfKind, LatencySummary>;
      log(`as-of run ${run} sequential: ${AS_OF_KINDS.map((k) => `${k} p50 ${sequential[k].p50} p99 ${sequential[k].p99} ms`).join('; ')}${Object.keys(sequentialNon200).length ? `; non-200 ${JSON.stringify(sequentialNon200)}` : ''}`);

      // Concurrent: `concurrency` requests in flight for `seconds`.
      sampler.reset();
      const byKind = new Map<AsOfKind, number[]>(AS_OF_KINDS.map((k) => [k, []]));
      const all: number[] = [];
      const non200: Record<string, number> = {};
      let serverErrors = 0;
      let requestErrors = 0;
      const cpu0 = cpuSecondsOf(app.process.pid!);
      const pgCpu = backendCpu(pool, 'reelwire-admin-api');
      const started = nowMs();
      const deadline = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (nowMs() < deadline) {
            const kind = AS_OF_KINDS[Math.floor(Math.random() * AS_OF_KINDS.length)]!;
            const r = await once(kind);
            if ('error' in r) {
              requestErrors += 1;
              non200[r.error] = (non200[r.error] ?? 0) + 1;
              // A refused connection returns at once: do not spin on a dead API.
              await sleep(10);
            } else if (r.status !== 200) {
              if (r.status >= 500) serverErrors += 1;
              non200[`HTTP ${r.status}`] = (non200[`HTTP ${r.status}`] ?? 0) + 1;
            } else {
              byKind.get(kind)!.push(r.ms);
              all.push(r.ms);
            }
          }
        }),
      );
      const elapsed = (nowMs() - started) / 1000;
      const cpu1 = cpuSecondsOf(app.process.pid!);
      const pgSeconds = await pgCpu.stop();
      const ok = all.length;
      const apiAlive = app.process.exitCode === null && app.process.signalCode === null;
      const concurrent: AsOfRun['concurrent'] = {
        concurrency,
        seconds,
        requestsPerSecond: round(ok / elapsed, 1),
        all: roundSummary(summarize(all)),
        byKind: Object.fromEntries(AS_OF_KINDS.map((k) => [k, roundSummary(summarize(byKind.get(k)!))])) as Record<AsOfKind, LatencySummary>,
        non200,
        serverErrors,
        requestErrors,
        apiAlive,
        ...(cpu0 !== undefined && cpu1 !== undefined ? { apiCpuMsPerRequest: round(((cpu1 - cpu0) * 1000) / Math.max(ok, 1), 3) } : {}),
        ...(pgSeconds !== undefined ? { postgresCpuMsPerRequest: round((pgSeconds * 1000) / Math.max(ok, 1), 3) } : {}),
        sampledPeakRssMb: sampler.peak()['admin-api']?.sampledPeakRssMb ?? NaN,
      };
      log(
        `as-of run ${run} ${concurrency} concurrent for ${seconds} s: ${concurrent.requestsPerSecond} requests/s, p50 ${concurrent.all.p50} p99 ${concurrent.all.p99} max ${concurrent.all.max} ms ` +
          `(${AS_OF_KINDS.map((k) => `${k} p99 ${concurrent.byKind[k].p99}`).join(', ')}); non-200 ${JSON.stringify(non200)}; API alive ${apiAlive}; ` +
          `CPU ms/request: admin-api ${concurrent.apiCpuMsPerRequest ?? '?'}, its PostgreSQL backends ${concurrent.postgresCpuMsPerRequest ?? '?'}; peak RSS sample ${concurrent.sampledPeakRssMb} MB`,
      );
      allRuns.push({ sequential, concurrent, sequentialNon200 });
      if (!apiAlive) break;
    }
    sampler.stop();
    const memory = memoryOf(app.process.pid!);
    const heapCap = Number(nodeArgs.map((a) => a.match(/^--max-old-space-size=(\d+)$/)?.[1]).find(Boolean) ?? NaN);
    const med = (values: number[]) => round(median(values), 1);
    const figures: AsOfFigures = {
      events: stored,
      works: worksCount,
      eventsPerWork,
      populate: { seconds: round(populateSeconds, 1), eventsPerSecond: round(stored / populateSeconds) },
      rebuild,
      requestsPerKind: requests,
      runs: allRuns,
      median: {
        sequential: Object.fromEntries(AS_OF_KINDS.map((k) => [k, { p50: med(allRuns.map((r) => r.sequential[k].p50)), p99: med(allRuns.map((r) => r.sequential[k].p99)) }])) as AsOfFigures['median']['sequential'],
        concurrent: {
          requestsPerSecond: med(allRuns.map((r) => r.concurrent.requestsPerSecond)),
          p50: med(allRuns.map((r) => r.concurrent.all.p50)),
          p99: med(allRuns.map((r) => r.concurrent.all.p99)),
          byKind: Object.fromEntries(AS_OF_KINDS.map((k) => [k, { p50: med(allRuns.map((r) => r.concurrent.byKind[k].p50)), p99: med(allRuns.map((r) => r.concurrent.byKind[k].p99)) }])) as AsOfFigures['median']['concurrent']['byKind'],
        },
      },
      api: {
        alive: app.process.exitCode === null && app.process.signalCode === null,
        serverErrors: allRuns.reduce((n, r) => n + r.concurrent.serverErrors + Object.entries(r.sequentialNon200).filter(([k]) => /^HTTP 5/.test(k)).reduce((s, [, v]) => s + v, 0), 0),
        vmHwmMb: round(memory?.hwmMb ?? NaN, 1),
        sampledPeakRssMb: Math.max(...allRuns.map((r) => r.concurrent.sampledPeakRssMb)),
        heapCapMb: heapCap,
        nodeArgs,
      },
    };
    log(`as-of: admin API alive ${figures.api.alive}, 5xx ${figures.api.serverErrors}, VmHWM ${figures.api.vmHwmMb} MB (heap cap ${heapCap} MB)`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } catch (error) {
    if (api) log(`admin-api output:\n${api.output().slice(-3000)}`);
    throw error;
  } finally {
    agent.destroy();
    await api?.stop();
    await pool.end();
    await dropDatabase();
  }
}

function roundSummary(s: LatencySummary): LatencySummary {
  return { count: s.count, p50: round(s.p50, 1), p95: round(s.p95, 1), p99: round(s.p99, 1), max: round(s.max, 1) };
}

runScript('as-of', main);
