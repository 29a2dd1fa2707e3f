import type pg from 'pg';
import type { ChainMismatch } from '../../event-store/src/event-store.types.js';
import { MISMATCH_EXPLANATION, verifyChainStreaming, type StreamingVerifyOptions } from './verify-chain.js';

/** What an auditor asks: which range of the log to verify (inclusive positions; default: all of it). */
export interface ChainReportRequest {
  fromPosition?: string;
  toPosition?: string;
  batchSize?: number;
  workers?: StreamingVerifyOptions['workers'];
  /** After each batch: events verified so far, and how many the range holds (as the verification's start saw it). */
  onProgress?: (checked: number, inRange: number) => void;
}

/** The answer of `npm run verify-chain` and `GET /audit/chain`. */
export interface ChainReport {
  /** The chain_head row: the last position appended and its hash (position '0', hash '' on an empty log). */
  head: { position: string; hash: string };
  /** Events in the log. */
  count: number;
  verified: {
    from: string;
    to: string;
    ok: boolean;
    /** Events whose hash was recomputed and linked. */
    checked: number;
    /** The last position found good ('0' when none). */
    lastGoodPosition: string;
    lastGoodHash: string;
    /** The first position that does not verify (for head-mismatch: the position chain_head names). */
    firstBrokenAt?: string;
    mismatch?: ChainMismatch & { explanation: string };
    durationMs: number;
    /** Events verified per second. */
    rate: number;
  };
}

/**
 * Verifies a range of the hash chain with verifyChainStreaming (every verifier's verdict, hashing on worker threads)
 * and reports it next to the head and the size of the log: the one function behind the CLI and the HTTP route.
 */
export async function chainReport(pool: pg.Pool, request: ChainReportRequest = {}): Promise<ChainReport> {
  const { rows } = await pool.query<{ position: string | null; hash: string | null; count: string; in_range: string }>(
    `SELECT (SELECT position::text FROM chain_head WHERE id = 1) AS position, (SELECT hash FROM chain_head WHERE id = 1) AS hash,
            (SELECT count(*) FROM events)::text AS count,
            (SELECT count(*) FROM events WHERE global_position >= $1::bigint AND ($2::bigint IS NULL OR global_position <= $2::bigint))::text AS in_range`,
    [request.fromPosition ?? '1', request.toPosition ?? null],
  );
  const row = rows[0]!;
  const head = { position: row.position ?? '0', hash: row.hash ?? '' };
  const inRange = Number(row.in_range);
  const result = await verifyChainStreaming(pool, {
    ...(request.fromPosition !== undefined ? { fromPosition: request.fromPosition } : {}),
    ...(request.toPosition !== undefined ? { toPosition: request.toPosition } : {}),
    ...(request.batchSize !== undefined ? { batchSize: request.batchSize } : {}),
    ...(request.workers !== undefined ? { workers: request.workers } : {}),
    onProgress: (checked) => request.onProgress?.(checked, inRange),
  });
  const mismatch = result.firstMismatch;
  return {
    head,
    count: Number(row.count),
    verified: {
      from: request.fromPosition ?? '1',
      to: request.toPosition ?? head.position,
      ok: result.ok,
      checked: result.checked,
      lastGoodPosition: result.headPosition,
      lastGoodHash: result.headHash,
      ...(mismatch ? { firstBrokenAt: mismatch.globalPosition, mismatch: { ...mismatch, explanation: MISMATCH_EXPLANATION[mismatch.reason] } } : {}),
      durationMs: result.durationMs,
      rate: result.rate,
    },
  };
}
