// Plain ESM JavaScript on purpose: jest loads global setup outside its module system, where TypeScript sources
// cannot be imported. It uses the compiled project in dist/ (`npm test` compiles first).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (path) => {
  const file = join(root, 'dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: compile first (npm test runs "tsc -p tsconfig.json")`);
  return import(file);
};

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Real services for the integration and e2e projects, reached over the network as in production:
 * - PostgreSQL: DATABASE_URL when set (CI uses the machine's server), else an embedded server in a temp folder;
 * - Kafka: KAFKA_BROKERS when set, else the project's dev broker in this process.
 * Test workers inherit process.env, so tests find both through DATABASE_URL and KAFKA_BROKERS.
 */
export default async function globalSetup() {
  const stops = (globalThis.__reelwireTestServices ??= []);
  if (!process.env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await dist('libs/database/src/embedded-postgres.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'reelwire-test-pg-'));
    const handle = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'reelwire_test' });
    process.env.DATABASE_URL = handle.url;
    stops.push(async () => {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
  }
  if (!process.env.KAFKA_BROKERS) {
    const { startDevBroker } = await dist('libs/kafka-dev-broker/src/index.js');
    const broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
    process.env.KAFKA_BROKERS = broker.brokers;
    stops.push(() => broker.stop());
  }
}
