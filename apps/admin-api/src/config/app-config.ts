export type Role = 'editor' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['editor', 'auditor', 'admin'];

export interface ApiKeyConfig {
  /** Who the key belongs to; recorded as the actor of every event written with it. */
  principal: string;
  role: Role;
  key: string;
}

export interface AppConfig {
  port: number;
  databaseUrl: string;
  apiKeys: ApiKeyConfig[];
  logLevel: string;
  /** True when the dev keys below are in use, so start-up can say so loudly. */
  usingDevKeys: boolean;
  /** Streams whose folded state the command path keeps (STREAM_STATE_CACHE_SIZE; 0 turns the cache off). */
  streamStateCacheSize?: number;
  /** Writes in flight beyond which a write is answered 503 at once (COMMANDS_IN_FLIGHT_LIMIT). */
  commandsInFlightLimit?: number;
}

/**
 * A work's folded state measured 2 KB on the heap when registered, 12 KB with 20 milestones and 27 KB with 50, so
 * 1024 states cost about 2–28 MB of the 300 MB the app may use, and ≈60 MB on works of 110 edits (the benchmark's
 * longest). That is more than the works a desk edits at once; a miss costs only the stream read every command made
 * before the cache existed.
 */
export const DEFAULT_STREAM_STATE_CACHE_SIZE = 1024;

/**
 * Alone against PostgreSQL on a 2-core machine the API committed 500–900 edits/s, so 256 waiting edits are already a
 * few tenths of a second of queue: more admitted work would only lengthen the wait and the heap, never the throughput.
 */
export const DEFAULT_COMMANDS_IN_FLIGHT_LIMIT = 256;

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Development keys, documented in the README. Used only when REELWIRE_API_KEYS is not set and NODE_ENV is not
 * 'production' — a production start without configured keys is refused.
 */
export const DEV_API_KEYS: ApiKeyConfig[] = [
  { principal: 'dev-editor', role: 'editor', key: 'dev-editor-key' },
  { principal: 'dev-auditor', role: 'auditor', key: 'dev-auditor-key' },
  { principal: 'dev-admin', role: 'admin', key: 'dev-admin-key' },
];

/**
 * REELWIRE_API_KEYS: comma-separated `principal:role:key` entries, e.g.
 * `desk-anna:editor:6f1c…,audit-team:auditor:93ab…`. Keys must be at least 12 characters.
 */
export function parseApiKeys(value: string): ApiKeyConfig[] {
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [principal, role, ...rest] = entry.split(':');
      const key = rest.join(':');
      if (!principal || !role || !key) throw new Error(`REELWIRE_API_KEYS entry must be principal:role:key (got an entry for "${principal ?? ''}")`);
      if (!ROLES.includes(role as Role)) throw new Error(`REELWIRE_API_KEYS: role "${role}" of ${principal} must be one of ${ROLES.join(', ')}`);
      if (key.length < 12) throw new Error(`REELWIRE_API_KEYS: the key of ${principal} is shorter than 12 characters`);
      return { principal, role: role as Role, key };
    });
  if (keys.length === 0) throw new Error('REELWIRE_API_KEYS is set but lists no keys');
  return keys;
}

export function loadAppConfig(env: NodeJS.ProcessEnv, databaseUrl: string): AppConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  let apiKeys: ApiKeyConfig[];
  let usingDevKeys = false;
  if (env.REELWIRE_API_KEYS) {
    apiKeys = parseApiKeys(env.REELWIRE_API_KEYS);
  } else if (env.NODE_ENV === 'production') {
    throw new Error('REELWIRE_API_KEYS must be set in production (the dev keys are public)');
  } else {
    apiKeys = DEV_API_KEYS;
    usingDevKeys = true;
  }
  const streamStateCacheSize = Number(env.STREAM_STATE_CACHE_SIZE ?? DEFAULT_STREAM_STATE_CACHE_SIZE);
  if (!Number.isInteger(streamStateCacheSize) || streamStateCacheSize < 0) {
    throw new Error(`STREAM_STATE_CACHE_SIZE must be a whole number ≥ 0, got "${env.STREAM_STATE_CACHE_SIZE}"`);
  }
  const commandsInFlightLimit = Number(env.COMMANDS_IN_FLIGHT_LIMIT ?? DEFAULT_COMMANDS_IN_FLIGHT_LIMIT);
  if (!Number.isInteger(commandsInFlightLimit) || commandsInFlightLimit < 1) {
    throw new Error(`COMMANDS_IN_FLIGHT_LIMIT must be a whole number ≥ 1, got "${env.COMMANDS_IN_FLIGHT_LIMIT}"`);
  }
  return { port, databaseUrl, apiKeys, logLevel: env.LOG_LEVEL ?? 'info', usingDevKeys, streamStateCacheSize, commandsInFlightLimit };
}
