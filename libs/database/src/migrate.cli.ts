import { resolveDatabase } from './database-url.js';
import { runMigrations } from './migrations.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded default) and exits. */
async function main(): Promise<void> {
  const database = await resolveDatabase(process.env, (line) => console.log(line));
  try {
    const report = await runMigrations(database.url);
    console.log(
      report.applied.length === 0
        ? `migrations: nothing to apply (${report.alreadyApplied} already applied) on ${database.description}`
        : `migrations: applied ${report.applied.join(', ')} on ${database.description}`,
    );
  } finally {
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${(error as Error).message}`);
  process.exit(1);
});
