import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { clientSurvivingConnectionLoss } from '../../database/src/pool.js';
import { eventHash } from '../../event-store/src/canonical-hash.js';

/**
 * An events row as the chain verification reads it: every column as PostgreSQL's text, in this order (CHAIN_COLUMNS).
 * Hashing it here gives what PostgresEventStore.verifyChain computes from the same row (toStoredEvent: jsonb and
 * integers parsed as pg parses them, recorded_at as pg's Date).
 */
export type ChainRow = [
  globalPosition: string,
  streamId: string,
  streamType: string,
  streamVersion: string,
  eventId: string,
  type: string,
  schemaVersion: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string,
  prevHash: string,
];

export const CHAIN_COLUMNS = `global_position::text, stream_id, stream_type, stream_version, event_id::text, type, schema_version, data, metadata, recorded_at, hash, prev_hash`;

const parseTimestamptz = pg.types.getTypeParser(1184) as (value: string) => Date;

/**
 * What the link check needs of a row: its position, stored hash and prev_hash, the hash recomputed from its content,
 * and whether recorded_at agrees with the hashed metadata.recordedAt.
 */
export type RowDigest = [globalPosition: string, storedHash: string, storedPrevHash: string, recomputedHash: string, recordedAtAgrees: boolean];

export function digestRow(row: ChainRow): RowDigest {
  const metadata = JSON.parse(row[8]) as { recordedAt?: unknown } | null;
  const hash = eventHash({
    globalPosition: row[0],
    streamId: row[1],
    streamType: row[2],
    streamVersion: parseInt(row[3], 10),
    eventId: row[4],
    type: row[5],
    schemaVersion: parseInt(row[6], 10),
    data: JSON.parse(row[7]) as unknown,
    metadata,
    prevHash: row[11],
  });
  return [row[0], row[10], row[11], hash, metadata?.recordedAt === parseTimestamptz(row[9]).toISOString()];
}

export const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** The rows of a position range (after, to], in position order, read in the caller's transaction. */
export async function readRange(client: pg.ClientBase, after: string, to: string): Promise<ChainRow[]> {
  const { rows } = await client.query<ChainRow>({
    text: `SELECT ${CHAIN_COLUMNS} FROM events WHERE global_position > $1::bigint AND global_position <= $2::bigint ORDER BY events.global_position`,
    values: [after, to],
    rowMode: 'array',
    types: asText,
  });
  return rows;
}

/** What a hashing thread is started with: how to connect, and the snapshot to read in (pg_export_snapshot). */
export interface HasherData {
  connection: pg.ClientConfig;
  snapshot: string;
}

/**
 * The thread: one connection in the verification's snapshot (SET TRANSACTION SNAPSHOT), so it reads exactly what the
 * verifying transaction sees; for each range it is sent, the digests of its rows, under the range's id.
 */
if (parentPort && workerData) {
  const port = parentPort;
  const { connection, snapshot } = workerData as HasherData;
  const client = clientSurvivingConnectionLoss(new pg.Client(connection));
  const ready = (async () => {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
  })();
  // One range at a time, in the order they were sent.
  let queue = Promise.resolve();
  port.on('message', (message: { id: number; after: string; to: string } | 'close') => {
    if (message === 'close') {
      queue = queue.then(() => client.end().catch(() => undefined)).then(() => port.close());
      return;
    }
    queue = queue.then(async () => {
      try {
        await ready;
        port.postMessage({ id: message.id, digests: (await readRange(client, message.after, message.to)).map(digestRow) });
      } catch (error) {
        port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
}
