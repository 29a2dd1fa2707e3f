import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { freePort } from '../../../test/support/free-port.js';
import { createPool } from './pool.js';
import { isDatabaseUnavailable } from './unavailable.js';

/** The errors node-postgres really produces, each provoked for real: which mean "the server is away", which do not. */
describe('isDatabaseUnavailable', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error('expected the work to fail');
  };

  it('is true for a server that is not listening', async () => {
    const port = await freePort();
    const pool = createPool(`postgres://postgres@127.0.0.1:${port}/nothing`);
    try {
      expect(isDatabaseUnavailable(await failureOf(() => pool.query('SELECT 1')))).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('is true for a session the server ends (57P01), and for the next statement on that client; the process survives it', async () => {
    const pool = createPool(db.url, { max: 1 });
    const client = await pool.connect();
    try {
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // As pg_ctl stop -m fast does to every session, from another one: the checked-out client emits 'error'.
      await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      const during = await failureOf(() => client.query('SELECT pg_sleep(0.1)'));
      expect(isDatabaseUnavailable(during)).toBe(true);
      expect(isDatabaseUnavailable(await failureOf(() => client.query('SELECT 1')))).toBe(true);
    } finally {
      client.release(true);
    }
    // The pool replaced the broken client.
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    await pool.end();
  });

  it('is false for errors of the statement itself', async () => {
    expect(isDatabaseUnavailable(await failureOf(() => db.pool.query('SELEC 1')))).toBe(false);
    expect(isDatabaseUnavailable(await failureOf(() => db.pool.query('SELECT 1/0')))).toBe(false);
    expect(isDatabaseUnavailable(await failureOf(() => db.pool.query("SELECT 'x'::uuid")))).toBe(false);
    expect(isDatabaseUnavailable(await failureOf(() => db.pool.query(`SELECT E'a\\u0000b'`)))).toBe(false);
    expect(isDatabaseUnavailable(new pg.DatabaseError('duplicate key value violates unique constraint', 0, 'error'))).toBe(false);
  });
});
