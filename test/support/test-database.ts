import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../../libs/database/src/pool.js';
import { runMigrations } from '../../libs/database/src/migrations.js';

export interface TestDatabase {
  url: string;
  name: string;
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * The server every test talks to: DATABASE_URL (CI points it at the machine's PostgreSQL), or the embedded server the
 * jest global setup started. Refuses a database whose name does not say "test", so a test can never touch real data.
 */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (its global setup provides a PostgreSQL)');
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/test/i.test(name)) {
    throw new Error(`refusing to run tests against database "${name}": its name must contain "test"`);
  }
  return url;
}

/** A fresh, migrated database of its own for one test file: files run in parallel and must not see each other. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `reelwire_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  if (options.migrate !== false) await runMigrations(databaseUrl);
  const pool = createPool(databaseUrl, { max: 30, applicationName: 'reelwire-test' });
  return {
    url: databaseUrl,
    name,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
