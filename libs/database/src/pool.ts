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
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', () => undefined);
  return pool;
}
