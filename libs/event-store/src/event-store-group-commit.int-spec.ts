import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { PostgresEventStore, WrongExpectedVersionError } from './index.js';
import type { AppendResult } from './event-store.types.js';
import { testEvent } from './test-events.js';

/**
 * Group commit: concurrent append() calls of one store commit together in one transaction, yet each keeps its own
 * expected-version check and idempotency key (a SAVEPOINT per call) and the global chain stays unbroken.
 */
describe('PostgresEventStore group commit', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('commits concurrent appends together, fails only the conflicting ones, replays a repeated key, keeps the chain', async () => {
    const streams = Array.from({ length: 20 }, (_, i) => ({ id: `work-group-${i}-${Date.now()}`, type: 'work' }));
    // Every call is issued at once. Per stream: versions 0..4 in order (all must succeed, since calls queued behind one
    // another see the versions the earlier calls of their group append), then a stale writer (expected 0) that must fail
    // alone, then a call whose idempotency key repeats one already used in the same burst (must be replayed, not written).
    const calls: Array<{ kind: 'ok' | 'stale' | 'repeat'; stream: string; promise: Promise<AppendResult> }> = [];
    for (const stream of streams) {
      for (let version = 0; version < 5; version++) {
        const idempotency = version === 2 ? { idempotency: { key: `k-${stream.id}`, fingerprint: 'f' } } : {};
        calls.push({ kind: 'ok', stream: stream.id, promise: store.append(stream, version === 0 ? 'no-stream' : version, [testEvent(`E${version}`)], idempotency) });
      }
      calls.push({ kind: 'stale', stream: stream.id, promise: store.append(stream, 1, [testEvent('Stale')]) });
      calls.push({ kind: 'repeat', stream: stream.id, promise: store.append(stream, 'any', [testEvent('Repeat')], { idempotency: { key: `k-${stream.id}`, fingerprint: 'f' } }) });
    }
    const outcomes = await Promise.allSettled(calls.map((c) => c.promise));

    outcomes.forEach((outcome, i) => {
      const call = calls[i]!;
      if (call.kind === 'ok') {
        expect(outcome.status).toBe('fulfilled');
        expect((outcome as PromiseFulfilledResult<AppendResult>).value.replayed).toBe(false);
      } else if (call.kind === 'stale') {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as WrongExpectedVersionError;
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error.streamId).toBe(call.stream);
        expect(error.currentVersion).toBe(5);
      } else {
        expect(outcome.status).toBe('fulfilled');
        const result = (outcome as PromiseFulfilledResult<AppendResult>).value;
        expect(result.replayed).toBe(true);
        expect(result.streamVersion).toBe(3);
        expect(result.events.map((e) => e.type)).toEqual(['E2']);
      }
    });

    for (const stream of streams) {
      const events = await store.readStream(stream.id);
      expect(events.map((e) => [e.streamVersion, e.type])).toEqual([[1, 'E0'], [2, 'E1'], [3, 'E2'], [4, 'E3'], [5, 'E4']]);
      expect(await store.streamVersion(stream.id)).toBe(5);
    }
    // They were grouped: far fewer transactions than calls, and one outbox row per event.
    const { rows } = await db.pool.query<{ transactions: number; events: number; outbox: number }>(
      `SELECT count(DISTINCT transaction_id)::int AS transactions, count(*)::int AS events,
              (SELECT count(*)::int FROM outbox) AS outbox FROM events`,
    );
    expect(rows[0]!.events).toBe(100);
    expect(rows[0]!.outbox).toBe(100);
    expect(rows[0]!.transactions).toBeLessThan(50);
    // Positions commit in order and the global chain is unbroken.
    const chain = await store.verifyChain();
    expect(chain).toMatchObject({ ok: true, checked: 100 });
    const head = await db.pool.query<{ position: string }>('SELECT position::text AS position FROM chain_head');
    expect(head.rows[0]!.position).toBe(chain.headPosition);
  });

  it('fails a call whose events break a constraint alone: the group is retried call by call', async () => {
    const a = { id: `work-dup-a-${Date.now()}`, type: 'work' };
    const b = { id: `work-dup-b-${Date.now()}`, type: 'work' };
    const c = { id: `work-dup-c-${Date.now()}`, type: 'work' };
    const reused = testEvent('Reused');
    await store.append(a, 'no-stream', [reused]);
    // Three calls at once; b reuses an event id already stored (unique violation inside the group's insert).
    const outcomes = await Promise.allSettled([
      store.append(a, 1, [testEvent('A2')]),
      store.append(b, 'no-stream', [{ ...reused, type: 'Dup' }]),
      store.append(c, 'no-stream', [testEvent('C1')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.streamVersion(b.id)).toBe(0);
    expect((await store.readStream(a.id)).map((e) => e.type)).toEqual(['Reused', 'A2']);
    expect((await store.verifyChain()).ok).toBe(true);
  });
});
