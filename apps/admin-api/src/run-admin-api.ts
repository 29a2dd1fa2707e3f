import type { Tracing } from '../../../libs/telemetry/src/tracing.js';
import { resolveDatabase } from '../../../libs/database/src/database-url.js';
import { runMigrations } from '../../../libs/database/src/migrations.js';
import { onShutdownSignal } from '../../../libs/database/src/shutdown.js';
import { DEFAULT_METRICS_PORT, loadAppConfig } from './config/app-config.js';
import { createAdminApi } from './create-admin-api.js';
import { serveAdminApiMetrics } from './metrics/metrics-server.js';

/**
 * `npm start`: PostgreSQL (DATABASE_URL or embedded), migrations, then the admin API on HOST:PORT (default
 * 127.0.0.1:3000), and its Prometheus metrics on METRICS_HOST:METRICS_PORT (default 127.0.0.1:9463). The
 * configuration is checked first, so a refused one starts nothing.
 */
export async function runAdminApi(tracing: Tracing): Promise<void> {
  const say = (line: string) => process.stdout.write(`reelwire: ${line}\n`);
  const settings = loadAppConfig(process.env);
  const database = await resolveDatabase(process.env, say);
  const migrations = await runMigrations(database.url);
  say(migrations.applied.length ? `migrations applied: ${migrations.applied.join(', ')}` : `migrations: up to date (${migrations.alreadyApplied})`);
  const config = { ...settings, databaseUrl: database.url };
  const app = await createAdminApi(config);
  const listenHost = config.host ?? '127.0.0.1';
  await app.listen(config.port, listenHost);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // A wildcard address is reached on this machine through loopback; any other is printed as it is.
  const host = ['127.0.0.1', '0.0.0.0', '::'].includes(listenHost) ? 'localhost' : listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  const base = `http://${host}:${port}`;
  const metricsServer = await serveAdminApiMetrics(app, config.metricsPort ?? DEFAULT_METRICS_PORT, config.metricsHost ?? '127.0.0.1');
  const metricsAddress = metricsServer.address();
  const metricsPort = typeof metricsAddress === 'object' && metricsAddress ? metricsAddress.port : config.metricsPort;
  const metricsHost = config.metricsHost === undefined || ['127.0.0.1', '0.0.0.0', '::'].includes(config.metricsHost) ? 'localhost' : config.metricsHost;
  // One write, so whoever watches for the "listening" line sees the whole block with it.
  const lines = [
    `admin API listening on ${base}`,
    `  API docs (Swagger UI): ${base}/docs   OpenAPI JSON: ${base}/docs-json`,
    `  project timeline page: ${base}/timeline`,
    `  health: ${base}/health   metrics (own port): http://${metricsHost}:${metricsPort}/metrics`,
    // Under `npm start` the launcher owns PostgreSQL and Kafka and says what they are.
    `  database: ${process.env.REELWIRE_DATABASE_DESCRIPTION ?? database.description}`,
    ...(process.env.REELWIRE_KAFKA_DESCRIPTION ? [`  kafka: ${process.env.REELWIRE_KAFKA_DESCRIPTION}`] : []),
    ...(config.usingDevKeys ? [`  dev API keys (set REELWIRE_API_KEYS to replace them): ${config.apiKeys.map((k) => `${k.role}=${k.key}`).join('  ')}`] : []),
    ...(config.usingDevKeyEncryptionKey ? ['  confidential sources sealed with the public development key (set REELWIRE_KEY_ENCRYPTION_KEY to replace it)'] : []),
    ...(config.keyEncryptionKey ? [] : ['  confidential sources and personal data: off (REELWIRE_KEY_ENCRYPTION_KEY is not set); such writes are refused']),
  ];
  say(lines.join('\nreelwire: '));
  onShutdownSignal(async (signal) => {
    say(`${signal} received, shutting down`);
    await new Promise((resolve) => metricsServer.close(resolve));
    await app.close();
    await database.stop();
    await tracing.shutdown().catch(() => undefined);
  });
}

