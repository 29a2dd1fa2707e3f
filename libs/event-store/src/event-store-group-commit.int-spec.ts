import { randomUUID } from 'node:crypto';
import { createPool } from '../../database/src/pool.js';
import { startSeverableProxy } from '../../../test/support/severable-proxy.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { PostgresEventStore, WrongExpectedVersionError } from './index.js';
import type { AppendResult } from './event-store.types.js';
import { sleep, testEvent } from './test-events.js';

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

  it('fails a call whose events break a constraint alone: the group is split until it stands alone', async () => {
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
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(await store.streamVersion(b.id)).toBe(0);
    expect((await store.readStream(a.id)).map((e) => e.type)).toEqual(['Reused', 'A2']);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  /** Each event's transaction id, per stream in version order: which statement committed what. */
  async function transactions(streamIds: string[]): Promise<Map<string, string[]>> {
    const { rows } = await db.pool.query<{ stream_id: string; tx: string }>(
      'SELECT stream_id, transaction_id::text AS tx FROM events WHERE stream_id = ANY($1) ORDER BY stream_id, stream_version',
      [streamIds],
    );
    const byStream = new Map<string, string[]>();
    for (const row of rows) byStream.set(row.stream_id, [...(byStream.get(row.stream_id) ?? []), row.tx]);
    return byStream;
  }

  it('does not fail a group for a call that expects a wrong version, and splits a group failed by one call in halves, not call by call', async () => {
    // One statement at a time: the first call goes alone, the sixteen made behind it queue and go as one group.
    const serial = new PostgresEventStore(db.pool, { maxGroupsInFlight: 1, eagerGroupsInFlight: 1 });
    const tag = randomUUID();
    const reused = testEvent('Reused');
    await serial.append({ id: `work-halves-stored-${tag}`, type: 'work' }, 'no-stream', [reused]);
    const group = async (round: string, odd: 'conflict' | 'stored event id') => {
      const streams = Array.from({ length: 16 }, (_, i) => ({ id: `work-halves-${round}-${i}-${tag}`, type: 'work' }));
      const first = serial.append({ id: `work-halves-${round}-first-${tag}`, type: 'work' }, 'no-stream', [testEvent('First')]);
      const outcomes = await Promise.allSettled(
        streams.map((stream, i) =>
          i < 15
            ? serial.append(stream, 'no-stream', [testEvent(`G${i}`)])
            : odd === 'conflict'
              ? serial.append(stream, 3, [testEvent('Conflict')])
              : serial.append(stream, 'no-stream', [{ ...reused, type: 'Dup' }]),
        ),
      );
      await first;
      expect(outcomes.map((o) => o.status)).toEqual(streams.map((_, i) => (i < 15 ? 'fulfilled' : 'rejected')));
      const txs = await transactions(streams.slice(0, 15).map((stream) => stream.id));
      return { reason: (outcomes[15] as PromiseRejectedResult).reason as unknown, statements: new Set([...txs.values()].flat()).size };
    };

    // A conflict is the call's own outcome inside the group's statement: the other fifteen commit in that statement.
    const conflict = await group('conflict', 'conflict');
    expect(conflict.reason).toBeInstanceOf(WrongExpectedVersionError);
    expect(conflict.statements).toBe(1);

    // An event id already stored fails the whole statement. Split in halves, the half without it commits at once and
    // the other splits again: the fifteen good calls commit in four statements (log2 of 16), where retrying the group
    // call by call took fifteen.
    const failed = await group('dup', 'stored event id');
    expect(failed.reason).toMatchObject({ code: '23505' });
    expect(failed.statements).toBe(4);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('commits a call larger than a group on its own, while small calls around it keep being grouped and keep their order', async () => {
    const sized = new PostgresEventStore(db.pool, { maxGroupEvents: 10 });
    const tag = Date.now();
    const big = { id: `work-big-${tag}`, type: 'work' };
    const smalls = Array.from({ length: 8 }, (_, i) => ({ id: `work-small-${i}-${tag}`, type: 'work' }));
    const bigEvents = Array.from({ length: 40 }, (_, i) => testEvent(`Big${i}`));
    // Issued at once, in this order: small calls, then the big one, then more small calls, one of them on the big
    // call's stream expecting the version the big call leaves behind (so it must commit after it), and another big
    // call on the same stream after that.
    const first = smalls.map((stream) => sized.append(stream, 'no-stream', [testEvent('S1')]));
    const bigCall = sized.append(big, 'no-stream', bigEvents);
    const second = smalls.map((stream) => sized.append(stream, 1, [testEvent('S2'), testEvent('S2b')]));
    const afterBig = sized.append(big, 40, [testEvent('AfterBig')]);
    const bigAgain = sized.append(big, 41, Array.from({ length: 12 }, (_, i) => testEvent(`Again${i}`)));
    const results = await Promise.all([...first, bigCall, ...second, afterBig, bigAgain]);

    expect(results.every((r) => !r.replayed)).toBe(true);
    const bigResult = await bigCall;
    expect(bigResult.streamVersion).toBe(40);
    expect(bigResult.events.map((e) => e.type)).toEqual(bigEvents.map((e) => e.type));
    expect((await afterBig).streamVersion).toBe(41);
    expect((await bigAgain).streamVersion).toBe(53);
    expect((await store.readStream(big.id)).map((e) => e.type)).toEqual([...bigEvents.map((e) => e.type), 'AfterBig', ...Array.from({ length: 12 }, (_, i) => `Again${i}`)]);
    for (const stream of smalls) expect((await store.readStream(stream.id)).map((e) => [e.streamVersion, e.type])).toEqual([[1, 'S1'], [2, 'S2'], [3, 'S2b']]);

    const txs = await transactions([big.id, ...smalls.map((s) => s.id)]);
    const bigTxs = txs.get(big.id)!;
    // The first big call is one transaction of its own: none of the small calls' events are in it.
    const bigTx = bigTxs[0]!;
    expect(bigTxs.slice(0, 40).every((tx) => tx === bigTx)).toBe(true);
    for (const stream of smalls) expect(txs.get(stream.id)).not.toContain(bigTx);
    // The small calls were still grouped (16 calls of 1-2 events, groups of up to 10 events).
    const smallTxs = new Set(smalls.flatMap((stream) => txs.get(stream.id)!));
    expect(smallTxs.size).toBeLessThan(16);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('sends a second statement while one is in flight, and groups what comes behind them', async () => {
    /** Six single-event calls at once; how many statements were getting ready at the same time, and each call's transaction. */
    async function burst(eagerGroupsInFlight: number): Promise<{ mostAtOnce: number; txs: string[] }> {
      let gettingReady = 0;
      let mostAtOnce = 0;
      const eager = new PostgresEventStore(db.pool, {
        eagerGroupsInFlight,
        testHooks: {
          // Between a statement's start and its lock.
          beforeLock: async () => {
            mostAtOnce = Math.max(mostAtOnce, ++gettingReady);
            await new Promise((resolve) => setTimeout(resolve, 30));
            gettingReady -= 1;
          },
        },
      });
      const streams = Array.from({ length: 6 }, (_, i) => ({ id: `work-eager${eagerGroupsInFlight}-${i}-${Date.now()}`, type: 'work' }));
      await Promise.all(streams.map((stream) => eager.append(stream, 'no-stream', [testEvent('E')])));
      const byStream = await transactions(streams.map((stream) => stream.id));
      return { mostAtOnce, txs: streams.map((stream) => byStream.get(stream.id)![0]!) };
    }

    // Default (2): the first two calls go at once, each alone; the four behind them wait and go as one group.
    const two = await burst(2);
    expect(two.mostAtOnce).toBe(2);
    expect(new Set(two.txs).size).toBe(3);
    expect(new Set(two.txs.slice(2)).size).toBe(1);
    // 1: nothing overlaps the statement in flight; the five behind it go as one group after it.
    const one = await burst(1);
    expect(one.mostAtOnce).toBe(1);
    expect(new Set(one.txs).size).toBe(2);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('never lets a statement overtake one in flight on the same stream or key, even with every call in a statement of its own', async () => {
    // maxGroupEvents 1: every call is a full group and may start while others are in flight, up to 4 at once.
    const eager = new PostgresEventStore(db.pool, { maxGroupEvents: 1, maxGroupsInFlight: 4 });
    const tag = Date.now();
    // Fewer streams than statements in flight, so that without the rule the same stream would be in two at once.
    const streams = Array.from({ length: 3 }, (_, i) => ({ id: `work-eager-${i}-${tag}`, type: 'work' }));
    const calls: Array<Promise<AppendResult>> = [];
    for (let version = 0; version < 16; version++) {
      for (const stream of streams) {
        calls.push(eager.append(stream, version === 0 ? 'no-stream' : version, [testEvent(`V${version + 1}`)]));
      }
    }
    // The same key from two calls on different streams: the second is answered with the first's result.
    const keyed = eager.append(streams[0]!, 'any', [testEvent('Keyed')], { idempotency: { key: `eager-${tag}`, fingerprint: 'f' } });
    const repeated = eager.append(streams[1]!, 'any', [testEvent('Keyed')], { idempotency: { key: `eager-${tag}`, fingerprint: 'f' } });
    const outcomes = await Promise.allSettled([...calls, keyed, repeated]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const versions = Array.from({ length: 16 }, (_, v) => `V${v + 1}`);
    for (const stream of streams.slice(1)) {
      expect((await store.readStream(stream.id)).map((e) => e.type)).toEqual(versions);
    }
    expect((await store.readStream(streams[0]!.id)).map((e) => e.type)).toEqual([...versions, 'Keyed']);
    expect((await repeated).replayed).toBe(true);
    expect((await repeated).events.map((e) => e.globalPosition)).toEqual((await keyed).events.map((e) => e.globalPosition));
    // Every call was a statement of its own (each a full group): 3 streams x 16 calls, plus the keyed one.
    const txs = await transactions(streams.map((s) => s.id));
    expect(new Set([...txs.values()].flat()).size).toBe(49);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('fails a broken call alone while other statements are in flight', async () => {
    const eager = new PostgresEventStore(db.pool, { maxGroupEvents: 2 });
    const tag = Date.now();
    const reused = testEvent('Reused');
    await eager.append({ id: `work-reused-${tag}`, type: 'work' }, 'no-stream', [reused]);
    const streams = Array.from({ length: 9 }, (_, i) => ({ id: `work-flight-${i}-${tag}`, type: 'work' }));
    // Calls of one event, two per full group: several statements in flight; the fifth call reuses an event id.
    const outcomes = await Promise.allSettled(
      streams.map((stream, i) => eager.append(stream, 'no-stream', [i === 4 ? { ...reused, type: 'Dup' } : testEvent(`F${i}`)])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(streams.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
    expect(await store.streamVersion(streams[4]!.id)).toBe(0);
    for (const [i, stream] of streams.entries()) if (i !== 4) expect((await store.readStream(stream.id)).map((e) => e.type)).toEqual([`F${i}`]);
    expect((await store.verifyChain()).ok).toBe(true);
  });

  it('rejects a call whose events are not JSON when it is made, without failing the calls queued with it', async () => {
    const tag = Date.now();
    const streams = Array.from({ length: 3 }, (_, i) => ({ id: `work-json-${i}-${tag}`, type: 'work' }));
    const outcomes = await Promise.allSettled(
      streams.map((stream, i) => store.append(stream, 'no-stream', [testEvent('J', i === 1 ? { amount: 10n } : { amount: 10 })])),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect(await store.streamVersion(streams[1]!.id)).toBe(0);
    expect((await store.readStream(streams[2]!.id)).map((e) => e.data)).toEqual([{ amount: 10 }]);
  });

  it('answers the calls of a group whose COMMIT went through although its connection broke, instead of retrying them', async () => {
    const url = new URL(db.url);
    const proxy = await startSeverableProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const proxiedPool = createPool(url.toString(), { max: 4, applicationName: 'reelwire-lost-commit-test' });
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let statements = 0;
    // One statement in flight at a time that is not full: the first call commits alone and holds its COMMIT until the
    // other calls queued behind it; they then go in one group, whose COMMIT reaches the server but whose answer does not.
    const lossy = new PostgresEventStore(proxiedPool, {
      eagerGroupsInFlight: 1,
      testHooks: {
        beforeCommit: async () => {
          statements += 1;
          if (statements === 1) await firstHeld;
          else if (statements === 2) proxy.dropAnswers();
        },
      },
    });
    try {
      const tag = Date.now();
      const first = lossy.append({ id: `work-held-${tag}`, type: 'work' }, 'no-stream', [testEvent('Held')]);
      const streams = Array.from({ length: 3 }, (_, i) => ({ id: `work-lost-answer-${i}-${tag}`, type: 'work' }));
      const grouped = streams.map((stream) => lossy.append(stream, 'no-stream', [testEvent('Recorded')]));
      releaseFirst();
      await first;
      // The group's COMMIT is through once its events are visible to another session; then its connection breaks.
      for (;;) {
        const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE stream_id = ANY($1)', [streams.map((s) => s.id)]);
        if (rows[0]!.n === streams.length) break;
        await sleep(10);
      }
      proxy.sever();
      proxy.restore();
      const results = await Promise.all(grouped);
      expect(statements).toBe(2);
      results.forEach((result, i) => {
        expect(result).toMatchObject({ streamId: streams[i]!.id, streamVersion: 1, replayed: false });
        expect(result.events.map((e) => [e.type, e.streamVersion])).toEqual([['Recorded', 1]]);
      });
      for (const stream of streams) expect(await store.streamVersion(stream.id)).toBe(1);
      expect((await store.verifyChain()).ok).toBe(true);
    } finally {
      await proxiedPool.end();
      await proxy.close();
    }
  });
});

