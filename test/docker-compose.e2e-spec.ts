import { spawnSync } from 'node:child_process';
import { describeWithTool } from './support/external-tool.js';

// No Docker engine runs on the build machines; Debian's docker-compose (v1) still parses and validates the file.
describeWithTool('docker-compose', 'apt-get install -y docker-compose', 'docker-compose.yml', () => {
  const config = (env: NodeJS.ProcessEnv) =>
    spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { encoding: 'utf8', env: { ...process.env, ...env } });

  it('is a valid compose file with PostgreSQL, a KRaft Kafka, and the admin API, outbox relay and projector wired to both', () => {
    const result = config({ REELWIRE_API_KEYS: 'ops:admin:0123456789abcdef' });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/image: apache\/kafka:/);
    expect(result.stdout).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(result.stdout).toMatch(/image: postgres:/);
    expect(result.stdout).toMatch(/DATABASE_URL: postgres:\/\/reelwire:reelwire@postgres:5432\/reelwire/);
    expect(result.stdout).toMatch(/KAFKA_BROKERS: kafka:9092/);
    for (const app of ['admin-api', 'outbox-relay', 'projector']) expect(result.stdout).toContain(`dist/apps/${app}/src/main.js`);
  });

  it('restarts every app that stops (unless someone stopped it)', () => {
    const result = config({ REELWIRE_API_KEYS: 'ops:admin:0123456789abcdef' });
    expect(result.status).toBe(0);
    const services = result.stdout.split(/\n(?=  [a-z][a-z-]*:\n)/);
    for (const app of ['admin-api', 'outbox-relay', 'projector']) {
      const service = services.find((block) => block.startsWith(`  ${app}:\n`));
      expect(service).toBeDefined();
      expect(service).toMatch(/\n    restart: unless-stopped(\n|$)/);
    }
  });

  it('refuses to render without API keys, so production never runs on the public dev keys', () => {
    const env = { ...process.env };
    delete env.REELWIRE_API_KEYS;
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { encoding: 'utf8', env });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/REELWIRE_API_KEYS/);
  });
});
