import { createHash } from 'node:crypto';
import { ConfigurationError, given, listenHost, logLevel, port, secretKey, wholeNumber } from '../../../../libs/config/src/env.js';

/**
 * `reader` reads what the desk publishes — current state, read models, history — but not what is sealed: a
 * confidential source shows as "confidential source" with its publisher-level facts, personal data as its label.
 */
export type Role = 'editor' | 'auditor' | 'admin' | 'reader';
export const ROLES: readonly Role[] = ['editor', 'auditor', 'admin', 'reader'];

/** The roles that read confidential sources and personal data opened (everyone else sees the label). */
export const ROLES_READING_SEALED: readonly Role[] = ['editor', 'auditor', 'admin'];

export interface ApiKeyConfig {
  /** Who the key belongs to; recorded as the actor of every event written with it. */
  principal: string;
  role: Role;
  key: string;
}

export interface AppConfig {
  port: number;
  /** The address the API listens on (HOST, default 127.0.0.1: loopback unless told otherwise, e.g. 0.0.0.0 in a container). */
  host?: string;
  databaseUrl: string;
  apiKeys: ApiKeyConfig[];
  logLevel: string;
  /** True when the dev keys below are in use, so start-up can say so loudly. */
  usingDevKeys: boolean;
  /** Streams whose folded state the command path keeps (STREAM_STATE_CACHE_SIZE; 0 turns the cache off). */
  streamStateCacheSize?: number;
  /** Writes in flight beyond which a write is answered 503 at once (COMMANDS_IN_FLIGHT_LIMIT). */
  commandsInFlightLimit?: number;
  /** How long and how many clients may hold the server; any left out take the defaults below. */
  httpLimits?: Partial<HttpLimits>;
  /** Strict-Transport-Security on every answer: only for NODE_ENV=production, where TLS ends in front of the API. */
  strictTransportSecurity?: boolean;
  /** Requests one key (or one address without a key) may make a minute; any left out take the defaults below. */
  rateLimits?: Partial<RateLimits>;
  /** Where main.ts serves /metrics: its own port (METRICS_PORT, 0 = any free port), not the API's. */
  metricsPort?: number;
  /** The address of the metrics port (METRICS_HOST, default 127.0.0.1 whatever HOST is). */
  metricsHost?: string;
  /**
   * Wraps the data keys of confidential sources and personal data (REELWIRE_KEY_ENCRYPTION_KEY, 32 bytes). Without
   * it, writes that would seal something are refused (422) and sealed details are shown as their label.
   */
  keyEncryptionKey?: Buffer;
  /** True when the public development key-encryption key is in use (development only). */
  usingDevKeyEncryptionKey?: boolean;
}

/**
 * Per API key (by its principal), or per client address for requests without a valid key: writes and reads are
 * counted apart, each in a window of a minute (@fastify/rate-limit's fixed window); beyond its count a request is
 * answered 429 with Retry-After until the window ends.
 */
export interface RateLimits {
  /** POST, PATCH, PUT, DELETE a minute (RATE_LIMIT_WRITES_PER_MINUTE). */
  writesPerMinute: number;
  /** GET, HEAD, OPTIONS a minute (RATE_LIMIT_READS_PER_MINUTE). */
  readsPerMinute: number;
}

/**
 * Sized for people at a desk and the page they keep open: an editor records a fact in seconds, not several a second,
 * and a page polls a few reads a second at most. A script that imports or a benchmark under one key sets more.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { writesPerMinute: 600, readsPerMinute: 3000 };

/** The port of the admin API's own /metrics listener when METRICS_PORT is not set (the relay's is 9464, the projector's 9465). */
export const DEFAULT_METRICS_PORT = 9463;

/**
 * What a slow or greedy client may hold. Node checks the header and body deadlines together for requests still being
 * received (HTTP_HEADERS_TIMEOUT_MS ≤ HTTP_BODY_TIMEOUT_MS); a request past either is answered 408 and its connection
 * closed, so a client that announces more body than it sends cannot keep a connection or a write slot.
 */
export interface HttpLimits {
  /** From the connection's first byte to the end of the request headers (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** From the first byte to the last byte of the body: the whole request (HTTP_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed, whatever it waits for (HTTP_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  /** An idle kept-alive connection between requests is closed after this (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive (HTTP_MAX_CONNECTIONS). */
  maxConnections: number;
}

/**
 * A 100 KiB body reaches the deadline only below roughly 30 kbit/s; keep-alive outlasts the 60 s idle timeout common
 * to load balancers, so the balancer, not the API, closes an idle connection (a close racing a new request is a 502).
 */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 72_000,
  maxConnections: 1024,
};

/** The NODE_ENV values under which the public dev keys may stand in for REELWIRE_API_KEYS. */
const DEV_KEY_ENVIRONMENTS = new Set([undefined, '', 'development', 'test']);

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
 * Development only, like the dev API keys: anyone can derive it, so what it seals is sealed against nobody. Any other
 * NODE_ENV without REELWIRE_KEY_ENCRYPTION_KEY seals nothing and refuses confidential writes.
 */
export const DEV_KEY_ENCRYPTION_KEY = createHash('sha256').update('reelwire development key-encryption key').digest();

/**
 * Development keys, documented in the README. Used only when REELWIRE_API_KEYS is not set and NODE_ENV is unset,
 * `development` or `test`: any other NODE_ENV (`production`, `Production`, `prod`, `staging`…) without configured keys
 * is refused, so a misspelt environment never runs on public keys.
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
      if (!principal || !role || !key) throw new ConfigurationError(`REELWIRE_API_KEYS entry must be principal:role:key (got an entry for "${principal ?? ''}")`);
      if (!ROLES.includes(role as Role)) throw new ConfigurationError(`REELWIRE_API_KEYS: role "${role}" of ${principal} must be one of ${ROLES.join(', ')}`);
      if (key.length < 12) throw new ConfigurationError(`REELWIRE_API_KEYS: the key of ${principal} is shorter than 12 characters`);
      return { principal, role: role as Role, key };
    });
  if (keys.length === 0) throw new ConfigurationError('REELWIRE_API_KEYS is set but lists no keys');
  return keys;
}

/**
 * Everything but the database, which main.ts resolves after the configuration was found valid. Throws a
 * ConfigurationError naming the first variable whose value is not allowed (docs/configuration.md lists them all).
 */
export function loadAppConfig(env: NodeJS.ProcessEnv): Omit<AppConfig, 'databaseUrl'> {
  const listenPort = port(env, 'PORT', 3000, { allowAnyFree: true });
  const host = listenHost(env, 'HOST');
  let apiKeys: ApiKeyConfig[];
  let usingDevKeys = false;
  const configuredKeys = given(env, 'REELWIRE_API_KEYS');
  if (configuredKeys) {
    apiKeys = parseApiKeys(configuredKeys);
  } else if (!DEV_KEY_ENVIRONMENTS.has(env.NODE_ENV)) {
    throw new ConfigurationError(
      `REELWIRE_API_KEYS must be set when NODE_ENV is "${env.NODE_ENV}": the public dev keys are used only when NODE_ENV is unset, "development" or "test"`,
    );
  } else {
    apiKeys = DEV_API_KEYS;
    usingDevKeys = true;
  }
  const streamStateCacheSize = wholeNumber(env, 'STREAM_STATE_CACHE_SIZE', DEFAULT_STREAM_STATE_CACHE_SIZE, { min: 0 });
  const commandsInFlightLimit = wholeNumber(env, 'COMMANDS_IN_FLIGHT_LIMIT', DEFAULT_COMMANDS_IN_FLIGHT_LIMIT, { min: 1 });
  const atLeastOne = { min: 1 };
  const httpLimits = resolveHttpLimits({
    headersTimeoutMs: wholeNumber(env, 'HTTP_HEADERS_TIMEOUT_MS', undefined, atLeastOne),
    bodyTimeoutMs: wholeNumber(env, 'HTTP_BODY_TIMEOUT_MS', undefined, atLeastOne),
    idleTimeoutMs: wholeNumber(env, 'HTTP_IDLE_TIMEOUT_MS', undefined, atLeastOne),
    keepAliveTimeoutMs: wholeNumber(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', undefined, atLeastOne),
    maxConnections: wholeNumber(env, 'HTTP_MAX_CONNECTIONS', undefined, atLeastOne),
  });
  const metricsPort = port(env, 'METRICS_PORT', DEFAULT_METRICS_PORT, { allowAnyFree: true });
  const configuredKek = secretKey(env, 'REELWIRE_KEY_ENCRYPTION_KEY', 32);
  const usingDevKeyEncryptionKey = !configuredKek && DEV_KEY_ENVIRONMENTS.has(env.NODE_ENV);
  return {
    port: listenPort,
    host,
    apiKeys,
    logLevel: logLevel(env),
    usingDevKeys,
    streamStateCacheSize,
    commandsInFlightLimit,
    httpLimits,
    strictTransportSecurity: env.NODE_ENV === 'production',
    rateLimits: resolveRateLimits({
      writesPerMinute: wholeNumber(env, 'RATE_LIMIT_WRITES_PER_MINUTE', undefined, atLeastOne),
      readsPerMinute: wholeNumber(env, 'RATE_LIMIT_READS_PER_MINUTE', undefined, atLeastOne),
    }),
    metricsPort,
    metricsHost: metricsHost(env),
    keyEncryptionKey: configuredKek ?? (usingDevKeyEncryptionKey ? DEV_KEY_ENCRYPTION_KEY : undefined),
    usingDevKeyEncryptionKey,
  };
}

/** The limits with the defaults filled in; refuses a header deadline beyond the whole request's. */
export function resolveHttpLimits(given: Partial<HttpLimits> = {}): HttpLimits {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...defined };
  if (limits.headersTimeoutMs > limits.bodyTimeoutMs) {
    throw new ConfigurationError(`HTTP_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed HTTP_BODY_TIMEOUT_MS (${limits.bodyTimeoutMs}): the body deadline covers the headers too`);
  }
  return limits;
}

/** The rate limits with the defaults filled in. */
export function resolveRateLimits(given: Partial<RateLimits> = {}): RateLimits {
  const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_RATE_LIMITS, ...defined };
}


/**
 * Where the metrics port listens: METRICS_HOST, loopback unless told otherwise — not HOST, so a container that opens
 * the API to its network does not open the metrics with it.
 */
function metricsHost(env: NodeJS.ProcessEnv): string {
  return listenHost(env, 'METRICS_HOST');
}
