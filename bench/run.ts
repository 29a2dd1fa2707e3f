/**
 * `npm run bench [-- --quick] [-- --only=append,pipeline,rebuild,projector-history,as-of] [-- --profile] [-- --reuse-db] [-- --skip=emmett,apply,appended]`:
 * measures reelwire on this machine and writes docs/benchmarks.md (the report) and docs/benchmarks.json (raw figures).
 * Benchmarks report; they never fail CI. DATABASE_URL names the PostgreSQL server (default
 * postgres://postgres@127.0.0.1:5432/postgres); a scratch database `reelwire_bench` (BENCH_DATABASE) is created there
 * and dropped at the end.
 *
 * `--reuse-db` (for iterating on the rebuild): the scratch database is kept at the end, and the rebuild section reuses
 * the log a previous `--reuse-db` run stored there when it holds as many events as this run wants (1M, or 50,000 with
 * --quick) instead of populating it again (~80 s for 1M). `--skip=emmett` leaves out Emmett's rebuild (its populate
 * and rebuild of 1M events take ~20 min); `--skip=apply` the rebuild section's applyEvent/applyEventsInTransaction samples;
 * `--skip=appended` the pipeline's end-to-end row on works of 1,000 events built by appending to the store.
 * `--out=<dir>` writes benchmarks.md and benchmarks.json there instead of docs/ (a trial run that must not replace the report).
 *
 * `projector-history` (6) and `as-of` (7) run bench/projector-history.ts and bench/as-of.ts as child processes, each on
 * a scratch database of its own (`<BENCH_DATABASE>_history`, `<BENCH_DATABASE>_as_of`), dropped when it ends.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { benchAppend, type AppendFigures } from './append.js';
import { benchPipeline, type PipelineFigures } from './pipeline.js';
import { benchRebuild, type RebuildFigures } from './rebuild.js';
import { benchEmmettRebuild, type EmmettRebuildFigures } from './emmett-rebuild.js';
import { benchAsOf, benchProjectorHistory, type AsOfSectionFigures, type ProjectorHistoryFigures } from './sections.js';
import { dropDatabase, log, SERVER_URL } from './support.js';
import { renderReport } from './report.js';

export interface BenchReport {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string; postgres: string; postgresSettings: Record<string, string>; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  git: string;
  repetitions: number;
  append?: AppendFigures;
  pipeline?: PipelineFigures;
  rebuild?: RebuildFigures;
  /** Emmett's rebuildPostgreSQLProjections of a project_status-like model over as many events of the same shape. */
  emmettRebuild?: EmmettRebuildFigures;
  /** (6) The projector's CPU per event on works of 10, 100 and 1,000 events of history (bench/projector-history.ts). */
  projectorHistory?: ProjectorHistoryFigures;
  /** (7) The admin API's as-of reads on a log of 1,000,000 events (bench/as-of.ts). */
  asOf?: AsOfSectionFigures;
  durationSeconds?: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const profile = args.includes('--profile');
  const reuseDb = args.includes('--reuse-db');
  const skip = args.find((a) => a.startsWith('--skip='))?.slice(7).split(',') ?? [];
  const want = (section: string) => !only || only.includes(section);
  const started = Date.now();
  const server = new pg.Client({ connectionString: SERVER_URL });
  await server.connect();
  const version = (await server.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  const settings: Record<string, string> = {};
  for (const name of ['synchronous_commit', 'fsync', 'shared_buffers', 'max_connections', 'wal_level', 'commit_delay']) {
    settings[name] = (await server.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
  }
  await server.end();
  const repetitions = quick ? 1 : 3;
  const report: BenchReport = {
    date: new Date().toISOString(),
    quick,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: version,
      postgresSettings: settings,
      loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    git: (() => {
      try {
        return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })(),
    repetitions,
  };
  try {
    if (want('append')) {
      report.append = await benchAppend({
        repetitions,
        durationMs: quick ? 1500 : 3000,
        cases: [
          { name: 'single, 1 writer', writers: 1, batch: 1 },
          { name: 'single, 16 writers', writers: 16, batch: 1 },
          { name: 'single, 64 writers', writers: 64, batch: 1 },
          { name: 'batched 100, 4 writers', writers: 4, batch: 100 },
        ],
      });
    }
    if (want('pipeline')) {
      const profileDir = profile ? `bench-profiles/${Date.now()}` : undefined;
      if (profileDir) mkdirSync(profileDir, { recursive: true });
      report.pipeline = await benchPipeline({
        works: quick ? 300 : 1000,
        // 32 besides the 1, 16 and 64: the knee where p99 crosses 50 ms lies between 16 and 64.
        clients: [1, 16, 32, 64],
        rates: [200, 500],
        repetitions,
        apiSeconds: quick ? 4 : 8,
        e2eSeconds: quick ? 4 : 10,
        ...(profileDir ? { profileDir } : {}),
        // The end-to-end row on works of 1,000 events at 500/s, one projector: 100 works, built by appending to the store.
        ...(skip.includes('appended') ? {} : { appendedHistory: { works: 100, eventsPerWork: 1000, rate: 500 } }),
      });
    }
    if (want('rebuild')) {
      report.rebuild = await benchRebuild(
        quick
          ? { events: 50_000, populateBudgetMs: 60_000, applySampleEvents: 5_000, applyBudgetMs: 10_000, reuse: reuseDb, skipApplySamples: skip.includes('apply') }
          : { events: 1_000_000, populateBudgetMs: 600_000, applySampleEvents: 20_000, applyBudgetMs: 20_000, reuse: reuseDb, skipApplySamples: skip.includes('apply') },
      );
      if (!skip.includes('emmett')) report.emmettRebuild = await benchEmmettRebuild({ quick, events: report.rebuild.eventsStored });
    }
    if (want('projector-history')) {
      // In process (applyRunInTransaction, the projector's own path), 100 works so that building them to 1,000 events
      // (100,000 events) stays within minutes; windows of 20 events per work (2,000 events, ≈0.5 s of CPU, so the
      // 10 ms /proc ticks and one garbage collection more or less weigh a few percent).
      report.projectorHistory = await benchProjectorHistory({ works: 100, measure: 20, histories: [10, 100, 1000], repetitions });
    }
    if (want('as-of')) {
      report.asOf = await benchAsOf(
        quick
          ? { events: 50_000, works: 1_000, requests: 150, concurrency: 8, seconds: 5, runs: 1 }
          : { events: 1_000_000, works: 20_000, requests: 500, concurrency: 8, seconds: 20, runs: 3 },
      );
    }
  } finally {
    if (reuseDb) log('--reuse-db: the scratch database is kept for the next run');
    else await dropDatabase().catch((error: unknown) => log(`could not drop the scratch database: ${String(error)}`));
  }
  report.machine.loadAverageAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  report.durationSeconds = Math.round((Date.now() - started) / 1000);
  const outDir = args.find((a) => a.startsWith('--out='))?.slice(6) ?? 'docs';
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/benchmarks.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${outDir}/benchmarks.md`, renderReport(report));
  log(`wrote ${outDir}/benchmarks.md and ${outDir}/benchmarks.json in ${report.durationSeconds} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A benchmark reports; a failure is printed, never a CI failure of the product.
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    if (process.argv.includes('--reuse-db')) process.exit(1);
    void dropDatabase().finally(() => process.exit(1));
  },
);
