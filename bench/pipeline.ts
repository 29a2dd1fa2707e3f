/**
 * The system as it runs: the admin API, the outbox relay and the projector as child processes (node dist/…/main.js)
 * on a scratch database and a dev broker started here. (2) closed-loop load on a typical edit (POST
 * /works/:id/milestones, spread over many works), (3) fixed offered rates with the time from the HTTP answer to the
 * change being visible in the read models, (5) peak RSS of each app during both.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import autocannon from 'autocannon';
import pg from 'pg';
import { startDevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { backendCpu, BENCH_API_ENV, cpuSecondsOf, freePort, freshDatabase, log, median, nowMs, round, RssSampler, sleep, startApp, summarize, type ChildApp, type LatencySummary } from './support.js';
import { APP_NODE_ARGS } from '../scripts/app-node-args.js';
import { EDITOR, milestoneBody, requestJson, workRegistrationBody } from './admin-api-requests.js';
import { PostgresEventStore } from '../libs/event-store/src/postgres-event-store.js';
import { appendWorkLog, WorkLog } from './work-log.js';


export interface ApiRun {
  clients: number;
  commandsPerSecond: number;
  latencyMs: LatencySummary;
  non2xx: number;
  errors: number;
  /** CPU milliseconds per 2xx command of each app process and of the PostgreSQL backends each app's pool uses. */
  cpuMsPerCommand?: Record<string, number>;
}

/** eventsPerWork: the edited works' mean history at the start and the end of the level (the levels run one after another on the same works). */
export type ApiFigures = Array<{ clients: number; eventsPerWork?: { start: number; end: number }; runs: ApiRun[]; median: { commandsPerSecond: number; p50: number; p95: number; p99: number; cpuMsPerCommand?: Record<string, number> } }>;

export interface E2eRun {
  offeredPerSecond: number;
  achievedPerSecond: number;
  httpMs: LatencySummary;
  visibleMs: LatencySummary;
  failed: number;
  /** Why they failed: `HTTP <status>`, the request's error code, or `not visible in 60 s`. */
  failures: Record<string, number>;
}

/** Which works each row of (3) edits (its `works` label; the report finds rows by it). */
export const E2E_WORKS = {
  own: 'own works',
  longHistory: 'works edited in (2b)',
  /** The long-history row again, with a second projector instance in the consumer group. */
  longHistoryTwoProjectors: 'works edited in (2b), 2 projector instances',
  /** Works built to a long history (1,000 events) by appending straight to the event store; one projector instance. */
  appendedHistory: 'works built by appending to the store, 1 projector instance',
} as const;

export interface PipelineFigures {
  works: number;
  /** The admin API alone (relay and projector not started yet): what the API and its appends take on the 2 cores. */
  apiAlone: ApiFigures;
  /** The whole system: the relay and projector carry every command to Kafka and the read models on the same 2 cores. */
  api: ApiFigures;
  /** works: which works were edited (the section's own, or (2b)'s); eventsPerWorkAtStart: their mean history then. */
  e2e: Array<{ offeredPerSecond: number; works: string; eventsPerWorkAtStart: number; runs: E2eRun[]; median: { achievedPerSecond: number; p50: number; p95: number; p99: number; max: number; httpP99: number } }>;
  rssMb: {
    apiAlone: Record<string, { sampledPeakRssMb: number; vmHwmMb: number }>;
    api: Record<string, { sampledPeakRssMb: number; vmHwmMb: number }>;
    e2e: Record<string, { sampledPeakRssMb: number; vmHwmMb: number }>;
    /** During the row on works built by appending (after `e2e` was taken, so `e2e` covers what it covered before). */
    e2eAppendedHistory?: Record<string, { sampledPeakRssMb: number; vmHwmMb: number }>;
  };
  /** How the works of the E2E_WORKS.appendedHistory row were built. */
  appendedHistory?: {
    works: number;
    eventsPerWork: number;
    events: number;
    appendSeconds: number;
    /** From the last append to the read models reflecting every event (relay → Kafka → projector). */
    catchUpSeconds: number;
    /** One command per work through the API before the row (its state cache then holds each work's folded state). */
    warmUpCommands: number;
  };
  profiles?: string;
}

export interface PipelineOptions {
  works: number;
  clients: number[];
  rates: number[];
  repetitions: number;
  apiSeconds: number;
  e2eSeconds: number;
  /** Directory for `node --cpu-prof` profiles of the apps, when profiling. */
  profileDir?: string;
  /**
   * A last row of (3), after the others: `works` works built to `eventsPerWork` events by appending straight to the
   * event store (bench/work-log.ts; through the API it would take too long), the relay and the projector left to catch
   * up, then `rate` (default the highest of `rates`) with one projector instance (the second is stopped first).
   */
  appendedHistory?: { works: number; eventsPerWork: number; rate?: number };
}

export async function benchPipeline(options: PipelineOptions): Promise<PipelineFigures> {
  const url = await freshDatabase();
  const broker = await startDevBroker({ port: 0 });
  const [port, relayMetrics, projectorMetrics] = await Promise.all([freePort(), freePort(), freePort()]);
  const env = { DATABASE_URL: url, KAFKA_BROKERS: broker.brokers, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  const nodeArgs = (name: string) => [...APP_NODE_ARGS, ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [])];
  const api = startApp('admin-api', 'dist/apps/admin-api/src/main.js', { ...env, ...BENCH_API_ENV, PORT: String(port) }, nodeArgs('admin-api'));
  const apps: ChildApp[] = [api];
  const sampler = new RssSampler(apps);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  try {
    await api.waitFor(/listening/);
    await sleep(1000);
    // Works to edit: many, so no one stream is hot. Two sets: (2a) edits its own works, so the works of (2b) and (3)
    // have the same length of history as when (2a) did not exist (the projector's cost per event grows with it).
    const registerWorks = async (count: number, label: string): Promise<string[]> => {
      const works: string[] = [];
      const register = async () => {
        const workId = randomUUID();
        const res = await requestJson(agent, port, 'POST', '/works', workRegistrationBody(workId, `Bench ${label} ${works.length}`));
        if (res.status !== 201) throw new Error(`POST /works: ${res.status} ${res.body}`);
        works.push(workId);
      };
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (works.length < count) await register();
      }));
      return works;
    };
    const aloneWorks = await registerWorks(options.works, 'alone');
    const works = await registerWorks(options.works, 'system');
    log(`pipeline: ${aloneWorks.length} + ${works.length} works registered`);
    let nextAlone = 0;
    const nextAlonePath = () => `/works/${aloneWorks[nextAlone++ % aloneWorks.length]}/milestones`;
    let next = 0;
    const nextPath = () => `/works/${works[next++ % works.length]}/milestones`;

    // (2a) closed loop on the admin API alone: the relay and projector are not running yet (the outbox fills; they
    // drain it when they start). What the API and its appends can take when they have the 2 cores to themselves.
    sampler.reset();
    const apiAlone = await closedLoopLevels('api alone', options, port, nextAlonePath, pool, apps, false, () => eventsPerWork(pool, aloneWorks));
    const apiAloneRss = sampler.peak();

    apps.push(
      startApp('outbox-relay', 'dist/apps/outbox-relay/src/main.js', { ...env, RELAY_METRICS_PORT: String(relayMetrics) }, nodeArgs('outbox-relay')),
      startApp('projector', 'dist/apps/projector/src/main.js', { ...env, PROJECTOR_METRICS_PORT: String(projectorMetrics) }, nodeArgs('projector')),
    );
    // The backlog is (2a)'s every command on works of long history (the faster the API alone, the longer): the
    // projector's cost per event grows with a work's history, so this can take minutes. Not measured, only waited for.
    const drainStarted = performance.now();
    await caughtUp(pool, 1_200_000);
    log(`pipeline: relay and projector caught up with the API-alone runs in ${round((performance.now() - drainStarted) / 1000)} s`);

    // (2b) closed loop on the whole system: every command also goes through the relay, Kafka and the projector, all
    // on the same 2 cores as the API, PostgreSQL and the load generator.
    sampler.reset();
    const apiWhole = await closedLoopLevels('api', options, port, nextPath, pool, apps, true, () => eventsPerWork(pool, works));
    const apiRss = sampler.peak();

    // (3) fixed offered rates, open loop, on works of their own: how long a work's history is changes the projector's
    // cost per event, and (2b) lengthens its works' histories by as much as the API manages, so its works would make
    // (3) depend on (2b)'s throughput. Then the highest rate once more on (2b)'s long-history works, reported as such.
    const e2eWorks = await registerWorks(options.works, 'e2e');
    let nextE2e = 0;
    const nextE2ePath = () => `/works/${e2eWorks[nextE2e++ % e2eWorks.length]}/milestones`;
    await caughtUp(pool, 120_000);
    sampler.reset();
    const e2e: PipelineFigures['e2e'] = [];
    const e2eLevel = async (rate: number, works: string[], path: () => string, label: string): Promise<void> => {
      const history = await eventsPerWork(pool, works);
      const runs: E2eRun[] = [];
      for (let rep = 0; rep < options.repetitions; rep++) {
        const run = await offeredLoad(pool, agent, port, path, rate, options.e2eSeconds);
        runs.push(run);
        log(`e2e ${rate}/s (${label}, ${history} events per work at the start) run ${rep + 1}: achieved ${run.achievedPerSecond}/s, visible p50 ${run.visibleMs.p50} p95 ${run.visibleMs.p95} p99 ${run.visibleMs.p99} max ${run.visibleMs.max} ms; http p99 ${run.httpMs.p99} ms; failed ${run.failed}${run.failed ? ` ${JSON.stringify(run.failures)}` : ''}`);
      }
      e2e.push({
        offeredPerSecond: rate,
        works: label,
        eventsPerWorkAtStart: history,
        runs,
        median: {
          achievedPerSecond: medianOf(runs, (r) => r.achievedPerSecond),
          p50: medianOf(runs, (r) => r.visibleMs.p50),
          p95: medianOf(runs, (r) => r.visibleMs.p95),
          p99: medianOf(runs, (r) => r.visibleMs.p99),
          max: medianOf(runs, (r) => r.visibleMs.max),
          httpP99: medianOf(runs, (r) => r.httpMs.p99),
        },
      });
    };
    for (const rate of options.rates) await e2eLevel(rate, e2eWorks, nextE2ePath, E2E_WORKS.own);
    if (options.rates.length > 0) {
      const top = Math.max(...options.rates);
      await e2eLevel(top, works, nextPath, E2E_WORKS.longHistory);
      // The architecture's answer to a projector that falls behind: a second instance in its consumer group, which
      // takes half of the partitions (and so of the streams), on the same 2 cores.
      const second = startApp('projector-2', 'dist/apps/projector/src/main.js', { ...env, PROJECTOR_METRICS_PORT: String(await freePort()) }, nodeArgs('projector-2'));
      apps.push(second);
      await second.waitFor(/consuming/);
      // The first instance learns of the rebalance at its next heartbeat (kafkajs: every 3 s) and rejoins.
      await sleep(8_000);
      await caughtUp(pool, 120_000);
      await e2eLevel(top, works, nextPath, E2E_WORKS.longHistoryTwoProjectors);
    }
    const e2eRss = sampler.peak();
    let appendedHistory: PipelineFigures['appendedHistory'];
    let appendedRss: PipelineFigures['rssMb']['e2eAppendedHistory'];
    if (options.appendedHistory && options.rates.length > 0) {
      const { works: count, eventsPerWork: history } = options.appendedHistory;
      const rate = options.appendedHistory.rate ?? Math.max(...options.rates);
      // One projector instance: the second leaves the consumer group, the first takes every partition back.
      const second = apps.find((app) => app.name === 'projector-2');
      if (second) {
        await second.stop();
        apps.splice(apps.indexOf(second), 1);
        await sleep(8_000);
      }
      await caughtUp(pool, 120_000);
      const built = new WorkLog(count, 'Bench appended');
      const appendSeconds = await appendWorkLog(new PostgresEventStore(pool), built, history, { perRound: 5, perCall: 1000, inFlight: 2, label: 'pipeline: appended history' });
      const catchUpStarted = performance.now();
      await caughtUp(pool, 1_800_000);
      const catchUpSeconds = round((performance.now() - catchUpStarted) / 1000, 1);
      log(`pipeline: ${count} works × ${history} events appended to the store in ${round(appendSeconds, 1)} s; relay and projector caught up ${catchUpSeconds} s later`);
      const ids = built.works.map((w) => w.workId);
      // The API folds a work's stream from the store the first time it is edited, then keeps its state: one edit per
      // work first, so the row measures works the API has in hand, as the other rows' works are.
      let warm = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (warm < ids.length) {
          const id = ids[warm++]!;
          const res = await requestJson(agent, port, 'POST', `/works/${id}/milestones`, milestoneBody());
          if (res.status !== 200) throw new Error(`POST /works/:id/milestones (warm-up): ${res.status} ${res.body}`);
        }
      }));
      await caughtUp(pool, 300_000);
      appendedHistory = { works: count, eventsPerWork: history, events: count * history, appendSeconds: round(appendSeconds, 1), catchUpSeconds, warmUpCommands: ids.length };
      let nextAppended = 0;
      sampler.reset();
      await e2eLevel(rate, ids, () => `/works/${ids[nextAppended++ % ids.length]}/milestones`, E2E_WORKS.appendedHistory);
      appendedRss = Object.fromEntries(Object.entries(sampler.peak()).filter(([, m]) => Number.isFinite(m.vmHwmMb)));
    }
    return {
      works: works.length,
      apiAlone,
      api: apiWhole,
      e2e,
      rssMb: { apiAlone: apiAloneRss, api: apiRss, e2e: e2eRss, ...(appendedRss ? { e2eAppendedHistory: appendedRss } : {}) },
      ...(appendedHistory ? { appendedHistory } : {}),
      ...(options.profileDir ? { profiles: options.profileDir } : {}),
    };
  } catch (error) {
    for (const app of apps) log(`${app.name} output:\n${app.output().slice(-3000)}`);
    throw error;
  } finally {
    sampler.stop();
    agent.destroy();
    await Promise.all(apps.map((app) => app.stop()));
    await pool.end();
    await broker.stop();
  }
}

/** The closed-loop runs at each client count, with the CPU each process (and PostgreSQL for each app) spent per command. */
async function closedLoopLevels(
  label: string,
  options: PipelineOptions,
  port: number,
  nextPath: () => string,
  pool: pg.Pool,
  apps: ChildApp[],
  waitForReadModels: boolean,
  history: () => Promise<number>,
): Promise<ApiFigures> {
  const figures: ApiFigures = [];
  for (const clients of options.clients) {
    const start = await history();
    const runs: ApiRun[] = [];
    for (let rep = 0; rep < options.repetitions; rep++) {
      const latencies: number[] = [];
      let ok = 0;
      let non2xx = 0;
      const cpu = cpuMeter(pool, apps);
      const instance = autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: clients,
        pipelining: 1,
        duration: options.apiSeconds,
        timeout: 30,
        headers: EDITOR,
        requests: [{ method: 'POST', setupRequest: (request) => ({ ...request, path: nextPath(), body: milestoneBody() }) }],
      });
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode < 300) {
          ok += 1;
          latencies.push(responseTime);
        } else non2xx += 1;
      });
      const result = await instance;
      const cpuMs = await cpu.stop();
      const cpuMsPerCommand = Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / Math.max(ok, 1), 3)]));
      const run: ApiRun = { clients, commandsPerSecond: round(ok / result.duration, 1), latencyMs: roundSummary(summarize(latencies)), non2xx, errors: result.errors, cpuMsPerCommand };
      runs.push(run);
      log(`${label} ${clients} clients run ${rep + 1}: ${run.commandsPerSecond} cmd/s p50 ${run.latencyMs.p50} p95 ${run.latencyMs.p95} p99 ${run.latencyMs.p99} ms (non-2xx ${non2xx}, errors ${result.errors}); CPU ms/command ${JSON.stringify(cpuMsPerCommand)}`);
      // Each run starts from caught-up read models, so the projector's backlog from one run does not load the next.
      if (waitForReadModels) await caughtUp(pool, 300_000);
    }
    const cpuNames = Object.keys(runs[0]?.cpuMsPerCommand ?? {});
    figures.push({
      clients,
      eventsPerWork: { start, end: await history() },
      runs,
      median: {
        commandsPerSecond: medianOf(runs, (r) => r.commandsPerSecond),
        p50: medianOf(runs, (r) => r.latencyMs.p50),
        p95: medianOf(runs, (r) => r.latencyMs.p95),
        p99: medianOf(runs, (r) => r.latencyMs.p99),
        cpuMsPerCommand: Object.fromEntries(cpuNames.map((name) => [name, round(median(runs.map((r) => r.cpuMsPerCommand?.[name] ?? NaN)), 3)])),
      },
    });
  }
  return figures;
}

/** The PostgreSQL application_name of each app's pool (libs/database createPool callers). */
const POOL_NAMES: Record<string, string> = { 'admin-api': 'reelwire-admin-api', 'outbox-relay': 'reelwire-outbox-relay', projector: 'reelwire-projector' };

/**
 * CPU milliseconds from now to stop() of each app process (/proc) and of the PostgreSQL backends serving each app's
 * pool (by application_name, this database only). Names missing from the result could not be read.
 */
function cpuMeter(pool: pg.Pool, apps: ChildApp[]): { stop(): Promise<Record<string, number>> } {
  const before = new Map(apps.map((app) => [app.name, app.process.pid ? cpuSecondsOf(app.process.pid) : undefined]));
  const backends = apps.map((app) => [app.name, backendCpu(pool, POOL_NAMES[app.name] ?? app.name)] as const);
  return {
    async stop() {
      const out: Record<string, number> = {};
      for (const app of apps) {
        const now = app.process.pid ? cpuSecondsOf(app.process.pid) : undefined;
        const then = before.get(app.name);
        if (now !== undefined && then !== undefined) out[app.name] = (now - then) * 1000;
      }
      for (const [name, meter] of backends) {
        const seconds = await meter.stop();
        if (seconds !== undefined) out[`postgres for ${name}`] = seconds * 1000;
      }
      return out;
    },
  };
}

function roundSummary(s: LatencySummary): LatencySummary {
  return { count: s.count, p50: round(s.p50, 1), p95: round(s.p95, 1), p99: round(s.p99, 1), max: round(s.max, 1) };
}

/** The median of one figure over the runs, to 0.1. */
function medianOf<R>(runs: readonly R[], figure: (run: R) => number): number {
  return round(median(runs.map(figure)), 1);
}

/** Mean number of events in the given works' streams. */
async function eventsPerWork(pool: pg.Pool, works: string[]): Promise<number> {
  const { rows } = await pool.query<{ mean: string | null }>('SELECT avg(version)::text AS mean FROM streams WHERE stream_id = ANY($1)', [works.map((id) => `work-${id}`)]);
  return round(Number(rows[0]?.mean ?? 0), 1);
}

/** Waits until the read models reflect every recorded event. */
async function caughtUp(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ recorded: string | null; applied: string | null }>(
      `SELECT (SELECT max(global_position)::text FROM events) AS recorded, (SELECT max(last_global_position)::text FROM read_models.projection_streams) AS applied`,
    );
    if (rows[0]!.recorded === null || rows[0]!.recorded === rows[0]!.applied) return;
    if (Date.now() > deadline) throw new Error(`read models at ${rows[0]!.applied}, log at ${rows[0]!.recorded} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Sends `rate` commands per second for `seconds` on a fixed schedule (open loop: a slow answer does not slow the
 * sender), and for every 200/201 polls read_models.projection_streams every 5 ms until the stream's version there
 * reaches the version the API answered (ETag). Visible time = first poll that sees it − the HTTP answer.
 */
async function offeredLoad(pool: pg.Pool, agent: http.Agent, port: number, nextPath: () => string, rate: number, seconds: number): Promise<E2eRun> {
  const httpMs: number[] = [];
  const visibleMs: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string, count = 1) => {
    failed += count;
    failures[why] = (failures[why] ?? 0) + count;
  };
  const pending = new Map<string, Array<{ version: number; answeredAt: number }>>();
  let sending = true;
  const poller = (async () => {
    while (sending || pending.size > 0) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const { rows } = await pool.query<{ stream_id: string; version: number }>('SELECT stream_id, version FROM read_models.projection_streams WHERE stream_id = ANY($1)', [ids]);
        const seenAt = nowMs();
        for (const row of rows) {
          const waiting = pending.get(row.stream_id);
          if (!waiting) continue;
          const left = waiting.filter((w) => {
            if (w.version <= row.version) {
              visibleMs.push(seenAt - w.answeredAt);
              return false;
            }
            return true;
          });
          if (left.length) pending.set(row.stream_id, left);
          else pending.delete(row.stream_id);
        }
      }
      await sleep(5);
    }
  })();
  const total = Math.round(rate * seconds);
  const started = nowMs();
  const inflight: Promise<void>[] = [];
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((nowMs() - started) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const path = nextPath();
      const streamId = `work-${path.split('/')[2]}`;
      const t0 = nowMs();
      inflight.push(
        requestJson(agent, port, 'POST', path, milestoneBody()).then(
          (res) => {
            const t1 = nowMs();
            if (res.status !== 200 && res.status !== 201) {
              fail(`HTTP ${res.status}`);
              return;
            }
            httpMs.push(t1 - t0);
            const version = Number(res.etag?.replace(/"/g, ''));
            const list = pending.get(streamId) ?? [];
            list.push({ version, answeredAt: t1 });
            pending.set(streamId, list);
          },
          (error: NodeJS.ErrnoException) => fail(error.code ?? error.message),
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  const elapsed = (nowMs() - started) / 1000;
  const deadline = Date.now() + 60_000;
  while (pending.size > 0 && Date.now() < deadline) await sleep(20);
  const neverVisible = [...pending.values()].reduce((n, l) => n + l.length, 0);
  if (neverVisible > 0) fail('not visible in 60 s', neverVisible);
  pending.clear();
  sending = false;
  await poller;
  return {
    offeredPerSecond: rate,
    achievedPerSecond: round(httpMs.length / elapsed, 1),
    httpMs: roundSummary(summarize(httpMs)),
    visibleMs: roundSummary(summarize(visibleMs)),
    failed,
    failures,
  };
}
