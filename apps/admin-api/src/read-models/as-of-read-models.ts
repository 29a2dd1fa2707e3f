import { Inject, Injectable } from '@nestjs/common';
import pg from 'pg';
import type { PublishedEvent } from '../../../../libs/contracts/src/published-event.js';
import { PostgresEventStore } from '../../../../libs/event-store/src/index.js';
import { AS_OF_SCHEMA, emptyFoldedStreams, foldPublishedEvents, materializeAsOf } from '../../../../libs/read-models/src/index.js';
import { PG_POOL } from '../database/database.module.js';

const BATCH = 5_000;

/**
 * `?asOf=T` on the read models: what the desk knew at recordedAt T, across every model (not one stream folded).
 * Folds the log up to T with the projector's code into temporary tables, then runs the ordinary query against them.
 * Cost grows with the log up to T (every stream is folded); fine for a desk's log, a snapshot cache would be next.
 */
@Injectable()
export class AsOfReadModels {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async query<T>(asOf: Date, run: (db: pg.ClientBase, options: { schema: string }) => Promise<T>): Promise<T> {
    const folded = emptyFoldedStreams();
    // recordedAt never decreases along global positions (the store takes the later of the clock and the chain
    // head's time), so the first event after T ends the scan.
    for (let after = '0'; ; ) {
      const batch = await this.store.readAll({ after, limit: BATCH });
      const upTo = batch.filter((event) => Date.parse(event.recordedAt) <= asOf.getTime());
      foldPublishedEvents(upTo as PublishedEvent[], folded);
      if (batch.length < BATCH || upTo.length < batch.length) break;
      after = batch[batch.length - 1].globalPosition;
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await materializeAsOf(client, folded);
      return await run(client, { schema: AS_OF_SCHEMA });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }
}
