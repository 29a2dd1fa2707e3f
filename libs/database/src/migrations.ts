import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { clientSurvivingConnectionLoss } from './pool.js';
import { projectRoot } from './project-root.js';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Numbered plain-SQL files: `0001-event-store.sql`, `0002-…`. */
const MIGRATION_FILE = /^(\d{4})-([a-z0-9-]+)\.sql$/;
/** One key for every reelwire process: whoever holds it migrates, the others wait and then find nothing to do. */
const MIGRATION_LOCK_KEY = 7_123_001;

export function defaultMigrationsDir(): string {
  return join(projectRoot(), 'migrations');
}

export function loadMigrations(dir = defaultMigrationsDir()): MigrationFile[] {
  const files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = MIGRATION_FILE.exec(file);
    if (!match) throw new Error(`migration file name "${file}" must look like 0001-some-name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(match[1]), name: match[2], sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations must be numbered 0001, 0002, … without gaps; found ${migration.version} at position ${index + 1}`);
    }
  });
  return migrations;
}

/**
 * Applies each pending migration exactly once, each in its own transaction.
 * A session-level advisory lock makes concurrent start-ups safe; an edited, already-applied file is refused
 * because the database would no longer match what the file says.
 */
export async function runMigrations(databaseUrl: string, dir = defaultMigrationsDir()): Promise<MigrationReport> {
  const migrations = loadMigrations(dir);
  const client = clientSurvivingConnectionLoss(new pg.Client({ connectionString: databaseUrl }));
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const applied = new Map(rows.map((row) => [row.version, row]));
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const previous = applied.get(migration.version);
      if (previous) {
        if (previous.checksum !== migration.checksum) {
          throw new Error(
            `migration ${String(migration.version).padStart(4, "0")} (${migration.name}) was changed after it was applied; add a new migration instead`,
          );
        }
        report.alreadyApplied += 1;
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${String(migration.version).padStart(4, "0")} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      report.applied.push(`${String(migration.version).padStart(4, '0')}-${migration.name}`);
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
