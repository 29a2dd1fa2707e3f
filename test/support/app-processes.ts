/**
 * The admin API, the outbox relay and the projector as processes of their own, built (dist/), against one PostgreSQL
 * and one Kafka, as docker-compose runs them: for the tests that restart or cut what they stand on, or watch what
 * crosses between them.
 */
import { join } from 'node:path';
import { projectRoot } from '../../libs/database/src/project-root.js';
import { APP_NODE_ARGS } from '../../scripts/app-node-args.js';
import { startChild, type RunningChild } from './child-app.js';

export type AppName = 'admin-api' | 'outbox-relay' | 'projector';

export interface AppProcess {
  name: AppName;
  child: RunningChild;
}

/**
 * The environment the three apps share: this process's (without its NODE_OPTIONS, which are jest's), the API on
 * `port`, every metrics server on a free port, and `overrides` last.
 */
export function appsEnvironment(databaseUrl: string, brokers: string, port: number, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  return {
    ...inherited,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    PORT: String(port),
    METRICS_PORT: '0',
    // The tests' writers write faster than a desk under one key: not the limit these tests are about.
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_READS_PER_MINUTE: '1000000',
    RELAY_METRICS_PORT: '0',
    RELAY_POLL_INTERVAL_MS: '100',
    PROJECTOR_METRICS_PORT: '0',
    ...overrides,
  };
}

/**
 * Starts the API first (it applies the migrations, which the relay and the projector then find done), then the relay
 * and the projector side by side, each with `perApp`'s additions to `env`. Each is added to `apps` as it starts, so a
 * test's afterAll stops the ones that did start even when a later one failed to.
 */
export async function startApps(apps: AppProcess[], env: NodeJS.ProcessEnv, perApp: Partial<Record<AppName, NodeJS.ProcessEnv>> = {}): Promise<void> {
  const start = (name: AppName) => {
    const child = startChild(process.execPath, [...APP_NODE_ARGS, join(projectRoot(), `dist/apps/${name}/src/main.js`)], { ...env, ...perApp[name] });
    apps.push({ name, child });
    return child;
  };
  await start('admin-api').waitFor(/admin API listening/, 90_000);
  await Promise.all([start('outbox-relay').waitFor(/relay: active/, 90_000), start('projector').waitFor(/projector consuming/, 90_000)]);
}
