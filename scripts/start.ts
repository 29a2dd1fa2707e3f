import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { resolveDatabase } from '../libs/database/src/database-url.js';
import { runMigrations } from '../libs/database/src/migrations.js';
import { projectRoot } from '../libs/database/src/project-root.js';
import { onShutdownSignal } from '../libs/database/src/shutdown.js';
import { startDevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { loadAppConfig } from '../apps/admin-api/src/config/app-config.js';
import { loadRelayConfig } from '../apps/outbox-relay/src/relay-config.js';
import { loadProjectorConfig } from '../apps/projector/src/projector-config.js';
import { exitWithStartError, given, port } from '../libs/config/src/env.js';
import { commandTraces } from '../libs/telemetry/src/command-traces.js';
import { startOtlpReceiver } from '../libs/telemetry/src/otlp-receiver.js';
import { tracingEndpoint } from '../libs/telemetry/src/tracing.js';
import { APP_NODE_ARGS } from './app-node-args.js';

/**
 * `npm start`: the whole of reelwire in one process tree with one Ctrl-C — PostgreSQL (embedded unless DATABASE_URL),
 * Kafka (the dev broker unless KAFKA_BROKERS), migrations, then the admin API, the outbox relay and the projector as
 * child processes, exactly as docker-compose runs them. A child that crashes is restarted; nothing acknowledged is
 * lost because every app resumes from Postgres.
 */

interface AppSpec {
  name: string;
  entry: string;
  env?: NodeJS.ProcessEnv;
}

const say = (line: string) => process.stdout.write(`reelwire: ${line}\n`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const root = projectRoot();
  const dataRoot = given(process.env, 'REELWIRE_DATA_DIR') ?? join(root, '.data');
  const devBrokerPort = port(process.env, 'KAFKA_DEV_PORT', 19092, { allowAnyFree: true });
  // The apps check their own variables too, but a child refused at start would be restarted again and again.
  loadAppConfig(process.env);
  loadRelayConfig(process.env);
  loadProjectorConfig(process.env);
  tracingEndpoint(process.env);

  const database = await resolveDatabase(process.env, say);
  const migrations = await runMigrations(database.url);
  say(migrations.applied.length ? `migrations applied: ${migrations.applied.join(', ')}` : `migrations: up to date (${migrations.alreadyApplied})`);

  let stopBroker = async () => undefined as void;
  let brokers = given(process.env, 'KAFKA_BROKERS');
  let brokerDescription = `external Kafka at ${brokers}`;
  if (!brokers) {
    const dataDir = join(dataRoot, 'kafka');
    const broker = await startDevBroker({ port: devBrokerPort, dataDir, logger: { warn: say, error: say } });
    brokers = broker.brokers;
    brokerDescription = `dev Kafka broker on ${brokers}, data in ${dataDir}`;
    stopBroker = () => broker.stop();
  }

  // The apps' JSON logs are for log collectors; on a terminal the banner is what matters (LOG_LEVEL=info shows them).
  const shared: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn', ...process.env, DATABASE_URL: database.url, KAFKA_BROKERS: brokers };

  // --trace: the apps export their spans to a receiver in this process, which prints each editor command's trace.
  let stopTracing = async () => undefined as void;
  if (args.includes('--trace')) {
    if (tracingEndpoint(process.env)) say(`--trace: the apps' spans come here instead of OTEL_EXPORTER_OTLP_ENDPOINT (${tracingEndpoint(process.env)})`);
    const receiver = await startOtlpReceiver({ retain: false });
    const traces = commandTraces((title, summary) => say(`trace of ${title}\n${summary}`));
    receiver.onSpans((spans) => traces.add(spans));
    Object.assign(shared, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: given(process.env, 'OTEL_BSP_SCHEDULE_DELAY') ?? '200' });
    say(`tracing: each editor command's trace is printed here once its spans are in (OTLP receiver on ${receiver.endpoint})`);
    stopTracing = async () => {
      traces.stop();
      await receiver.close();
    };
  }
  const apps: AppSpec[] = [
    { name: 'admin-api', entry: 'dist/apps/admin-api/src/main.js', env: { REELWIRE_DATABASE_DESCRIPTION: database.description, REELWIRE_KAFKA_DESCRIPTION: brokerDescription } },
    { name: 'relay', entry: 'dist/apps/outbox-relay/src/main.js' },
    { name: 'projector', entry: 'dist/apps/projector/src/main.js' },
  ];
  if (args.includes('--seed')) apps.push({ name: 'seed', entry: 'dist/scripts/seed.js', env: { REELWIRE_SEED_ONLY_IF_EMPTY: 'true', REELWIRE_SEED_WAIT: 'true' } });

  const supervisor = new Supervisor(root, shared);
  for (const app of apps) supervisor.start(app);
  say(`data: ${database.description}; ${brokerDescription}`);

  onShutdownSignal(async (signal) => {
    say(`${signal} received: stopping the apps, then Kafka and PostgreSQL`);
    await supervisor.stopAll();
    await stopTracing();
    await stopBroker();
    await database.stop();
    say('stopped');
  });
}

/** Runs the apps as children, prefixes their output, restarts a crashed one with backoff, stops them all on request. */
class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(app: AppSpec, attempt = 0): void {
    const child = spawn(process.execPath, [...APP_NODE_ARGS, join(this.root, app.entry)], { cwd: this.root, env: { ...this.env, ...app.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.set(app.name, child);
    const relay = (stream: NodeJS.WritableStream) => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        // The admin API's banner already reads "reelwire: …"; other apps' lines get their name.
        for (const line of lines) stream.write(line.startsWith('reelwire:') ? `${line}\n` : `[${app.name}] ${line}\n`);
      };
    };
    child.stdout?.on('data', relay(process.stdout));
    child.stderr?.on('data', relay(process.stderr));
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      this.children.delete(app.name);
      if (this.stopping) return;
      if (app.name === 'seed') {
        say(code === 0 ? 'seed finished' : `seed failed (exit ${code ?? signal})`);
        return;
      }
      // A crash loop backs off; a long-lived child that dies restarts quickly.
      const next = Date.now() - startedAt > 30_000 ? 0 : attempt + 1;
      const delay = Math.min(30_000, 500 * 2 ** next);
      say(`${app.name} exited (${code ?? signal}); restarting in ${delay} ms`);
      setTimeout(() => !this.stopping && this.start(app, next), delay).unref();
    });
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}

main().catch((error: unknown) => exitWithStartError('reelwire', error));
