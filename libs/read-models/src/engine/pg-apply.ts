import type pg from 'pg';
import { isDatabaseUnavailable } from '../../../database/src/unavailable.js';
import { computeRun, type ApplyOutcome, type EngineInput, type ProjectionEngine, type RunResult } from './engine.js';
import { beginWithApplyLock, PgProjectionStore, saveCheckpoints, type Checkpoint } from './pg-store.js';

/**
 * Applies a run of messages inside the caller's transaction (which holds the shared apply lock): one load of progress
 * and declared rows, the engine in memory, one write per table, the checkpoints. Throws on a database error; the
 * caller rolls back.
 */
export async function applyRunInTransaction(client: pg.ClientBase, schema: string, engine: ProjectionEngine, inputs: readonly EngineInput[], checkpoints: readonly Checkpoint[] = []): Promise<ApplyOutcome[]> {
  const store = new PgProjectionStore(client, schema, engine.tables);
  const result = await computeRun(engine, store, inputs);
  await store.write(result);
  await saveCheckpoints(client, schema, checkpoints);
  return result.outcomes;
}

/**
 * One message in its own transaction, for a run that failed as a whole: if writing its rows fails (a value the table
 * refuses), the event is dead-lettered as `write-failed` and its version passed over, so only it is held back.
 * Database errors other than the write's (connection lost…) roll back and throw: the consumer retries.
 */
export async function applyMessage(client: pg.ClientBase, schema: string, engine: ProjectionEngine, input: EngineInput, checkpoint?: Checkpoint): Promise<ApplyOutcome> {
  await beginWithApplyLock(client);
  try {
    const store = new PgProjectionStore(client, schema, engine.tables);
    const result = await computeRun(engine, store, [input]);
    await client.query('SAVEPOINT apply_message');
    let outcome = result.outcomes[0]!;
    try {
      await store.write(result);
      await client.query('RELEASE SAVEPOINT apply_message');
    } catch (error) {
      // A write cut off by a lost connection says nothing about the event: never dead-letter it for that.
      if (isDatabaseUnavailable(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT apply_message');
      const refused = writeFailed(engine, input, result, error);
      await store.write(refused);
      outcome = refused.outcomes[0]!;
    }
    if (checkpoint) await saveCheckpoints(client, schema, [checkpoint]);
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The run of one applied event whose rows could not be written: no rows, its version passed over, a dead letter. */
function writeFailed(engine: ProjectionEngine, input: EngineInput, result: RunResult, error: unknown): RunResult {
  const message = error instanceof Error ? error.message : String(error);
  const prepared = engine.prepare(input);
  const [streamId, progress] = [...result.progress][0] ?? [];
  if (result.outcomes[0]?.outcome !== 'applied' || prepared.kind !== 'event' || !streamId || !progress) throw error;
  return {
    outcomes: [{ outcome: 'dead-lettered', reason: 'write-failed', error: message, streamId }],
    writes: { inserts: [], closings: [] },
    progress: new Map([[streamId, { ...progress, skipped: [...progress.skipped, progress.version] }]]),
    deadLetters: [{ reason: 'write-failed', error: message, event: prepared.published, ...(prepared.origin ? { origin: prepared.origin } : {}) }],
  };
}
