import type { Tracing } from '../../../libs/telemetry/src/tracing.js';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { resolveDatabase } from '../../../libs/database/src/database-url.js';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { onShutdownSignal } from '../../../libs/database/src/shutdown.js';
import { createPool } from '../../../libs/database/src/pool.js';
import { createKafka, LogLevel } from '../../../libs/messaging/src/kafka.js';
import { serveMetrics } from '../../../libs/metrics/src/serve-metrics.js';
import { OutboxRelay } from './outbox-relay.js';
import { loadRelayConfig } from './relay-config.js';
import { createRelayMetrics } from './relay-metrics.js';

/**
 * `npm run start:relay`: PostgreSQL (DATABASE_URL or the embedded server), migrations, then the outbox relay publishing to
 * KAFKA_BROKERS (default 127.0.0.1:19092, e.g. `npm run kafka:dev`). Prometheus metrics on RELAY_METRICS_PORT (9464)
 * of HOST (default 127.0.0.1: loopback unless told otherwise, e.g. 0.0.0.0 in a container). Every variable is checked
 * first (docs/configuration.md), so a refused one starts nothing.
 */
export async function runOutboxRelay(tracing: Tracing): Promise<void> {
  const config = loadRelayConfig(process.env);
  const logger = pino({ name: 'outbox-relay', level: config.logLevel });
  const database = await resolveDatabase(process.env, (line) => logger.info(line));
  const migrations = await runMigrations(database.url);
  if (migrations.applied.length) logger.info({ applied: migrations.applied }, 'migrations applied');
  const pool = createPool(database.url, { max: 2, applicationName: 'reelwire-outbox-relay' });
  const brokers = config.brokers.join(',');
  const kafkaLog = logger.child({ component: 'kafkajs' });
  const kafka = createKafka({
    brokers,
    clientId: 'reelwire-outbox-relay',
    logLevel: LogLevel.WARN,
    // kafkajs complains loudly about every refused connection; the relay reports failures itself (warn).
    logCreator: () => (entry) => kafkaLog.debug({ kafkaLevel: entry.level, ...entry.log }, entry.log.message),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createRelayMetrics(registry);
  const relay = new OutboxRelay({
    pool,
    kafka,
    topics: config.topics,
    batchSize: config.batchSize,
    pollIntervalMs: config.pollIntervalMs,
    minBatchIntervalMs: config.minBatchIntervalMs,
    lockPollMs: config.lockPollMs,
    maxBackoffMs: config.maxBackoffMs,
    logger,
    metrics,
  });
  const host = config.host;
  const server = await serveMetrics(registry, config.metricsPort, host);
  const address = server.address();
  const metricsPort = typeof address === 'object' && address ? address.port : 0;
  logger.info({ brokers, database: database.description, metricsHost: host, metricsPort, instance: relay.instanceId }, `outbox relay started; metrics on http://127.0.0.1:${metricsPort}/metrics`);
  relay.start();

  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'stopping');
    await relay.stop();
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
    await database.stop();
    await tracing.shutdown().catch(() => undefined);
    logger.info('stopped');
  });
}

