import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { canonicalJson, eventHash, GENESIS_HASH, PostgresEventStore, type StoredEvent } from './index.js';
import { testEvent } from './test-events.js';

describe('PostgresEventStore hash chain', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Tampering as an operator would: bypassing the append-only trigger (and foreign keys) for this session only. */
  async function tamper(sql: string): Promise<void> {
    const client = await db.pool.connect();
    try {
      await client.query('SET session_replication_role = replica');
      await client.query(sql);
    } finally {
      await client.query('RESET session_replication_role');
      client.release();
    }
  }

  /** Every event in position order, read per stream: readAll's gate depends on other transactions on the server. */
  async function allEvents(): Promise<StoredEvent[]> {
    const { rows } = await db.pool.query('SELECT DISTINCT stream_id FROM events');
    const events = (await Promise.all(rows.map((row) => store.readStream(row.stream_id as string)))).flat();
    return events.sort((a, b) => (BigInt(a.globalPosition) < BigInt(b.globalPosition) ? -1 : 1));
  }

  async function seed(): Promise<void> {
    await store.append({ id: 'work-1', type: 'work' }, 'no-stream', [testEvent('A', { n: 1, nested: { z: 1, a: [1, 2.5, 'x'] } }), testEvent('B')]);
    await store.append({ id: 'org-1', type: 'organization' }, 'no-stream', [testEvent('C', { name: 'CJ ENM' })]);
    await store.append({ id: 'work-1', type: 'work' }, 2, [testEvent('D'), testEvent('E')]);
  }

  it('canonical JSON sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, { y: 'é', x: undefined }], c: 1e21 } })).toBe('{"a":{"c":1e+21,"d":[true,null,{"y":"é"}]},"b":1}');
  });

  it('verifies an intact chain: every hash recomputes and links to its predecessor; the head is the last event', async () => {
    const empty = await store.verifyChain();
    expect(empty).toEqual({ ok: true, checked: 0, headPosition: '0', headHash: GENESIS_HASH });
    await seed();
    const result = await store.verifyChain({ batchSize: 2 });
    const events = await allEvents();
    expect(result).toEqual({ ok: true, checked: 5, headPosition: events[4]!.globalPosition, headHash: events[4]!.hash });
    expect(events[0]!.prevHash).toBe(GENESIS_HASH);
    events.forEach((event, i) => {
      if (i > 0) expect(event.prevHash).toBe(events[i - 1]!.hash);
      expect(eventHash(event)).toBe(event.hash);
    });
    expect(await store.verifyChain({ fromPosition: events[2]!.globalPosition })).toMatchObject({ ok: true, checked: 3 });
  });

  it('hashes in the database exactly as eventHash does, and answers the append with what it stored', async () => {
    // Non-ASCII text, escapes, a control character, numbers jsonb respells, keys named like the hashed fields, and a
    // caller-supplied recordedAt the store must replace.
    const awkward = testEvent(
      'TitleAdded',
      { title: '지구를 지켜라! "Save the Green Planet!"\n\t\u0001', n: 1e21, ratio: 2.50, prevHash: 'not the link', nested: { b: [], a: {} } },
      { note: 'back\\slash', recordedAt: '1999-01-01T00:00:00.000Z' } as never,
    );
    const appended = await store.appendMany([
      { stream: { id: 'work-é', type: 'work' }, expectedVersion: 'no-stream', events: [awkward, testEvent('B')] },
      { stream: { id: 'org-1', type: 'organization' }, expectedVersion: 'any', events: [testEvent('C')] },
    ]);
    const stored = await allEvents();
    expect(appended.flatMap((result) => result.events)).toEqual(stored);
    for (const event of stored) expect(eventHash(event)).toBe(event.hash);
    expect(stored[0]!.metadata.recordedAt).toBe(stored[0]!.recordedAt);
    expect(stored[0]!.recordedAt).not.toBe('1999-01-01T00:00:00.000Z');
    expect(await store.verifyChain()).toMatchObject({ ok: true, checked: 3 });
  });

  it('stores, hashes and answers an event id in PostgreSQL\'s spelling whichever spelling the caller used', async () => {
    const id = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
    const braced = '{6f9619ff8b86d011b42d00c04fc964fe}';
    const [upper] = (await store.append({ id: 'work-1', type: 'work' }, 'no-stream', [testEvent('A', {}, { eventId: id })])).events;
    const [inBraces] = (await store.append({ id: 'work-1', type: 'work' }, 1, [testEvent('B', {}, { eventId: braced })])).events;
    expect([upper!.eventId, inBraces!.eventId]).toEqual(['6f9619ff-8b86-d011-b42d-00c04fc964ff', '6f9619ff-8b86-d011-b42d-00c04fc964fe']);
    expect((await allEvents()).map((event) => [event.eventId, event.metadata.eventId, event.hash])).toEqual([
      [upper!.eventId, upper!.eventId, upper!.hash],
      [inBraces!.eventId, inBraces!.eventId, inBraces!.hash],
    ]);
    expect(await store.verifyChain()).toMatchObject({ ok: true, checked: 2 });
  });

  it('detects an event whose data was altered', async () => {
    await seed();
    const [, second] = await allEvents();
    await tamper(`UPDATE events SET data = '{"n": 2}' WHERE global_position = ${second!.globalPosition}`);
    const result = await store.verifyChain();
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(1);
    expect(result.firstMismatch).toMatchObject({ globalPosition: second!.globalPosition, storedHash: second!.hash, reason: 'hash-mismatch' });
    expect(result.firstMismatch!.recomputedHash).not.toBe(second!.hash);
  });

  it('detects an event whose metadata was altered (a different actor)', async () => {
    await seed();
    const events = await allEvents();
    await tamper(`UPDATE events SET metadata = jsonb_set(metadata, '{actor,id}', '"someone-else"') WHERE global_position = ${events[3]!.globalPosition}`);
    expect((await store.verifyChain()).firstMismatch).toMatchObject({ globalPosition: events[3]!.globalPosition, reason: 'hash-mismatch' });
  });

  it('detects a recorded_at column moved away from the hashed metadata.recordedAt', async () => {
    await seed();
    const events = await allEvents();
    await tamper(`UPDATE events SET recorded_at = recorded_at - interval '1 day' WHERE global_position = ${events[1]!.globalPosition}`);
    expect((await store.verifyChain()).firstMismatch).toMatchObject({ globalPosition: events[1]!.globalPosition, reason: 'recorded-at-mismatch' });
  });

  it('detects a deleted event: its successor no longer links', async () => {
    await seed();
    const events = await allEvents();
    await tamper(`DELETE FROM events WHERE global_position = ${events[2]!.globalPosition}`);
    const result = await store.verifyChain();
    expect(result).toMatchObject({ ok: false, checked: 2 });
    expect(result.firstMismatch).toEqual({
      globalPosition: events[3]!.globalPosition,
      storedHash: events[2]!.hash,
      recomputedHash: events[1]!.hash,
      reason: 'prev-hash-mismatch',
    });
  });

  it('detects a deleted last event against the chain head', async () => {
    await seed();
    const events = await allEvents();
    await tamper(`DELETE FROM events WHERE global_position = ${events[4]!.globalPosition}`);
    expect((await store.verifyChain()).firstMismatch).toMatchObject({ globalPosition: events[4]!.globalPosition, storedHash: events[4]!.hash, reason: 'head-mismatch' });
  });

  it('detects two events swapped in order', async () => {
    await seed();
    const events = await allEvents();
    const [a, b] = [events[1]!.globalPosition, events[2]!.globalPosition];
    await tamper(`UPDATE events SET global_position = -1 WHERE global_position = ${a};
      UPDATE events SET global_position = ${a} WHERE global_position = ${b};
      UPDATE events SET global_position = ${b} WHERE global_position = -1;`);
    expect((await store.verifyChain()).firstMismatch).toMatchObject({ globalPosition: a, reason: 'hash-mismatch' });
  });

  it('does not fork under many concurrent writers, single and batched', async () => {
    const writers = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; i < 10; i++) {
        const events = i % 3 === 0 ? [testEvent('Batch1'), testEvent('Batch2'), testEvent('Batch3')] : [testEvent('Single')];
        await store.append({ id: `stream-${w}`, type: 'work' }, i === 0 ? 'no-stream' : 'any', events);
      }
    });
    await Promise.all(writers);
    const events = await allEvents();
    expect(events).toHaveLength(16 * (4 * 3 + 6));
    expect(new Set(events.map((e) => e.prevHash)).size).toBe(events.length);
    events.forEach((event, i) => expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1]!.hash));
    const verified = await store.verifyChain({ batchSize: 50 });
    expect(verified.firstMismatch).toBeUndefined();
    expect(verified).toMatchObject({ ok: true, checked: events.length, headHash: events[events.length - 1]!.hash });
  });
});
