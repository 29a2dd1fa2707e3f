import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDS } from '../scripts/seed/brief-facts.js';
import { startChild, type RunningChild } from './support/child-app.js';
import { freePort } from './support/free-port.js';
import { createTestDatabase } from './support/test-database.js';

/**
 * The newcomer's path: `npm start` with nothing configured → embedded PostgreSQL, the dev Kafka broker, migrations,
 * the admin API, the outbox relay and the projector in one process tree. DATABASE_URL and KAFKA_BROKERS are removed
 * on purpose so the embedded defaults are exercised even on CI (which sets DATABASE_URL for the other tests).
 */
describe('npm start (embedded PostgreSQL and dev Kafka broker)', () => {
  let app: RunningChild | undefined;
  afterEach(async () => {
    await app?.stop('SIGINT');
  });

  it('starts everything, seeds the brief with --seed, shows it in the read models, stops on Ctrl-C and keeps the data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelwire-start-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      REELWIRE_DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      KAFKA_DEV_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      RELAY_METRICS_PORT: String(await freePort()),
      PROJECTOR_METRICS_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.KAFKA_BROKERS;
    delete env.NODE_OPTIONS;
    const base = `http://localhost:${port}`;
    const auditor = { Authorization: 'Bearer dev-auditor-key' };

    app = startChild('npm', ['start', '--', '--seed'], env);
    await app.waitFor(/seed: \d+ facts recorded/, 180_000);
    const output = app.output();
    expect(output).toContain(`admin API listening on ${base}`);
    expect(output).toContain(`${base}/docs`);
    expect(output).toContain(`${base}/timeline`);
    expect(output).toContain('dev-editor-key');
    expect(output).toMatch(/migrations applied: 0001-/);
    expect(output).toContain(`data in ${join(dataDir, 'postgres')}`);
    expect(output).toContain(`data in ${join(dataDir, 'kafka')}`);

    expect((await fetch(`${base}/health`)).status).toBe(200);
    const remake = await eventually(async () => {
      const response = await fetch(`${base}/projects/${IDS.work.saveTheGreenPlanetRemake}`, { headers: auditor });
      return response.status === 200 ? ((await response.json()) as { status: string; developmentStart: { date: string } }) : undefined;
    });
    expect(remake).toMatchObject({ status: 'in-development', developmentStart: { date: '2018' } });

    // Ctrl-C signals the whole process group; the launcher stops the apps, then Kafka and PostgreSQL, in order.
    app.signal('SIGINT');
    await app.waitFor(/reelwire: stopped\n/, 60_000, { evenAfterExit: true });
    expect(app.output()).not.toMatch(/restarting in/);

    app = startChild('npm', ['start', '--', '--seed'], env);
    await app.waitFor(/seed: demo data already present/, 180_000);
    expect(app.output()).toMatch(/migrations: up to date/);
    const created = await fetch(`${base}/works`, {
      method: 'POST',
      headers: { Authorization: 'Bearer dev-editor-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        titles: [{ text: 'A smoke-test film', language: 'en', class: 'working' }],
        source: { publisher: 'reelwire smoke test' },
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const listed = await eventually(async () => {
      const response = await fetch(`${base}/projects/${id}`, { headers: auditor });
      return response.status === 200 ? ((await response.json()) as { primaryTitle: { text: string } }) : undefined;
    });
    expect(listed.primaryTitle.text).toBe('A smoke-test film');
    const seededBefore = await fetch(`${base}/projects/${IDS.work.sunny}/remake-map`, { headers: auditor });
    expect(seededBefore.status).toBe(200);
  }, 400_000);

  it('with --trace prints the span tree of an editor command: the request, decide, append, the relay publish and the projector apply', async () => {
    const db = await createTestDatabase();
    try {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        REELWIRE_DATA_DIR: mkdtempSync(join(tmpdir(), 'reelwire-start-trace-')),
        KAFKA_DEV_PORT: String(await freePort()),
        METRICS_PORT: String(await freePort()),
        RELAY_METRICS_PORT: String(await freePort()),
        PROJECTOR_METRICS_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
      };
      delete env.KAFKA_BROKERS;
      delete env.NODE_OPTIONS;
      delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
      app = startChild('npm', ['start', '--', '--trace'], env);
      await app.waitFor(/admin API listening/, 180_000);
      expect(app.output()).toMatch(/tracing: each editor command's trace is printed here/);
      await app.waitFor(/\[projector\] .*projector consuming/, 60_000);

      const created = await fetch(`http://localhost:${port}/works`, {
        method: 'POST',
        headers: { Authorization: 'Bearer dev-editor-key', 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: 'A traced film', language: 'en', class: 'working' }], source: { publisher: 'reelwire smoke test' } }),
      });
      expect(created.status).toBe(201);
      await app.waitFor(/reelwire: trace of POST \/works → 201\n/, 60_000);
      const block = app.output().slice(app.output().indexOf('reelwire: trace of POST /works'));
      const lines = block.split('\n');
      expect(lines[1]).toMatch(/^trace [0-9a-f]{32}: \d+ spans, [\d.]+ ms \(\d+ Fastify hook spans not shown\)$/);
      expect(block).not.toMatch(/ onRequest - /);
      // The tree's lines in start order, each with its offset and duration; the steps of the edit among them, in order.
      const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
      const steps = [
        / ms +POST.*\(reelwire-admin-api/,
        / ms +decide {2}\(reelwire-admin-api, command=RegisterWork\)/,
        / ms +append {2}\(reelwire-admin-api/,
        / ms +publish reelwire\.work\.v1 {2}\(reelwire-outbox-relay/,
        / ms +projector apply {2}\(reelwire-projector/,
      ].map(at);
      expect(steps.every((index) => index > 1)).toBe(true);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      // Reads are not commands: no trace is printed for them.
      await fetch(`http://localhost:${port}/works`, { headers: { Authorization: 'Bearer dev-auditor-key' } });
      app.signal('SIGINT');
      await app.waitFor(/reelwire: stopped\n/, 60_000, { evenAfterExit: true });
      expect(app.output()).not.toMatch(/trace of GET/);
    } finally {
      await app?.stop('SIGINT');
      await db.drop();
    }
  }, 400_000);
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not there after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
