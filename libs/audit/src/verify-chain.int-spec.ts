import type pg from 'pg';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { appendSyntheticEvents } from './synthetic-log.js';
import { appendScenario, writeWork } from './testing/audit-fixtures.js';
import { verifyChainStreaming } from './verify-chain.js';

describe('verify-chain: the streaming walk of the hash chain', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let operator: pg.PoolClient;
  let head: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
    await appendScenario(store);
    await appendSyntheticEvents(db.pool, { count: 300, batchSize: 100, streams: 7 });
    for (let i = 0; i < 10; i += 1) await writeWork(store);
    head = (await db.pool.query<{ p: string }>('SELECT max(global_position)::text AS p FROM events')).rows[0]!.p;
    // an operator bypassing the append-only trigger (and the outbox foreign key) as a superuser would
    operator = await db.pool.connect();
    await operator.query('SET session_replication_role = replica');
    await operator.query('CREATE TEMP TABLE original AS SELECT * FROM events');
    await operator.query('CREATE TEMP TABLE original_head AS SELECT * FROM chain_head');
  });
  afterAll(async () => {
    operator.release(true);
    await db.drop();
  });
  afterEach(async () => {
    await operator.query('BEGIN');
    await operator.query('DELETE FROM events');
    await operator.query('INSERT INTO events SELECT * FROM original');
    await operator.query('DELETE FROM chain_head');
    await operator.query('INSERT INTO chain_head SELECT * FROM original_head');
    await operator.query('COMMIT');
  });

  async function expectBroken(position: string, reason: string) {
    const streamed = await verifyChainStreaming(db.pool, { batchSize: 64 });
    expect(streamed.ok).toBe(false);
    expect(streamed.firstMismatch).toMatchObject({ globalPosition: position, reason });
    if (reason !== 'recorded-at-mismatch') expect(streamed.firstMismatch!.storedHash).not.toBe(streamed.firstMismatch!.recomputedHash);
    // the same verdict as the event store's own verifyChain
    const reference = await store.verifyChain();
    expect(reference.firstMismatch).toEqual(streamed.firstMismatch);
    expect(streamed.checked).toBe(reference.checked);
    return streamed;
  }

  it('an intact chain is ok, names its head and reports a rate', async () => {
    const result = await verifyChainStreaming(db.pool, { batchSize: 64 });
    const reference = await store.verifyChain();
    expect(result).toMatchObject({ ok: true, checked: reference.checked, headPosition: head, headHash: reference.headHash });
    expect(result.rate).toBeGreaterThan(0);
    expect(await verifyChainStreaming(db.pool, { fromPosition: '100' })).toMatchObject({ ok: true, headPosition: head });
  });

  it('finds event data altered directly in SQL', async () => {
    await operator.query(`UPDATE events SET data = jsonb_set(data, '{n}', '999999') WHERE global_position = 150`);
    const result = await expectBroken('150', 'hash-mismatch');
    expect(result.firstMismatch!.storedHash).toBe((await operator.query('SELECT hash FROM original WHERE global_position = 150')).rows[0].hash);
    expect(result.checked).toBe(149);
  });

  it('finds metadata altered directly in SQL (the actor changed)', async () => {
    await operator.query(`UPDATE events SET metadata = jsonb_set(metadata, '{actor,id}', '"someone-else"') WHERE global_position = 5`);
    await expectBroken('5', 'hash-mismatch');
  });

  it('finds two events swapped (order)', async () => {
    await operator.query('BEGIN');
    await operator.query('UPDATE events SET global_position = -1 WHERE global_position = 40');
    await operator.query('UPDATE events SET global_position = 40 WHERE global_position = 41');
    await operator.query('UPDATE events SET global_position = 41 WHERE global_position = -1');
    await operator.query('COMMIT');
    await expectBroken('40', 'hash-mismatch');
  });

  it('finds a deleted event in the middle', async () => {
    await operator.query('DELETE FROM events WHERE global_position = 200');
    await expectBroken('201', 'prev-hash-mismatch');
  });

  it('finds deleted events at the end (the chain head no longer matches)', async () => {
    await operator.query('DELETE FROM events WHERE global_position > $1::bigint - 3', [head]);
    await expectBroken(head, 'head-mismatch');
  });

  it('finds recorded_at moved away from the hashed metadata.recordedAt', async () => {
    await operator.query(`UPDATE events SET recorded_at = recorded_at - interval '1 day' WHERE global_position = 77`);
    await expectBroken('77', 'recorded-at-mismatch');
  });

  it('a range verifies only its events: a break after it is not seen, one inside it is, and chain_head only when it reaches the end', async () => {
    await operator.query(`UPDATE events SET data = jsonb_set(data, '{n}', '999999') WHERE global_position = 150`);
    for (const workers of [0, 2]) {
      expect(await verifyChainStreaming(db.pool, { fromPosition: '20', toPosition: '149', batchSize: 64, workers })).toMatchObject({ ok: true, checked: 130, headPosition: '149' });
      expect(await verifyChainStreaming(db.pool, { fromPosition: '151', batchSize: 64, workers })).toMatchObject({ ok: true, headPosition: head });
      expect(await verifyChainStreaming(db.pool, { fromPosition: '100', toPosition: '200', batchSize: 64, workers })).toMatchObject({ ok: false, checked: 50, firstMismatch: { globalPosition: '150', reason: 'hash-mismatch' } });
    }
    // events deleted at the end: a range that stops before them agrees with the chain; one that reaches the end does not
    await operator.query('DELETE FROM events WHERE global_position > $1::bigint - 3', [head]);
    const lastLeft = (BigInt(head) - 3n).toString();
    for (const workers of [0, 2]) {
      expect(await verifyChainStreaming(db.pool, { fromPosition: '200', toPosition: '210', workers })).toMatchObject({ ok: true, checked: 11 });
      expect(await verifyChainStreaming(db.pool, { fromPosition: '200', toPosition: head, workers })).toMatchObject({ ok: false, headPosition: lastLeft, firstMismatch: { globalPosition: head, reason: 'head-mismatch' } });
    }
  });
});
