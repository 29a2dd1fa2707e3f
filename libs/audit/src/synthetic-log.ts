import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { eventHash } from '../../event-store/src/canonical-hash.js';

export interface SyntheticLoadOptions {
  /** Events to append. */
  count: number;
  /** Events per transaction. Default 10 000. */
  batchSize?: number;
  /** Distinct streams the events are spread over. Default 1000. */
  streams?: number;
  onProgress?: (done: number) => void;
}

/**
 * Appends `count` synthetic events (stream type 'bench', not a domain aggregate) with the event store's exact chain
 * rule, fast: per batch one transaction that takes the append lock and positions through event_store_begin_append
 * (as the store does), hashes in Node with the store's eventHash, and inserts with one unnest statement. For
 * measuring verify-chain and export on large logs; the events are valid chain members but no read model uses them.
 */
export async function appendSyntheticEvents(pool: pg.Pool, options: SyntheticLoadOptions): Promise<{ headPosition: string; headHash: string }> {
  const batchSize = options.batchSize ?? 10_000;
  const streamCount = options.streams ?? 1000;
  const run = randomUUID().slice(0, 8);
  const versions = new Map<string, number>();
  let done = 0;
  let headPosition = '0';
  let headHash = '';
  const client = await pool.connect();
  try {
    while (done < options.count) {
      const n = Math.min(batchSize, options.count - done);
      await client.query('BEGIN');
      try {
        const head = await client.query<{ prev_hash: string; recorded_at: Date; positions: string[] }>(
          'SELECT prev_hash, recorded_at, positions::text[] AS positions FROM event_store_begin_append($1)',
          [n],
        );
        const { prev_hash, recorded_at, positions } = head.rows[0]!;
        const recordedAt = recorded_at.toISOString();
        let prevHash = prev_hash;
        const cols = { p: [] as string[], sid: [] as string[], sv: [] as number[], eid: [] as string[], d: [] as string[], m: [] as string[], h: [] as string[], ph: [] as string[] };
        for (let i = 0; i < n; i += 1) {
          const k = done + i;
          const streamId = `bench-${run}-${k % streamCount}`;
          const version = (versions.get(streamId) ?? 0) + 1;
          versions.set(streamId, version);
          const eventId = randomUUID();
          const data = { n: k, title: `Synthetic deal report ${k}`, territories: ['KR', 'US'], terms: { disclosed: false, amount: null } };
          const metadata = { eventId, actor: { id: 'bench', role: 'editor' }, correlationId: `bench-${run}`, causationId: `bench-${run}-${k}`, source: { publisher: 'bench' }, recordedAt, schemaVersion: 1 };
          const hash = eventHash({ globalPosition: positions[i]!, streamId, streamType: 'bench', streamVersion: version, eventId, type: 'BenchEventRecorded', schemaVersion: 1, data, metadata, prevHash });
          cols.p.push(positions[i]!);
          cols.sid.push(streamId);
          cols.sv.push(version);
          cols.eid.push(eventId);
          cols.d.push(JSON.stringify(data));
          cols.m.push(JSON.stringify(metadata));
          cols.h.push(hash);
          cols.ph.push(prevHash);
          prevHash = hash;
        }
        await client.query(
          `INSERT INTO events (global_position, stream_id, stream_type, stream_version, event_id, type, schema_version, data, metadata, recorded_at, hash, prev_hash)
           SELECT p, sid, 'bench', sv, eid, 'BenchEventRecorded', 1, d::jsonb, m::jsonb, $7::timestamptz, h, ph
           FROM unnest($1::bigint[], $2::text[], $3::int[], $4::uuid[], $5::text[], $6::text[], $8::text[], $9::text[]) AS r(p, sid, sv, eid, d, m, h, ph)`,
          [cols.p, cols.sid, cols.sv, cols.eid, cols.d, cols.m, recordedAt, cols.h, cols.ph],
        );
        const touched = [...new Set(cols.sid)];
        await client.query(
          `INSERT INTO streams (stream_id, stream_type, version) SELECT id, 'bench', v FROM unnest($1::text[], $2::int[]) AS s(id, v)
           ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`,
          [touched, touched.map((id) => versions.get(id)!)],
        );
        headPosition = positions[n - 1]!;
        headHash = prevHash;
        await client.query('UPDATE chain_head SET position = $1::bigint, hash = $2, recorded_at = $3::timestamptz WHERE id = 1', [headPosition, headHash, recordedAt]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      done += n;
      options.onProgress?.(done);
    }
    return { headPosition, headHash };
  } finally {
    client.release();
  }
}
