import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

// The scaled-out topology of docs/operations.md; like docker-compose.yml it is validated here, never started.
describeWithTool('docker-compose', 'apt-get install -y docker-compose', 'docker-compose.cluster.yml', () => {
  const render = (env: NodeJS.ProcessEnv) =>
    spawnSync('docker-compose', ['-f', 'docker-compose.cluster.yml', 'config'], { encoding: 'utf8', env: { ...process.env, ...env } });
  let services: Map<string, string>;

  beforeAll(() => {
    const result = render({ REELWIRE_API_KEYS: 'ops:admin:0123456789abcdef' });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const servicesSection = result.stdout.split(/\n(?=[a-z]+:\n)/).find((section) => section.startsWith('services:\n')) ?? '';
    services = new Map(
      servicesSection
        .split(/\n(?=  [a-z][a-z0-9-]*:\n)/)
        .slice(1)
        .map((block) => [block.slice(2, block.indexOf(':')), block]),
    );
  });

  const servicesRunning = (entry: string) => [...services].filter(([, block]) => block.includes(entry)).map(([name]) => name);

  it('runs a three-node Kafka 4 KRaft cluster whose every node votes in one controller quorum', () => {
    const kafkaNodes = [...services].filter(([, block]) => /\n    image: apache\/kafka:4\./.test(block));
    expect(kafkaNodes.map(([name]) => name)).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
    const nodeIds = kafkaNodes.map(([, block]) => block.match(/KAFKA_NODE_ID: '?(\d+)'?\n/)?.[1]);
    expect(new Set(nodeIds)).toEqual(new Set(['1', '2', '3']));
    const clusterIds = kafkaNodes.map(([, block]) => block.match(/CLUSTER_ID: (\S+)\n/)?.[1]);
    expect(clusterIds[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(clusterIds).size).toBe(1);
    for (const [name, block] of kafkaNodes) {
      expect(block).toMatch(/KAFKA_PROCESS_ROLES: broker,controller\n/);
      expect(block).toMatch(/KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093\n/);
      expect(block).toContain(`KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://${name}:9092\n`);
      expect(block).toContain(`- ${name}-data:/var/lib/kafka/data`);
    }
  });

  it('keeps three copies of every topic and acknowledges a write only when two hold it', () => {
    for (const name of ['kafka-1', 'kafka-2', 'kafka-3']) {
      const block = services.get(name)!;
      expect(block).toMatch(/KAFKA_DEFAULT_REPLICATION_FACTOR: '?3'?\n/);
      expect(block).toMatch(/KAFKA_MIN_INSYNC_REPLICAS: '?2'?\n/);
      expect(block).toMatch(/KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '?3'?\n/);
      expect(block).toMatch(/KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: "false"\n/);
      expect(block).toMatch(/KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"\n/);
    }
    // The topics are created by the apps, not by the brokers' defaults: they must ask for three copies too.
    for (const app of servicesRunning('dist/apps/')) {
      expect(services.get(app)).toMatch(/KAFKA_REPLICATION_FACTOR: '3'\n/);
      expect(services.get(app)).toContain('KAFKA_BROKERS: kafka-1:9092,kafka-2:9092,kafka-3:9092\n');
    }
  });

  it('runs two admin API instances behind the load balancer, two projectors in one group and one relay', () => {
    expect(servicesRunning('dist/apps/admin-api/src/main.js')).toEqual(['admin-api-1', 'admin-api-2']);
    expect(servicesRunning('dist/apps/projector/src/main.js')).toEqual(['projector-1', 'projector-2']);
    expect(servicesRunning('dist/apps/outbox-relay/src/main.js')).toEqual(['outbox-relay']);
    for (const projector of ['projector-1', 'projector-2']) expect(services.get(projector)).toContain('PROJECTOR_GROUP: reelwire-projector\n');
    const balancer = services.get('load-balancer')!;
    expect(balancer).toContain('- ./deploy/cluster/nginx.conf:/etc/nginx/conf.d/default.conf:ro'.replace('./', `${process.cwd()}/`));
    const nginx = readFileSync('deploy/cluster/nginx.conf', 'utf8');
    expect(nginx).toContain('server admin-api-1:3000');
    expect(nginx).toContain('server admin-api-2:3000');
    // Only the balancer publishes the API; the instances are reached through it.
    expect(balancer).toMatch(/\n    - published: 3000\n      target: 8080\n/);
    expect(services.get('admin-api-1')).not.toMatch(/\n    ports:/);
  });

  it('restarts every service that stops and checks every app and broker is healthy', () => {
    for (const [name, block] of services) {
      expect([name, block]).toEqual([name, expect.stringMatching(/\n    restart: unless-stopped(\n|$)/)]);
      expect([name, block]).toEqual([name, expect.stringMatching(/\n    healthcheck:\n/)]);
    }
    expect(services.size).toBe(10);
  });

  it('refuses to render without API keys', () => {
    const env = { ...process.env };
    delete env.REELWIRE_API_KEYS;
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.cluster.yml', 'config'], { encoding: 'utf8', env });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/REELWIRE_API_KEYS/);
  });
});
