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
}
