import { createPool } from '../../../libs/database/src/pool.js';
import { resolveDatabase } from '../../../libs/database/src/database-url.js';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { onShutdownSignal } from '../../../libs/database/src/shutdown.js';
import { createKafka, ensureTopics, LogLevel, parseBrokers } from '../../../libs/messaging/src/kafka.js';
import { PROJECTION_NAME } from '../../../libs/read-models/src/engine/pg-store.js';
import { createProjectorMetrics, serveMetrics } from './metrics.js';
import { createProjector, DEFAULT_GROUP_ID } from './projector.js';

/**
 * `npm run start:projector`: DATABASE_URL (or the embedded PostgreSQL), migrations, then the projector consuming
 * KAFKA_BROKERS (default 127.0.0.1:19092) as PROJECTOR_GROUP (default reelwire-projector), with /metrics on
 * PROJECTOR_METRICS_PORT (default 9465). PROJECTOR_PARTITIONS_CONCURRENTLY: partitions applied side by side (default 3).
 */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`reelwire projector: ${line}\n`);
  const database = await resolveDatabase(process.env, say);
  await runMigrations(database.url);
  const pool = createPool(database.url, { max: 5, applicationName: 'reelwire-projector' });
  const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? '127.0.0.1:19092');
  const kafka = createKafka({ clientId: 'reelwire-projector', brokers, logLevel: LogLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin);
  let metrics: ReturnType<typeof createProjectorMetrics> | undefined;
  const projector = createProjector({
    kafka,
    pool,
    groupId: process.env.PROJECTOR_GROUP ?? DEFAULT_GROUP_ID,
    ...(process.env.PROJECTOR_PARTITIONS_CONCURRENTLY ? { partitionsConcurrently: Number(process.env.PROJECTOR_PARTITIONS_CONCURRENTLY) } : {}),
    log: say,
    onOutcome: (outcome, message) => {
      metrics?.applied.inc({ outcome: outcome.outcome });
      if (outcome.outcome === 'dead-lettered') {
        metrics?.deadLetters.inc({ projection: PROJECTION_NAME, reason: outcome.reason });
        say(`dead letter (${outcome.reason}) at ${message.topic}/${message.partition}@${message.offset}: ${outcome.error}`);
      }
    },
  });
  metrics = createProjectorMetrics({ admin, pool, schema: projector.schema, groupId: projector.groupId, topics: projector.topics });
  const port = Number(process.env.PROJECTOR_METRICS_PORT ?? 9465);
  const server = await serveMetrics(metrics.registry, port);
  say(`metrics on http://localhost:${port}/metrics; database: ${database.description}; kafka: ${brokers.join(',')}`);
  await projector.start();
  onShutdownSignal(async (signal) => {
    say(`${signal} received, stopping`);
    await projector.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    server.close();
    await pool.end();
    await database.stop();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`reelwire projector: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
