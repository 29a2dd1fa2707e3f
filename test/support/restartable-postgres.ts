import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDatabase } from '../../libs/database/src/embedded-postgres.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export type ShutdownMode = 'fast' | 'immediate';

export interface RestartablePostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust authentication on loopback). */
  url: string;
  /** `pg_ctl restart -m <mode>`: returns once the new server accepts connections. */
  restart(mode: ShutdownMode): Promise<void>;
  /** `pg_ctl stop -m <mode>`: returns once the server is gone. */
  stop(mode: ShutdownMode): Promise<void>;
  /** `pg_ctl start`: returns once the server accepts connections. */
  start(): Promise<void>;
  /** The server's own log, for a failure message. */
  log(): string;
  /** Stops the server (if running) and deletes its data directory. */
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL server of the test's own, driven with pg_ctl so the test can restart it under the apps' feet: the
 * machine's shared server must not be restarted, and embedded-postgres only starts and stops. The binaries are the
 * embedded-postgres package's. PostgreSQL refuses to run as root, so as root the commands run as the `postgres` user
 * (which embedded-postgres's createPostgresUser makes on machines that lack it; the machine's own server has one).
 */
export async function startRestartablePostgres(database: string): Promise<RestartablePostgres> {
  // The package embedded-postgres picks for this machine (its binary.js does the same).
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string; initdb: string };
  const dataDir = mkdtempSync(join(tmpdir(), 'reelwire-restartable-pg-'));
  const logFile = join(dataDir, 'server.log');
  const pgdata = join(dataDir, 'data');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};
  if (asRoot) chownSync(dataDir, ids.uid!, ids.gid!);
  const port = await freePort();
  const tool = (name: 'pg_ctl' | 'initdb', args: string[]) => run(binaries[name], args, { ...ids, env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 });

  await tool('initdb', ['-D', pgdata, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  // fsync off: the server is stopped and killed, never the machine, so the OS keeps every page it was handed.
  const serverOptions = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=80 -c fsync=off`;
  const start = () => tool('pg_ctl', ['-D', pgdata, '-l', logFile, '-w', '-t', '120', '-o', serverOptions, 'start']).then(() => undefined);
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`, database);

  let running = true;
  return {
    url,
    async restart(mode) {
      await tool('pg_ctl', ['-D', pgdata, '-l', logFile, '-w', '-t', '120', '-m', mode, 'restart']);
      running = true;
    },
    async stop(mode) {
      await tool('pg_ctl', ['-D', pgdata, '-w', '-t', '120', '-m', mode, 'stop']);
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async destroy() {
      if (running) await tool('pg_ctl', ['-D', pgdata, '-w', '-t', '60', '-m', 'immediate', 'stop']).catch(() => undefined);
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
