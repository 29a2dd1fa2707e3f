import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ConfigurationError, given, port } from '../../config/src/env.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { clientSurvivingConnectionLoss } from './pool.js';
import { projectRoot } from './project-root.js';

export interface ResolvedDatabase {
  url: string;
  /** 'external' when DATABASE_URL was given, else where the embedded server keeps its data. */
  description: string;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_PORT = 54329;

/** Hides the password when a URL is printed or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** The NODE_ENV values under which a missing DATABASE_URL means the embedded development server. */
const EMBEDDED_ENVIRONMENTS = new Set([undefined, '', 'development', 'test']);

/**
 * DATABASE_URL when set (production, CI, your own Postgres); otherwise an embedded real PostgreSQL whose data lives
 * in `.data/postgres` (git-ignored) and survives restarts. If another reelwire process on this machine already runs
 * the embedded server, this one connects to it instead of starting a second. The embedded server is a development
 * default: under any other NODE_ENV (`production`, `prod`…) a missing DATABASE_URL is refused rather than answered
 * with a local database whose password is public and whose data lives in the app's container.
 */
export async function resolveDatabase(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = () => undefined): Promise<ResolvedDatabase> {
  const databaseUrl = given(env, 'DATABASE_URL');
  if (databaseUrl) {
    if (!isPostgresUrl(databaseUrl)) {
      throw new ConfigurationError(`DATABASE_URL must be a postgres://, postgresql:// or socket: URL, e.g. postgres://user:password@host:5432/reelwire, got ${JSON.stringify(redactUrl(databaseUrl))}`);
    }
    return { url: databaseUrl, description: `external PostgreSQL at ${redactUrl(databaseUrl)}`, stop: async () => undefined };
  }
  if (!EMBEDDED_ENVIRONMENTS.has(env.NODE_ENV)) {
    throw new ConfigurationError(`DATABASE_URL must be set when NODE_ENV is "${env.NODE_ENV}": the embedded PostgreSQL is used only when NODE_ENV is unset, "development" or "test"`);
  }
  const port = embeddedPostgresPort(env);
  const dataRoot = given(env, 'REELWIRE_DATA_DIR');
  const dataDir = dataRoot ? join(dataRoot, 'postgres') : join(projectRoot(), '.data', 'postgres');
  const database = 'reelwire';
  const url = `postgres://postgres:reelwire@127.0.0.1:${port}/${database}`;
  if (existsSync(join(dataDir, 'postmaster.pid')) && (await canConnect(url))) {
    log(`using the embedded PostgreSQL already running on port ${port}`);
    return { url, description: `embedded PostgreSQL (shared), data in ${dataDir}`, stop: async () => undefined };
  }
  log(`starting embedded PostgreSQL on port ${port}, data in ${dataDir}`);
  const handle = await startEmbeddedPostgres({ dataDir, port, database });
  return { url: handle.url, description: `embedded PostgreSQL on port ${port}, data in ${dataDir}`, stop: handle.stop };
}

/** EMBEDDED_POSTGRES_PORT: where the embedded development server listens (default 54329). */
export function embeddedPostgresPort(env: NodeJS.ProcessEnv): number {
  return port(env, 'EMBEDDED_POSTGRES_PORT', DEFAULT_EMBEDDED_PORT);
}

function isPostgresUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return ['postgres:', 'postgresql:', 'socket:'].includes(parsed.protocol);
  } catch {
    return false;
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = clientSurvivingConnectionLoss(new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 }));
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
