import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { type DevBroker, startDevBroker } from './index.js';
import { ApiKey } from './protocol/api-keys.js';
import { runConsumer, testKafka } from './testing/kafkajs-test-kit.js';
import { ResponseDroppingProxy } from './testing/response-dropping-proxy.js';
import { waitFor } from './testing/wait-for.js';

/** What the project's services do with kafkajs 2.2.4, against the dev broker. */
describe('dev broker with kafkajs', () => {
  let broker: DevBroker;
  let admin: Admin;
  let producer: Producer;
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
    const kafka = testKafka(broker.brokers);
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await admin.connect();
    await producer.connect();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
  });

  it('round-trips messages across partitions and keeps the order of each key', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-roundtrip', numPartitions: 3 }] });
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    for (let round = 0; round < 10; round++) {
      await producer.send({ topic: 'kj-roundtrip', messages: keys.map((key) => ({ key, value: `${key}#${round}` })) });
    }
    const member = await runConsumer(testKafka(broker.brokers), { groupId: 'kj-roundtrip-group', topic: 'kj-roundtrip' });
    cleanups.push(() => member.stop());
    await waitFor(() => member.received.length >= 120, '120 messages');

    expect(member.received).toHaveLength(120);
    expect(new Set(member.received.map((m) => m.partition)).size).toBeGreaterThan(1);
    for (const key of keys) {
      const ofKey = member.received.filter((m) => m.key === key);
      expect(ofKey.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, round) => `${key}#${round}`));
      expect(new Set(ofKey.map((m) => m.partition)).size).toBe(1);
    }
  });

  it('does not duplicate when an idempotent producer retries a request whose response was lost', async () => {
    const proxy = await ResponseDroppingProxy.start();
    const proxied = await startDevBroker({ port: 0, advertisedPort: proxy.port });
    proxy.forwardTo(proxied.port);
    cleanups.push(() => proxied.stop(), () => proxy.stop());
    const kafka = testKafka(`127.0.0.1:${proxy.port}`, { requestTimeout: 1000 });
    const retrying = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await retrying.connect();
    cleanups.push(() => retrying.disconnect());

    await retrying.send({ topic: 'kj-lost-response', messages: [{ key: 'k', value: 'first' }] });
    proxy.dropNextResponses(ApiKey.Produce);
    const [retried] = await retrying.send({
      topic: 'kj-lost-response',
      messages: [1, 2, 3, 4, 5].map((i) => ({ key: 'k', value: `retried-${i}` })),
    });
    await retrying.send({ topic: 'kj-lost-response', messages: [{ key: 'k', value: 'last' }] });

    expect(proxy.dropped).toBe(1);
    expect(retried!.errorCode).toBe(0);
    const partition = retried!.partition;
    const proxiedAdmin = kafka.admin();
    await proxiedAdmin.connect();
    cleanups.push(() => proxiedAdmin.disconnect());
    const offsets = await proxiedAdmin.fetchTopicOffsets('kj-lost-response');
    expect(offsets.find((o) => o.partition === partition)!.high).toBe('7');

    const member = await runConsumer(kafka, { groupId: 'kj-lost-response-reader', topic: 'kj-lost-response' });
    cleanups.push(() => member.stop());
    await waitFor(() => member.received.length >= 7, 'the 7 messages');
    expect(member.received.map((m) => m.value)).toEqual(['first', 'retried-1', 'retried-2', 'retried-3', 'retried-4', 'retried-5', 'last']);
  });

  it('splits the partitions between two members of a group, and gives them all to the one that stays', async () => {
    await admin.createTopics({ topics: [{ topic: 'kj-group', numPartitions: 4 }] });
    const kafka = testKafka(broker.brokers);
    const first = await runConsumer(kafka, { groupId: 'kj-group-members', topic: 'kj-group' });
    cleanups.push(() => first.stop());
    await waitFor(() => first.assignment().length === 4, 'the first member to own all 4 partitions');
    const second = await runConsumer(kafka, { groupId: 'kj-group-members', topic: 'kj-group' });
    let secondStopped = false;
    cleanups.push(() => (secondStopped ? undefined : second.stop()));

    await waitFor(
      () => first.assignment().length === 2 && second.assignment().length === 2,
      'two members with two partitions each',
    );
    expect([...first.assignment(), ...second.assignment()].sort()).toEqual([0, 1, 2, 3]);

    const send = (tag: string): Promise<unknown> =>
      producer.send({
        topic: 'kj-group',
        messages: [0, 1, 2, 3].flatMap((partition) => [0, 1, 2].map((i) => ({ partition, value: `${tag}-${partition}-${i}` }))),
      });
    await send('split');
    await waitFor(
      () => [...first.received, ...second.received].filter((m) => m.value?.startsWith('split')).length >= 12,
      'the 12 split messages',
    );
    expect(new Set(first.received.map((m) => m.partition))).toEqual(new Set(first.assignment()));
    expect(new Set(second.received.map((m) => m.partition))).toEqual(new Set(second.assignment()));

    await second.stop();
    secondStopped = true;
    await waitFor(() => first.assignment().length === 4, 'the remaining member to take over all 4 partitions');
    await send('takeover');
    await waitFor(() => first.received.filter((m) => m.value?.startsWith('takeover')).length >= 12, 'the 12 takeover messages');
    expect(new Set(first.received.filter((m) => m.value?.startsWith('takeover')).map((m) => m.partition))).toEqual(new Set([0, 1, 2, 3]));
    // the member that stayed resumed the other's partitions from its committed offsets: nothing delivered twice
    const all = [...first.received, ...second.received].map((m) => m.value);
    expect(all.filter((v) => v?.startsWith('split'))).toHaveLength(12);
    expect(new Set(all).size).toBe(all.length);

    const [description] = (await admin.describeGroups(['kj-group-members'])).groups;
    expect(description!.state).toBe('Stable');
    expect(description!.members).toHaveLength(1);
  });

  it('resumes from committed offsets after the consumer restarts and after the broker restarts on its data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-resume-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let durable = await startDevBroker({ port: 0, dataDir });
    cleanups.push(() => durable.stop());
    const topic = 'kj-resume';
    const produceTo = async (target: DevBroker, values: string[]): Promise<void> => {
      const p = testKafka(target.brokers).producer({ idempotent: true, maxInFlightRequests: 1 });
      await p.connect();
      await p.send({ topic, messages: values.map((value, i) => ({ key: `k${i % 5}`, value })) });
      await p.disconnect();
    };
    const consumeNew = async (target: DevBroker, expected: number): Promise<string[]> => {
      const member = await runConsumer(testKafka(target.brokers), { groupId: 'kj-resume-group', topic, mode: 'eachBatch' });
      try {
        await waitFor(() => member.received.length >= expected, `${expected} messages`);
      } finally {
        await member.stop();
      }
      return member.received.map((m) => m.value!);
    };

    const firstBatch = Array.from({ length: 20 }, (_, i) => `before-${i}`);
    await produceTo(durable, firstBatch);
    expect((await consumeNew(durable, 20)).sort()).toEqual([...firstBatch].sort());

    const afterConsumerRestart = Array.from({ length: 5 }, (_, i) => `after-consumer-restart-${i}`);
    await produceTo(durable, afterConsumerRestart);
    expect((await consumeNew(durable, 5)).sort()).toEqual([...afterConsumerRestart].sort());

    await durable.stop();
    durable = await startDevBroker({ port: 0, dataDir });
    const afterBrokerRestart = Array.from({ length: 3 }, (_, i) => `after-broker-restart-${i}`);
    await produceTo(durable, afterBrokerRestart);
    expect((await consumeNew(durable, 3)).sort()).toEqual([...afterBrokerRestart].sort());

    const everything = await runConsumer(testKafka(durable.brokers), { groupId: 'kj-resume-fresh', topic });
    cleanups.push(() => everything.stop());
    await waitFor(() => everything.received.length >= 28, 'all 28 messages from a new group');
    expect(everything.received.map((m) => m.value).sort()).toEqual([...firstBatch, ...afterConsumerRestart, ...afterBrokerRestart].sort());
  });

  it('serves the admin calls: createTopics, fetchTopicMetadata, fetchOffsets, resetOffsets, describeGroups and deletions', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'kj-admin', numPartitions: 2 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'kj-admin', numPartitions: 2 }] })).toBe(false);
    expect(await admin.listTopics()).toContain('kj-admin');
    const { topics } = await admin.fetchTopicMetadata({ topics: ['kj-admin'] });
    expect(topics).toEqual([
      {
        name: 'kj-admin',
        partitions: [0, 1].map((partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
        })),
      },
    ]);

    await producer.send({ topic: 'kj-admin', messages: [0, 1, 0, 1].map((partition, i) => ({ partition, value: `a${i}` })) });
    const groupId = 'kj-admin-group';
    const member = await runConsumer(testKafka(broker.brokers), { groupId, topic: 'kj-admin' });
    await waitFor(() => member.received.length >= 4, '4 messages');
    const [running] = (await admin.describeGroups([groupId])).groups;
    expect(running).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(running!.members).toHaveLength(1);
    expect(running!.members[0]!.memberAssignment.length).toBeGreaterThan(0);
    await member.stop();

    const committed = await admin.fetchOffsets({ groupId, topics: ['kj-admin'] });
    expect(committed).toEqual([{ topic: 'kj-admin', partitions: [0, 1].map((partition) => ({ partition, offset: '2', metadata: null })) }]);
    expect((await admin.describeGroups([groupId])).groups[0]!.state).toBe('Empty');
    expect((await admin.describeGroups(['kj-no-such-group'])).groups[0]!.state).toBe('Dead');

    // ~5 s, all on the client: kafkajs's internal consumer pauses the topic and, having nothing to fetch, sleeps its
    // default maxWaitTime (consumerGroup.js) before the FETCH event it waits for.
    await admin.resetOffsets({ groupId, topic: 'kj-admin', earliest: true });
    const reset = await admin.fetchOffsets({ groupId, topics: ['kj-admin'] });
    expect(reset[0]!.partitions.map((p) => p.offset)).toEqual(['-2', '-2']);
    const again = await runConsumer(testKafka(broker.brokers), { groupId, topic: 'kj-admin' });
    await waitFor(() => again.received.length >= 4, 'the 4 messages again after the reset');
    await again.stop();

    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    await admin.deleteGroups([groupId]);
    expect((await admin.describeGroups([groupId])).groups[0]!.state).toBe('Dead');
    await admin.deleteTopics({ topics: ['kj-admin'] });
    expect(await admin.listTopics()).not.toContain('kj-admin');
  });
});
