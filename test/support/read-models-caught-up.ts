import type pg from 'pg';

/**
 * Waits until the read models reflect every stream at its version in the log. Not "the highest position applied is
 * the log's": the two events of a move are on two streams, in different partitions, and the later one can be applied
 * first.
 *
 * Waits for the condition, not for a time: as long as the projector keeps applying (on a loaded machine it only
 * applies slower), it waits; it fails when nothing more was applied for `stalledAfterMs` while the read models are
 * behind (a stall), and otherwise the test's own timeout bounds it.
 */
export async function readModelsCaughtUp(pool: pg.Pool, stalledAfterMs = 60_000): Promise<void> {
  let reflected = -1;
  let progressAt = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ behind: number; example: string | null; reflected: string }>(
      `SELECT count(*) FILTER (WHERE coalesce(p.version, 0) < s.version)::int AS behind,
              min(s.stream_id) FILTER (WHERE coalesce(p.version, 0) < s.version) AS example,
              coalesce(sum(p.version), 0)::text AS reflected
       FROM streams s LEFT JOIN read_models.projection_streams p USING (stream_id)`,
    );
    const row = rows[0]!;
    if (row.behind === 0) return;
    if (Number(row.reflected) !== reflected) {
      reflected = Number(row.reflected);
      progressAt = Date.now();
    } else if (Date.now() - progressAt > stalledAfterMs) {
      throw new Error(`read models behind the log on ${row.behind} streams (e.g. ${row.example}), nothing applied for ${stalledAfterMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
