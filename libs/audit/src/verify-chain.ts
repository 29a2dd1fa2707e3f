import type pg from 'pg';
import type { ChainMismatch, VerifyChainOptions, VerifyChainResult } from '../../event-store/src/event-store.types.js';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';

/** The store's options; batchSize defaults to 5000 here. */
export type StreamingVerifyOptions = VerifyChainOptions;

export interface StreamingVerifyResult extends VerifyChainResult {
  durationMs: number;
  /** Events checked per second. */
  rate: number;
}

/**
 * PostgresEventStore.verifyChain (hash over the canonical content, prev_hash linkage, recorded_at equal to the hashed
 * metadata.recordedAt, chain_head equal to the last event) with bigger batches by default, timed for the CLI's rate.
 */
export async function verifyChainStreaming(pool: pg.Pool, options: StreamingVerifyOptions = {}): Promise<StreamingVerifyResult> {
  const started = Date.now();
  const verdict = await new PostgresEventStore(pool).verifyChain({ ...options, batchSize: options.batchSize ?? 5000 });
  const durationMs = Date.now() - started;
  return { ...verdict, durationMs, rate: verdict.checked / Math.max(durationMs / 1000, 1e-3) };
}

/** Human-readable meaning of a mismatch reason. */
export const MISMATCH_EXPLANATION: Record<ChainMismatch['reason'], string> = {
  'hash-mismatch': 'the stored hash does not match the event content (data, metadata, position or another hashed column changed, or rows were swapped)',
  'prev-hash-mismatch': "prev_hash does not match the previous event's hash (an event was deleted or inserted before this one)",
  'recorded-at-mismatch': 'the recorded_at column differs from the hashed metadata.recordedAt',
  'head-mismatch': 'chain_head does not match the last event (events were deleted at the end, or the head row was changed)',
};
