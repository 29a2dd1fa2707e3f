import { join } from 'node:path';
import { projectRoot } from '../../../../libs/database/src/project-root.js';
import { startChild, type RunningChild } from '../../../../test/support/child-app.js';

export interface RelayProcess extends RunningChild {
  /** The relay's instance id (its lock session's application_name is `reelwire-outbox-relay:<id>`), once it logged it. */
  instance(): Promise<string>;
  batches(): number;
}

/** `node dist/apps/outbox-relay/src/main.js` (compiled first), as `npm run start:relay` runs it, with test timings. */
export function spawnRelay(databaseUrl: string, brokers: string, env: NodeJS.ProcessEnv = {}): RelayProcess {
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  const child = startChild(process.execPath, [join(projectRoot(), 'dist/apps/outbox-relay/src/main.js')], {
    ...inherited,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PARTITIONS: '3',
    RELAY_METRICS_PORT: '0',
    RELAY_BATCH_SIZE: '50',
    RELAY_POLL_INTERVAL_MS: '100',
    RELAY_LOCK_POLL_MS: '100',
    RELAY_MAX_BACKOFF_MS: '500',
    LOG_LEVEL: 'debug',
    ...env,
  });
  return {
    ...child,
    async instance() {
      const match = await child.waitFor(/"instance":"([^"]+)"/, 20_000);
      return match[1]!;
    },
    batches: () => child.output().match(/relay: batch published/g)?.length ?? 0,
  };
}
