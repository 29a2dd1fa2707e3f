import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDevBroker, type DevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { appsEnvironment, startApps, type AppProcess } from './support/app-processes.js';
import { assertPublishedAndProjectedOnce, drillClient, newTally, sleep, waitUntil } from './support/drill-writers.js';
import { freePort } from './support/free-port.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * The Kafka broker stopped for 10 s under concurrent writers, with the admin API, the outbox relay and the projector
 * running as the processes they are in production, then started again on the same port with the same data directory
 * (a broker restart keeps its log and its consumer groups' offsets on disk). The API does not need Kafka: every write
 * is acknowledged throughout. Afterwards every acknowledged write is stored once, on Kafka and in the read models; no
 * app exited and none reported an unhandled error event.
 */

const WRITERS = 4;
const OUTAGE_MS = 10_000;

describe('Kafka broker outage under concurrent writers (admin API, outbox relay and projector as processes)', () => {
  let db: TestDatabase;
  let broker: DevBroker | undefined;
  let brokerPort: number;
  let dataDir: string;
  let base: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'reelwire-broker-outage-'));
    broker = await startDevBroker({ port: 0, defaultPartitions: 3, dataDir });
    brokerPort = broker.port;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = appsEnvironment(db.url, broker.brokers, port, { KAFKA_TOPIC_PARTITIONS: '3', LOG_LEVEL: 'warn', RELAY_MAX_BACKOFF_MS: '1000' });
    await startApps(apps, env, { 'outbox-relay': { LOG_LEVEL: 'info' } });
  }, 240_000);

  afterAll(async () => {
    for (const { child } of apps) await child.stop('SIGTERM');
    await broker?.stop();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const problems = () => apps.filter(({ child }) => child.process.exitCode !== null || child.process.signalCode !== null);
  const outputs = () => apps.map(({ name, child }) => `--- ${name} ---\n${child.output().slice(-4000)}`).join('\n');

  const { call, write, editor } = drillClient(() => base, 'Broker');

  it('acknowledges every write while the broker is away, exits nowhere, and publishes and projects every write once it is back', async () => {
    const tally = newTally();
    let stopWriting = false;
    const writers = Array.from({ length: WRITERS }, (_, writer) => editor(tally, writer, () => stopWriting));
    let acknowledgedDuringOutage = 0;
    let projectedBeforeOutage = 0;
    try {
      await waitUntil('30 writes were acknowledged and projected before the outage', async () => {
        if (tally.acks < 30) return false;
        projectedBeforeOutage = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_models.projection_streams')).rows[0]!.n;
        return projectedBeforeOutage > 0;
      }, 60_000);
      await broker!.stop();
      broker = undefined;
      const atStop = tally.acks;
      await sleep(OUTAGE_MS);
      acknowledgedDuringOutage = tally.acks - atStop;
      broker = await startDevBroker({ port: brokerPort, defaultPartitions: 3, dataDir });
      const back = tally.acks;
      await waitUntil('30 more writes were acknowledged after the broker returned', () => tally.acks >= back + 30, 60_000);
    } finally {
      stopWriting = true;
      await Promise.all(writers);
    }
    expect(acknowledgedDuringOutage).toBeGreaterThan(WRITERS * 5);
    const pool = db.pool;

    const exited = problems().map(({ name, child }) => `${name} exited (${child.process.exitCode ?? child.process.signalCode})`);
    if (exited.length > 0) throw new Error(`${exited.join(', ')}; the apps' output:\n${outputs()}`);
    expect(tally.unexpected).toEqual([]);
    expect(tally.transportErrors).toEqual([]);
    // The API does not need Kafka: not even a 503.
    expect([...tally.statuses.keys()].filter((status) => status !== 200 && status !== 201)).toEqual([]);
    expect(await call('GET', '/health', undefined, {})).toMatchObject({ status: 200 });

    // Stored exactly once: every acknowledged event is in the log, and the streams hold nothing else.
    const streams = [...tally.acknowledged.keys()];
    const acknowledgedIds = [...tally.acknowledged.values()].flat();
    const { rows: stored } = await pool.query<{ event_id: string; stream_id: string }>('SELECT event_id::text, stream_id FROM events WHERE stream_id = ANY($1)', [streams]);
    expect(stored.map((row) => row.event_id).sort()).toEqual([...acknowledgedIds].sort());

    await assertPublishedAndProjectedOnce({ pool, brokers: broker!.brokers, clientId: 'reelwire-broker-outage-test', tally, call });
    expect(problems().map(({ name }) => name)).toEqual([]);
    expect(outputs()).not.toMatch(/Unhandled 'error' event/);
    // The outage reached the two apps that talk to Kafka (they were refused while it lasted) and they rode it out.
    for (const name of ['outbox-relay', 'projector']) expect(apps.find((app) => app.name === name)!.child.output()).toMatch(/ECONNREFUSED/);
    expect(apps.map(({ child }) => child.output()).join('\n')).not.toMatch(/Unhandled 'error' event|uncaughtException|unhandledRejection/i);

    const figures = {
      writers: WRITERS,
      outageMs: OUTAGE_MS,
      acknowledged: tally.acks,
      acknowledgedDuringOutage,
      events: acknowledgedIds.length,
      answers: Object.fromEntries([...tally.statuses].sort(([a], [b]) => a - b)),
    };
    process.stdout.write(`broker-outage drill: ${JSON.stringify(figures)}\n`);
  }, 600_000);
});
