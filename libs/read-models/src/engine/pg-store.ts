import type pg from 'pg';
import { READ_MODELS_APPLY_LOCK_KEY } from '../../../event-store/src/postgres-event-store.js';
import type { DeadLetterRecord, ProjectionSource, RowLoadRequest, RunResult, StreamProgress } from './engine.js';
import { keepsHistory, type TableSpec } from './projection.js';
import { CURRENT_SYSTEM_COLUMNS, historyOf, SYSTEM_TIME_COLUMNS } from './system-time.js';

/** The live read models. A rebuild writes the same tables in another schema (read_models_shadow) and swaps. */
export const READ_MODELS_SCHEMA = 'read_models';
/** The projection's name in dead letters and metrics: one projection applies every read model atomically. */
export const PROJECTION_NAME = 'read-models';

/*
 * The apply lock is READ_MODELS_APPLY_LOCK_KEY (libs/event-store, whose readers rely on it): every read-model apply
 * holds it SHARED for its transaction; a blue/green swap takes it EXCLUSIVE, so no apply commits into the old tables
 * between the shadow's catch-up and the schema rename. Holding it shared also tells the event store's readers that
 * the transaction never appends, so they do not wait for it: an apply transaction must not append.
 */
export { READ_MODELS_APPLY_LOCK_KEY };

/** Schema names are identifiers, not bind parameters: only plain lower-case names are accepted. */
export function schemaIdent(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid read-model schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

/** BEGIN and the shared apply lock in one round trip; the lock is taken before any read-model table is touched. */
export async function beginWithApplyLock(client: pg.ClientBase): Promise<void> {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock_shared(${READ_MODELS_APPLY_LOCK_KEY})`);
}

/** Kafka progress to record in the same transaction as the change. */
export interface Checkpoint {
  consumerGroup: string;
  topic: string;
  partition: number;
  /** The offset of the message after this one. */
  nextOffset: string;
  globalPosition?: string;
  recordedAt?: string;
}

const systemColumns = new Set<string>(SYSTEM_TIME_COLUMNS);

/**
 * The engine's store in Postgres, inside the caller's transaction: stream progress (`projection_streams`, locked for
 * the transaction so two projector instances during a rebalance take turns on a stream), open rows by key or by
 * stream, and the writes of a run: closings, then new versions, one statement per table.
 */
export class PgProjectionStore implements ProjectionSource {
  private readonly s: string;

  constructor(
    private readonly client: pg.ClientBase,
    schema: string,
    private readonly tables: readonly TableSpec[],
  ) {
    this.s = schemaIdent(schema);
  }

  async loadProgress(streams: readonly { id: string; type: string }[]): Promise<Map<string, StreamProgress>> {
    // A new stream gets its row first (version 0), so that its first events are serialized like any other stream's:
    // an instance that inserts it second waits for the first to commit, then reads its progress.
    await this.client.query(
      `INSERT INTO ${this.s}.projection_streams (stream_id, stream_type, version)
       SELECT id, type, 0 FROM unnest($1::text[], $2::text[]) AS s(id, type) ORDER BY id ON CONFLICT (stream_id) DO NOTHING`,
      [streams.map((s) => s.id), streams.map((s) => s.type)],
    );
    const streamIds = streams.map((s) => s.id);
    const { rows } = await this.client.query<{
      stream_id: string;
      stream_type: string;
      version: number;
      skipped_versions: number[];
      last_event_id: string | null;
      last_global_position: string | null;
      last_recorded_at: Date | null;
    }>(
      `SELECT stream_id, stream_type, version, skipped_versions, last_event_id, last_global_position, last_recorded_at
       FROM ${this.s}.projection_streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
      [streamIds],
    );
    const progress = rows.filter((r) => r.version > 0 || r.skipped_versions.length > 0);
    return new Map(
      progress.map((r) => [
        r.stream_id,
        {
          streamType: r.stream_type,
          version: r.version,
          skipped: r.skipped_versions,
          lastEventId: r.last_event_id,
          lastGlobalPosition: r.last_global_position === null ? null : Number(r.last_global_position),
          lastRecordedAt: r.last_recorded_at?.toISOString() ?? null,
        },
      ]),
    );
  }

  async loadRows(requests: readonly RowLoadRequest[]): Promise<Map<string, { stream: string; key: string; row: Record<string, unknown> }[]>> {
    // One statement per table, one after the other: a pg client runs one query at a time anyway. Keys and whole
    // streams are two index lookups joined by UNION ALL: an OR of the two would not use the primary key.
    const loaded = new Map<string, { stream: string; key: string; row: Record<string, unknown> }[]>();
    for (const request of requests) {
      const pairs = [...request.keys].flatMap(([stream, keys]) => [...keys].map((key) => [stream, key] as const));
      const table = `${this.s}.${tableIdent(request.table)}`;
      const params: unknown[] = [[...CURRENT_SYSTEM_COLUMNS]];
      const branches: string[] = [];
      if (pairs.length) {
        const [streams, keys] = [`$${params.push(pairs.map(([stream]) => stream))}`, `$${params.push(pairs.map(([, key]) => key))}`];
        branches.push(`SELECT t.owner_stream, t.row_key, to_jsonb(t) - $1::text[] AS row FROM ${table} t JOIN unnest(${streams}::text[], ${keys}::text[]) AS k(stream, key) ON t.owner_stream = k.stream AND t.row_key = k.key`);
      }
      if (request.wholeStreams.size) {
        branches.push(`SELECT t.owner_stream, t.row_key, to_jsonb(t) - $1::text[] AS row FROM ${table} t WHERE t.owner_stream = ANY($${params.push([...request.wholeStreams])}::text[])`);
      }
      if (branches.length === 0) continue;
      const { rows } = await this.client.query<{ owner_stream: string; row_key: string; row: Record<string, unknown> }>(branches.join(' UNION ALL '), params);
      const seen = new Set<string>();
      const found: { stream: string; key: string; row: Record<string, unknown> }[] = [];
      for (const r of rows) {
        const id = `${r.owner_stream}\u0000${r.row_key}`;
        if (seen.has(id)) continue;
        seen.add(id);
        found.push({ stream: r.owner_stream, key: r.row_key, row: r.row });
      }
      loaded.set(request.table, found);
    }
    return loaded;
  }

  /**
   * Writes what a run computed, per table: the stored current rows the run closed are copied to the history with the
   * position that closed them; versions the run opened and closed go to the history (for a table that keeps one);
   * each row's last version, if open, is the current row (inserted, or updated in place); a row the run closed and did
   * not reopen leaves the current table. Then stream progress and dead letters.
   */
  async write(result: RunResult, projection = PROJECTION_NAME): Promise<void> {
    const closingsOf = groupBy(result.writes.closings, (c) => c.table);
    const insertsOf = groupBy(result.writes.inserts, (v) => v.table);
    for (const table of this.tables) {
      const closings = closingsOf.get(table.name) ?? [];
      const versions = insertsOf.get(table.name) ?? [];
      if (closings.length === 0 && versions.length === 0) continue;
      const own = Object.keys(table.columns);
      for (const column of own) if (systemColumns.has(column)) throw new Error(`${table.name}.${column} is a system-time column`);
      const current = `${this.s}.${tableIdent(table.name)}`;
      const history = `${this.s}.${tableIdent(historyOf(table.name))}`;
      const ownList = own.map((c) => `"${c}"`).join(', ');
      const withHistory = keepsHistory(table);
      if (closings.length && withHistory) {
        await this.client.query(
          `INSERT INTO ${history} (owner_stream, row_key, valid_from, valid_to, recorded_from, recorded_to, ${ownList})
           SELECT t.owner_stream, t.row_key, t.valid_from, u.valid_to, t.recorded_from, u.recorded_to, ${own.map((c) => `t."${c}"`).join(', ')}
           FROM ${current} t JOIN unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[]) AS u(stream, key, valid_to, recorded_to)
             ON t.owner_stream = u.stream AND t.row_key = u.key`,
          [closings.map((c) => c.stream), closings.map((c) => c.key), closings.map((c) => c.validTo), closings.map((c) => c.recordedTo)],
        );
      }
      const closed = withHistory ? versions.filter((v) => v.validTo !== null) : [];
      const open = versions.filter((v) => v.validTo === null);
      if (closed.length) {
        const all = [...SYSTEM_TIME_COLUMNS, ...own].map((c) => `"${c}"`).join(', ');
        const records = closed.map((v) => ({ ...v.row, owner_stream: v.stream, row_key: v.key, valid_from: v.validFrom, valid_to: v.validTo, recorded_from: v.recordedFrom, recorded_to: v.recordedTo }));
        await this.client.query(`INSERT INTO ${history} (${all}) SELECT ${all} FROM json_populate_recordset(NULL::${history}, $1::json)`, [JSON.stringify(records)]);
      }
      if (open.length) {
        const all = [...CURRENT_SYSTEM_COLUMNS, ...own].map((c) => `"${c}"`).join(', ');
        const records = open.map((v) => ({ ...v.row, owner_stream: v.stream, row_key: v.key, valid_from: v.validFrom, recorded_from: v.recordedFrom }));
        await this.client.query(
          `INSERT INTO ${current} (${all}) SELECT ${all} FROM json_populate_recordset(NULL::${current}, $1::json)
           ON CONFLICT (owner_stream, row_key) DO UPDATE SET ${['valid_from', 'recorded_from', ...own].map((c) => `"${c}" = excluded."${c}"`).join(', ')}`,
          [JSON.stringify(records)],
        );
      }
      const reopened = new Set(open.map((v) => `${v.stream}\u0000${v.key}`));
      const gone = closings.filter((c) => !reopened.has(`${c.stream}\u0000${c.key}`));
      if (gone.length) {
        await this.client.query(`DELETE FROM ${current} t USING unnest($1::text[], $2::text[]) AS u(stream, key) WHERE t.owner_stream = u.stream AND t.row_key = u.key`, [
          gone.map((c) => c.stream),
          gone.map((c) => c.key),
        ]);
      }
    }
    if (result.progress.size) {
      const progress = [...result.progress].map(([streamId, p]) => ({
        stream_id: streamId,
        stream_type: p.streamType,
        version: p.version,
        skipped: p.skipped,
        last_event_id: p.lastEventId,
        last_global_position: p.lastGlobalPosition,
        last_recorded_at: p.lastRecordedAt,
      }));
      await this.client.query(
        `INSERT INTO ${this.s}.projection_streams (stream_id, stream_type, version, skipped_versions, last_event_id, last_global_position, last_recorded_at)
         SELECT p.stream_id, p.stream_type, p.version, ARRAY(SELECT jsonb_array_elements_text(p.skipped)::integer), p.last_event_id, p.last_global_position, p.last_recorded_at
         FROM jsonb_to_recordset($1::jsonb) AS p(stream_id text, stream_type text, version integer, skipped jsonb, last_event_id uuid, last_global_position bigint, last_recorded_at timestamptz)
         ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, skipped_versions = excluded.skipped_versions, last_event_id = excluded.last_event_id,
           last_global_position = excluded.last_global_position, last_recorded_at = excluded.last_recorded_at, updated_at = now()`,
        [JSON.stringify(progress)],
      );
    }
    if (result.deadLetters.length) await insertDeadLetters(this.client, this.s, projection, result.deadLetters);
  }
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(item);
  }
  return groups;
}

/** Table names come from TableSpecs; checked like schema names. */
function tableIdent(table: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`invalid read-model table name ${JSON.stringify(table)}`);
  return table;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Dead letters, once per (projection, event id): a redelivered poison event is not stored twice. */
export async function insertDeadLetters(client: pg.ClientBase, s: string, projection: string, deadLetters: readonly DeadLetterRecord[]): Promise<void> {
  const records = deadLetters.map((d) => {
    const payload = d.event ?? d.payload;
    const candidate = (payload ?? {}) as Record<string, unknown>;
    return {
      projection,
      reason: d.reason,
      event_id: typeof candidate.eventId === 'string' && UUID.test(candidate.eventId) ? candidate.eventId : null,
      stream_id: typeof candidate.streamId === 'string' ? candidate.streamId : null,
      stream_version: Number.isInteger(candidate.streamVersion) ? candidate.streamVersion : null,
      global_position: typeof candidate.globalPosition === 'string' && /^\d+$/.test(candidate.globalPosition) ? candidate.globalPosition : null,
      type: typeof candidate.type === 'string' ? candidate.type : null,
      schema_version: Number.isInteger(candidate.schemaVersion) ? candidate.schemaVersion : null,
      error: d.error,
      payload: payload === undefined ? null : payload,
      raw: d.raw ?? null,
      topic: d.origin?.topic ?? null,
      partition: d.origin?.partition ?? null,
      offset: d.origin?.offset ?? null,
    };
  });
  await client.query(
    `INSERT INTO ${s}.dead_letters (projection, reason, event_id, stream_id, stream_version, global_position, type, schema_version, error, payload, raw, topic, partition, "offset")
     SELECT d.projection, d.reason, d.event_id, d.stream_id, d.stream_version, d.global_position, d.type, d.schema_version, d.error, d.payload, d.raw, d.topic, d.partition, d."offset"
     FROM jsonb_to_recordset($1::jsonb) AS d(projection text, reason text, event_id uuid, stream_id text, stream_version integer, global_position bigint, type text,
       schema_version integer, error text, payload jsonb, raw text, topic text, partition integer, "offset" bigint)
     ON CONFLICT (projection, event_id) WHERE event_id IS NOT NULL DO NOTHING`,
    [JSON.stringify(records)],
  );
}

/** saveCheckpoint's statement: an offset only moves forward, and the position it reflects with it. */
export async function saveCheckpoints(client: pg.ClientBase, schema: string, checkpoints: readonly Checkpoint[]): Promise<void> {
  if (checkpoints.length === 0) return;
  const s = schemaIdent(schema);
  await client.query(
    `INSERT INTO ${s}.projection_checkpoints AS c (consumer_group, topic, partition, next_offset, last_global_position, last_recorded_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(consumer_group text, topic text, partition integer, next_offset bigint, last_global_position bigint, last_recorded_at timestamptz)
     ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET
       next_offset = greatest(c.next_offset, excluded.next_offset),
       last_global_position = CASE WHEN excluded.next_offset >= c.next_offset THEN coalesce(excluded.last_global_position, c.last_global_position) ELSE c.last_global_position END,
       last_recorded_at = CASE WHEN excluded.next_offset >= c.next_offset THEN coalesce(excluded.last_recorded_at, c.last_recorded_at) ELSE c.last_recorded_at END,
       updated_at = now()`,
    [
      JSON.stringify(
        checkpoints.map((c) => ({
          consumer_group: c.consumerGroup,
          topic: c.topic,
          partition: c.partition,
          next_offset: c.nextOffset,
          last_global_position: c.globalPosition ?? null,
          last_recorded_at: c.recordedAt ?? null,
        })),
      ),
    ],
  );
}

export interface StoredCheckpoint {
  topic: string;
  partition: number;
  nextOffset: string;
  lastGlobalPosition: string | null;
  lastRecordedAt: Date | null;
}

export async function loadCheckpoints(client: pg.ClientBase | pg.Pool, schema: string, consumerGroup: string): Promise<StoredCheckpoint[]> {
  const s = schemaIdent(schema);
  const { rows } = await client.query<{ topic: string; partition: number; next_offset: string; last_global_position: string | null; last_recorded_at: Date | null }>(
    `SELECT topic, partition, next_offset, last_global_position, last_recorded_at FROM ${s}.projection_checkpoints WHERE consumer_group = $1`,
    [consumerGroup],
  );
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: String(r.next_offset), lastGlobalPosition: r.last_global_position, lastRecordedAt: r.last_recorded_at }));
}
