import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { type DevBroker, startDevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { OutboxRelay } from './outbox-relay.js';
import { createRelayMetrics } from './relay-metrics.js';
import { checkDelivery, createTestTopics, sleep, startCollector, startWriters, storedEvents, TEST_TOPICS, testKafka, unpublishedCount, waitFor } from './testing/relay-test-kit.js';

const OUTAGE_MS = 30_000;

describe('outbox relay during a Kafka outage', () => {
  let db: TestDatabase;
  let broker: DevBroker | undefined;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'relay-outage-'));
  });

  afterAll(async () => {
    await broker?.stop();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps writers succeeding while the broker is down for 30 s, then drains the backlog: nothing lost, order kept', async () => {
    broker = await startDevBroker({ port: 0, dataDir });
    const port = broker.port;
    await createTestTopics(broker.brokers);
    const registry = new Registry();
    const metrics = createRelayMetrics(registry);
    const relay = new OutboxRelay({
      pool: db.pool,
      kafka: testKafka(broker.brokers),
      topics: TEST_TOPICS,
      pollIntervalMs: 100,
      maxBackoffMs: 1000,
      metrics,
    });
    relay.start();
    try {
      const writers = startWriters(db.pool, { concurrency: 3, streamsEach: 10, pauseMs: 15 });
      await waitFor(() => relay.stats.published > 100, 'publishing before the outage');

      await broker.stop();
      broker = undefined;
      const appendedAtStop = writers.appended();
      await sleep(OUTAGE_MS);
      const appendedDuringOutage = writers.appended() - appendedAtStop;
      const backlog = await unpublishedCount(db.pool);
      expect(writers.failures()).toEqual([]);
      expect(appendedDuringOutage).toBeGreaterThan(500);
      expect(backlog).toBeGreaterThanOrEqual(appendedDuringOutage * 0.9);
      expect(relay.stats.publishErrors).toBeGreaterThan(0);
      expect(await registry.metrics()).toMatch(/reelwire_relay_publish_errors_total [1-9]/);

      broker = await startDevBroker({ port, dataDir });
      const restartedAt = Date.now();
      await waitFor(async () => (await unpublishedCount(db.pool)) < 50, 'backlog drained while writers continue', 20_000);
      const drainMs = Date.now() - restartedAt;
      await writers.stop();
      await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'outbox empty');
      expect(writers.failures()).toEqual([]);

      const collector = await startCollector(broker.brokers);
      try {
        const expected = await storedEvents(db.pool);
        await waitFor(() => checkDelivery(collector.received, expected).missing.length === 0, 'every event consumed', 20_000);
        const report = checkDelivery(collector.received, expected);
        expect(report.violations).toEqual([]);
        expect(report.distinct).toBe(expected.length);
        process.stdout.write(`relay outage test: ${appendedDuringOutage} events appended during ${OUTAGE_MS / 1000} s outage, backlog ${backlog} drained in ${drainMs} ms\n`);
      } finally {
        await collector.stop();
      }
    } finally {
      await relay.stop();
    }
  }, 90_000);
});
