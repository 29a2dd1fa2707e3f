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
 * PROJECTOR_METRICS_PORT (default 9465) of HOST (default 127.0.0.1; 0.0.0.0 in a container). PROJECTOR_PARTITIONS_CONCURRENTLY: partitions applied side by side (default 3).
 * PROJECTOR_RUN_SIZE: messages of a partition applied as one run (createProjector's batchSize, default 200; 1: one
 * message at a time), a whole number from 1 to 10000; any other value stops the projector before it starts.
 */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`reelwire projector: ${line}\n`);
  const runSize = runSizeFrom(process.env);
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
    ...(runSize !== undefined ? { batchSize: runSize } : {}),
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
  const server = await serveMetrics(metrics.registry, port, process.env.HOST || '127.0.0.1');
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

/** The largest PROJECTOR_RUN_SIZE: a run is one transaction, and it holds its messages and the rows they read. */
const MAX_RUN_SIZE = 10_000;

/** A configuration mistake: reported as its message alone, not as a crash with a stack. */
class ConfigurationError extends Error {}

/** PROJECTOR_RUN_SIZE (createProjector's batchSize), undefined when unset or empty (the projector's default). */
function runSizeFrom(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.PROJECTOR_RUN_SIZE;
  if (raw === undefined || raw === '') return undefined;
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= MAX_RUN_SIZE)) {
    throw new ConfigurationError(`PROJECTOR_RUN_SIZE must be a whole number from 1 to ${MAX_RUN_SIZE}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`reelwire projector: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`reelwire projector: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
