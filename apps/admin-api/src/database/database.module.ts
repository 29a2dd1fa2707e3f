import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { createPool } from '../../../../libs/database/src/pool.js';
import { PostgresEventStore, UpcastingEventStore } from '../../../../libs/event-store/src/index.js';

export const PG_POOL = Symbol('PG_POOL');

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: pg.Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * One pg pool for the process, and the event store on top of it. The store upcasts every event it reads to the
 * current schema version (libs/contracts upcasters): command handlers, reads and history all see current shapes.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: PG_POOL, useFactory: () => createPool(databaseUrl, { applicationName: 'reelwire-admin-api' }) },
        { provide: UpcastingEventStore, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new UpcastingEventStore(pool) },
        { provide: PostgresEventStore, useExisting: UpcastingEventStore },
        PoolCloser,
      ],
      exports: [PG_POOL, PostgresEventStore, UpcastingEventStore],
    };
  }
}
