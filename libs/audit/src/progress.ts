/** Progress of a long walk over the log: a bar with rate and ETA on a terminal, plain lines otherwise. */
export interface Progress {
  /** `done` so far out of `total` (an estimate; it may grow while writers append). */
  update(done: number, total?: number): void;
  /**
   * The walk is over and a step that is not counted in events follows (writing, building indexes, a swap): the bar
   * is left as it stands and the step gets a line of its own, with the time it is taking (on a terminal, as it goes)
   * and, once the next step or finish comes, the time it took.
   */
  stage(name: string): void;
  finish(message?: string): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Force the terminal bar (true) or plain lines (false); default: whether the stream is a TTY. */
  tty?: boolean;
  /** Plain mode: at most one line per interval. Default 1000 ms. */
  intervalMs?: number;
  now?: () => number;
}

export const silentProgress: Progress = { update: () => undefined, stage: () => undefined, finish: () => undefined };

export function formatRate(perSecond: number): string {
  return `${Math.round(perSecond).toLocaleString('en-US')} events/s`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const now = options.now ?? (() => Date.now());
  const interval = options.intervalMs ?? (tty ? 100 : 1000);
  const started = now();
  let total = options.total;
  let last = 0;
  let done = 0;
  const render = (final: boolean) => {
    const elapsed = Math.max(1e-3, (now() - started) / 1000);
    const rate = done / elapsed;
    const shownTotal = Math.max(total, done);
    const ratio = shownTotal === 0 ? 1 : done / shownTotal;
    const eta = rate > 0 ? (shownTotal - done) / rate : Infinity;
    const counts = `${done.toLocaleString('en-US')}/${shownTotal.toLocaleString('en-US')}`;
    if (tty) {
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 70));
      const filled = Math.round(ratio * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(`\r${options.label} ${bar} ${(ratio * 100).toFixed(1).padStart(5)}% ${counts} ${formatRate(rate)} ETA ${final ? '0s' : formatDuration(eta)}\u001b[K`);
    } else {
      stream.write(`${options.label}: ${counts} events (${(ratio * 100).toFixed(1)}%), ${formatRate(rate)}, ETA ${final ? '0s' : formatDuration(eta)}\n`);
    }
  };
  let current: { name: string; started: number } | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const renderStage = (final: boolean) => {
    if (!current) return;
    const took = seconds(now() - current.started);
    if (tty) stream.write(`\r${options.label}: ${current.name} ${final ? `(${took})` : `… ${took}`}\u001b[K${final ? '\n' : ''}`);
    else if (final) stream.write(`${options.label}: ${current.name} took ${took}\n`);
  };
  const endStage = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    renderStage(true);
    current = undefined;
  };
  return {
    update(nextDone, nextTotal) {
      done = nextDone;
      if (nextTotal !== undefined) total = nextTotal;
      if (current) return;
      const t = now();
      if (t - last >= interval) {
        last = t;
        render(false);
      }
    },
    stage(name) {
      if (current) endStage();
      else {
        // The counted walk ends here: its bar as it stands, kept on its own line.
        render(true);
        if (tty) stream.write('\n');
      }
      current = { name, started: now() };
      if (tty) {
        renderStage(false);
        ticker = setInterval(() => renderStage(false), Math.max(interval, 250));
        ticker.unref();
      } else stream.write(`${options.label}: ${name}…\n`);
    },
    finish(message) {
      if (current) endStage();
      else {
        render(true);
        if (tty) stream.write('\n');
      }
      if (message) stream.write(`${message}\n`);
    },
  };
}
