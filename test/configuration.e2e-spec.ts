import { spawnSync } from 'node:child_process';

/**
 * docs/configuration.md promises that each app refuses a bad variable before it starts anything, with one line naming
 * the variable and the allowed values. The database given is unreachable on purpose: a check that ran after connecting
 * would hang or fail differently.
 */
const UNREACHABLE_DATABASE = 'postgres://nobody@127.0.0.1:1/none';

function start(main: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, DATABASE_URL: UNREACHABLE_DATABASE, ...env } });
}

describe('an app started with a variable outside its allowed values', () => {
  it.each([
    ['admin API', 'COMMANDS_IN_FLIGHT_LIMIT', 'dist/apps/admin-api/src/main.js', { COMMANDS_IN_FLIGHT_LIMIT: 'unlimited' }, 'reelwire: COMMANDS_IN_FLIGHT_LIMIT must be a whole number ≥ 1, got "unlimited"'],
    ['outbox relay', 'RELAY_BATCH_SIZE', 'dist/apps/outbox-relay/src/main.js', { RELAY_BATCH_SIZE: '0' }, 'outbox-relay: RELAY_BATCH_SIZE must be a whole number ≥ 1, got "0"'],
    ['projector', 'PROJECTOR_PARTITIONS_CONCURRENTLY', 'dist/apps/projector/src/main.js', { PROJECTOR_PARTITIONS_CONCURRENTLY: 'all' }, 'reelwire projector: PROJECTOR_PARTITIONS_CONCURRENTLY must be a whole number ≥ 1, got "all"'],
    ['projector', 'KAFKA_BROKERS', 'dist/apps/projector/src/main.js', { KAFKA_BROKERS: 'PLAINTEXT://kafka-1:9092' }, 'reelwire projector: KAFKA_BROKERS must be comma-separated host:port entries'],
    ['npm start', 'RELAY_METRICS_PORT', 'dist/scripts/start.js', { RELAY_METRICS_PORT: '99999' }, 'reelwire: RELAY_METRICS_PORT must be a TCP port from 0 to 65535 (0: any free port), got "99999"'],
  ])('the %s given a bad %s exits 1 with one line naming it', (_app, _variable, main, env, line) => {
    const result = start(main, env);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(line)]);
    expect(result.stdout).toBe('');
  });
});
