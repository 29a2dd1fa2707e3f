import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type RunningChild } from './support/child-app.js';
import { freePort } from './support/free-port.js';

/**
 * The newcomer's path: `npm start` with nothing configured → embedded PostgreSQL, migrations, the admin API.
 * DATABASE_URL is removed on purpose so the embedded default is exercised even on CI (which sets it for other tests).
 */
describe('npm start (embedded PostgreSQL default)', () => {
  let app: RunningChild | undefined;
  afterEach(async () => {
    await app?.stop('SIGINT');
  });

  it('starts on PORT, prints the URLs and dev keys, answers /health, and keeps recorded data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelwire-start-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      REELWIRE_DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    delete env.NODE_OPTIONS;

    app = startChild('npm', ['start'], env);
    await app.waitFor(/admin API listening on (http:\/\/localhost:\d+)/, 120_000);
    const output = app.output();
    expect(output).toContain(`http://localhost:${port}/docs`);
    expect(output).toContain('dev-editor-key');
    expect(output).toMatch(/migrations applied: 0001-/);
    expect(output).toContain(`data in ${join(dataDir, 'postgres')}`);

    const health = await fetch(`http://localhost:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' } } });

    const created = await fetch(`http://localhost:${port}/works`, {
      method: 'POST',
      headers: { Authorization: 'Bearer dev-editor-key', 'Content-Type': 'application/json' },
      body: JSON.stringify(registerWorkBody()),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // Ctrl-C in a terminal signals the whole process group (npm, node, postgres): the API shuts down in order.
    await app.stop('SIGINT');
    expect(app.output()).toContain('SIGINT received, shutting down');

    app = startChild('npm', ['start'], env);
    await app.waitFor(/admin API listening on/, 120_000);
    expect(app.output()).toMatch(/migrations: up to date/);
    const afterRestart = await fetch(`http://localhost:${port}/works/${id}`, { headers: { Authorization: 'Bearer dev-auditor-key' } });
    expect(afterRestart.status).toBe(200);
    expect(JSON.stringify(await afterRestart.json())).toContain('Save the Green Planet!');
  }, 300_000);
});

function registerWorkBody() {
  return {
    kind: 'feature-film',
    originalLanguage: 'ko',
    countries: ['KR'],
    productionYear: 2003,
    titles: [
      { text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
      { text: 'Save the Green Planet!', language: 'en', class: 'translated', primary: false },
    ],
    source: { publisher: 'reelwire smoke test', retrievedAt: '2026-11-25' },
  };
}
