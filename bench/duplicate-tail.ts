/**
 * `npm run build && BENCH_DATABASE=<db> node dist/bench/duplicate-tail.js [--events=1000000] [--unapplied=200]
 * [--behind=100000] [--calls=200]`: the duplicate check's look-up of the events the read models have not applied yet
 * (findUnprojectedDuplicates, apps/admin-api/src/editing/unprojected-names.ts), on a log of `--events` events, one in
 * ten a PersonRegistered of its own person, the rest milestones of works. Writes nothing to docs/; prints its figures.
 *
 * The events and the projector's per-stream versions (read_models.projection_streams) are written straight into the
 * tables (generate_series, then ANALYZE): first with every stream applied but the last `--unapplied` events (a
 * projector keeping up), then with the last `--behind` events unapplied (a projector stopped a while). Each case
 * times `--calls` sequential look-ups of a name registered in the unapplied tail and another name.
 */
import { createHash } from 'node:crypto';
import { findUnprojectedDuplicates } from '../apps/admin-api/src/editing/unprojected-names.js';
import { createPool } from '../libs/database/src/pool.js';
import { argument, dropDatabase, freshDatabase, log, nowMs, percentile, round, runScript } from './support.js';

const events = Number(argument('events', '1000000'));
const unapplied = Number(argument('unapplied', '200'));
const behind = Number(argument('behind', '100000'));
const calls = Number(argument('calls', '200'));

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

runScript('duplicate-tail', async () => {
  const url = await freshDatabase();
  const pool = createPool(url, { max: 2 });
  try {
    const started = nowMs();
    await pool.query(`
      INSERT INTO events (stream_id, stream_type, stream_version, event_id, type, data, metadata, hash, prev_hash)
      SELECT CASE WHEN g % 10 = 0 THEN 'person-' || md5(g::text)::uuid ELSE 'work-' || md5('w' || (g / 100)::text)::uuid END,
             CASE WHEN g % 10 = 0 THEN 'person' ELSE 'work' END,
             CASE WHEN g % 10 = 0 THEN 1 ELSE g % 100 + 1 END,
             gen_random_uuid(),
             CASE WHEN g % 10 = 0 THEN 'PersonRegistered' ELSE 'MilestoneRecorded' END,
             CASE WHEN g % 10 = 0 THEN jsonb_build_object('personId', md5(g::text)::uuid, 'names',
                    jsonb_build_array(jsonb_build_object('nameId', gen_random_uuid(), 'text', 'Person ' || md5(g::text), 'language', 'en', 'primary', true)))
                  ELSE jsonb_build_object('label', 'milestone') END,
             '{}'::jsonb, 'hash', 'prev'
      FROM generate_series(1, ${events}) g`);
    const applyUpTo = async (position: number) => {
      await pool.query('TRUNCATE read_models.projection_streams');
      await pool.query(
        `INSERT INTO read_models.projection_streams (stream_id, stream_type, version, last_global_position)
         SELECT stream_id, min(stream_type), max(stream_version), max(global_position) FROM events WHERE global_position <= $1 GROUP BY stream_id`,
        [position],
      );
      await pool.query('ANALYZE');
    };
    log(`duplicate-tail: ${events} events loaded in ${round((nowMs() - started) / 1000, 1)} s`);

    // A person registered in the unapplied tail of both cases (every tenth event is a registration).
    const lastRegistration = Math.floor((events - 10) / 10) * 10;
    const name = `Person ${md5(String(lastRegistration))}`;
    const figures: Record<string, { unappliedEvents: number; medianMs: number; p99Ms: number; found: number }> = {};
    for (const [label, tail] of [['caught up', unapplied], ['behind', behind]] as const) {
      await applyUpTo(events - tail);
      const samples: number[] = [];
      let found = 0;
      for (let i = 0; i < calls; i++) {
        const start = nowMs();
        found = (await findUnprojectedDuplicates(pool, 'person', [name, 'Someone Else'])).length;
        samples.push(nowMs() - start);
      }
      samples.sort((a, b) => a - b);
      figures[label] = { unappliedEvents: tail, medianMs: round(percentile(samples, 50), 2), p99Ms: round(percentile(samples, 99), 2), found };
      log(`duplicate-tail: ${label} (${tail} events unapplied): median ${figures[label]!.medianMs} ms, p99 ${figures[label]!.p99Ms} ms, ${found} found`);
    }
    process.stdout.write(`${JSON.stringify({ events, calls, figures })}\n`);
  } finally {
    await pool.end();
    await dropDatabase();
  }
});
