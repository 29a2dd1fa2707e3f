import { startDevBroker, type DevBroker } from '../../kafka-dev-broker/src/index.js';
import { createKafka, ensureTopics, LogLevel, reelwireTopics, REELWIRE_TOPICS } from './kafka.js';

describe('reelwire topics', () => {
  let broker: DevBroker;
  beforeAll(async () => {
    broker = await startDevBroker({ port: 0 });
  });
  afterAll(() => broker.stop());

  it('are one per aggregate, 6 partitions by default, infinite retention', () => {
    expect(REELWIRE_TOPICS.map((t) => t.topic)).toEqual(['reelwire.work.v1', 'reelwire.organization.v1', 'reelwire.person.v1', 'reelwire.deal.v1']);
    const [work] = reelwireTopics({});
    expect(work).toMatchObject({ numPartitions: 6, replicationFactor: 1 });
    expect(work!.configEntries).toEqual(expect.arrayContaining([{ name: 'retention.ms', value: '-1' }, { name: 'cleanup.policy', value: 'delete' }]));
    expect(reelwireTopics({ KAFKA_TOPIC_PARTITIONS: '12', KAFKA_REPLICATION_FACTOR: '3' })[0]).toMatchObject({ numPartitions: 12, replicationFactor: 3 });
    expect(() => reelwireTopics({ KAFKA_TOPIC_PARTITIONS: 'many' })).toThrow(/KAFKA_TOPIC_PARTITIONS/);
  });

  it('are created once by ensureTopics, which is idempotent and races safely', async () => {
    const admin = createKafka({ brokers: broker.brokers, clientId: 'topics-test', logLevel: LogLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect((await ensureTopics(admin)).sort()).toEqual(REELWIRE_TOPICS.map((t) => t.topic).sort());
      expect(await ensureTopics(admin)).toEqual([]);
      await Promise.all([ensureTopics(admin), ensureTopics(admin)]);
      const metadata = await admin.fetchTopicMetadata({ topics: ['reelwire.work.v1'] });
      expect(metadata.topics[0]!.partitions).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });
});
