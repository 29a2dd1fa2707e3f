import type pg from 'pg';
import type { PublishedEvent } from '../../contracts/src/published-event.js';
import type { AggregateType } from '../../contracts/src/streams.js';
import { asPublishedEvent, type DeadLetterReason } from './aggregates.js';
import { projectEvent } from './projection-fold.js';
import { READ_MODELS_APPLY_LOCK_KEY } from '../../event-store/src/postgres-event-store.js';
import { RowChanges, TABLE_COLUMNS } from './row-diff.js';
import type { ColumnType, ReadModelTable, RowSet } from './shared/row-set.js';

export { TABLE_COLUMNS, TABLE_KEYS } from './row-diff.js';

/** The live read models. A rebuild writes the same tables in another schema (e.g. read_models_shadow) and swaps. */
export const READ_MODELS_SCHEMA = 'read_models';
/** The projection's name in dead letters and metrics: one projection applies every read model atomically. */
export const PROJECTION_NAME = 'read-models';

/*
 * The apply lock is READ_MODELS_APPLY_LOCK_KEY (libs/event-store, whose readers rely on it): every read-model apply
 * holds it SHARED for its transaction; a blue/green swap (libs/audit) takes it EXCLUSIVE, so no apply commits into the
 * old tables between the shadow's catch-up and the schema rename. Holding it shared also tells the event store's
 * readers that the transaction never appends, so they do not wait for it (GATE_HORIZON_CTE): an apply transaction
 * must not append.
 */
export { READ_MODELS_APPLY_LOCK_KEY };

/** Takes the shared apply lock for the rest of the caller's transaction (waits while a swap holds it). */
export async function holdReadModelsApplyLock(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock_shared($1)', [READ_MODELS_APPLY_LOCK_KEY]);
}

/**
 * BEGIN and holdReadModelsApplyLock in one round trip (one simple query of two statements): for a caller that applies
 * with `applyLockHeld` (applyEventsInTransaction). The lock is still taken before any read-model table is touched.
 */
export async function beginWithApplyLock(client: pg.ClientBase): Promise<void> {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock_shared(${READ_MODELS_APPLY_LOCK_KEY})`);
}

/** The tables whose rows a stream of each aggregate type can own (and so are diffed when it changes). */
export const OWNED_TABLES: Record<AggregateType, readonly ReadModelTable[]> = {
  work: ['project_status', 'timeline_entries', 'company_portfolio', 'work_relations', 'person_attachments'],
  deal: ['timeline_entries', 'company_portfolio'],
  organization: ['organization_names'],
  person: ['person_names'],
};

/** Schema names are identifiers, not bind parameters: only plain lower-case names are accepted. */
export function schemaIdent(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid read-model schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

export type ApplyOutcome =
  | { outcome: 'applied'; streamId: string; version: number }
  | { outcome: 'skipped'; streamId: string; version: number }
  | { outcome: 'dead-lettered'; reason: DeadLetterReason; error: string; streamId?: string };

export type { DeadLetterReason } from './aggregates.js';

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

export interface ApplyOptions {
  projection?: string;
  checkpoint?: Checkpoint;
  /** Where the message came from, kept on a dead letter. */
  origin?: { topic: string; partition: number; offset: string };
}

/**
 * Applies one published event (or the parsed value of a Kafka message) in its own transaction, together with the
 * checkpoint. See applyEventInTransaction for the rules. Database failures roll back and throw (the caller retries);
 * nothing about the event itself ever throws.
 */
export async function applyEvent(client: pg.ClientBase, schema: string, event: unknown, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  await client.query('BEGIN');
  try {
    const outcome = await applyEventInTransaction(client, schema, event, options);
    if (options.checkpoint) await saveCheckpoint(client, schema, options.checkpoint);
    await client.query('COMMIT');
    return outcome;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * The projection rule, inside the caller's transaction:
 * - streamVersion <= the snapshot's version: already applied, skipped (redelivery changes nothing);
 * - streamVersion = version + 1: evolve the stored state with the domain's evolve, save the snapshot, and bring the
 *   stream's read-model rows to those computed from the new state: rows that are new or changed are upserted by the
 *   table's key, keys no longer computed are deleted (the tables hold the rows of the snapshot state, so the rows of
 *   the state before the event are what is there);
 * - streamVersion > version + 1 (a gap): dead letter, the snapshot stays (later events of the stream dead-letter too
 *   until a rebuild — nothing is applied on top of a missing event);
 * - malformed, unknown stream or event type, newer schema version, evolve or row computation throwing, or the row
 *   write failing: dead letter; the event's version is marked skipped so the stream's later events still apply.
 */
export async function applyEventInTransaction(client: pg.ClientBase, schema: string, value: unknown, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const s = schemaIdent(schema);
  const projection = options.projection ?? PROJECTION_NAME;
  await holdReadModelsApplyLock(client);
  let event: PublishedEvent;
  try {
    event = asPublishedEvent(value);
  } catch (error) {
    return deadLetter(client, schema, { projection, reason: 'malformed', error, payload: value, origin: options.origin });
  }
  const snapshot = await lockSnapshot(client, s, event.streamId, event.streamType);
  const step = projectEvent(snapshot, event);
  if (step.outcome === 'skipped') return { outcome: 'skipped', streamId: event.streamId, version: snapshot.version };
  if (step.outcome === 'gap') return deadLetter(client, schema, { projection, reason: 'gap', error: step.error, event, origin: options.origin });
  if (step.outcome === 'unprojectable') return skipWithDeadLetter(client, schema, s, { projection, reason: step.reason, error: step.error, event, origin: options.origin });
  const next = step.state;
  const owned = OWNED_TABLES[step.aggregate.type];
  let rows: RowSet;
  let previousRows: RowSet | undefined;
  try {
    // The rows the stream owned before this event, and owns after it (a row builder throwing counts as evolve failing).
    previousRows = snapshot.state ? step.aggregate.rows(snapshot.state) : undefined;
    rows = step.aggregate.rows(next);
  } catch (error) {
    return skipWithDeadLetter(client, schema, s, { projection, reason: 'evolve-failed', error, event, origin: options.origin });
  }
  await client.query('SAVEPOINT apply_event');
  try {
    // Only the rows this event changed are written: a new milestone upserts the status row and inserts one timeline
    // entry, whatever the length of the stream.
    const changes = new RowChanges();
    changes.add(event.streamId, owned, previousRows, rows);
    await changes.write(client, s);
    await client.query(
      `UPDATE ${s}.projection_snapshots SET version = $2, state = $3::json, last_event_id = $4, last_global_position = $5, last_recorded_at = $6, updated_at = now() WHERE stream_id = $1`,
      [event.streamId, event.streamVersion, JSON.stringify(next), event.eventId, event.globalPosition, recordedAtOf(event)],
    );
    await client.query('RELEASE SAVEPOINT apply_event');
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT apply_event');
    return skipWithDeadLetter(client, schema, s, { projection, reason: 'write-failed', error, event, origin: options.origin });
  }
  return { outcome: 'applied', streamId: event.streamId, version: event.streamVersion };
}

interface DeadLetterInput {
  projection: string;
  reason: DeadLetterReason;
  error: unknown;
  event?: PublishedEvent;
  payload?: unknown;
  raw?: string;
  origin?: { topic: string; partition: number; offset: string } | undefined;
}

async function skipWithDeadLetter(client: pg.ClientBase, schema: string, s: string, input: DeadLetterInput & { event: PublishedEvent }): Promise<ApplyOutcome> {
  await client.query(
    `UPDATE ${s}.projection_snapshots SET version = $2, skipped_versions = skipped_versions || $2::integer, last_event_id = $3, last_global_position = $4, last_recorded_at = $5, updated_at = now() WHERE stream_id = $1`,
    [input.event.streamId, input.event.streamVersion, input.event.eventId, input.event.globalPosition, recordedAtOf(input.event)],
  );
  return deadLetter(client, schema, input);
}

/** Records a dead letter (once per projection and event id). Also used for Kafka messages that are not even JSON. */
export async function deadLetter(client: pg.ClientBase, schema: string, input: DeadLetterInput): Promise<ApplyOutcome> {
  const s = schemaIdent(schema);
  const event = input.event;
  const message = input.error instanceof Error ? input.error.message : String(input.error);
  const payload = event ?? input.payload;
  const candidate = (payload ?? {}) as Record<string, unknown>;
  const uuid = typeof candidate.eventId === 'string' && /^[0-9a-f-]{36}$/i.test(candidate.eventId) ? candidate.eventId : null;
  await client.query(
    `INSERT INTO ${s}.dead_letters (projection, reason, event_id, stream_id, stream_version, global_position, type, schema_version, error, payload, raw, topic, partition, "offset")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)
     ON CONFLICT (projection, event_id) WHERE event_id IS NOT NULL DO NOTHING`,
    [
      input.projection,
      input.reason,
      uuid,
      typeof candidate.streamId === 'string' ? candidate.streamId : null,
      Number.isInteger(candidate.streamVersion) ? candidate.streamVersion : null,
      typeof candidate.globalPosition === 'string' && /^\d+$/.test(candidate.globalPosition) ? candidate.globalPosition : null,
      typeof candidate.type === 'string' ? candidate.type : null,
      Number.isInteger(candidate.schemaVersion) ? candidate.schemaVersion : null,
      message,
      payload === undefined ? null : JSON.stringify(payload),
      input.raw ?? null,
      input.origin?.topic ?? null,
      input.origin?.partition ?? null,
      input.origin?.offset ?? null,
    ],
  );
  return { outcome: 'dead-lettered', reason: input.reason, error: message, ...(typeof candidate.streamId === 'string' ? { streamId: candidate.streamId } : {}) };
}

export function recordedAtOf(event: PublishedEvent): string | null {
  return Number.isNaN(Date.parse(event.recordedAt)) ? null : event.recordedAt;
}

async function lockSnapshot(client: pg.ClientBase, s: string, streamId: string, streamType: string): Promise<{ version: number; state: unknown }> {
  // One round trip: creates the snapshot row if missing, and either way locks it (DO UPDATE takes the row lock, as
  // SELECT … FOR UPDATE would) and returns it.
  const { rows } = await client.query<{ version: number; state: unknown }>(
    `INSERT INTO ${s}.projection_snapshots AS snap (stream_id, stream_type) VALUES ($1, $2)
     ON CONFLICT (stream_id) DO UPDATE SET stream_type = snap.stream_type
     RETURNING version, state`,
    [streamId, streamType],
  );
  return rows[0]!;
}

function sqlValue(type: ColumnType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return type === 'jsonb' ? JSON.stringify(value) : value;
}

/** Replaces every row `streamId` owns in `tables` with `rows` (inside the caller's transaction). */
export async function writeStreamRows(client: pg.ClientBase, schema: string, streamId: string, tables: readonly ReadModelTable[], rows: RowSet): Promise<void> {
  for (const table of tables) await replaceOwnedRows(client, schema, table, [streamId], rows[table] as unknown as readonly Record<string, unknown>[]);
}

/** Replaces the rows of `table` owned by any of `owners` with `rows` (each row must belong to one of them). */
export async function replaceOwnedRows(client: pg.ClientBase, schema: string, table: ReadModelTable, owners: readonly string[], rows: readonly Record<string, unknown>[]): Promise<void> {
  const s = schemaIdent(schema);
  await client.query(`DELETE FROM ${s}.${table} WHERE owner_stream = ANY($1::text[])`, [owners]);
  const spec = TABLE_COLUMNS[table] as Record<string, ColumnType>;
  const columns = Object.keys(spec);
  const allowed = new Set(owners);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (!allowed.has(row.owner_stream as string)) throw new Error(`${table} row owned by ${String(row.owner_stream)} computed for ${owners.join(', ')}`);
      return `(${columns.map((c) => `$${params.push(sqlValue(spec[c]!, row[c]))}::${spec[c]}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${s}.${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** Moves a partition's checkpoint forward (never back: a late duplicate cannot rewind progress). */
export async function saveCheckpoint(client: pg.ClientBase, schema: string, checkpoint: Checkpoint): Promise<void> {
  await client.query(checkpointStatement(schemaIdent(schema), 1), checkpointParams(checkpoint));
}

/** saveCheckpoint's statement with its six parameters numbered from `first` (to go into a larger statement). */
export function checkpointStatement(s: string, first: number): string {
  const [group, topic, partition, next, position, recorded] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return `INSERT INTO ${s}.projection_checkpoints (consumer_group, topic, partition, next_offset, last_global_position, last_recorded_at)
     VALUES (${group}::text, ${topic}::text, ${partition}::integer, ${next}::bigint, ${position}::bigint, ${recorded}::timestamptz)
     ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET
       next_offset = greatest(projection_checkpoints.next_offset, excluded.next_offset),
       last_global_position = CASE WHEN excluded.next_offset >= projection_checkpoints.next_offset
         THEN coalesce(excluded.last_global_position, projection_checkpoints.last_global_position) ELSE projection_checkpoints.last_global_position END,
       last_recorded_at = CASE WHEN excluded.next_offset >= projection_checkpoints.next_offset
         THEN coalesce(excluded.last_recorded_at, projection_checkpoints.last_recorded_at) ELSE projection_checkpoints.last_recorded_at END,
       updated_at = now()`;
}

export function checkpointParams(checkpoint: Checkpoint): unknown[] {
  return [checkpoint.consumerGroup, checkpoint.topic, checkpoint.partition, checkpoint.nextOffset, checkpoint.globalPosition ?? null, checkpoint.recordedAt ?? null];
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
