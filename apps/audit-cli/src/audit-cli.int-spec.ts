import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '../../../libs/event-store/src/postgres-event-store.js';
import { appendScenario, writeWork } from '../../../libs/audit/src/testing/audit-fixtures.js';
import { projectRoot } from '../../../libs/database/src/project-root.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a compiled CLI (tsc -p tsconfig.json builds dist/) as `npm run <name>` would, against `url`. */
function cli(name: string, args: string[], url: string): Promise<Ran> {
  const script = join(projectRoot(), 'dist', 'apps', 'audit-cli', 'src', `${name}.js`);
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, DATABASE_URL: url, NODE_OPTIONS: '' }, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('audit CLI (compiled, as npm run replay / verify-chain / export-log / import-log run it)', () => {
  let db: TestDatabase;
  let fresh: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    fresh = await createTestDatabase({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'reelwire-audit-cli-'));
    const store = new PostgresEventStore(db.pool);
    await appendScenario(store);
    for (let i = 0; i < 5; i += 1) await writeWork(store);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([db.drop(), fresh.drop()]);
  });

  it('replay --all rebuilds and swaps with plain progress lines; --verify exits 0, then 1 on a tampered row', async () => {
    const replay = await cli('replay', ['--projection', 'timeline'], db.url);
    expect(replay.code).toBe(0);
    expect(replay.stderr).toMatch(/rebuilding timeline rebuilds all of them/);
    expect(replay.stderr).toMatch(/^replay: \d+\/\d+ events \(100\.0%\), [\d,]+ events\/s, ETA 0s$/m);
    expect(replay.stdout).toMatch(/swapped read_models_shadow -> read_models/);

    expect((await cli('replay', ['--all', '--verify'], db.url)).code).toBe(0);
    await db.pool.query(`UPDATE read_models.project_status SET status = 'cancelled' WHERE work_id = (SELECT min(work_id) FROM read_models.project_status)`);
    const verify = await cli('replay', ['--all', '--verify'], db.url);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/1 difference\(s\)/);
    // the key names the row: its stream and its key
    expect(verify.stdout).toMatch(/project_status \["work-[0-9a-f-]+","card"\]: status: live "cancelled" ≠ rebuilt "[a-z-]+"/);
    expect((await cli('replay', [], db.url)).code).toBe(2);
  });

  it('verify-chain prints ok with the rate, then BROKEN with the position and both hashes (exit 1) after a row is altered in SQL', async () => {
    const ok = await cli('verify-chain', [], db.url);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^ok: \d+ events verified, head position \d+ hash [0-9a-f]{64}; [\d.]+ s, [\d,]+ events\/s$/m);

    const client = await db.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      await client.query(`UPDATE events SET data = jsonb_set(data, '{tampered}', 'true') WHERE global_position = 12`);
      const broken = await cli('verify-chain', [], db.url);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/^BROKEN at position 12: hash-mismatch$/m);
      expect(broken.stdout).toMatch(/stored hash: +[0-9a-f]{64}\n +recomputed hash: [0-9a-f]{64}/);
      // a range that ends before the altered row verifies, as GET /audit/chain?to= does
      const before = await cli('verify-chain', ['--from', '3', '--to', '11'], db.url);
      expect(before.code).toBe(0);
      expect(before.stdout).toMatch(/^ok: 9 events verified, head position 11 hash [0-9a-f]{64}/m);
      await client.query(`UPDATE events SET data = data - 'tampered' WHERE global_position = 12`);
    } finally {
      client.release(true);
    }
    expect((await cli('verify-chain', [], db.url)).code).toBe(0);
  });

  it('export-log > file, import-log file into an empty database: same chain head, read models rebuilt; a second import is refused', async () => {
    const exported = await cli('export-log', [], db.url);
    expect(exported.code).toBe(0);
    const file = join(dir, 'log.ndjson');
    writeFileSync(file, exported.stdout);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ position: '1', prevHash: '0'.repeat(64) });

    const imported = await cli('import-log', [file], fresh.url);
    expect(imported.code).toBe(0);
    const head = JSON.parse(lines[lines.length - 1]!) as { position: string; hash: string };
    expect(imported.stdout).toContain(`chain ok, head position ${head.position} hash ${head.hash}`);
    const rows = async (url: TestDatabase) => (await url.pool.query('SELECT count(*)::int AS n FROM read_models.timeline_entries')).rows[0].n;
    expect(await rows(fresh)).toBe(await rows(db));
    const again = await cli('import-log', [file], fresh.url);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/not empty/);
  });
});
