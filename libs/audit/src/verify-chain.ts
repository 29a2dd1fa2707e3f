import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { chainHeadMismatch, chainLinkMismatch } from '../../event-store/src/chain-check.js';
import type { ChainMismatch, VerifyChainOptions, VerifyChainResult } from '../../event-store/src/event-store.types.js';
import { chainWalkStart, endsBeforeLastEvent, PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import { projectRoot } from '../../database/src/project-root.js';
import type { HasherData, RowDigest } from './chain-hasher.js';

/** The store's options; batchSize defaults to 5000 here. */
export interface StreamingVerifyOptions extends VerifyChainOptions {
  /**
   * Threads that read and hash the log (worker_threads, each with a connection in the verification's snapshot).
   * Default: one per core (availableParallelism), none on one core. 0: PostgresEventStore.verifyChain in this thread.
   */
  workers?: number;
}

export interface StreamingVerifyResult extends VerifyChainResult {
  durationMs: number;
  /** Events checked per second. */
  rate: number;
}

/**
 * PostgresEventStore.verifyChain's verdict (hash over the canonical content, prev_hash linkage, recorded_at equal to
 * the hashed metadata.recordedAt, chain_head equal to the last event; the first mismatch in position order), with
 * the reading and hashing — nearly all of its cost, in Node — spread over worker threads, and bigger batches by
 * default.
 */
export async function verifyChainStreaming(pool: pg.Pool, options: StreamingVerifyOptions = {}): Promise<StreamingVerifyResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5000;
  const threads = options.workers ?? (availableParallelism() > 1 ? availableParallelism() : 0);
  const script = threads > 0 ? hasherScript() : undefined;
  const connection = script ? connectionOf(pool) : undefined;
  const verdict =
    script && connection
      ? await verifyInParallel(pool, { ...options, batchSize }, script, threads, connection)
      : await new PostgresEventStore(pool).verifyChain({ ...options, batchSize });
  const durationMs = Date.now() - started;
  return { ...verdict, durationMs, rate: verdict.checked / Math.max(durationMs / 1000, 1e-3) };
}

/** The compiled worker (dist/…/chain-hasher.js): next to this module when it runs compiled, else under the project's dist/ (tests run the sources). */
function hasherScript(): string | undefined {
  const beside = fileURLToPath(new URL('./chain-hasher.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const compiled = join(projectRoot(), 'dist', 'libs', 'audit', 'src', 'chain-hasher.js');
  return existsSync(compiled) ? compiled : undefined;
}

/** How the pool connects, for a thread's own connection; undefined if it cannot be sent to a thread (a password callback…). */
function connectionOf(pool: pg.Pool): pg.ClientConfig | undefined {
  const options = (pool as unknown as { options?: Record<string, unknown> }).options ?? {};
  const keys = ['connectionString', 'host', 'port', 'user', 'database', 'password', 'ssl', 'options', 'application_name', 'keepAlive'];
  const config = Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
  try {
    structuredClone(config);
    return config as pg.ClientConfig;
  } catch {
    return undefined;
  }
}

/** Threads that read position ranges in the verification's snapshot and digest their rows; a range goes to one thread. */
class HasherPool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (digests: RowDigest[]) => void; reject: (error: Error) => void }>();
  private next = 0;

  constructor(script: string, count: number, data: HasherData) {
    this.workers = Array.from({ length: count }, () => {
      const worker = new Worker(script, { workerData: data });
      worker.on('message', (message: { id: number; digests?: RowDigest[]; error?: string }) => {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.digests!);
      });
      worker.on('error', (error) => this.failAll(error));
      return worker;
    });
  }

  /** The digests of the rows in (after, to], in position order. */
  digest(after: string, to: string): Promise<RowDigest[]> {
    const id = this.next++;
    const promise = new Promise<RowDigest[]>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.workers[id % this.workers.length]!.postMessage({ id, after, to });
    // Awaited in order; one that fails while an earlier one is awaited must not be an unhandled rejection meanwhile.
    promise.catch(() => undefined);
    return promise;
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * PostgresEventStore.verifyChain, step for step (one REPEATABLE READ READ ONLY snapshot, the same start, checks,
 * order and answers), with the reading and hashing done by threads: the snapshot is exported to them, the log is cut
 * into ranges of `batchSize` positions up to the last one in the snapshot, each thread reads and digests the ranges it
 * is given (two per thread in flight), and this thread checks the links in position order as the digests come back.
 */
async function verifyInParallel(pool: pg.Pool, options: VerifyChainOptions & { batchSize: number }, script: string, threads: number, connection: pg.ClientConfig): Promise<VerifyChainResult> {
  const client = await pool.connect();
  let hashers: HasherPool | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const start = await chainWalkStart(client, options.fromPosition);
    let expectedPrev = start.expectedPrev;
    const after = start.after;
    const lastInLog = BigInt((await client.query<{ p: string }>('SELECT coalesce(max(global_position), 0)::text AS p FROM events')).rows[0]!.p);
    const last = options.toPosition !== undefined && BigInt(options.toPosition) < lastInLog ? BigInt(options.toPosition) : lastInLog;
    const startedAfter = after;
    let checked = 0;
    let headPosition = after;
    let headHash = expectedPrev;
    const result = (firstMismatch?: ChainMismatch): VerifyChainResult =>
      firstMismatch ? { ok: false, checked, headPosition, headHash, firstMismatch } : { ok: true, checked, headPosition, headHash };

    hashers = new HasherPool(script, threads, { connection, snapshot });
    const readers = hashers;
    let from = BigInt(after);
    const step = BigInt(options.batchSize);
    const inFlight: Array<Promise<RowDigest[]>> = [];
    const request = () => {
      if (from >= last) return;
      const to = from + step < last ? from + step : last;
      inFlight.push(readers.digest(from.toString(), to.toString()));
      from = to;
    };
    for (let i = 0; i < threads * 2; i++) request();
    while (inFlight.length > 0) {
      const digests = await inFlight.shift()!;
      request();
      for (const [position, storedHash, storedPrev, hash, recordedAtAgrees] of digests) {
        const link = { globalPosition: position, storedHash, storedPrevHash: storedPrev, recomputedHash: hash, recordedAtAgrees };
        const mismatch = chainLinkMismatch(link, expectedPrev);
        if (mismatch) return result(mismatch);
        checked += 1;
        expectedPrev = storedHash;
        headPosition = position;
        headHash = storedHash;
      }
      if (digests.length > 0) options.onProgress?.(checked);
    }
    if (await endsBeforeLastEvent(client, options.toPosition)) return result();
    const head = await client.query<{ position: string; hash: string }>('SELECT position::text AS position, hash FROM chain_head WHERE id = 1');
    return result(chainHeadMismatch(head.rows[0], { headPosition, headHash, checked, startedAfter }));
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await hashers?.close();
  }
}

/** Human-readable meaning of a mismatch reason. */
export const MISMATCH_EXPLANATION: Record<ChainMismatch['reason'], string> = {
  'hash-mismatch': 'the stored hash does not match the event content (data, metadata, position or another hashed column changed, or rows were swapped)',
  'prev-hash-mismatch': "prev_hash does not match the previous event's hash (an event was deleted or inserted before this one)",
  'recorded-at-mismatch': 'the recorded_at column differs from the hashed metadata.recordedAt',
  'head-mismatch': 'chain_head does not match the last event (events were deleted at the end, or the head row was changed)',
};
