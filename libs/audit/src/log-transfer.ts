import type pg from 'pg';
import { eventHash, GENESIS_HASH } from '../../event-store/src/canonical-hash.js';
import { GATE_HORIZON_CTE } from '../../event-store/src/postgres-event-store.js';

/** One line of an export (NDJSON): everything the hash covers, plus the hashes. */
export interface ExportedEvent {
  /** Global position (a decimal string: a Postgres bigint). */
  position: string;
  eventId: string;
  stream: string;
  streamType: string;
  version: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: string;
  hash: string;
  prevHash: string;
}

export interface ExportFilter {
  stream?: string;
  type?: string;
  /** recordedAt >= from */
  from?: Date;
  /** recordedAt < to */
  to?: Date;
}

export interface ExportSummary {
  exported: number;
  firstPosition: string | null;
  lastPosition: string | null;
  lastHash: string | null;
  /** Positions at or after this were left out: a transaction that may still commit held them (the gate). */
  gatedAt: string | null;
}

/**
 * Streams the log (or a filtered slice) in position order from ONE REPEATABLE READ READ ONLY snapshot, behind the
 * gate: nothing at or after the first row whose writing transaction is not older than the snapshot's xmin.
 */
export async function exportLog(pool: pg.Pool, filter: ExportFilter, write: (event: ExportedEvent) => Promise<void> | void, options: { batchSize?: number } = {}): Promise<ExportSummary> {
  const batchSize = options.batchSize ?? 5000;
  const client = await pool.connect();
  const summary: ExportSummary = { exported: 0, firstPosition: null, lastPosition: null, lastHash: null, gatedAt: null };
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The store's gate horizon (running transactions of this database only): with the plain snapshot xmin, a long
    // transaction in another database of the same server would cut the export at its first event.
    const gate = await client.query<{ cut: string | null }>(
      `WITH ${GATE_HORIZON_CTE} SELECT min(global_position)::text AS cut FROM events WHERE transaction_id >= (SELECT xmin FROM gate_horizon)`,
    );
    summary.gatedAt = gate.rows[0]!.cut;
    let after = '0';
    for (;;) {
      const { rows } = await client.query<{
        position: string;
        event_id: string;
        stream_id: string;
        stream_type: string;
        stream_version: number;
        type: string;
        schema_version: number;
        data: unknown;
        metadata: Record<string, unknown>;
        recorded_at: Date;
        hash: string;
        prev_hash: string;
      }>(
        `SELECT global_position::text AS position, event_id::text AS event_id, stream_id, stream_type, stream_version, type, schema_version,
                data, metadata, recorded_at, hash, prev_hash
           FROM events
          WHERE global_position > $1::bigint AND ($2::bigint IS NULL OR global_position < $2::bigint)
            AND ($3::text IS NULL OR stream_id = $3) AND ($4::text IS NULL OR type = $4)
            AND ($5::timestamptz IS NULL OR recorded_at >= $5) AND ($6::timestamptz IS NULL OR recorded_at < $6)
          ORDER BY global_position LIMIT $7`,
        [after, summary.gatedAt, filter.stream ?? null, filter.type ?? null, filter.from?.toISOString() ?? null, filter.to?.toISOString() ?? null, batchSize],
      );
      for (const row of rows) {
        await write({
          position: row.position,
          eventId: row.event_id,
          stream: row.stream_id,
          streamType: row.stream_type,
          version: row.stream_version,
          type: row.type,
          schemaVersion: row.schema_version,
          data: row.data,
          metadata: row.metadata,
          recordedAt: row.recorded_at.toISOString(),
          hash: row.hash,
          prevHash: row.prev_hash,
        });
        summary.exported += 1;
        summary.firstPosition ??= row.position;
        summary.lastPosition = row.position;
        summary.lastHash = row.hash;
      }
      if (rows.length < batchSize) break;
      after = rows[rows.length - 1]!.position;
    }
    return summary;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

/** Recomputes an exported line's hash (the rule of libs/event-store, on the exported fields). */
export function hashOfExported(event: ExportedEvent): string {
  return eventHash({
    globalPosition: event.position,
    streamId: event.stream,
    streamType: event.streamType,
    streamVersion: event.version,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
  });
}

export class ImportRefusedError extends Error {
  override readonly name = 'ImportRefusedError';
}

export interface ImportSummary {
  imported: number;
  streams: number;
  headPosition: string;
  headHash: string;
}

function parseLine(text: string, lineNumber: number): ExportedEvent {
  let value: ExportedEvent;
  try {
    value = JSON.parse(text) as ExportedEvent;
  } catch (error) {
    throw new ImportRefusedError(`line ${lineNumber}: not JSON (${(error as Error).message})`);
  }
  const problems: string[] = [];
  if (typeof value.position !== 'string' || !/^\d+$/.test(value.position)) problems.push('position');
  for (const k of ['eventId', 'stream', 'streamType', 'type', 'recordedAt', 'hash', 'prevHash'] as const) if (typeof value[k] !== 'string') problems.push(k);
  for (const k of ['version', 'schemaVersion'] as const) if (!Number.isInteger(value[k])) problems.push(k);
  if (typeof value.metadata !== 'object' || value.metadata === null) problems.push('metadata');
  if (problems.length > 0) throw new ImportRefusedError(`line ${lineNumber}: missing or malformed ${problems.join(', ')}`);
  return value;
}

/**
 * Imports an export of the WHOLE log into a database whose event store is empty (refused otherwise), keeping
 * positions, recordedAt and hashes, so the chain is reproduced exactly. Every line is re-verified first (hash over
 * its content, prevHash = the previous line's hash starting at the genesis hash, stream versions without gaps); one
 * transaction, holding the append lock: all lines or none. Outbox rows are written as already published unless
 * `publish` (then the relay sends every event to Kafka again). Idempotency keys are not part of the log and are not
 * carried over. Read models are not touched: rebuild them afterwards (rebuildAndSwap).
 */
export async function importLog(pool: pg.Pool, lines: AsyncIterable<string>, options: { batchSize?: number; publish?: boolean } = {}): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 5000;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(7123002)');
      const state = await client.query<{ events: boolean; streams: boolean; keys: boolean; head: string }>(
        `SELECT EXISTS (SELECT 1 FROM events) AS events, EXISTS (SELECT 1 FROM streams) AS streams,
                EXISTS (SELECT 1 FROM idempotency_keys) AS keys, (SELECT position::text FROM chain_head WHERE id = 1) AS head`,
      );
      const s = state.rows[0]!;
      if (s.events || s.streams || s.keys || s.head !== '0') {
        throw new ImportRefusedError('the target database is not empty (events, streams, idempotency keys or the chain head exist): import only into an empty database');
      }
      const versions = new Map<string, { type: string; version: number }>();
      let prevHash = GENESIS_HASH;
      let lastPosition = 0n;
      let lastRecordedAt = '';
      let imported = 0;
      let lineNumber = 0;
      let batch: ExportedEvent[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await client.query(
          `WITH inserted AS (
             INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash)
             SELECT p, sid, st, sv, eid, t, schv, d::jsonb, m::jsonb, ra, h, ph
             FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::uuid[], $6::text[], $7::int[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::text[])
               AS r(p, sid, st, sv, eid, t, schv, d, m, ra, h, ph)
             RETURNING global_position, event_id, stream_id, recorded_at
           )
           INSERT INTO outbox (global_position, event_id, stream_id, created_at, published_at)
           SELECT global_position, event_id, stream_id, recorded_at, CASE WHEN $13 THEN NULL ELSE now() END FROM inserted`,
          [
            batch.map((e) => e.position),
            batch.map((e) => e.stream),
            batch.map((e) => e.streamType),
            batch.map((e) => e.version),
            batch.map((e) => e.eventId),
            batch.map((e) => e.type),
            batch.map((e) => e.schemaVersion),
            batch.map((e) => JSON.stringify(e.data)),
            batch.map((e) => JSON.stringify(e.metadata)),
            batch.map((e) => e.recordedAt),
            batch.map((e) => e.hash),
            batch.map((e) => e.prevHash),
            options.publish === true,
          ],
        );
        batch = [];
      };
      for await (const raw of lines) {
        lineNumber += 1;
        const text = raw.trim();
        if (text === '') continue;
        const event = parseLine(text, lineNumber);
        const at = `line ${lineNumber} (position ${event.position})`;
        if (BigInt(event.position) <= lastPosition) throw new ImportRefusedError(`${at}: positions must increase`);
        if (event.prevHash !== prevHash) {
          throw new ImportRefusedError(
            imported === 0
              ? `${at}: prevHash is not the genesis hash: this is a slice, not the whole log; only a whole-log export reproduces the chain`
              : `${at}: prevHash ${event.prevHash} is not the previous line's hash ${prevHash}: the export is broken or filtered`,
          );
        }
        const recomputed = hashOfExported(event);
        if (recomputed !== event.hash) throw new ImportRefusedError(`${at}: hash ${event.hash} does not match the recomputed ${recomputed}`);
        if (event.metadata.recordedAt !== event.recordedAt) throw new ImportRefusedError(`${at}: recordedAt differs from metadata.recordedAt`);
        const stream = versions.get(event.stream);
        if (event.version !== (stream?.version ?? 0) + 1) throw new ImportRefusedError(`${at}: ${event.stream} version ${event.version} follows ${stream?.version ?? 0}`);
        versions.set(event.stream, { type: event.streamType, version: event.version });
        prevHash = event.hash;
        lastPosition = BigInt(event.position);
        lastRecordedAt = event.recordedAt;
        imported += 1;
        batch.push(event);
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      if (imported === 0) throw new ImportRefusedError('the export holds no events');
      const ids = [...versions.keys()];
      await client.query(`INSERT INTO streams (stream_id, stream_type, version) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`, [
        ids,
        ids.map((id) => versions.get(id)!.type),
        ids.map((id) => versions.get(id)!.version),
      ]);
      await client.query('UPDATE chain_head SET position = $1::bigint, hash = $2, recorded_at = $3::timestamptz WHERE id = 1', [lastPosition.toString(), prevHash, lastRecordedAt]);
      await client.query(`SELECT setval('events_global_position_seq', $1::bigint)`, [lastPosition.toString()]);
      await client.query('COMMIT');
      return { imported, streams: ids.length, headPosition: lastPosition.toString(), headHash: prevHash };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
