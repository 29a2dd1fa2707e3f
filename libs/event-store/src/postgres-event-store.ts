import pg from 'pg';
import { EVENT_COLUMNS, toStoredEvent, type EventRow } from './event-rows.js';
import { eventHash, eventHashText, GENESIS_HASH } from './canonical-hash.js';
import { chainHeadMismatch, chainLinkMismatch, type ChainLink } from './chain-check.js';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from './event-store.errors.js';
import { appendRefusal, canonicalUuid } from './append-refusals.js';
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
 * production code. With hooks, an append is an explicit transaction around its one statement (see runAppendStatement).
 */
export interface EventStoreTestHooks {
  /** After the transaction has its id, before the append statement (its stream locks and the global append lock). */
  beforeLock?: (client: pg.PoolClient) => Promise<void>;
  /** After the append statement (positions taken, events inserted, lock held), before COMMIT. */
  beforeCommit?: (client: pg.PoolClient) => Promise<void>;
}

export interface PostgresEventStoreOptions {
  testHooks?: EventStoreTestHooks;
  /** Group commit of concurrent appends (default true). false: every call in its own transaction. */
  groupCommit?: boolean;
  /** Most calls committed together in one group transaction (default 256). */
  maxGroupSize?: number;
  /**
   * Most events in one group (default 500): calls are added to a group while its events stay within this bound, and a
   * call with more events than this is committed on its own. A group that cannot grow (by calls or by events) is
   * sent at once, even while other groups are in flight (see maxGroupsInFlight). Grouping big calls costs no
   * parallelism: their JSON and hash texts are prepared in Node when they are made, and what the database does per
   * event happens under the chain lock whichever statement it is in; every call a group absorbs saves a commit (a WAL
   * flush under that lock). The bound keeps one statement's lock hold and parameters reasonable.
   */
  maxGroupEvents?: number;
  /** Most append statements of this store in flight at once (default 4; 1 = one group after another). */
  maxGroupsInFlight?: number;
  /**
   * Statements in flight below which a group that could still grow is sent anyway (default 2). With 1, a group waited
   * for the statement in flight whenever it was not full, so nothing overlapped the chain lock's holder: the next
   * statement's work before the lock (its parameters, stream locks, idempotency claims) only started once the holder
   * committed. With 2, one statement holds the lock while the next gets ready. Measured, 3 runs each
   * (closed loops of append calls, quiet machine): 4 writers of 100-event calls 22,890 → 29,917 events/s, 16 writers of
   * single events 7,779 → 8,710; 16 writers of 100-event calls 35,698 → 34,126, 1 and 64 writers of single events
   * unchanged.
   */
  eagerGroupsInFlight?: number;
}

/** An append call waiting for the group commit. */
interface QueuedAppend {
  call: PreparedCall;
  resolve(results: AppendResult[]): void;
  reject(error: unknown): void;
}

/** What the idempotency_keys.result column holds: enough to read the first answer back. */
interface StoredIdempotentResult {
  results: Array<{ streamId: string; streamVersion: number; positions: string[] }>;
}

/** The one statement of an append (see runAppendStatement); event_store_append of migrations/0006-append-throughput.sql. */
const APPEND_STATEMENT = `SELECT call_outcomes, call_conflict_streams, call_current_versions, call_claimed_fingerprints, call_claimed_results,
  stream_base_versions, appended_at, first_prev_hash, positions, hashes
  FROM event_store_append($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[], $8::uuid[], $9::text[], $10::int[], $11::text)`;

interface AppendStatementRow {
  /** NULL when every call was appended. */
  call_outcomes: Array<'appended' | 'conflict' | 'claimed'> | null;
  call_conflict_streams: Array<string | null> | null;
  call_current_versions: Array<number | null> | null;
  call_claimed_fingerprints: Array<string | null> | null;
  call_claimed_results: Array<StoredIdempotentResult | null> | null;
  stream_base_versions: Array<number | null> | null;
  appended_at: string | null;
  /** The chain head before the statement's first event. */
  first_prev_hash: string | null;
  /** The appended events' positions, comma-separated, in statement order. */
  positions: string | null;
  /** The appended events' hashes (64 hex characters each), back to back, in statement order. */
  hashes: string | null;
}

/** What happened to one call of an append statement. */
type SettledCall =
  | { kind: 'appended'; results: AppendResult[] }
  | { kind: 'conflict'; error: WrongExpectedVersionError }
  | { kind: 'claimed'; fingerprint: string | null; result: StoredIdempotentResult | null };

/**
 * The append statement did not commit (it failed or its transaction was rolled back): a group may retry its calls (in
 * halves, see retryFailedGroup). Anything else thrown after the statement committed must not be retried (it would append twice).
 */
class AppendStatementFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Whether a failed append statement may have committed: PostgreSQL answered with an error for it (it was rolled back),
 * unless the answer is a connection-level one (class 08, or 57P0x: the server terminating sessions), or there was no
 * answer at all (a socket error, "Connection terminated unexpectedly").
 */
function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  const code = error.code ?? '';
  return code.startsWith('08') || code.startsWith('57P');
}

/** An event as it will be stored, minus what the database fixes under the lock. */
interface PreparedEvent {
  data: Record<string, unknown>;
  /** The caller's, through JSON; the answer sets schemaVersion and the store's recordedAt in it. */
  metadata: Record<string, unknown>;
  schemaVersion: number;
}

/**
 * One call, prepared when it is made (before it queues, so while an earlier statement is in flight): its events in
 * the form event_store_append takes them, which does not depend on the group the call ends up in, so a group only
 * joins its calls' pieces.
 */
interface PreparedCall {
  appends: StreamAppend[];
  idempotency: AppendOptions['idempotency'];
  eventIds: string[];
  types: string[];
  schemaVersions: number[];
  /** Its events' texts for event_texts (each the six pieces of eventHashText joined by U+001F), joined by U+001E. */
  texts: string;
  /** Its events in statement order (stream by stream). */
  events: PreparedEvent[];
  /** Every stream id and the idempotency key: what another statement in flight must not touch. */
  resources: string[];
  /** PostgreSQL's error for a value of the call it refuses (see append-refusals.ts): the call is not sent. */
  refusal: pg.DatabaseError | undefined;
}

/** Separators of event_store_append's event_texts; canonical JSON escapes every control character. */
const PIECE_SEPARATOR = '\x1f';
const EVENT_SEPARATOR = '\x1e';

/** 'any' → NULL; 'no-stream' is version 0. */
function expectedVersionParameter(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no-stream') return 0;
  return expected;
}

function prepareCall(appends: StreamAppend[], idempotency: AppendOptions['idempotency']): PreparedCall {
  const eventIds: string[] = [];
  const types: string[] = [];
  const schemaVersions: number[] = [];
  const texts: string[] = [];
  const events: PreparedEvent[] = [];
  const resources: string[] = [];
  const judged: Parameters<typeof appendRefusal>[2] = [];
  for (const { stream, events: toAppend } of appends) {
    resources.push(`stream:${stream.id}`);
    for (const event of toAppend) {
      const schemaVersion = event.metadata.schemaVersion ?? 1;
      const eventId = typeof event.metadata.eventId === 'string' ? canonicalUuid(event.metadata.eventId) : event.metadata.eventId;
      // Through JSON and back, as jsonb will give them back: what the hash covers, what is stored and what the caller
      // gets. The metadata stored and hashed is the caller's with schemaVersion set and recordedAt replaced by the
      // store's (eventHashText leaves the caller's recordedAt out and writes schemaVersion; settleCalls sets both in
      // the answer): no copy of the caller's object to say so.
      const prepared: PreparedEvent = {
        data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
        metadata: { ...(JSON.parse(JSON.stringify(event.metadata)) as Record<string, unknown>), eventId },
        schemaVersion,
      };
      const text = eventHashText(
        {
          streamId: stream.id,
          streamType: stream.type,
          eventId,
          type: event.type,
          schemaVersion,
          data: prepared.data,
          metadata: prepared.metadata,
        },
        { setSchemaVersion: true },
      );
      eventIds.push(eventId);
      types.push(event.type);
      schemaVersions.push(schemaVersion);
      texts.push(
        text.data + PIECE_SEPARATOR + text.afterData + PIECE_SEPARATOR + text.metadataHead + PIECE_SEPARATOR + text.metadataTail +
          PIECE_SEPARATOR + text.afterPrevHash + PIECE_SEPARATOR + text.afterVersion,
      );
      events.push(prepared);
      judged.push({ eventId, type: event.type, schemaVersion, json: { data: text.data, metadataPieces: [text.metadataHead, text.metadataTail] } });
    }
  }
  if (idempotency) resources.push(`key:${idempotency.key}`);
  const refusal = appendRefusal(appends, idempotency, judged);
  return { appends, idempotency, eventIds, types, schemaVersions, texts: texts.join(EVENT_SEPARATOR), events, resources, refusal };
}

/** The calls flattened into event_store_append's parameters (the migrations document each one). */
function appendStatementValues(calls: PreparedCall[]): unknown[] {
  const callKeys: Array<string | null> = [];
  const callFingerprints: Array<string | null> = [];
  const streamCalls: number[] = [];
  const streamIds: string[] = [];
  const streamTypes: string[] = [];
  const streamExpected: Array<number | null> = [];
  const streamEventCounts: number[] = [];
  calls.forEach(({ appends, idempotency }, c) => {
    callKeys.push(idempotency?.key ?? null);
    callFingerprints.push(idempotency?.fingerprint ?? null);
    for (const { stream, expectedVersion, events } of appends) {
      streamCalls.push(c + 1);
      streamIds.push(stream.id);
      streamTypes.push(stream.type);
      streamExpected.push(expectedVersionParameter(expectedVersion));
      streamEventCounts.push(events.length);
    }
  });
  const alone = calls.length === 1 ? calls[0]! : undefined;
  return [
    callKeys,
    callFingerprints,
    streamCalls,
    streamIds,
    streamTypes,
    streamExpected,
    streamEventCounts,
    alone ? alone.eventIds : calls.flatMap((call) => call.eventIds),
    alone ? alone.types : calls.flatMap((call) => call.types),
    alone ? alone.schemaVersions : calls.flatMap((call) => call.schemaVersions),
    alone ? alone.texts : calls.map((call) => call.texts).join(EVENT_SEPARATOR),
  ];
}

/**
 * The statement and parameters the store would send for this one call, whatever PostgreSQL will make of them: lets a
 * test have PostgreSQL judge the values the store refuses without sending them (append-refusals.ts).
 */
export function appendStatementOf(appends: StreamAppend[], idempotency?: AppendOptions['idempotency']): { text: string; values: unknown[] } {
  return { text: APPEND_STATEMENT, values: appendStatementValues([prepareCall(appends, idempotency)]) };
}

/** Every call's outcome from the statement's answer, with its stored events when it was appended. */
function settleCalls(calls: PreparedCall[], row: AppendStatementRow): SettledCall[] {
  const positions = row.positions ? row.positions.split(',') : [];
  const hashes = row.hashes ?? '';
  const recordedAt = row.appended_at!;
  // The appended events are consecutive in the chain: each one's prevHash is the hash before it in the answer.
  let prevHash = row.first_prev_hash!;
  let appendedIndex = 0;
  let streamIndex = 0;
  return calls.map(({ appends, events: prepared }, c): SettledCall => {
    const firstStream = streamIndex;
    streamIndex += appends.length;
    const outcome = row.call_outcomes?.[c] ?? 'appended';
    if (outcome === 'conflict') {
      const streamId = row.call_conflict_streams![c]!;
      const expected = appends.find((a) => a.stream.id === streamId)!.expectedVersion;
      return { kind: 'conflict', error: new WrongExpectedVersionError(streamId, expected, row.call_current_versions![c]!) };
    }
    if (outcome === 'claimed') {
      return { kind: 'claimed', fingerprint: row.call_claimed_fingerprints?.[c] ?? null, result: row.call_claimed_results?.[c] ?? null };
    }
    let e = 0;
    const results = appends.map(({ stream, events: appended }, k) => {
      const base = row.stream_base_versions![firstStream + k]!;
      const events: StoredEvent[] = appended.map((event, i) => {
        const { data, metadata, schemaVersion } = prepared[e++]!;
        // Set, not copied: the object is this call's own, made by JSON.parse in prepareCall.
        metadata.schemaVersion = schemaVersion;
        metadata.recordedAt = recordedAt;
        const hash = hashes.slice(appendedIndex * 64, appendedIndex * 64 + 64);
        const stored: StoredEvent = {
          globalPosition: positions[appendedIndex]!,
          streamId: stream.id,
          streamType: stream.type,
          streamVersion: base + i + 1,
          eventId: metadata.eventId as string,
          type: event.type,
          schemaVersion,
          data,
          metadata: metadata as unknown as EventMetadata,
          recordedAt,
          hash,
          prevHash,
        };
        appendedIndex += 1;
        prevHash = hash;
        return stored;
      });
      return { streamId: stream.id, streamVersion: base + events.length, events, replayed: false };
    });
    return { kind: 'appended', results };
  });
}

/**
 * Rejects with the error on a timer turn of the event loop, not at once. A call refused without any I/O would otherwise
 * reject in a microtask, and a caller that retries refused calls in a closed loop (`while (!stop) await append(…)`)
 * would run on microtasks alone: the event loop would never reach its timers or its I/O, so neither the answers of the
 * statements in flight nor the timer meant to stop the loop would ever arrive. setImmediate would let I/O through, but
 * with a refusal due on every turn the event loop would never sleep: a closed loop of refused calls would keep a core
 * busy. On a timer, the event loop sleeps until it is due, so such a caller waits for each refusal about as long as
 * for a short round trip, and its refusals cost next to nothing.
 */
function refuseOnALaterTurn(error: unknown): Promise<never> {
  return new Promise((_, reject) => setTimeout(reject, 0, error));
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

/**
 * Where a chain walk from `fromPosition` starts, read in the walk's own snapshot: the position it starts after and the
 * hash the first event it checks must link to (the last stored hash before it, or the genesis hash).
 */
export async function chainWalkStart(client: pg.ClientBase, fromPosition: string | undefined): Promise<{ after: string; expectedPrev: string }> {
  if (!fromPosition || BigInt(fromPosition) <= 1n) return { after: '0', expectedPrev: GENESIS_HASH };
  const after = (BigInt(fromPosition) - 1n).toString();
  const before = await client.query<{ hash: string }>('SELECT hash FROM events WHERE global_position <= $1::bigint ORDER BY global_position DESC LIMIT 1', [after]);
  return { after, expectedPrev: before.rows[0]?.hash ?? GENESIS_HASH };
}

/** Whether a walk that stops at `toPosition` leaves later events unwalked (then chain_head is not its business). */
export async function endsBeforeLastEvent(client: pg.ClientBase, toPosition: string | null | undefined): Promise<boolean> {
  if (toPosition === null || toPosition === undefined) return false;
  const { rows } = await client.query<{ later: boolean }>('SELECT EXISTS (SELECT 1 FROM events WHERE global_position > $1::bigint) AS later', [toPosition]);
  return rows[0]!.later;
}

/** The chain check's view of a stored row (see chain-check.ts). */
function toChainLink(row: EventRow): ChainLink {
  return {
    globalPosition: row.global_position,
    storedHash: row.hash,
    storedPrevHash: row.prev_hash,
    recomputedHash: eventHash(toStoredEvent(row)),
    recordedAtAgrees: row.metadata?.recordedAt === row.recorded_at.toISOString(),
  };
}

/**
 * The advisory lock every read-model apply holds shared for its transaction (7123001 = migrations, 7123002 = appends,
 * 7123003 = relay); a read-model swap takes it exclusive. A transaction holding it shared must never append events:
 * the gate (GATE_HORIZON_CTE) does not wait for such transactions. (A bigint key below 2^32: pg_locks shows it as
 * classid 0, objid the key, objsubid 1.)
 */
export const READ_MODELS_APPLY_LOCK_KEY = 7_123_004;

/**
 * The gate of architecture.md invariant 3 as a CTE named `gate_horizon` with one column `xmin`: a position-ordered
 * reader stops before the first row whose writing transaction is not older than every transaction still running.
 * The horizon is pg_snapshot_xmin(pg_current_snapshot()) restricted to this database: the snapshot's running
 * transaction ids minus those pg_stat_activity shows in other databases (they cannot write here), else the snapshot's
 * xmax. Transaction ids are cluster-wide, so the plain xmin would let a long transaction in another database on the
 * same server (another application, a parallel test) hold every reader back.
 *
 * Transactions that hold READ_MODELS_APPLY_LOCK_KEY shared (every read-model apply) are left out too: they never
 * append. Without that, every event committed while the projector had a transaction open waited for its commit:
 * the relay's lag tracked the projector's batch time (docs/benchmarks.md, "Gate: readers no longer wait for
 * read-model applies", has the figures).
 *
 * Anything unidentified (prepared transactions, sessions hidden from a non-privileged role) still counts: the gate
 * only ever gets more cautious.
 */
export const GATE_HORIZON_CTE = `gate_snapshot AS (
  SELECT pg_current_snapshot() AS s
), gate_horizon AS (
  SELECT coalesce(
    (SELECT min(x) FROM gate_snapshot, pg_snapshot_xip(gate_snapshot.s) AS x
     WHERE (x::text::numeric % 4294967296)::bigint NOT IN (
       SELECT a.backend_xid::text::bigint FROM pg_stat_activity a
       WHERE a.backend_xid IS NOT NULL AND a.datname IS DISTINCT FROM current_database()
       UNION ALL
       SELECT a.backend_xid::text::bigint FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
         AND l.classid = 0 AND l.objid = ${READ_MODELS_APPLY_LOCK_KEY} AND l.objsubid = 1 AND l.mode = 'ShareLock' AND l.granted
         AND a.backend_xid IS NOT NULL)),
    (SELECT pg_snapshot_xmax(s) FROM gate_snapshot)) AS xmin
)`;

/**
 * The event store on PostgreSQL. Every append is one statement, so one transaction and one round trip
 * (event_store_append): idempotency claimed, streams locked (optimistic concurrency), the global append lock taken,
 * positions and chain hashes assigned, events + outbox rows + stream versions + chain head + idempotency answer
 * written, commit. See README.md for the guarantees.
 */
export class PostgresEventStore {
  private readonly hooks: EventStoreTestHooks;
  private readonly groupCommit: boolean;
  private readonly maxBatch: number;
  private readonly maxGroupEvents: number;
  private readonly maxInFlight: number;
  private readonly eagerInFlight: number;
  private readonly queue: QueuedAppend[] = [];
  private inFlight = 0;
  /** The streams and idempotency keys of the statements in flight (with how many statements hold each). */
  private readonly busy = new Map<string, number>();

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    this.hooks = options.testHooks ?? {};
    this.groupCommit = options.groupCommit ?? true;
    this.maxBatch = Math.max(1, options.maxGroupSize ?? 256);
    this.maxGroupEvents = Math.max(1, options.maxGroupEvents ?? 500);
    this.maxInFlight = Math.max(1, options.maxGroupsInFlight ?? 4);
    this.eagerInFlight = Math.max(1, options.eagerGroupsInFlight ?? 2);
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
   * claim and expected-version check, so a conflicting call fails alone. A call that arrives when fewer than
   * eagerGroupsInFlight statements are in flight commits at once on its own; a group bounded by events goes at once
   * too. See README.md "Group commit".
   *
   * A call PostgreSQL would refuse for its values (append-refusals.ts) is refused here with PostgreSQL's error, without
   * being sent: it would fail any group it joined, and a round trip per refusal is CPU the database and this process
   * take from the calls that succeed. Calls that are not valid appends (validateAppends, events that are not JSON) are
   * refused the same way.
   */
  async appendMany(appends: StreamAppend[], options: AppendOptions = {}): Promise<AppendResult[]> {
    let call: PreparedCall;
    try {
      validateAppends(appends);
      call = prepareCall(appends, options.idempotency);
    } catch (error) {
      return refuseOnALaterTurn(error);
    }
    if (call.refusal) return refuseOnALaterTurn(call.refusal);
    if (!this.groupCommit) return this.appendAlone(call);
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ call, resolve, reject });
      this.flush();
    });
  }

  /**
   * Starts statements for the queued calls, in queue order: while fewer than eagerGroupsInFlight are in flight, one
   * with every queued call (up to maxGroupSize calls and maxGroupEvents events); beyond that, another only when its
   * group is full (it cannot grow by waiting) and at most maxGroupsInFlight in all. A call whose stream or idempotency key is
   * in a statement in flight waits for it, and so does every call behind it: per stream, calls commit in the order
   * they were made, as with one statement at a time. Every statement flushes the queue again when it ends.
   */
  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      let take = 0;
      let events = 0;
      while (take < this.queue.length && take < this.maxBatch) {
        const { call } = this.queue[take]!;
        if (take > 0 && events + call.events.length > this.maxGroupEvents) break;
        // Calls of one group may share a stream (each sees what the earlier ones append), but a call must not overtake
        // a statement in flight that holds one of its streams or its key: it waits, and so does the rest of the queue.
        if (call.resources.some((resource) => this.busy.has(resource))) break;
        take += 1;
        events += call.events.length;
      }
      if (take === 0) return;
      const full = take === this.maxBatch || events >= this.maxGroupEvents || take < this.queue.length;
      if (this.inFlight >= this.eagerInFlight && !full) return;
      const batch = this.queue.splice(0, take);
      this.start(batch);
    }
  }

  /** Runs one statement for the batch, holding its streams and keys until it has settled. */
  private start(batch: QueuedAppend[]): void {
    const resources = batch.flatMap((request) => request.call.resources);
    for (const resource of resources) this.busy.set(resource, (this.busy.get(resource) ?? 0) + 1);
    this.inFlight += 1;
    const run = batch.length === 1 ? this.settleAlone(batch[0]!) : this.commitGroup(batch);
    void run.finally(() => {
      for (const resource of resources) {
        const held = this.busy.get(resource)! - 1;
        if (held === 0) this.busy.delete(resource);
        else this.busy.set(resource, held);
      }
      this.inFlight -= 1;
      this.flush();
    });
  }

  private async settleAlone(request: QueuedAppend): Promise<void> {
    try {
      request.resolve(await this.appendAlone(request.call));
    } catch (error) {
      request.reject(error);
    }
  }

  /**
   * The queued calls in ONE event_store_append statement (one transaction, one chain-lock hold, one WAL flush). Each
   * call is checked in its own subtransaction, so a conflicting call fails alone; promises settle after the commit. A
   * call whose key is already claimed (a retry, or the same key twice in the group) is answered after the commit on
   * its own path, which replays or refuses it. If the statement fails (a deadlock with another process's group, an
   * event id that already exists, a lost connection), nothing of it committed, or, when the
   * connection broke, perhaps all of it did: see retryFailedGroup.
   */
  private async commitGroup(batch: QueuedAppend[]): Promise<void> {
    let settled: SettledCall[];
    try {
      settled = await this.runAppendStatement(batch.map((request) => request.call));
    } catch (error) {
      if (error instanceof AppendStatementFailed) await this.retryFailedGroup(batch, error);
      else for (const request of batch) request.reject(error);
      return;
    }
    const deferred: QueuedAppend[] = [];
    batch.forEach((request, c) => {
      const outcome = settled[c]!;
      if (outcome.kind === 'appended') request.resolve(outcome.results);
      else if (outcome.kind === 'conflict') request.reject(outcome.error);
      else deferred.push(request);
    });
    await Promise.all(deferred.map((request) => this.settleAlone(request)));
  }

  /**
   * A group whose statement failed is split in two halves, each committed as a group again (both at once, or the first
   * half first when they share a stream or key, so calls of one stream keep their order), and a half that fails is
   * split again: one bad call among n costs about 2·log2(n) statements, where retrying every call on its own cost n,
   * and the good calls of the group commit together in a few statements instead of one commit each. A call left alone
   * is settled on its own (and fails alone).
   *
   * When the statement's outcome is unknown (the connection broke, so its COMMIT may have gone through), the calls
   * whose events are stored are answered from them before anything is retried: retried, such a call would be refused
   * as a conflict (or for its event ids) although it was recorded.
   */
  private async retryFailedGroup(batch: QueuedAppend[], failure: AppendStatementFailed): Promise<void> {
    let pending = batch;
    if (outcomeUnknown(failure.cause)) {
      let recorded: Array<AppendResult[] | undefined>;
      try {
        recorded = await this.recordedResults(batch.map((request) => request.call));
      } catch {
        // PostgreSQL is still away: the calls cannot be told apart from calls that never ran, and retrying them would fail the same way.
        for (const request of batch) request.reject(failure.cause);
        return;
      }
      pending = [];
      batch.forEach((request, c) => {
        const results = recorded[c];
        if (results) request.resolve(results);
        else pending.push(request);
      });
    }
    if (pending.length === 0) return;
    if (pending.length === 1) return this.settleAlone(pending[0]!);
    // A half of one call runs on its own path at once: as a group of one it would fail, then run alone again.
    const commit = (part: QueuedAppend[]): Promise<void> => (part.length === 1 ? this.settleAlone(part[0]!) : this.commitGroup(part));
    const middle = Math.ceil(pending.length / 2);
    const [first, second] = [pending.slice(0, middle), pending.slice(middle)];
    const firstResources = new Set(first.flatMap((request) => request.call.resources));
    if (second.some((request) => request.call.resources.some((resource) => firstResources.has(resource)))) {
      await commit(first);
      await commit(second);
    } else {
      await Promise.all([commit(first), commit(second)]);
    }
  }

  /**
   * Per call, its results when every one of its events is stored in the stream it was appended to (the call was
   * recorded), else undefined. One round trip for all the calls.
   */
  private async recordedResults(calls: PreparedCall[]): Promise<Array<AppendResult[] | undefined>> {
    const { rows } = await this.pool.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ANY($1::uuid[])`, [calls.flatMap((call) => call.eventIds)]);
    const byEventId = new Map(rows.map((row) => [row.event_id, row]));
    return calls.map(({ appends }) => {
      const results: AppendResult[] = [];
      for (const { stream, events } of appends) {
        const stored = events.map((event) => byEventId.get(event.metadata.eventId.toLowerCase()));
        if (stored.some((row) => row === undefined || row.stream_id !== stream.id)) return undefined;
        const storedEvents = (stored as EventRow[]).map(toStoredEvent).sort((a, b) => a.streamVersion - b.streamVersion);
        results.push({ streamId: stream.id, streamVersion: storedEvents[storedEvents.length - 1]!.streamVersion, events: storedEvents, replayed: false });
      }
      return results;
    });
  }

  /** One call in its own event_store_append statement: the path of an uncontended append. */
  private async appendAlone(call: PreparedCall): Promise<AppendResult[]> {
    const [settled] = await this.runAppendStatement([call]).catch((error: unknown) =>
      Promise.reject(error instanceof AppendStatementFailed ? error.cause : error),
    );
    if (settled!.kind === 'appended') return settled!.results;
    if (settled!.kind === 'conflict') throw settled!.error;
    const idempotency = call.idempotency!;
    if (settled!.fingerprint !== idempotency.fingerprint) throw new IdempotencyKeyReusedError(idempotency.key);
    // Alone, a claimed key always has its answer: its claimer committed it with the claim (the claim waited for that).
    return this.replay(settled!.result!);
  }

  /**
   * Runs event_store_append (migrations/0006-append-throughput.sql) for the calls and maps its answer back: per call
   * its results, its WrongExpectedVersionError, or the fingerprint and answer of the key it found claimed. Without
   * test hooks it is one autocommit statement; with them, an explicit transaction that pauses where the hooks say.
   */
  private async runAppendStatement(calls: PreparedCall[]): Promise<SettledCall[]> {
    const statement = { name: 'event_store_append', text: APPEND_STATEMENT, values: appendStatementValues(calls) };
    let row: AppendStatementRow;
    if (!this.hooks.beforeLock && !this.hooks.beforeCommit) {
      // Not pool.query: it closes the connection after any error, so every refused append would cost a new session
      // (and its first, unplanned, call of event_store_append). A statement PostgreSQL refused leaves its session usable.
      const client = await this.pool.connect().catch((error: unknown) => Promise.reject(new AppendStatementFailed(error)));
      let broken: Error | undefined;
      try {
        row = (await client.query<AppendStatementRow>(statement)).rows[0]!;
      } catch (error) {
        if (outcomeUnknown(error)) broken = error instanceof Error ? error : new Error(String(error));
        throw new AppendStatementFailed(error);
      } finally {
        client.release(broken);
      }
    } else {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_current_xact_id()');
        if (this.hooks.beforeLock) await this.hooks.beforeLock(client);
        row = (await client.query<AppendStatementRow>(statement)).rows[0]!;
        if (this.hooks.beforeCommit) await this.hooks.beforeCommit(client);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new AppendStatementFailed(error);
      } finally {
        client.release();
      }
    }
    return settleCalls(calls, row);
  }

  /**
   * The first answer given to an Idempotency-Key (one AppendResult per stream, replayed: true), or undefined when the
   * key is unknown or its transaction has not committed. With a fingerprint, a key first used for a different request
   * throws IdempotencyKeyReusedError. Lets an HTTP layer answer a retry before deciding the command again.
   * `formerKey`: the same key as an earlier release stored it; its answer counts only for the same fingerprint (a
   * retry that straddles an upgrade), and only when `key` itself is unknown. One round trip either way.
   */
  async findIdempotentResult(key: string, fingerprint?: string, options: { formerKey?: string } = {}): Promise<AppendResult[] | undefined> {
    const formerKey = options.formerKey !== undefined && options.formerKey !== key ? options.formerKey : undefined;
    const { rows } = await this.pool.query<{ key: string; fingerprint: string; result: StoredIdempotentResult | null }>(
      'SELECT key, fingerprint, result FROM idempotency_keys WHERE key = ANY($1::text[]) AND result IS NOT NULL',
      [formerKey === undefined ? [key] : [key, formerKey]],
    );
    const own = rows.find((row) => row.key === key);
    if (own?.result) {
      if (fingerprint !== undefined && fingerprint !== own.fingerprint) throw new IdempotencyKeyReusedError(key);
      return this.replay(own.result);
    }
    const former = rows.find((row) => row.key === formerKey && (fingerprint === undefined || row.fingerprint === fingerprint));
    return former?.result ? this.replay(former.result) : undefined;
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
      const start = await chainWalkStart(client, options.fromPosition);
      let expectedPrev = start.expectedPrev;
      const after = start.after;
      const startedAfter = after;
      let checked = 0;
      let headPosition = after;
      let headHash = expectedPrev;
      const result = (firstMismatch?: ChainMismatch): VerifyChainResult =>
        firstMismatch ? { ok: false, checked, headPosition, headHash, firstMismatch } : { ok: true, checked, headPosition, headHash };
      const to = options.toPosition ?? null;
      const fetch = (from: string) =>
        client.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE global_position > $1::bigint AND ($3::bigint IS NULL OR global_position <= $3::bigint) ORDER BY events.global_position LIMIT $2`,
          [from, batchSize, to],
        );
      let pending: Promise<pg.QueryResult<EventRow>> | undefined = fetch(after);
      while (pending) {
        const rows: EventRow[] = (await pending).rows;
        pending = rows.length === batchSize ? fetch(rows[rows.length - 1]!.global_position) : undefined;
        for (const row of rows) {
          const mismatch = chainLinkMismatch(toChainLink(row), expectedPrev);
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
      if (await endsBeforeLastEvent(client, to)) return result();
      const head = await client.query<{ position: string; hash: string }>('SELECT position::text AS position, hash FROM chain_head WHERE id = 1');
      return result(chainHeadMismatch(head.rows[0], { headPosition, headHash, checked, startedAfter }));
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  private async replay(stored: StoredIdempotentResult): Promise<AppendResult[]> {
    const positions = stored.results.flatMap((r) => r.positions);
    const { rows } = await this.pool.query<EventRow>(
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
