import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { IdempotencyKeyReusedError, PostgresEventStore, WrongExpectedVersionError } from './index.js';
import { sleep, testEvent } from './test-events.js';

describe('PostgresEventStore', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });
  let n = 0;
  const work = () => ({ id: `work-${++n}-${Date.now()}`, type: 'work' });
  const count = async (table: string, streamId: string): Promise<number> =>
    Number((await db.pool.query(`SELECT count(*) FROM ${table} WHERE stream_id = $1`, [streamId])).rows[0].count);

  it('appends and reads back events with their metadata; recordedAt is the commit time, equal to the column', async () => {
    const stream = work();
    const first = testEvent('WorkRegistered', { title: { en: 'Oldboy', ko: '올드보이' }, year: 2003, budget: 3.5 }, {
      occurredAt: { date: '2003-11', precision: 'month' },
      note: 'from the press kit',
    });
    const second = testEvent('CompanyCredited', { companyId: 'org-1', roles: ['production'] }, { schemaVersion: 2 });
    const before = Date.now();
    const result = await store.append(stream, 'no-stream', [first, second]);
    expect(result).toMatchObject({ streamId: stream.id, streamVersion: 2, replayed: false });

    const events = await store.readStream(stream.id);
    expect(events).toEqual(result.events);
    expect(events.map((e) => [e.streamVersion, e.type, e.schemaVersion])).toEqual([[1, 'WorkRegistered', 1], [2, 'CompanyCredited', 2]]);
    expect(events[0]!.data).toEqual(first.data);
    expect(events[0]!.metadata).toEqual({ ...first.metadata, recordedAt: events[0]!.recordedAt, schemaVersion: 1 });
    expect(events[1]!.metadata.schemaVersion).toBe(2);
    expect(events[0]!.eventId).toBe(first.metadata.eventId);
    expect(events[0]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(events[0]!.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
    const column = await db.pool.query(`SELECT recorded_at, metadata->>'recordedAt' AS meta FROM events WHERE stream_id = $1`, [stream.id]);
    for (const row of column.rows) expect((row.recorded_at as Date).toISOString()).toBe(row.meta);
    expect(await store.streamVersion(stream.id)).toBe(2);
    expect(await store.streamVersion('work-never')).toBe(0);
  });

  it('checks the expected version: no-stream, exact and any; a mismatch says the current version', async () => {
    const stream = work();
    await store.append(stream, 'no-stream', [testEvent('A')]);
    const noStream = await store.append(stream, 'no-stream', [testEvent('B')]).catch((e: unknown) => e);
    expect(noStream).toBeInstanceOf(WrongExpectedVersionError);
    expect(noStream).toMatchObject({ streamId: stream.id, expectedVersion: 'no-stream', currentVersion: 1 });

    const stale = await store.append(stream, 3, [testEvent('B')]).catch((e: unknown) => e);
    expect(stale).toMatchObject({ name: 'WrongExpectedVersionError', expectedVersion: 3, currentVersion: 1 });
    const missing = await store.append(work(), 1, [testEvent('B')]).catch((e: unknown) => e);
    expect(missing).toMatchObject({ name: 'WrongExpectedVersionError', expectedVersion: 1, currentVersion: 0 });

    expect((await store.append(stream, 1, [testEvent('B')])).streamVersion).toBe(2);
    expect((await store.append(stream, 'any', [testEvent('C')])).streamVersion).toBe(3);
    expect((await store.append(work(), 'any', [testEvent('C')])).streamVersion).toBe(1);
    expect((await store.readStream(stream.id)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('writes a failing batch not at all: no events, no outbox rows, no stream version', async () => {
    const stream = work();
    const duplicate = testEvent('A');
    await store.append(work(), 'no-stream', [duplicate]);
    // The second event reuses an event id, so the batch fails inside the insert.
    await expect(store.append(stream, 'no-stream', [testEvent('A'), { ...testEvent('B'), metadata: duplicate.metadata }])).rejects.toThrow(/duplicate key/);
    expect(await count('events', stream.id)).toBe(0);
    expect(await count('outbox', stream.id)).toBe(0);
    expect(await store.streamVersion(stream.id)).toBe(0);
    expect((await store.append(stream, 'no-stream', [testEvent('A')])).streamVersion).toBe(1);
  });

  it('lets exactly one of several concurrent appends with the same expected version win', async () => {
    const stream = work();
    await store.append(stream, 'no-stream', [testEvent('Created')]);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.append(stream, 1, [testEvent(`Edit${i}`)])));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(7);
    for (const loss of lost) {
      expect(loss.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(loss.reason.currentVersion).toBe(2);
    }
    const fresh = work();
    const creators = await Promise.allSettled(Array.from({ length: 5 }, () => store.append(fresh, 'no-stream', [testEvent('Created')])));
    expect(creators.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(creators.filter((o) => o.status === 'rejected' && o.reason instanceof WrongExpectedVersionError)).toHaveLength(4);
    expect(await store.streamVersion(stream.id)).toBe(2);
    expect(await store.streamVersion(fresh.id)).toBe(1);
  });

  it('answers a retried command with the first result and records nothing new', async () => {
    const stream = work();
    const idempotency = { key: `key-${stream.id}`, fingerprint: 'sha256:request-1' };
    const first = await store.append(stream, 'no-stream', [testEvent('WorkRegistered', { title: 'Oldboy' })], { idempotency });
    const retry = await store.append(stream, 'no-stream', [testEvent('WorkRegistered', { title: 'Oldboy' })], { idempotency });
    expect(retry.replayed).toBe(true);
    expect({ ...retry, replayed: false }).toEqual(first);
    expect(await count('events', stream.id)).toBe(1);
    expect(await store.findIdempotentResult(idempotency.key, idempotency.fingerprint)).toEqual([retry]);
    expect(await store.findIdempotentResult('key-never-used')).toBeUndefined();
  });

  it('refuses an idempotency key reused for a different request', async () => {
    const stream = work();
    const key = `key-${stream.id}`;
    await store.append(stream, 'no-stream', [testEvent('A')], { idempotency: { key, fingerprint: 'one' } });
    await expect(store.append(stream, 1, [testEvent('B')], { idempotency: { key, fingerprint: 'two' } })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await expect(store.findIdempotentResult(key, 'two')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await count('events', stream.id)).toBe(1);
  });

  it('finds a first answer under the key an earlier release stored it as, only for the same request and only when the key itself is unknown', async () => {
    const stream = work();
    const formerKey = `former-${stream.id}`;
    const first = await store.append(stream, 'no-stream', [testEvent('A')], { idempotency: { key: formerKey, fingerprint: 'request-1' } });
    const scoped = `editor ${formerKey}`;
    expect(await store.findIdempotentResult(scoped, 'request-1', { formerKey })).toEqual([{ ...first, replayed: true }]);
    expect(await store.findIdempotentResult(scoped, 'request-2', { formerKey })).toBeUndefined();

    const other = work();
    const own = await store.append(other, 'no-stream', [testEvent('B')], { idempotency: { key: scoped, fingerprint: 'request-1' } });
    expect(await store.findIdempotentResult(scoped, 'request-1', { formerKey })).toEqual([{ ...own, replayed: true }]);
  });

  it('lets only one of concurrent requests with the same idempotency key write', async () => {
    const stream = work();
    const idempotency = { key: `key-${stream.id}`, fingerprint: 'same' };
    const results = await Promise.all(Array.from({ length: 6 }, () => store.append(stream, 'any', [testEvent('A')], { idempotency })));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.events[0]!.eventId)).size).toBe(1);
    expect(await count('events', stream.id)).toBe(1);
  });

  it('lets a failed attempt leave its idempotency key free for the retry', async () => {
    const stream = work();
    const idempotency = { key: `key-${stream.id}`, fingerprint: 'f' };
    await expect(store.append(stream, 5, [testEvent('A')], { idempotency })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await store.append(stream, 'no-stream', [testEvent('A')], { idempotency })).replayed).toBe(false);
  });

  it('reads a stream up to a version and as of a recordedAt instant', async () => {
    const stream = work();
    await store.append(stream, 'no-stream', [testEvent('A'), testEvent('B')]);
    await sleep(15);
    const between = new Date();
    await sleep(15);
    await store.append(stream, 2, [testEvent('C')]);
    expect((await store.readStream(stream.id, { toVersion: 1 })).map((e) => e.type)).toEqual(['A']);
    expect((await store.readStream(stream.id, { asOf: between })).map((e) => e.type)).toEqual(['A', 'B']);
    expect((await store.readStream(stream.id, { asOf: new Date(0) }))).toEqual([]);
    const all = await store.readStream(stream.id);
    expect((await store.readStream(stream.id, { asOf: new Date(all[2]!.recordedAt) })).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    expect((await store.readStream(stream.id, { asOf: new Date(all[2]!.recordedAt), toVersion: 2 })).map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('writes exactly one outbox row per event, in the same transaction', async () => {
    const stream = work();
    const result = await store.append(stream, 'no-stream', [testEvent('A'), testEvent('B'), testEvent('C')]);
    const rows = await db.pool.query('SELECT global_position::text AS p, event_id::text AS e, published_at FROM outbox WHERE stream_id = $1 ORDER BY 1', [stream.id]);
    expect(rows.rows).toEqual(result.events.map((e) => ({ p: e.globalPosition, e: e.eventId, published_at: null })));
    const orphans = await db.pool.query('SELECT count(*) FROM events e FULL JOIN outbox o USING (global_position) WHERE e.global_position IS NULL OR o.global_position IS NULL');
    expect(Number(orphans.rows[0].count)).toBe(0);
  });

  it('appends to several streams atomically with appendMany', async () => {
    const from = work();
    const to = work();
    await store.append(from, 'no-stream', [testEvent('CompanyCredited', { companyId: 'org-9' })]);
    await store.append(to, 'no-stream', [testEvent('WorkRegistered')]);
    const [left, right] = await store.appendMany([
      { stream: from, expectedVersion: 1, events: [testEvent('CreditCorrectedAway')] },
      { stream: to, expectedVersion: 1, events: [testEvent('CreditCorrectedHere')] },
    ]);
    expect([left!.streamVersion, right!.streamVersion]).toEqual([2, 2]);
    expect(right!.events[0]!.prevHash).toBe(left!.events[0]!.hash);

    // One stale part fails the whole call: neither stream moves.
    const failed = await store
      .appendMany([
        { stream: from, expectedVersion: 2, events: [testEvent('X')] },
        { stream: to, expectedVersion: 1, events: [testEvent('Y')] },
      ])
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ name: 'WrongExpectedVersionError', streamId: to.id, currentVersion: 2 });
    expect([await store.streamVersion(from.id), await store.streamVersion(to.id)]).toEqual([2, 2]);
    expect(await count('events', from.id)).toBe(2);
    expect(await count('outbox', from.id)).toBe(2);
  });

  it('refuses UPDATE, DELETE and TRUNCATE on events', async () => {
    const stream = work();
    await store.append(stream, 'no-stream', [testEvent('A')]);
    await expect(db.pool.query(`UPDATE events SET data = '{}' WHERE stream_id = $1`, [stream.id])).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.pool.query('DELETE FROM events WHERE stream_id = $1', [stream.id])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.pool.query('TRUNCATE events CASCADE')).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await count('events', stream.id)).toBe(1);
  });
});
