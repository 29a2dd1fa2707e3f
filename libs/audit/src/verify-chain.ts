import type pg from 'pg';
import { eventHash, GENESIS_HASH } from '../../event-store/src/canonical-hash.js';
import type { ChainMismatch, VerifyChainResult } from '../../event-store/src/event-store.types.js';

export interface StreamingVerifyOptions {
  /** Start here (inclusive), trusting the stored hash of the event before it. Default: the first event. */
  fromPosition?: string;
  /** Rows per round trip. Default 5000. */
  batchSize?: number;
  /** Called after each batch with the events checked so far. */
  onProgress?: (checked: number) => void;
}

export interface StreamingVerifyResult extends VerifyChainResult {
  durationMs: number;
  /** Events checked per second. */
  rate: number;
}

interface ChainRow {
  global_position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: { recordedAt?: unknown } | null;
  recorded_at: Date;
  hash: string;
  prev_hash: string;
}

const ROWS_SQL = `SELECT global_position::text AS global_position, stream_id, stream_type, stream_version, event_id::text AS event_id,
  type, schema_version, data, metadata, recorded_at, hash, prev_hash
  FROM events WHERE events.global_position > $1::bigint ORDER BY events.global_position LIMIT $2`;

/**
 * The same checks as PostgresEventStore.verifyChain (hash over the canonical content, prev_hash linkage, recorded_at
 * equal to the hashed metadata.recordedAt, chain_head equal to the last event), streamed: one REPEATABLE READ READ ONLY
 * snapshot, bigger batches, and the next batch is already on its way while this one is hashed.
 */
export async function verifyChainStreaming(pool: pg.Pool, options: StreamingVerifyOptions = {}): Promise<StreamingVerifyResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5000;
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let expectedPrev = GENESIS_HASH;
    let after = '0';
    if (options.fromPosition && BigInt(options.fromPosition) > 1n) {
      after = (BigInt(options.fromPosition) - 1n).toString();
      const before = await client.query<{ hash: string }>('SELECT hash FROM events WHERE global_position <= $1::bigint ORDER BY global_position DESC LIMIT 1', [after]);
      expectedPrev = before.rows[0]?.hash ?? GENESIS_HASH;
    }
    const startedAfter = after;
    let checked = 0;
    let headPosition = after;
    let headHash = expectedPrev;
    const result = (firstMismatch?: ChainMismatch): StreamingVerifyResult => {
      const durationMs = Date.now() - started;
      const base = { checked, headPosition, headHash, durationMs, rate: checked / Math.max(durationMs / 1000, 1e-3) };
      return firstMismatch ? { ok: false, ...base, firstMismatch } : { ok: true, ...base };
    };
    const fetch = (from: string) => client.query<ChainRow>(ROWS_SQL, [from, batchSize]);
    let pending: Promise<pg.QueryResult<ChainRow>> | undefined = fetch(after);
    while (pending) {
      const rows: ChainRow[] = (await pending).rows;
      pending = rows.length === batchSize ? fetch(rows[rows.length - 1]!.global_position) : undefined;
      for (const row of rows) {
        const recomputed = eventHash({
          globalPosition: row.global_position,
          streamId: row.stream_id,
          streamType: row.stream_type,
          streamVersion: row.stream_version,
          eventId: row.event_id,
          type: row.type,
          schemaVersion: row.schema_version,
          data: row.data,
          metadata: row.metadata,
          prevHash: row.prev_hash,
        });
        const position = row.global_position;
        let mismatch: ChainMismatch | undefined;
        if (recomputed !== row.hash) mismatch = { globalPosition: position, storedHash: row.hash, recomputedHash: recomputed, reason: 'hash-mismatch' };
        else if (row.prev_hash !== expectedPrev) mismatch = { globalPosition: position, storedHash: row.prev_hash, recomputedHash: expectedPrev, reason: 'prev-hash-mismatch' };
        else if (row.metadata?.recordedAt !== row.recorded_at.toISOString()) mismatch = { globalPosition: position, storedHash: row.hash, recomputedHash: recomputed, reason: 'recorded-at-mismatch' };
        if (mismatch) {
          await pending?.catch(() => undefined);
          return result(mismatch);
        }
        checked += 1;
        expectedPrev = row.hash;
        headPosition = position;
        headHash = row.hash;
      }
      options.onProgress?.(checked);
    }
    const head = await client.query<{ position: string; hash: string }>('SELECT position::text AS position, hash FROM chain_head WHERE id = 1');
    const stored = head.rows[0];
    if (stored && (stored.position !== headPosition || stored.hash !== headHash) && !(stored.position === '0' && checked === 0 && startedAfter === '0')) {
      return result({ globalPosition: stored.position, storedHash: stored.hash, recomputedHash: headHash, reason: 'head-mismatch' });
    }
    return result();
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Human-readable meaning of a mismatch reason. */
export const MISMATCH_EXPLANATION: Record<ChainMismatch['reason'], string> = {
  'hash-mismatch': 'the stored hash does not match the event content (data, metadata, position or another hashed column changed, or rows were swapped)',
  'prev-hash-mismatch': "prev_hash does not match the previous event's hash (an event was deleted or inserted before this one)",
  'recorded-at-mismatch': 'the recorded_at column differs from the hashed metadata.recordedAt',
  'head-mismatch': 'chain_head does not match the last event (events were deleted at the end, or the head row was changed)',
};
