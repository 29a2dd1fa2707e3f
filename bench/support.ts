/** Shared helpers of `npm run bench`: scratch database, percentiles, timing, child apps, RSS sampling, a dev broker. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { TOPICS } from '../libs/contracts/src/streams.js';
import { runMigrations } from '../libs/database/src/migrations.js';
import { startDevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { createKafka, ensureTopics, LogLevel } from '../libs/messaging/src/kafka.js';

export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_DATABASE names another scratch database, so two benchmark runs on one server do not drop each other's. */
export const BENCH_DB = process.env.BENCH_DATABASE ?? 'reelwire_bench';

export function databaseUrl(name = BENCH_DB): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and recreates the scratch database, applies reelwire's migrations; returns its URL. */
export async function freshDatabase(migrate = true): Promise<string> {
  await dropDatabase();
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(BENCH_DB)}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl();
  if (migrate) await runMigrations(url);
  return url;
}

/** The scratch database's URL if it exists (for a run that reuses what an earlier run stored), else undefined. */
export async function existingDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [BENCH_DB]);
    return rowCount ? databaseUrl() : undefined;
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(BENCH_DB)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** N concurrent loops calling `step(writer)` until the deadline; each step returns how many items it did. Items/s. */
export async function closedLoop(writers: number, durationMs: number, step: (writer: number, iteration: number) => Promise<number>): Promise<number> {
  const started = nowMs();
  const deadline = started + durationMs;
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; nowMs() < deadline; i++) {
        // Not `done += await …`: that reads `done` before the await and loses the other writers' increments.
        const n = await step(writer, i);
        done += n;
      }
    }),
  );
  return done / ((nowMs() - started) / 1000);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** One app as a child process (node directly, so the pid is the app's own), with its output kept for errors. */
export interface ChildApp {
  name: string;
  process: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function startApp(name: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ChildApp {
  const child = spawn(process.execPath, [...nodeArgs, entry], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    process: child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`${name}: no ${pattern} after ${timeoutMs} ms:\n${output}`);
        await sleep(50);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Samples VmRSS of the given processes every 200 ms; `peak()` is the largest sample since the last reset. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly apps: ChildApp[]) {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }
  private sample(): void {
    for (const app of this.apps) {
      const memory = app.process.pid ? memoryOf(app.process.pid) : undefined;
      if (memory) this.peaks.set(app.name, Math.max(this.peaks.get(app.name) ?? 0, memory.rssMb));
    }
  }
  reset(): void {
    this.peaks.clear();
  }
  /** Peak sampled RSS per app since the last reset, plus the kernel's VmHWM (peak since the process started). */
  peak(): Record<string, { sampledPeakRssMb: number; vmHwmMb: number }> {
    this.sample();
    const out: Record<string, { sampledPeakRssMb: number; vmHwmMb: number }> = {};
    for (const app of this.apps) {
      const memory = app.process.pid ? memoryOf(app.process.pid) : undefined;
      out[app.name] = { sampledPeakRssMb: round(this.peaks.get(app.name) ?? NaN, 1), vmHwmMb: round(memory?.hwmMb ?? NaN, 1) };
    }
    return out;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** User + system CPU seconds of a process from /proc/<pid>/stat; undefined where /proc cannot be read (another user's process, not Linux). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds the PostgreSQL backends of one application (its connections' application_name) spend from now to
 * stop(), sampled every 250 ms through pg_stat_activity and /proc (the server must run on this machine, readable by
 * this user; otherwise stop() returns undefined). What a rebuild costs PostgreSQL, next to the Node process's own.
 * Only this database's backends: another run on the same server uses the same application names. `name:suffix`
 * counts as the application (the outbox relay names its lock session reelwire-outbox-relay:<instance>).
 */
export function backendCpu(pool: pg.Pool, applicationName: string): { stop(): Promise<number | undefined> } {
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let readable = true;
  // A connection of its own: every connection of the pool is in the first sample, so their earlier work is not counted.
  const client = new pg.Client({ ...pool.options, application_name: 'bench-cpu-sampler' } as pg.ClientConfig);
  const connected = client.connect();
  const sample = async (first: boolean) => {
    await connected;
    const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE (application_name = $1 OR application_name LIKE $1 || ':%') AND datname = current_database()", [applicationName]);
    for (const { pid } of rows) {
      const cpu = cpuSecondsOf(pid);
      // A backend that ended between the query and the read (a pool closing an idle connection) keeps its last sample.
      if (cpu === undefined) readable &&= !existsSync(`/proc/${pid}`) && existsSync(`/proc/${process.pid}/stat`);
      else {
        if (first || !baseline.has(pid)) baseline.set(pid, first ? cpu : 0);
        latest.set(pid, cpu);
      }
    }
  };
  const started = sample(true).catch(() => (readable = false));
  const timer = setInterval(() => void sample(false).catch(() => undefined), 250);
  return {
    async stop() {
      clearInterval(timer);
      await started;
      await sample(false).catch(() => undefined);
      await client.end().catch(() => undefined);
      if (!readable) return undefined;
      let total = 0;
      for (const [pid, cpu] of latest) total += cpu - (baseline.get(pid) ?? 0);
      return round(total, 1);
    },
  };
}

export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** The value of `--name=value` on the command line, or `fallback`. */
export function argument(name: string, fallback: string): string {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
}

export interface BenchKafka {
  /** The bootstrap address list, for an app's KAFKA_BROKERS. */
  brokers: string;
  /** Produces work events to the work topic, keyed by stream as the relay does, in one request. */
  sendWorkEvents(events: readonly PublishedEvent[]): Promise<void>;
  stop(): Promise<void>;
}

/** A dev broker with the reelwire topics and a connected producer: what the projector benches feed the app through. */
export async function startBenchKafka(clientId: string): Promise<BenchKafka> {
  const broker = await startDevBroker({ port: 0 });
  const kafka = createKafka({ clientId, brokers: broker.brokers.split(','), logLevel: LogLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return {
    brokers: broker.brokers,
    async sendWorkEvents(events) {
      await producer.send({ topic: TOPICS.work, messages: events.map((e) => ({ key: e.streamId, value: JSON.stringify(e) })) });
    },
    async stop() {
      await producer.disconnect();
      await admin.disconnect();
      await broker.stop();
    },
  };
}

/** Runs a standalone bench script's main: exit 0 when it is done, 1 with the stack printed when it fails. */
export function runScript(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}

/**
 * Runs a standalone bench script (`node <entry> <args>`) as a child process on a scratch database of its own
 * (BENCH_DATABASE=`database`, so it cannot drop the one this process uses), its stderr passed through; resolves with
 * the last JSON line it printed on stdout.
 */
export function runBenchScript<T>(entry: string, args: string[], database: string, nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, entry, ...args], { env: { ...process.env, BENCH_DATABASE: database }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
      if (code !== 0 || !line) reject(new Error(`${entry} ${args.join(' ')}: exit ${code ?? signal}${line ? '' : ', no JSON line on stdout'}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}

/**
 * The admin API's settings for a benchmark: every request is sent under one dev key, far faster than the per-key
 * limits made for a desk allow, and its metrics port is any free one, so two apps never ask for the same.
 */
export const BENCH_API_ENV: NodeJS.ProcessEnv = { RATE_LIMIT_WRITES_PER_MINUTE: '100000000', RATE_LIMIT_READS_PER_MINUTE: '100000000', METRICS_PORT: '0' };
