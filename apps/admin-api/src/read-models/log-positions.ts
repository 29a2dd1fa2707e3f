import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import { PG_POOL } from '../database/database.module.js';

/**
 * "As the desk knew it at T" is the read models as of the last event recorded by T: recordedAt never decreases along
 * global positions (the store takes the later of the clock and the chain head's time), so that event is found by the
 * recorded_at index, and the read models answer for its position with their own indexes.
 */
@Injectable()
export class LogPositions {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}

  async positionAt(instant: Date): Promise<number> {
    const { rows } = await this.pool.query<{ p: string }>(
      `SELECT coalesce((SELECT global_position FROM events WHERE recorded_at <= $1 ORDER BY recorded_at DESC, global_position DESC LIMIT 1), 0)::text AS p`,
      [instant],
    );
    return Number(rows[0]!.p);
  }

  /** The last event at or before `position`: where a view as of that position stands, and when it was recorded. */
  async eventAtOrBefore(position: number): Promise<{ globalPosition: string; recordedAt: string } | null> {
    const { rows } = await this.pool.query<{ p: string; recorded_at: Date }>(
      'SELECT global_position::text AS p, recorded_at FROM events WHERE global_position <= $1 ORDER BY global_position DESC LIMIT 1',
      [position],
    );
    const row = rows[0];
    return row ? { globalPosition: row.p, recordedAt: row.recorded_at.toISOString() } : null;
  }
}
