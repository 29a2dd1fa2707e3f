import { Injectable } from '@nestjs/common';
import { IdempotencyKeyReusedError, PostgresEventStore, type AppendResult } from '../../../../libs/event-store/src/index.js';
import type { CommandContext } from '../shared/command-context.js';
import type { CommandOutcome } from './command-outcome.js';
import { StreamTurns } from './stream-turns.js';

type Idempotency = NonNullable<CommandContext['idempotency']>;

/**
 * Every request with one Idempotency-Key gets the answer of the first one that recorded something, however many are
 * sent and whenever they arrive.
 *
 * The answer is stored with the events: the append statement writes each stream's new version and its events'
 * positions to the key's row in the same transaction (migrations/0006-append-throughput.sql), and a write's answer is
 * built from exactly that and the route (see EditorialGateway.answer); the fingerprint binds a key to one route and
 * one body, so a replay is answered by the same route.
 *
 * Three ways a twin could otherwise get another answer:
 * - it arrives after the first committed: the stored answer is found before deciding;
 * - it arrives while the first is in flight in this process: it waits for the first's turn to end (keys take turns
 *   like streams), then finds the stored answer;
 * - it is in flight in another instance: either it decides on a state without the first's events and its append finds
 *   the key claimed (the store waits for the claimer's commit and replays), or it decides on a state with them and is
 *   refused (the fact is already there, If-Match is stale, the id exists) — so on a refusal the stored answer is
 *   looked for again, and a found one is the answer. Events and key commit together: a refusal caused by the first's
 *   events always finds its answer.
 * A request that failed leaves the key free (nothing was recorded), so a retry after a refusal decides again.
 */
@Injectable()
export class FirstAnswers {
  /** Requests of this process with the same (scoped) key, one after another. */
  private readonly keyTurns = new StreamTurns();

  constructor(private readonly store: PostgresEventStore) {}

  async once(context: CommandContext, replay: (stored: AppendResult[]) => Promise<CommandOutcome>, decide: () => Promise<CommandOutcome>): Promise<CommandOutcome> {
    const idempotency = context.idempotency;
    if (!idempotency) return decide();
    return this.keyTurns.run([idempotency.key], async () => {
      const earlier = await this.find(idempotency);
      if (earlier) return replay(earlier);
      try {
        return await decide();
      } catch (refusal) {
        if (refusal instanceof IdempotencyKeyReusedError) throw refusal;
        // The refusal stands when the look-up cannot be made (the database is away): it is the truer answer.
        const recorded = await this.find(idempotency).catch((error: unknown) => (error instanceof IdempotencyKeyReusedError ? Promise.reject(error) : undefined));
        if (recorded) return replay(recorded);
        throw refusal;
      }
    });
  }

  private find(idempotency: Idempotency): Promise<AppendResult[] | undefined> {
    return this.store.findIdempotentResult(idempotency.key, idempotency.fingerprint, { formerKey: idempotency.sentKey });
  }
}
