import type pg from 'pg';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './event-rows.js';
import { eventHash, GENESIS_HASH } from './canonical-hash.js';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from './event-store.errors.js';
import type {
  AppendOptions,
  AppendResult,
  ChainMismatch,
  EventToAppend,
  ExpectedVersion,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamAppend,
  StreamRef,
  VerifyChainOptions,
  VerifyChainResult,
} from './event-store.types.js';
import type { EventMetadata } from '../../contracts/src/envelope.js';

/**
 * Pauses inside the append transaction, for tests that need slow writers (the reader-gate test). Never set in
 * production code.
 */
export interface EventStoreTestHooks {
  /** After the streams are locked (the transaction has its id), before the global append lock. */
  beforeLock?: (client: pg.PoolClient) => Promise<void>;
  /** After the events are inserted (positions taken, lock held), before COMMIT. */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

export interface PostgresEventStoreOptions {
  testHooks?: EventStoreTestHooks;
  /** Group commit of concurrent appends (default true). false: every call in its own transaction. */
  groupCommit?: boolean;
  /** Most calls committed together in one group transaction (default 256). */
  maxGroupSize?: number;
}

/** An append call waiting for the group commit. */
interface QueuedAppend {
  appends: StreamAppend[];
  options: AppendOptions;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}


/** What the idempotency_keys.result column holds: enough to read the first answer back. */
interface StoredIdempotentResult {
  results: Array<{ streamId: string; streamVersion: number; positions: string[] }>;
}



/** What jsonb will give back: undefined members dropped, Dates as strings, numbers respelled. */
function asStoredJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function versionMatches(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return current === 0;
  return current === expected;
}

function validateAppends(appends: StreamAppend[]): void {
  if (appends.length === 0) throw new RangeError('append: nothing to append');
  const seen = new Set<string>();
  for (const { stream, expectedVersion, events } of appends) {
    if (!stream?.id || !stream.type) throw new TypeError('append: stream needs an id and a type');
    if (seen.has(stream.id)) throw new RangeError(`appendMany: stream ${stream.id} appears twice; merge its events`);
    seen.add(stream.id);
    if (typeof expectedVersion === 'number' && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
      throw new RangeError(`append: expected version ${expectedVersion} of ${stream.id} is not a version`);
    }
    if (events.length === 0) throw new RangeError(`append: no events for stream ${stream.id}`);
    for (const event of events) {
      if (!event.metadata?.eventId) throw new TypeError(`append: an event of type ${event.type} has no metadata.eventId`);
    }
  }
}

/** What is wrong with one stored event, given the hash its predecessor has: its own hash, the link, or recorded_at. */
function chainLinkMismatch(row: EventRow, expectedPrev: string): ChainMismatch | undefined {
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
  if (recomputed !== row.hash) return { globalPosition: position, storedHash: row.hash, recomputedHash: recomputed, reason: 'hash-mismatch' };
  if (row.prev_hash !== expectedPrev) return { globalPosition: position, storedHash: row.prev_hash, recomputedHash: expectedPrev, reason: 'prev-hash-mismatch' };
  if (row.metadata?.recordedAt !== row.recorded_at.toISOString()) {
    return { globalPosition: position, storedHash: row.hash, recomputedHash: recomputed, reason: 'recorded-at-mismatch' };
  }
  return undefined;
}

/**
 * The gate of architecture.md invariant 3 as a CTE named `gate_horizon` with one column `xmin`: a position-ordered
 * reader stops before the first row whose writing transaction is not older than every transaction still running.
 * The horizon is pg_snapshot_xmin(pg_current_snapshot()) restricted to this database: the snapshot's running
 * transaction ids minus those pg_stat_activity shows in other databases (they cannot write here), else the snapshot's
 * xmax. Transaction ids are cluster-wide, so the plain xmin would let a long transaction in another database on the
 * same server (another application, a parallel test) hold every reader back. Anything unidentified (prepared
 * transactions, sessions hidden from a non-privileged role) still counts: the gate only ever gets more cautious.
 */
export const GATE_HORIZON_CTE = `gate_snapshot AS (
  SELECT pg_current_snapshot() AS s
), gate_horizon AS (
  SELECT coalesce(
    (SELECT min(x) FROM gate_snapshot, pg_snapshot_xip(gate_snapshot.s) AS x
     WHERE (x::text::numeric % 4294967296)::bigint NOT IN (
       SELECT a.backend_xid::text::bigint FROM pg_stat_activity a
       WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database())),
    (SELECT pg_snapshot_xmax(s) FROM gate_snapshot)) AS xmin
)`;

/**
 * The event store on PostgreSQL. Every append is one transaction: streams locked (optimistic concurrency), the global
 * append lock taken, positions assigned, events + outbox rows + stream versions + chain head + idempotency answer
 * written in one statement, commit. See README.md for the guarantees.
 */
export class PostgresEventStore {
  private readonly hooks: EventStoreTestHooks;
  private readonly groupCommit: boolean;
  private readonly maxBatch: number;
  private readonly queue: QueuedAppend[] = [];
  private committing = false;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.hooks = options.testHooks ?? {};
    this.groupCommit = options.groupCommit ?? true;
    this.maxBatch = Math.max(1, options.maxGroupSize ?? 256);
  }

  async append(stream: StreamRef, expectedVersion: ExpectedVersion, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, expectedVersion, events }], options);
    return result!;
  }

  /**
   * Appends to several streams in ONE transaction: all commit or none (e.g. a correction moving a credit).
   *
   * Group commit: calls made while another commit of this store is in flight are queued and then committed together
   * in one transaction (one chain-lock hold, one WAL flush), each inside its own SAVEPOINT with its own idempotency
   * claim and expected-version check, so a conflicting call fails alone. A call that arrives when nothing is in flight
   * commits at once on its own. See README.md "Group commit".
   */
  async appendMany(appends: StreamAppend[], options: AppendOptions = {}): Promise<AppendResult[]> {
    validateAppends(appends);
    if (!this.groupCommit) return this.appendAlone(appends, options);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ appends, options, resolve, reject });
      this.flush();
    });
  }

  /** Starts a commit of the queued calls unless one is in flight (it flushes the queue again when it ends). */
  private flush(): void {
    if (this.committing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.committing = true;
    const run = batch.length === 1 ? this.settleAlone(batch[0]!) : this.commitGroup(batch);
    void run.finally(() => {
      this.committing = false;
      this.flush();
    });
  }

  private async settleAlone(request: QueuedAppend): Promise<void> {
    try {
      request.resolve(await this.appendAlone(request.appends, request.options));
    } catch (error) {
      request.reject(error);
    }
  }

  /**
   * Several queued calls in one transaction. Per call: SAVEPOINT, claim its idempotency key, lock its streams, check
   * its expected versions (against what earlier calls of the group append) — a conflict rolls back to the savepoint and
   * fails that call alone. Then the chain lock once, every accepted call's events hashed in order, one insert, COMMIT.
   * Promises settle only after COMMIT. A call whose key is already claimed (a retry, or the same key twice in the group)
   * is answered after the commit by the one-call path, which replays or refuses it. If the group transaction itself
   * fails (a deadlock with another process's group, a lost connection), every call is retried on its own.
   */
  private async commitGroup(batch: QueuedAppend[]): Promise<void> {
    type Accepted = { request: QueuedAppend; bases: Map<string, number> };
    const accepted: Accepted[] = [];
    const rejected: Array<{ request: QueuedAppend; error: unknown }> = [];
    const deferred: QueuedAppend[] = [];
    let stored: StoredEvent[][][] = [];
    const client = await this.pool.connect().catch((error: unknown) => {
      for (const request of batch) request.reject(error);
      return undefined;
    });
    if (!client) return;
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      // The version each stream will have once the calls accepted so far commit.
      const versions = new Map<string, number>();
      for (const request of batch) {
        await client.query('SAVEPOINT group_append');
        const idempotency = request.options.idempotency;
        if (idempotency) {
          const claimed = await client.query('INSERT INTO idempotency_keys (key, fingerprint) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
            idempotency.key,
            idempotency.fingerprint,
          ]);
          if (claimed.rowCount === 0) {
            await client.query('ROLLBACK TO SAVEPOINT group_append');
            deferred.push(request);
            continue;
          }
        }
        const byId = [...request.appends].sort((a, b) => (a.stream.id < b.stream.id ? -1 : a.stream.id > b.stream.id ? 1 : 0));
        const locked = await client.query<{ stream_id: string; version: number }>(
          `INSERT INTO streams (stream_id, stream_type, version)
           SELECT id, type, 0 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(id, type, ord) ORDER BY ord
           ON CONFLICT (stream_id) DO UPDATE SET version = streams.version
           RETURNING stream_id, version`,
          [byId.map((a) => a.stream.id), byId.map((a) => a.stream.type)],
        );
        const current = new Map(locked.rows.map((row) => [row.stream_id, versions.get(row.stream_id) ?? row.version]));
        const conflict = request.appends.find(({ stream, expectedVersion }) => !versionMatches(expectedVersion, current.get(stream.id) ?? 0));
        if (conflict) {
          await client.query('ROLLBACK TO SAVEPOINT group_append');
          rejected.push({ request, error: new WrongExpectedVersionError(conflict.stream.id, conflict.expectedVersion, current.get(conflict.stream.id) ?? 0) });
          continue;
        }
        await client.query('RELEASE SAVEPOINT group_append');
        for (const { stream, events } of request.appends) versions.set(stream.id, (current.get(stream.id) ?? 0) + events.length);
        accepted.push({ request, bases: current });
      }

      if (accepted.length > 0) {
        if (this.hooks.beforeLock) await this.hooks.beforeLock(client);
        const written = await this.writeEvents(
          client,
          accepted.map(({ request, bases }) => ({ appends: request.appends, bases, idempotencyKey: request.options.idempotency?.key ?? null })),
        );
        stored = written;
        if (this.hooks.beforeCommit) await this.hooks.beforeCommit(client);
      }
      await client.query('COMMIT');
      open = false;
    } catch (error) {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      // Nothing of the group committed: each call runs again on its own (fresh checks, its own transaction).
      await Promise.all(batch.map((request) => this.settleAlone(request)));
      return;
    }
    client.release();
    accepted.forEach(({ request }, i) =>
      request.resolve(
        stored[i]!.map((events, k) => ({ streamId: request.appends[k]!.stream.id, streamVersion: events[events.length - 1]!.streamVersion, events, replayed: false })),
      ),
    );
    for (const { request, error } of rejected) request.reject(error);
    await Promise.all(deferred.map((request) => this.settleAlone(request)));
  }

  /**
   * Under the chain lock: positions and recordedAt for the calls' events, hashes in order, then events, outbox rows,
   * stream versions, chain head and each call's idempotency answer in one statement. Returns the stored events per
   * call and stream.
   */
  private async writeEvents(
    client: pg.PoolClient,
    calls: Array<{ appends: StreamAppend[]; bases: Map<string, number>; idempotencyKey: string | null }>,
  ): Promise<StoredEvent[][][]> {
    const total = calls.reduce((sum, call) => sum + call.appends.reduce((n, a) => n + a.events.length, 0), 0);
    const head = await client.query<{ prev_position: string; prev_hash: string; recorded_at: Date; positions: string[] }>(
      'SELECT prev_position::text AS prev_position, prev_hash, recorded_at, positions::text[] AS positions FROM event_store_begin_append($1)',
      [total],
    );
    const { prev_hash: headHash, recorded_at: recordedAtDate, positions } = head.rows[0]!;
    const recordedAt = recordedAtDate.toISOString();

    let prevHash = headHash;
    let next = 0;
    const stored: StoredEvent[][][] = calls.map(({ appends, bases }) =>
      appends.map(({ stream, events }) => {
        const base = bases.get(stream.id) ?? 0;
        return events.map((event, index) => {
          const metadata = asStoredJson({ ...event.metadata, recordedAt, schemaVersion: event.metadata.schemaVersion ?? 1 }) as EventMetadata;
          const content = {
            globalPosition: positions[next++]!,
            streamId: stream.id,
            streamType: stream.type,
            streamVersion: base + index + 1,
            eventId: event.metadata.eventId,
            type: event.type,
            schemaVersion: metadata.schemaVersion,
            data: asStoredJson(event.data),
            metadata,
            prevHash,
          };
          const hash = eventHash(content);
          prevHash = hash;
          return { ...content, recordedAt, hash };
        });
      }),
    );
    const all = stored.flat(2);
    const last = all[all.length - 1]!;
    const finalVersions = new Map<string, number>();
    for (const event of all) finalVersions.set(event.streamId, event.streamVersion);
    const answers = calls
      .map((call, i) => ({
        key: call.idempotencyKey,
        answer: {
          results: call.appends.map(({ stream }, k) => ({
            streamId: stream.id,
            streamVersion: stored[i]![k]![stored[i]![k]!.length - 1]!.streamVersion,
            positions: stored[i]![k]!.map((e) => e.globalPosition),
          })),
        } satisfies StoredIdempotentResult,
      }))
      .filter((a): a is { key: string; answer: StoredIdempotentResult } => a.key !== null);

    // One statement: events, their outbox rows, stream versions, chain head, the idempotency answers.
    await client.query(
      `WITH inserted AS (
         INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version,
                             data, metadata, recorded_at, hash, prev_hash)
         SELECT p, sid, st, sv, eid, t, schv, d::jsonb, m::jsonb, $10::timestamptz, h, ph
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::uuid[], $6::text[], $7::int[], $8::text[], $9::text[],
                     $11::text[], $12::text[]) AS r(p, sid, st, sv, eid, t, schv, d, m, h, ph)
         RETURNING global_position, event_id, stream_id
       ), outboxed AS (
         INSERT INTO outbox (global_position, event_id, stream_id, created_at)
         SELECT global_position, event_id, stream_id, $10::timestamptz FROM inserted
       ), versions AS (
         UPDATE streams s SET version = v.version FROM unnest($13::text[], $14::int[]) AS v(id, version) WHERE s.stream_id = v.id
       ), head AS (
         UPDATE chain_head SET position = $15::bigint, hash = $16, recorded_at = $10::timestamptz WHERE id = 1
       ), answered AS (
         UPDATE idempotency_keys k SET result = a.result::jsonb FROM unnest($17::text[], $18::text[]) AS a(key, result) WHERE k.key = a.key
       )
       SELECT count(*) FROM inserted`,
      [
        all.map((e) => e.globalPosition),
        all.map((e) => e.streamId),
        all.map((e) => e.streamType),
        all.map((e) => e.streamVersion),
        all.map((e) => e.eventId),
        all.map((e) => e.type),
        all.map((e) => e.schemaVersion),
        all.map((e) => JSON.stringify(e.data)),
        all.map((e) => JSON.stringify(e.metadata)),
        recordedAt,
        all.map((e) => e.hash),
        all.map((e) => e.prevHash),
        [...finalVersions.keys()],
        [...finalVersions.values()],
        last.globalPosition,
        last.hash,
        answers.map((a) => a.key),
        answers.map((a) => JSON.stringify(a.answer)),
      ],
    );
    return stored;
  }

  /** One call in its own transaction (no savepoints): the path of an uncontended append. */
  private async appendAlone(appends: StreamAppend[], options: AppendOptions): Promise<AppendResult[]> {
    const client = await this.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN');
      open = true;
      const idempotency = options.idempotency;
      if (idempotency) {
        // Claims the key; a concurrent claimer of the same key waits here until we commit or roll back.
        const claimed = await client.query('INSERT INTO idempotency_keys (key, fingerprint) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
          idempotency.key,
          idempotency.fingerprint,
        ]);
        if (claimed.rowCount === 0) {
          const existing = await client.query<{ fingerprint: string; result: StoredIdempotentResult }>(
            'SELECT fingerprint, result FROM idempotency_keys WHERE key = $1',
            [idempotency.key],
          );
          await client.query('ROLLBACK');
          open = false;
          const row = existing.rows[0]!;
          if (row.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReusedError(idempotency.key);
          return await this.replay(row.result, client);
        }
      }

      // Lock every stream row (created at version 0 if new) in a fixed order, so two appendMany cannot deadlock.
      const byId = [...appends].sort((a, b) => (a.stream.id < b.stream.id ? -1 : a.stream.id > b.stream.id ? 1 : 0));
      const locked = await client.query<{ stream_id: string; version: number }>(
        `INSERT INTO streams (stream_id, stream_type, version)
         SELECT id, type, 0 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS s(id, type, ord) ORDER BY ord
         ON CONFLICT (stream_id) DO UPDATE SET version = streams.version
         RETURNING stream_id, version`,
        [byId.map((a) => a.stream.id), byId.map((a) => a.stream.type)],
      );
      const current = new Map(locked.rows.map((row) => [row.stream_id, row.version]));
      for (const { stream, expectedVersion } of appends) {
        const version = current.get(stream.id) ?? 0;
        if (!versionMatches(expectedVersion, version)) {
          await client.query('ROLLBACK');
          open = false;
          throw new WrongExpectedVersionError(stream.id, expectedVersion, version);
        }
      }

      if (this.hooks.beforeLock) await this.hooks.beforeLock(client);
      const [stored] = await this.writeEvents(client, [{ appends, bases: current, idempotencyKey: idempotency?.key ?? null }]);
      if (this.hooks.beforeCommit) await this.hooks.beforeCommit(client);
      await client.query('COMMIT');
      open = false;
      return stored!.map((events, i) => ({ streamId: appends[i]!.stream.id, streamVersion: events[events.length - 1]!.streamVersion, events, replayed: false }));
    } catch (error) {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * The first answer given to an Idempotency-Key (one AppendResult per stream, replayed: true), or undefined when the
   * key is unknown or its transaction has not committed. With a fingerprint, a key first used for a different request
   * throws IdempotencyKeyReusedError. Lets an HTTP layer answer a retry before deciding the command again.
   */
  async findIdempotentResult(key: string, fingerprint?: string): Promise<AppendResult[] | undefined> {
    const { rows } = await this.pool.query<{ fingerprint: string; result: StoredIdempotentResult | null }>(
      'SELECT fingerprint, result FROM idempotency_keys WHERE key = $1 AND result IS NOT NULL',
      [key],
    );
    const row = rows[0];
    if (!row?.result) return undefined;
    if (fingerprint !== undefined && fingerprint !== row.fingerprint) throw new IdempotencyKeyReusedError(key);
    return this.replay(row.result);
  }

  /** A stream's events in version order, optionally up to a version and/or as recorded at an instant. */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_id = $1 AND ($2::int IS NULL OR stream_version <= $2) AND ($3::timestamptz IS NULL OR recorded_at <= $3)
       ORDER BY stream_version`,
      [streamId, options.toVersion ?? null, options.asOf ? options.asOf.toISOString() : null],
    );
    return rows.map(toStoredEvent);
  }

  /** Which of these streams exist (have at least one event), in one round trip. */
  async existingStreams(streamIds: readonly string[]): Promise<Set<string>> {
    if (streamIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ stream_id: string }>('SELECT stream_id FROM streams WHERE stream_id = ANY($1::text[]) AND version > 0', [[...streamIds]]);
    return new Set(rows.map((row) => row.stream_id));
  }

  /** The stream's current version; 0 when it has no events. */
  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>('SELECT version FROM streams WHERE stream_id = $1', [streamId]);
    return rows[0]?.version ?? 0;
  }

  /**
   * Events after a global position, in position order, behind the gate (architecture.md invariant 3): rows are
   * returned only up to — not including — the first one whose writing transaction is not older than
   * pg_snapshot_xmin(pg_current_snapshot()). Every returned row therefore has transaction_id < xmin, and a reader
   * that continues from the last position it got never passes over an event that commits later.
   * (A plain filter "transaction_id < xmin" without the cut could return position n+1 while hiding n. See README.)
   */
  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `WITH ${GATE_HORIZON_CTE}, candidate AS (
         SELECT ${EVENT_COLUMNS}, global_position AS position, transaction_id FROM events
         WHERE global_position > $1::bigint ORDER BY events.global_position LIMIT $2
       ), cut AS (
         SELECT min(position) AS first_unsafe FROM candidate WHERE transaction_id >= (SELECT xmin FROM gate_horizon)
       )
       SELECT candidate.* FROM candidate, cut
       WHERE cut.first_unsafe IS NULL OR candidate.position < cut.first_unsafe
       ORDER BY candidate.position`,
      [options.after, options.limit],
    );
    return rows.map(toStoredEvent);
  }

  /**
   * Walks the global chain in position order, recomputing every hash from the stored content and checking each
   * prev_hash against its predecessor's hash, then the chain_head row against the last event. Stops at the first
   * mismatch. For 'prev-hash-mismatch' storedHash is the row's prev_hash and recomputedHash its predecessor's hash.
   * One REPEATABLE READ READ ONLY snapshot; the next batch is already on its way while this one is hashed.
   */
  async verifyChain(options: VerifyChainOptions = {}): Promise<VerifyChainResult> {
    const batchSize = options.batchSize ?? 1000;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      let expectedPrev = GENESIS_HASH;
      let after = '0';
      if (options.fromPosition && BigInt(options.fromPosition) > 1n) {
        after = (BigInt(options.fromPosition) - 1n).toString();
        const before = await client.query<{ hash: string }>(
          'SELECT hash FROM events WHERE global_position <= $1::bigint ORDER BY global_position DESC LIMIT 1',
          [after],
        );
        expectedPrev = before.rows[0]?.hash ?? GENESIS_HASH;
      }
      const startedAfter = after;
      let checked = 0;
      let headPosition = after;
      let headHash = expectedPrev;
      const result = (firstMismatch?: ChainMismatch): VerifyChainResult =>
        firstMismatch ? { ok: false, checked, headPosition, headHash, firstMismatch } : { ok: true, checked, headPosition, headHash };
      const fetch = (from: string) =>
        client.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1::bigint ORDER BY events.global_position LIMIT $2`, [from, batchSize]);
      let pending: Promise<pg.QueryResult<EventRow>> | undefined = fetch(after);
      while (pending) {
        const rows: EventRow[] = (await pending).rows;
        pending = rows.length === batchSize ? fetch(rows[rows.length - 1]!.global_position) : undefined;
        for (const row of rows) {
          const mismatch = chainLinkMismatch(row, expectedPrev);
          if (mismatch) {
            await pending?.catch(() => undefined);
            return result(mismatch);
          }
          checked += 1;
          expectedPrev = row.hash;
          headPosition = row.global_position;
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

  private async replay(stored: StoredIdempotentResult, client?: pg.PoolClient): Promise<AppendResult[]> {
    const positions = stored.results.flatMap((r) => r.positions);
    const { rows } = await (client ?? this.pool).query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position = ANY($1::bigint[]) ORDER BY events.global_position`,
      [positions],
    );
    const byPosition = new Map(rows.map((row) => [row.global_position, toStoredEvent(row)]));
    return stored.results.map((r) => ({
      streamId: r.streamId,
      streamVersion: r.streamVersion,
      events: r.positions.map((p) => byPosition.get(p)).filter((e): e is StoredEvent => e !== undefined),
      replayed: true,
    }));
  }
}
