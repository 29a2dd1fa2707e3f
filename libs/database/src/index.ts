export { createPool } from './pool.js';
export { resolveDatabase, redactUrl, DEFAULT_EMBEDDED_PORT } from './database-url.js';
export type { ResolvedDatabase } from './database-url.js';
export { runMigrations, loadMigrations, defaultMigrationsDir } from './migrations.js';
export type { MigrationFile, MigrationReport } from './migrations.js';
export { startEmbeddedPostgres, ensureDatabase } from './embedded-postgres.js';
export type { EmbeddedPostgresHandle } from './embedded-postgres.js';
export { projectRoot } from './project-root.js';
export { onShutdownSignal } from './shutdown.js';
