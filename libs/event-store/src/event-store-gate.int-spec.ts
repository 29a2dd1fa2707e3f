import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { PostgresEventStore, READ_MODELS_APPLY_LOCK_KEY, type StoredEvent } from './index.js';
import { sleep, testEvent } from './test-events.js';

/** A promise with its resolver, to hold a writer at a hook until the test lets it go. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * Architecture.md invariant 3: a reader polling readAll from its last position never passes over an event whose
 * transaction commits later. The store assigns positions under a lock held through commit, so its own writers commit
 * in position order; the gate keeps that true against transactions that hold a position without the lock, and does
 * not turn "transaction ids are not in position order" into a skip.
 */
describe('PostgresEventStore readAll gate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  const positionsOf = (events: StoredEvent[]) => events.map((e) => e.globalPosition);
  /** Writers commit asynchronously to the reader: a test polls until it has `count` events (or 10 s pass). */
  async function readAtLeast(store: PostgresEventStore, after: string, count: number): Promise<StoredEvent[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const events = await store.readAll({ after, limit: 1000 });
      if (events.length >= count || Date.now() > deadline) return events;
      await sleep(5);
    }
  }

  it('does not pass over a position held by a transaction that commits later (writer bypassing the lock)', async () => {
    const store = new PostgresEventStore(db.pool);
    const start = (await db.pool.query("SELECT coalesce(max(global_position), 0)::text AS p FROM events")).rows[0].p as string;
    const slow = await db.pool.connect();
    try {
      await slow.query('BEGIN');
      // Takes a position (and a transaction id) without the append lock, and does not commit yet.
      const held = await slow.query(
        `INSERT INTO events (stream_id, stream_type, stream_version, event_id, type, data, metadata, hash, prev_hash)
         VALUES ('raw-1', 'work', 1, $1, 'Raw', '{}', '{}', 'x', 'x') RETURNING global_position::text AS p`,
        [randomUUID()],
      );
      const later = await store.append({ id: 'work-fast', type: 'work' }, 'no-stream', [testEvent('Fast')]);
      expect(BigInt(later.events[0]!.globalPosition)).toBeGreaterThan(BigInt(held.rows[0].p));

      // A reader without the gate sees the later event now, moves its checkpoint past the held position, and would
      // never read it: that is the skip.
      const naive = await db.pool.query('SELECT global_position::text AS p FROM events WHERE global_position > $1 ORDER BY global_position', [start]);
      expect(naive.rows.map((r) => r.p)).toEqual([later.events[0]!.globalPosition]);
      expect(await store.readAll({ after: start, limit: 100 })).toEqual([]);

      await slow.query('COMMIT');
      expect(positionsOf(await readAtLeast(store, start, 2))).toEqual([held.rows[0].p, later.events[0]!.globalPosition]);
    } finally {
      await slow.query('ROLLBACK').catch(() => undefined);
      slow.release();
    }
  });

  it('stops before an unsafe row instead of filtering it out when transaction ids are not in position order', async () => {
    const start = (await db.pool.query("SELECT coalesce(max(global_position), 0)::text AS p FROM events")).rows[0].p as string;
    const holdQ = latch();
    const holdR = latch();
    const reachedQ = latch();
    const reachedR = latch();
    const storeQ = new PostgresEventStore(db.pool, { testHooks: { beforeLock: async () => (reachedQ.open(), holdQ.promise) } });
    const storeR = new PostgresEventStore(db.pool, { testHooks: { beforeLock: async () => (reachedR.open(), holdR.promise) } });
    const store = new PostgresEventStore(db.pool);

    try {
      // Q and R get their transaction ids (stream rows locked) and wait before the append lock; P then appends first.
      const q = storeQ.append({ id: 'work-q', type: 'work' }, 'no-stream', [testEvent('Q')]);
      await reachedQ.promise;
      const r = storeR.append({ id: 'work-r', type: 'work' }, 'no-stream', [testEvent('R')]);
      await reachedR.promise;
      const p = await store.append({ id: 'work-p', type: 'work' }, 'no-stream', [testEvent('P')]);
      holdQ.open();
      const qResult = await q;
      // Positions: P < Q, but transaction ids: Q < R < P. With R still open, xmin = R's id, so P is "not yet safe" and
      // Q is. Filtering would hand out Q alone and a reader would move past P for good.
      const filtered = await db.pool.query(
        `SELECT global_position::text AS p FROM events WHERE global_position > $1 AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY global_position`,
        [start],
      );
      // (Exactly [Q] unless a transaction elsewhere on the server holds xmin back even further; never P.)
      expect(filtered.rows.map((row) => row.p)).not.toContain(p.events[0]!.globalPosition);
      expect([[], [qResult.events[0]!.globalPosition]]).toContainEqual(filtered.rows.map((row) => row.p));
      expect(await store.readAll({ after: start, limit: 100 })).toEqual([]);

      holdR.open();
      const rResult = await r;
      expect(positionsOf(await readAtLeast(store, start, 3))).toEqual([
        p.events[0]!.globalPosition,
        qResult.events[0]!.globalPosition,
        rResult.events[0]!.globalPosition,
      ]);
    } finally {
      // A failed expectation must not leave a writer parked in its transaction (the pool could not end).
      holdQ.open();
      holdR.open();
    }
  });

  it('many concurrent slow writers and a polling reader: every event seen exactly once, in position order', async () => {
    const start = (await db.pool.query("SELECT coalesce(max(global_position), 0)::text AS p FROM events")).rows[0].p as string;
    const jitter = () => sleep(Math.floor(Math.random() * 8));
    // Slow transactions: a pause holding the transaction id before the lock, and one holding positions before commit.
    const slowStore = new PostgresEventStore(db.pool, { testHooks: { beforeLock: jitter, beforeCommit: jitter } });
    const fastStore = new PostgresEventStore(db.pool);
    const expected = 12 * 24;
    let writing = true;
    let deadline = Infinity;
    const seen: string[] = [];
    const reader = (async () => {
      let after = start;
      // Polls until it has every event, or 10 s after the writers finished (see readAtLeast).
      while (seen.length < expected && Date.now() < deadline) {
        const batch = await fastStore.readAll({ after, limit: 7 });
        for (const event of batch) seen.push(event.globalPosition);
        if (batch.length > 0) after = batch[batch.length - 1]!.globalPosition;
        else await sleep(writing ? 1 : 5);
      }
    })();
    const writers = Array.from({ length: 12 }, async (_, w) => {
      let version = 0;
      for (let i = 0; i < 12; i++) {
        const store = w % 3 === 0 ? fastStore : slowStore;
        const events = Array.from({ length: 1 + (i % 3) }, () => testEvent('Edited', { w, i }));
        version = (await store.append({ id: `gate-${w}`, type: 'work' }, version === 0 ? 'no-stream' : version, events)).streamVersion;
      }
    });
    try {
      await Promise.all(writers);
    } finally {
      writing = false;
      deadline = Date.now() + 10_000;
      await reader;
    }

    const all = (await db.pool.query('SELECT global_position::text AS p FROM events WHERE global_position > $1 ORDER BY global_position', [start])).rows.map((r) => r.p as string);
    expect(all).toHaveLength(expected);
    expect(seen).toEqual(all);
    for (let i = 1; i < seen.length; i++) expect(BigInt(seen[i]!)).toBeGreaterThan(BigInt(seen[i - 1]!));
    expect(await fastStore.verifyChain()).toMatchObject({ ok: false, firstMismatch: { reason: 'hash-mismatch' } }); // the raw row of the first test
  });

  it('is not held back by an open read-model apply transaction, and is by any other open writing transaction', async () => {
    const store = new PostgresEventStore(db.pool);
    const apply = await db.pool.connect();
    const other = await db.pool.connect();
    try {
      // A projector batch: the shared apply lock, then writes (so a transaction id), not committed yet.
      await apply.query('BEGIN');
      await apply.query('SELECT pg_advisory_xact_lock_shared($1)', [READ_MODELS_APPLY_LOCK_KEY]);
      await apply.query('SELECT pg_current_xact_id()');
      const start = (await db.pool.query('SELECT coalesce(max(global_position), 0)::text AS p FROM events')).rows[0].p as string;
      const during = await store.append({ id: `work-${randomUUID()}`, type: 'work' }, 'no-stream', [testEvent('DuringApply')]);
      // Read until `during` shows: a transaction of another database that ends between the gate's snapshot and its look
      // at pg_stat_activity cannot be placed any more, and the gate then waits for one more read (as it should).
      expect(positionsOf(await readAtLeast(store, start, 1))).toEqual([during.events[0]!.globalPosition]);

      // Any other writer in this database is not known never to append: readers wait for it.
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const behind = await store.append({ id: `work-${randomUUID()}`, type: 'work' }, 'no-stream', [testEvent('BehindOther')]);
      expect(positionsOf(await readAtLeast(store, start, 1))).toEqual([during.events[0]!.globalPosition]);
      await other.query('COMMIT');
      expect(positionsOf(await readAtLeast(store, start, 2))).toEqual([during.events[0]!.globalPosition, behind.events[0]!.globalPosition]);
    } finally {
      await apply.query('ROLLBACK');
      await other.query('ROLLBACK').catch(() => undefined);
      apply.release();
      other.release();
    }
  });

  it('is not held back by a transaction left open in another database on the same server', async () => {
    const other = await createTestDatabase();
    const idle = await other.pool.connect();
    try {
      // Another application (or a parallel test) with an open write transaction: its id is below ours, server-wide.
      await idle.query('BEGIN');
      await idle.query('SELECT pg_current_xact_id()');
      const store = new PostgresEventStore(db.pool);
      const start = (await db.pool.query('SELECT coalesce(max(global_position), 0)::text AS p FROM events')).rows[0].p as string;
      const appended = await store.append({ id: `work-${randomUUID()}`, type: 'work' }, 'no-stream', [testEvent('Visible')]);
      expect(positionsOf(await store.readAll({ after: start, limit: 10 }))).toEqual([appended.events[0]!.globalPosition]);
    } finally {
      await idle.query('ROLLBACK');
      idle.release();
      await other.drop();
    }
  });
});
