/**
 * `npm run build && node dist/bench/projector.js [--works=200] [--events=40000] [--rates=200,500,1000] [--seconds=8]
 * [--profile=dir]`: the projector alone, without the admin API and the relay (whose cost and lag are measured by
 * bench/pipeline.ts). Writes nothing to docs/; prints its figures.
 *
 *  1. write path: work streams decided by the domain (registration, then milestones), interleaved round robin as live
 *     edits are, applied through the projection engine (applyRunInTransaction) in runs of 200 (the projector's run size); events/s per window,
 *     so a cost that grows with stream length shows as falling windows.
 *  2. lag: the projector app (dist/apps/projector/src/main.js, a child process) consuming a dev broker that this
 *     process produces milestone events to at fixed rates on streams already that long; time from the produce
 *     acknowledgement to the stream's version being visible in Postgres (projection_streams) (polled every 5 ms).
 */
import pg from 'pg';
import type { PublishedEvent } from '../libs/contracts/src/published-event.js';
import { BenchWorks } from './work-events.js';
import { applyRunInTransaction } from '../libs/read-models/src/engine/pg-apply.js';
import { READ_MODELS } from '../libs/read-models/src/read-models.js';
import { argument as arg, dropDatabase, freePort, freshDatabase, log, nowMs, round, runScript, sleep, startApp, startBenchKafka, summarize } from './support.js';

const RUN = 200;

async function writePath(url: string, works: BenchWorks, events: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const timings: number[] = [];
  try {
    const window = Math.max(RUN, Math.floor(events / 8 / RUN) * RUN);
    let applied = 0;
    let cursor = 0;
    while (applied < events) {
      const run: PublishedEvent[] = [];
      while (run.length < RUN) run.push(works.next(cursor++ % works.count));
      const t0 = nowMs();
      await client.query('BEGIN');
      await applyRunInTransaction(client, 'read_models', READ_MODELS, run.map((value) => ({ value })));
      await client.query('COMMIT');
      applied += run.length;
      // Deciding the events is not the projector's work: only the apply time counts.
      timings.push(nowMs() - t0);
      if (applied % window === 0) {
        const ms = timings.reduce((a, b) => a + b, 0);
        log(`projector write path: events ${applied - window + 1}-${applied} (up to ${Math.ceil(applied / works.count)} events/stream): ${round((window / ms) * 1000)} ev/s`);
        timings.length = 0;
      }
    }
  } finally {
    client.release();
    await pool.end();
  }
}
async function lag(url: string, works: BenchWorks, rates: number[], seconds: number, profileDir: string | undefined): Promise<void> {
  const kafka = await startBenchKafka('bench-projector');
  const metricsPort = await freePort();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const app = startApp(
    'projector',
    'dist/apps/projector/src/main.js',
    { DATABASE_URL: url, KAFKA_BROKERS: kafka.brokers, PROJECTOR_METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-name=projector.cpuprofile'] : [],
  );
  try {
    await app.waitFor(/consuming/);
    // The streams already written by the write path are in the tables; the projector starts from their next versions.
    for (const rate of rates) {
      const visible: number[] = [];
      const pending = new Map<string, { version: number; sentAt: number }[]>();
      let sending = true;
      const poller = (async () => {
        while (sending || pending.size > 0) {
          if (pending.size > 0) {
            const { rows } = await pool.query<{ stream_id: string; version: number }>('SELECT stream_id, version FROM read_models.projection_streams WHERE stream_id = ANY($1)', [[...pending.keys()]]);
            const seenAt = nowMs();
            for (const row of rows) {
              const left = (pending.get(row.stream_id) ?? []).filter((w) => (w.version <= row.version ? (visible.push(seenAt - w.sentAt), false) : true));
              if (left.length) pending.set(row.stream_id, left);
              else pending.delete(row.stream_id);
            }
          }
          await sleep(5);
        }
      })();
      const total = rate * seconds;
      const started = nowMs();
      const inflight: Promise<unknown>[] = [];
      let sent = 0;
      let cursor = Math.floor(Math.random() * works.count);
      while (sent < total) {
        const due = Math.min(total, Math.floor(((nowMs() - started) / 1000) * rate) + 1);
        const list: PublishedEvent[] = [];
        for (; sent < due; sent++) list.push(works.next(cursor++ % works.count));
        if (list.length)
          inflight.push(
            kafka.sendWorkEvents(list).then(() => {
              const ackedAt = nowMs();
              for (const e of list) pending.set(e.streamId, [...(pending.get(e.streamId) ?? []), { version: e.streamVersion, sentAt: ackedAt }]);
            }),
          );
        await sleep(1);
      }
      await Promise.all(inflight);
      const achieved = round(total / ((nowMs() - started) / 1000), 1);
      const deadline = nowMs() + 60_000;
      while (pending.size > 0 && nowMs() < deadline) await sleep(20);
      sending = false;
      pending.clear();
      await poller;
      const s = summarize(visible);
      log(`projector lag at ${rate}/s (achieved ${achieved}/s): produce ack → visible p50 ${round(s.p50, 1)} p95 ${round(s.p95, 1)} p99 ${round(s.p99, 1)} max ${round(s.max, 1)} ms (${s.count} events)`);
      await sleep(1000);
    }
  } finally {
    await app.stop();
    await pool.end();
    await kafka.stop();
  }
}

async function main(): Promise<void> {
  const works = new BenchWorks(Number(arg('works', '200')));
  const events = Number(arg('events', '40000'));
  const rates = arg('rates', '200,500,1000').split(',').filter(Boolean).map(Number);
  const url = await freshDatabase();
  try {
    await writePath(url, works, events);
    if (rates.length) await lag(url, works, rates, Number(arg('seconds', '8')), process.argv.find((a) => a.startsWith('--profile='))?.slice(10));
  } finally {
    await dropDatabase();
  }
}

runScript('bench', main);
