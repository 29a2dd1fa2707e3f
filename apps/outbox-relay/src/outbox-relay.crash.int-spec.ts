import { PostgresEventStore } from '../../../libs/event-store/src/postgres-event-store.js';
import { type DevBroker, startDevBroker } from '../../../libs/kafka-dev-broker/src/index.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { RELAY_LOCK_KEY } from './outbox-relay.js';
import { spawnRelay, type RelayProcess } from './testing/relay-process.js';
import {
  appendEvents,
  checkDelivery,
  type Collector,
  createTestTopics,
  lockHolders,
  makeStreams,
  sleep,
  startCollector,
  startWriters,
  storedEvents,
  unpublishedCount,
  waitFor,
} from './testing/relay-test-kit.js';

/** The relay as a real process (dist/apps/outbox-relay/src/main.js), killed with SIGKILL: no cleanup of any kind runs. */
describe('outbox relay processes', () => {
  let db: TestDatabase;
  let broker: DevBroker;
  let collector: Collector;
  const children: RelayProcess[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    broker = await startDevBroker({ port: 0 });
    await createTestTopics(broker.brokers);
    collector = await startCollector(broker.brokers);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await child.stop('SIGKILL');
    await collector.stop();
    await broker.stop();
    await db.drop();
  });

  function relay(): RelayProcess {
    const child = spawnRelay(db.url, broker.brokers);
    children.push(child);
    return child;
  }

  async function expectEverythingDelivered(): Promise<ReturnType<typeof checkDelivery>> {
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'outbox drained', 30_000);
    const expected = await storedEvents(db.pool);
    await waitFor(() => checkDelivery(collector.received, expected).missing.length === 0, 'every event consumed', 30_000);
    const report = checkDelivery(collector.received, expected);
    expect(report.violations).toEqual([]);
    expect(report.missing).toEqual([]);
    expect(report.distinct).toBe(expected.length);
    return report;
  }

  it('delivers every event at least once, in stream order, when the relay is SIGKILLed at random points 20 times while writers append', async () => {
    const writers = startWriters(db.pool, { concurrency: 4, streamsEach: 12, pauseMs: 3 });
    let killedWhilePublishing = 0;
    for (let round = 0; round < 20; round++) {
      const child = relay();
      // Every fourth kill lands during start-up (connecting, migrating, waiting for the lock); the others at a random
      // moment in the first 700 ms of being active, i.e. while reading, sending, or marking batches of 50 — every other
      // round only once a batch went out, so at least half the kills hit a relay that is publishing even on a machine
      // slow enough to keep a relay from finishing a batch in 700 ms.
      if (round % 4 === 3) await sleep(Math.random() * 400);
      else {
        await child.waitFor(round % 2 === 0 ? /relay: batch published/ : /relay: active/, 20_000);
        await sleep(Math.random() * 700);
      }
      const batchesBefore = child.batches();
      await child.stop('SIGKILL');
      if (batchesBefore > 0) killedWhilePublishing++;
    }
    await writers.stop();
    expect(writers.failures()).toEqual([]);
    relay();
    const report = await expectEverythingDelivered();
    expect(killedWhilePublishing).toBeGreaterThanOrEqual(8);
    // Kills between Kafka's acknowledgement and the UPDATE re-send what was sent: duplicates, never gaps or reordering.
    process.stdout.write(
      `relay kill test: ${report.distinct} events (${writers.appended()} appended), ${report.duplicates} duplicate deliveries, ${killedWhilePublishing}/20 kills while publishing\n`,
    );
  }, 90_000);

  it('has one active relay at a time; when the active one is killed the standby takes over', async () => {
    const store = new PostgresEventStore(db.pool);
    const first = relay();
    await first.waitFor(/relay: active/, 20_000);
    const second = relay();
    await second.waitFor(/relay: standby/, 20_000);
    const firstId = await first.instance();
    const secondId = await second.instance();

    await appendEvents(store, makeStreams(10), 300);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'first relay drained');
    expect(first.batches()).toBeGreaterThan(0);
    expect(second.batches()).toBe(0);
    expect(await lockHolders(db.pool, RELAY_LOCK_KEY)).toEqual([`reelwire-outbox-relay:${firstId}`]);

    await first.stop('SIGKILL');
    await second.waitFor(/relay: active/, 10_000);
    await appendEvents(store, makeStreams(10), 300);
    await waitFor(async () => (await unpublishedCount(db.pool)) === 0, 'second relay drained');
    expect(second.batches()).toBeGreaterThan(0);
    expect(await lockHolders(db.pool, RELAY_LOCK_KEY)).toEqual([`reelwire-outbox-relay:${secondId}`]);
    await expectEverythingDelivered();
    const metricsPort = (await second.waitFor(/"metricsPort":(\d+)/))[1];
    const scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(scrape).toMatch(/^reelwire_relay_active 1$/m);
    expect(scrape).toMatch(/^reelwire_relay_published_total [1-9]\d*$/m);
    expect(scrape).toMatch(/^reelwire_outbox_backlog 0$/m);
    expect(scrape).toMatch(/^reelwire_relay_batch_seconds_count [1-9]/m);
    expect(await second.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
