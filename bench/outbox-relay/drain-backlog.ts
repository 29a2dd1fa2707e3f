/**
 * How fast the relay drains a backlog: N events (default 20 000) appended to a fresh database while no relay runs, then
 * one OutboxRelay (production settings: batch 500, idempotent producer, acks -1) publishes them to a dev broker in this
 * process. Prints events/s from the relay's start to an empty outbox.
 *
 *   npx tsc -p tsconfig.build.json && DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node dist/bench/outbox-relay/drain-backlog.js [events] [batchSize]
 *
 * DATABASE_URL names the server; the benchmark creates and drops its own database there.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPool } from '../../libs/database/src/pool.js';
import { runMigrations } from '../../libs/database/src/migrations.js';
import { PostgresEventStore } from '../../libs/event-store/src/postgres-event-store.js';
import type { StreamAppend } from '../../libs/event-store/src/event-store.types.js';
import { startDevBroker } from '../../libs/kafka-dev-broker/src/index.js';
import { createKafka, LogLevel } from '../../libs/messaging/src/kafka.js';
import { OutboxRelay } from '../../apps/outbox-relay/src/outbox-relay.js';

const total = Number(process.argv[2] ?? 20_000);
const batchSize = Number(process.argv[3] ?? 500);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server (the benchmark creates its own database)');

async function main(): Promise<void> {
  const name = `reelwire_bench_relay_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), { max: 10 });
  const broker = await startDevBroker({ port: 0 });
  try {
    await runMigrations(url.toString());
    const store = new PostgresEventStore(pool);
    const streams = Array.from({ length: 200 }, (_, i) => ({ id: `work-${randomUUID()}`, type: 'work', version: 0, i }));
    let appended = 0;
    while (appended < total) {
      // 10 streams × 10 events per transaction.
      const appends: StreamAppend[] = [];
      for (let s = 0; s < 10 && appended < total; s++) {
        const stream = streams[(appended / 10 + s) % streams.length | 0]!;
        const n = Math.min(10, total - appended);
        appends.push({
          stream: { id: stream.id, type: stream.type },
          expectedVersion: stream.version,
          events: Array.from({ length: n }, (_, k) => ({
            type: stream.version + k === 0 ? 'WorkRegistered' : 'MilestoneRecorded',
            data: { title: { text: 'The Handmaiden', language: 'ko' }, milestone: 'principal-photography', seq: stream.version + k + 1 },
            metadata: {
              eventId: randomUUID(),
              actor: { id: 'editor-7', role: 'editor' as const },
              correlationId: randomUUID(),
              causationId: randomUUID(),
              source: { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example' },
              occurredAt: { date: '2018-05', precision: 'month' as const },
            },
          })),
        });
        stream.version += n;
        appended += n;
      }
      await store.appendMany(appends);
    }
    const kafka = createKafka({ brokers: broker.brokers, clientId: 'bench-relay', logLevel: LogLevel.NOTHING });
    const relay = new OutboxRelay({ pool, kafka, batchSize, pollIntervalMs: 50 });
    const started = process.hrtime.bigint();
    relay.start();
    for (;;) {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await relay.stop();
    process.stdout.write(
      `drained ${total} events in ${seconds.toFixed(2)} s: ${Math.round(total / seconds)} events/s (batch ${batchSize}, ${relay.stats.batches} batches, dev broker in-process, node ${process.version})\n`,
    );
  } finally {
    await pool.end();
    await broker.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
