import pg from 'pg';

// Postgres bigint (int8) arrives as a string: positions must not lose precision past 2^53.
// numeric counts from aggregates (count(*)) are int8 too; callers convert where they know the range is small.

export function createPool(url: string, options: { max?: number; applicationName?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    application_name: options.applicationName ?? 'reelwire',
    idleTimeoutMillis: 30_000,
  });
  return survivingConnectionLoss(pool);
}

/**
 * A server that restarts or goes away makes node-postgres emit 'error': on the pool for an idle client, and on the
 * client itself for one that is checked out. Either without a listener is Node's "Unhandled 'error' event", which ends
 * the process. The statement in flight is rejected with the same error anyway, and a broken client is dropped when it
 * is released (pg-pool checks that it is still queryable), so the listeners only have to exist.
 */
export function survivingConnectionLoss(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}

/** The same for a client of its own (migrations, probes): its error is reported by the call it interrupts. */
export function clientSurvivingConnectionLoss(client: pg.Client): pg.Client {
  client.on('error', () => undefined);
  return client;
}
