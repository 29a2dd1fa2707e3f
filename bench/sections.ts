/**
 * Sections of `npm run bench` that run a standalone bench script as a child process (each on a scratch database of
 * its own) and gather its JSON line: (6) the projector's CPU per event by history (bench/projector-history.ts, in
 * process), (7) as-of reads on a long log (bench/as-of.ts).
 */
import type { AsOfFigures } from './as-of.js';
import { BENCH_DB, log, median, round, runBenchScript } from './support.js';

/** One measured window of bench/projector-history.ts (its `windows` entries). */
export interface HistoryWindow {
  label: string;
  eventsPerWorkAtStart: number;
  events: number;
  nodeCpuMsPer1k: number;
  pgCpuMsPer1k: number;
  wallMsPer1k: number;
}

export interface ProjectorHistoryFigures {
  /** The command each run was (node dist/bench/projector-history.js …). */
  command: string;
  works: number;
  /** Events per work in each measured window. */
  measure: number;
  /** Events per projector transaction (applyRunInTransaction). */
  run: number;
  /** Unmeasured events per work on as many other works first (V8 compiles the engine's code there). */
  warmup: number;
  /** Every milestone dated alike, so every event changes the status card whatever the history (`--same-date`). */
  sameDate: boolean;
  histories: number[];
  runs: Array<{ windows: HistoryWindow[]; seconds: number }>;
  /** Per history, the median over runs of each window's figure; totalCpuMsPer1k = Node + PostgreSQL. */
  median: Array<{ history: number; events: number; nodeCpuMsPer1k: number; pgCpuMsPer1k: number; totalCpuMsPer1k: number; wallMsPer1k: number }>;
  /** The longest history's CPU per event over the shortest's, taken within each run; medians of those ratios. */
  ratio: { longest: number; shortest: number; node: number; postgres: number; total: number; perRun: Array<{ node: number; postgres: number; total: number }> };
}

export async function benchProjectorHistory(options: { works: number; measure: number; histories: number[]; run?: number; warmup?: number; sameDate?: boolean; repetitions: number }): Promise<ProjectorHistoryFigures> {
  const run = options.run ?? 200;
  const warmup = options.warmup ?? 50;
  const sameDate = options.sameDate ?? true;
  const args = [`--works=${options.works}`, `--measure=${options.measure}`, `--histories=${options.histories.join(',')}`, `--run=${run}`, `--warmup=${warmup}`, ...(sameDate ? ['--same-date'] : [])];
  const command = `node dist/bench/projector-history.js ${args.join(' ')}`;
  const runs: ProjectorHistoryFigures['runs'] = [];
  for (let rep = 1; rep <= options.repetitions; rep++) {
    log(`projector-history run ${rep}: ${command}`);
    const t0 = performance.now();
    const out = await runBenchScript<{ windows: HistoryWindow[] }>('dist/bench/projector-history.js', args, `${BENCH_DB}_history`);
    runs.push({ windows: out.windows, seconds: round((performance.now() - t0) / 1000, 1) });
  }
  const sorted = [...options.histories].sort((a, b) => a - b);
  const shortest = sorted[0]!;
  const longest = sorted[sorted.length - 1]!;
  const windowOf = (windows: HistoryWindow[], history: number) => windows.find((w) => w.eventsPerWorkAtStart === history);
  const med = (values: number[], digits = 1) => round(median(values), digits);
  const figureOf = (w: HistoryWindow | undefined, figure: 'node' | 'postgres' | 'total') =>
    !w ? NaN : figure === 'node' ? w.nodeCpuMsPer1k : figure === 'postgres' ? w.pgCpuMsPer1k : w.nodeCpuMsPer1k + w.pgCpuMsPer1k;
  const perRun = runs.map(({ windows }) => {
    const [long, short] = [windowOf(windows, longest), windowOf(windows, shortest)];
    const ratio = (figure: 'node' | 'postgres' | 'total') => round(figureOf(long, figure) / figureOf(short, figure), 2);
    return { node: ratio('node'), postgres: ratio('postgres'), total: ratio('total') };
  });
  return {
    command,
    works: options.works,
    measure: options.measure,
    run,
    warmup,
    sameDate,
    histories: options.histories,
    runs,
    median: options.histories.map((history) => {
      const windows = runs.map((r) => windowOf(r.windows, history));
      return {
        history,
        events: windows[0]?.events ?? NaN,
        nodeCpuMsPer1k: med(windows.map((w) => figureOf(w, 'node'))),
        pgCpuMsPer1k: med(windows.map((w) => figureOf(w, 'postgres'))),
        totalCpuMsPer1k: med(windows.map((w) => figureOf(w, 'total'))),
        wallMsPer1k: med(windows.map((w) => w?.wallMsPer1k ?? NaN)),
      };
    }),
    ratio: { longest, shortest, node: med(perRun.map((r) => r.node), 2), postgres: med(perRun.map((r) => r.postgres), 2), total: med(perRun.map((r) => r.total), 2), perRun },
  };
}

export type AsOfSectionFigures = AsOfFigures & { command: string };

export async function benchAsOf(options: { events: number; works: number; requests: number; concurrency: number; seconds: number; runs: number }): Promise<AsOfSectionFigures> {
  const args = [`--events=${options.events}`, `--works=${options.works}`, `--requests=${options.requests}`, `--concurrency=${options.concurrency}`, `--seconds=${options.seconds}`, `--runs=${options.runs}`];
  const command = `node dist/bench/as-of.js ${args.join(' ')}`;
  log(`as-of: ${command}`);
  const figures = await runBenchScript<AsOfFigures>('dist/bench/as-of.js', args, `${BENCH_DB}_as_of`);
  return { ...figures, command };
}
