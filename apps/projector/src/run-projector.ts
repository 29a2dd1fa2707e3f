import { trace } from '@opentelemetry/api';
import type { Tracing } from '../../../libs/telemetry/src/tracing.js';
import { createPool } from '../../../libs/database/src/pool.js';
import { resolveDatabase } from '../../../libs/database/src/database-url.js';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { onShutdownSignal } from '../../../libs/database/src/shutdown.js';
import { createKafka, ensureTopics, LogLevel } from '../../../libs/messaging/src/kafka.js';
import { PROJECTION_NAME } from '../../../libs/read-models/src/engine/pg-store.js';
import { serveMetrics } from '../../../libs/metrics/src/serve-metrics.js';
import { createProjectorMetrics } from './metrics.js';
import { createProjector } from './projector.js';
import { loadProjectorConfig } from './projector-config.js';

/**
 * `npm run start:projector`: DATABASE_URL (or the embedded PostgreSQL), migrations, then the projector consuming
 * KAFKA_BROKERS (default 127.0.0.1:19092) as PROJECTOR_GROUP (default reelwire-projector), with /metrics on
 * PROJECTOR_METRICS_PORT (default 9465) of HOST (default 127.0.0.1; 0.0.0.0 in a container). PROJECTOR_PARTITIONS_CONCURRENTLY: partitions applied side by side (default 3).
 * PROJECTOR_RUN_SIZE: messages of a partition applied as one run (createProjector's batchSize, default 200; 1: one
 * message at a time), a whole number from 1 to 10000. Every variable is checked first (docs/configuration.md): a
 * refused value stops the projector before it starts, with a line naming the variable and the allowed values.
 */
/** ` trace_id=… span_id=…` of the apply span a line is written in, when traced. */
function traceIds(): string {
  const span = trace.getActiveSpan()?.spanContext();
  return span && trace.isSpanContextValid(span) ? ` trace_id=${span.traceId} span_id=${span.spanId}` : '';
}

export async function runProjector(tracing: Tracing): Promise<void> {
  const say = (line: string) => process.stdout.write(`reelwire projector: ${line}\n`);
  const config = loadProjectorConfig(process.env);
  const database = await resolveDatabase(process.env, say);
  await runMigrations(database.url);
  const pool = createPool(database.url, { max: 5, applicationName: 'reelwire-projector' });
  const brokers = config.brokers;
  const kafka = createKafka({ clientId: 'reelwire-projector', brokers, logLevel: LogLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, config.topics);
  let metrics: ReturnType<typeof createProjectorMetrics> | undefined;
  const projector = createProjector({
    kafka,
    pool,
    groupId: config.groupId,
    ...(config.partitionsConcurrently !== undefined ? { partitionsConcurrently: config.partitionsConcurrently } : {}),
    ...(config.runSize !== undefined ? { batchSize: config.runSize } : {}),
    log: say,
    onOutcome: (outcome, message) => {
      metrics?.applied.inc({ outcome: outcome.outcome });
      if (outcome.outcome === 'dead-lettered') {
        metrics?.deadLetters.inc({ projection: PROJECTION_NAME, reason: outcome.reason });
        say(`dead letter (${outcome.reason}) at ${message.topic}/${message.partition}@${message.offset}: ${outcome.error}${traceIds()}`);
      }
    },
  });
  metrics = createProjectorMetrics({ admin, pool, schema: projector.schema, groupId: projector.groupId, topics: projector.topics });
  const server = await serveMetrics(metrics.registry, config.metricsPort, config.host, { health: true });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.metricsPort;
  say(`metrics on http://localhost:${port}/metrics; database: ${database.description}; kafka: ${brokers.join(',')}`);
  await projector.start();
  onShutdownSignal(async (signal) => {
    say(`${signal} received, stopping`);
    await projector.stop().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    server.close();
    await pool.end();
    await database.stop();
    await tracing.shutdown().catch(() => undefined);
  });
}

