import { createHash } from 'node:crypto';
import { PostgresEventStore } from '../../event-store/src/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { exportLog, importLog, type ExportedEvent } from './log-transfer.js';
import { rebuildAndSwap } from '../../read-models/src/rebuild/rebuild.js';
import { appendScenario, readModelSnapshot, writeWork } from './testing/audit-fixtures.js';
import { verifyChainStreaming } from './verify-chain.js';

async function* linesOf(events: readonly unknown[]): AsyncIterable<string> {
  for (const e of events) yield JSON.stringify(e);
}

/** The README's standalone rule, written without any project code: what an external tool would do. */
function externalVerify(lines: string[]): { ok: boolean; head: string } {
  const canonical = (v: unknown): string =>
    v === null || typeof v !== 'object'
      ? JSON.stringify(v)
      : Array.isArray(v)
        ? `[${v.map(canonical).join(',')}]`
        : `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(',')}}`;
  let prev = '0'.repeat(64);
  for (const line of lines) {
    const e = JSON.parse(line);
    const content = { globalPosition: e.position, streamId: e.stream, streamType: e.streamType, streamVersion: e.version, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, prevHash: e.prevHash };
    const hash = createHash('sha256').update(canonical(content)).digest('hex');
    if (hash !== e.hash || e.prevHash !== prev) return { ok: false, head: prev };
    prev = hash;
  }
  return { ok: true, head: prev };
}

describe('export → import into a fresh database: the same chain and the same read models', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  const exported: ExportedEvent[] = [];

  beforeAll(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase();
    const store = new PostgresEventStore(source.pool);
    await appendScenario(store);
    for (let i = 0; i < 10; i += 1) await writeWork(store);
    await rebuildAndSwap({ pool: source.pool });
  });
  afterAll(async () => {
    await Promise.all([source.drop(), target.drop()]);
  });

  it('exports the whole log as NDJSON lines an external tool re-verifies', async () => {
    const summary = await exportLog(source.pool, {}, (e) => void exported.push(e), { batchSize: 17 });
    const chain = await verifyChainStreaming(source.pool);
    expect(summary.exported).toBe(chain.checked);
    expect(summary.lastHash).toBe(chain.headHash);
    expect(Object.keys(exported[0]!).sort()).toEqual(['data', 'eventId', 'hash', 'metadata', 'position', 'prevHash', 'recordedAt', 'schemaVersion', 'stream', 'streamType', 'type', 'version']);
    expect(externalVerify(exported.map((e) => JSON.stringify(e)))).toEqual({ ok: true, head: chain.headHash });
    const tampered = exported.map((e, i) => (i === 3 ? { ...e, data: { ...(e.data as object), injected: true } } : e));
    expect(externalVerify(tampered.map((e) => JSON.stringify(e))).ok).toBe(false);
  });

  it('filters by stream, type and recordedAt range', async () => {
    const stream = exported[5]!.stream;
    const byStream: ExportedEvent[] = [];
    await exportLog(source.pool, { stream }, (e) => void byStream.push(e));
    expect(byStream.map((e) => e.position)).toEqual(exported.filter((e) => e.stream === stream).map((e) => e.position));
    const byType: ExportedEvent[] = [];
    await exportLog(source.pool, { type: 'WorkStatusChanged' }, (e) => void byType.push(e));
    expect(byType.length).toBeGreaterThan(0);
    expect(byType.length).toBe(exported.filter((e) => e.type === 'WorkStatusChanged').length);
    const from = new Date(exported[10]!.recordedAt);
    const to = new Date(exported[30]!.recordedAt);
    const byTime: ExportedEvent[] = [];
    await exportLog(source.pool, { from, to }, (e) => void byTime.push(e));
    expect(byTime.map((e) => e.position)).toEqual(exported.filter((e) => new Date(e.recordedAt) >= from && new Date(e.recordedAt) < to).map((e) => e.position));
  });

  it('refuses a slice, a tampered line and a non-empty database; imports the whole log with identical chain head and read models', async () => {
    await expect(importLog(target.pool, linesOf(exported.slice(3)))).rejects.toThrow(/slice/);
    const tampered = exported.map((e, i) => (i === 7 ? { ...e, metadata: { ...e.metadata, note: 'inserted later' } } : e));
    await expect(importLog(target.pool, linesOf(tampered))).rejects.toThrow(/line 8 .*does not match/);
    expect((await target.pool.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(0);

    const imported = await importLog(target.pool, linesOf(exported), { batchSize: 13 });
    expect(imported.imported).toBe(exported.length);
    await expect(importLog(target.pool, linesOf(exported))).rejects.toThrow(/not empty/);
    await rebuildAndSwap({ pool: target.pool });

    const [a, b] = await Promise.all([verifyChainStreaming(source.pool), verifyChainStreaming(target.pool)]);
    expect(b).toMatchObject({ ok: true, checked: a.checked, headPosition: a.headPosition, headHash: a.headHash });
    expect(await readModelSnapshot(target.pool)).toEqual(await readModelSnapshot(source.pool));
    // the imported store goes on: a new append continues the same chain
    await writeWork(new PostgresEventStore(target.pool), 1);
    expect((await verifyChainStreaming(target.pool)).ok).toBe(true);
  });
});
