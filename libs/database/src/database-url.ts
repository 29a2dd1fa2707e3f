import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
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
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, description: `external PostgreSQL at ${redactUrl(env.DATABASE_URL)}`, stop: async () => undefined };
  }
  if (!EMBEDDED_ENVIRONMENTS.has(env.NODE_ENV)) {
    throw new Error(`DATABASE_URL must be set when NODE_ENV is "${env.NODE_ENV}": the embedded PostgreSQL is used only when NODE_ENV is unset, "development" or "test"`);
  }
  const dataDir = env.REELWIRE_DATA_DIR ? join(env.REELWIRE_DATA_DIR, 'postgres') : join(projectRoot(), '.data', 'postgres');
  const port = Number(env.EMBEDDED_POSTGRES_PORT ?? DEFAULT_EMBEDDED_PORT);
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
