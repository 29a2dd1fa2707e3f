import { randomUUID } from 'node:crypto';
import { DomainValidationError } from '../../../../libs/domain/src/index.js';
import { IdempotencyKeyReusedError, PostgresEventStore, type AppendResult } from '../../../../libs/event-store/src/index.js';
import { testEvent } from '../../../../libs/event-store/src/test-events.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import type { CommandContext } from '../shared/command-context.js';
import { outcomeOf, type CommandOutcome } from './command-outcome.js';
import { FirstAnswers } from './first-answers.js';

/**
 * FirstAnswers on a real store, where the twin of a request is recorded at the moment that once gave a false 422: after
 * this request looked for a stored answer and found none, before its own decision — what a twin handled by another
 * admin-api instance does. The command's decision here is the test's: it records the twin, then is refused as the
 * rules refuse a duplicate.
 */
describe('FirstAnswers: every request with one Idempotency-Key gets the first answer', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let answers: FirstAnswers;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool);
    answers = new FirstAnswers(store);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const contextWith = (key: string, fingerprint: string): CommandContext => ({
    principal: { id: 'desk-anna', role: 'editor' },
    correlationId: randomUUID(),
    commandId: randomUUID(),
    idempotency: { key: `desk-anna ${key}`, fingerprint, sentKey: key },
  });
  const replay = (stored: AppendResult[]) => outcomeOf('work', stored[0]!.streamId.slice('work-'.length), stored, true);
  const work = () => ({ id: `work-${randomUUID()}`, type: 'work' });
  const duplicate = () => new DomainValidationError([{ field: 'territory', message: 'a wide release in KR is already recorded' }]);

  it('a request refused because its twin recorded meanwhile answers with the twin’s answer', async () => {
    const context = contextWith(`release-${randomUUID()}`, 'request-1');
    const stream = work();
    let twin: AppendResult | undefined;
    const answer = await answers.once(context, replay, async () => {
      twin = await store.append(stream, 'no-stream', [testEvent('ReleaseScheduled')], { idempotency: { key: context.idempotency!.key, fingerprint: 'request-1' } });
      throw duplicate();
    });
    expect(answer).toEqual(await outcomeOf('work', stream.id.slice('work-'.length), [{ ...twin!, replayed: true }], true));
  });

  it('a refusal with no twin stands, and the key stays free for a retry that decides again', async () => {
    const context = contextWith(`release-${randomUUID()}`, 'request-1');
    await expect(answers.once(context, replay, () => Promise.reject(duplicate()))).rejects.toBeInstanceOf(DomainValidationError);
    const stream = work();
    const retried = await answers.once(context, replay, async () => {
      const [result] = await store.appendMany([{ stream, expectedVersion: 'no-stream', events: [testEvent('ReleaseScheduled')] }], {
        idempotency: { key: context.idempotency!.key, fingerprint: 'request-1' },
      });
      return outcomeOf('work', stream.id.slice('work-'.length), [result!], false);
    });
    expect(retried).toMatchObject({ replayed: false, version: 1 });
  });

  it('a refusal whose key was meanwhile recorded for another request is the key-reused error', async () => {
    const context = contextWith(`release-${randomUUID()}`, 'request-1');
    const refused = answers.once(context, replay, async () => {
      await store.append(work(), 'no-stream', [testEvent('ReleaseScheduled')], { idempotency: { key: context.idempotency!.key, fingerprint: 'request-2' } });
      throw duplicate();
    });
    await expect(refused).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('requests with one key in one process wait for the first: only the first decides, all get its answer', async () => {
    const context = contextWith(`release-${randomUUID()}`, 'request-1');
    const stream = work();
    let decisions = 0;
    const decide = async (): Promise<CommandOutcome> => {
      decisions += 1;
      const result = await store.append(stream, 'any', [testEvent('ReleaseScheduled')], { idempotency: { key: context.idempotency!.key, fingerprint: 'request-1' } });
      return outcomeOf('work', stream.id.slice('work-'.length), [result], result.replayed);
    };
    // The first append waits for the chain lock (held here) while the others are started: they cannot find its answer.
    const chainLock = await db.pool.connect();
    await chainLock.query('SELECT pg_advisory_lock(7123002)');
    const pending = Promise.all(Array.from({ length: 8 }, () => answers.once(context, replay, decide)));
    try {
      while ((await chainLock.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'")).rowCount === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await chainLock.query('SELECT pg_advisory_unlock(7123002)');
      chainLock.release();
    }
    const all = await pending;
    expect(decisions).toBe(1);
    const { replayed: _first, ...first } = all[0]!;
    expect(all.map(({ replayed: _replayed, ...answer }) => answer)).toEqual(all.map(() => first));
    expect(all.map((answer) => answer.replayed)).toEqual([false, true, true, true, true, true, true, true]);
    expect(await store.streamVersion(stream.id)).toBe(1);
  });

  it('finds an answer stored under the key as sent, before keys were scoped by caller, for the same request', async () => {
    const sentKey = `release-${randomUUID()}`;
    const stream = work();
    const before = await store.append(stream, 'no-stream', [testEvent('ReleaseScheduled')], { idempotency: { key: sentKey, fingerprint: 'request-1' } });
    let decided = false;
    const answer = await answers.once(contextWith(sentKey, 'request-1'), replay, async () => {
      decided = true;
      throw duplicate();
    });
    expect(decided).toBe(false);
    expect(answer.events.map((event) => event.eventId)).toEqual(before.events.map((event) => event.eventId));
  });
});
