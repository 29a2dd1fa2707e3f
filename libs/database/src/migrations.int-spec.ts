import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { loadMigrations, runMigrations } from './migrations.js';

describe('migrations', () => {
  let db: TestDatabase;
  const scratchDirs: string[] = [];
  const scratchDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'reelwire-migrations-'));
    scratchDirs.push(dir);
    return dir;
  };
  beforeEach(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterEach(async () => {
    await db.drop();
    for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('applies every project migration once; a second run applies nothing and changes nothing', async () => {
    const first = await runMigrations(db.url);
    expect(first.applied).toHaveLength(loadMigrations().length);
    const tablesBefore = await db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);

    const second = await runMigrations(db.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(loadMigrations().length);
    const tablesAfter = await db.pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(tablesAfter.rows).toEqual(tablesBefore.rows);
    const recorded = await db.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.rows.map((row) => row.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('is safe when several processes start together: each migration is applied exactly once', async () => {
    const dir = scratchDir();
    // A migration that fails if it runs twice (CREATE TABLE without IF NOT EXISTS, and a counted insert).
    writeFileSync(join(dir, '0001-counter.sql'), 'CREATE TABLE counter (n integer); INSERT INTO counter VALUES (1);');
    writeFileSync(join(dir, '0002-slow.sql'), 'SELECT pg_sleep(0.2); INSERT INTO counter VALUES (2);');
    const reports = await Promise.all(Array.from({ length: 5 }, () => runMigrations(db.url, dir)));
    expect(reports.flatMap((report) => report.applied).sort()).toEqual(['0001-counter', '0002-slow']);
    const rows = await db.pool.query('SELECT n FROM counter ORDER BY n');
    expect(rows.rows).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('refuses to continue when an applied migration file was edited afterwards', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, '0001-a.sql'), 'CREATE TABLE a (id int);');
    await runMigrations(db.url, dir);
    writeFileSync(join(dir, '0001-a.sql'), 'CREATE TABLE a (id bigint);');
    await expect(runMigrations(db.url, dir)).rejects.toThrow(/0001 \(a\) was changed after it was applied/);
  });

  it('rolls back a failing migration completely and names it', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, '0001-broken.sql'), 'CREATE TABLE half (id int); SELECT no_such_function();');
    await expect(runMigrations(db.url, dir)).rejects.toThrow(/migration 0001 \(broken\) failed/);
    const tables = await db.pool.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half'`);
    expect(tables.rowCount).toBe(0);
  });
});
