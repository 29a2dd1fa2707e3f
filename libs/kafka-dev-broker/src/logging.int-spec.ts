import { type DevBroker, startDevBroker } from './index.js';
import { runConsumer, testKafka } from './testing/kafkajs-test-kit.js';
import { waitFor } from './testing/wait-for.js';

/**
 * What an operator sees with a debug logger: one line per connection (written when it ends), one per consumer-group
 * state change, topic creation and deletion; nothing per message or request, however many flow through.
 */
describe('dev broker logging', () => {
  let broker: DevBroker | undefined;

  afterEach(async () => {
    await broker?.stop();
    broker = undefined;
  });

  it('logs one line per connection and per group state change at debug, and nothing per message', async () => {
    const lines: Array<{ level: string; message: string }> = [];
    const record = (level: string) => (message: string) => lines.push({ level, message });
    broker = await startDevBroker({
      port: 0,
      logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    });
    const kafka = testKafka(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'log-topic', numPartitions: 3 }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let send = 0; send < 20; send++) {
      await producer.send({ topic: 'log-topic', messages: Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `payload-${send}-${i}` })) });
    }
    const member = await runConsumer(kafka, { groupId: 'log-group', topic: 'log-topic' });
    await waitFor(() => member.received.length >= 1000, 'the 1000 messages');
    await member.stop();
    await producer.disconnect();
    await admin.disconnect();
    await waitFor(() => lines.filter((l) => / request\(s\): /.test(l.message)).length >= 4, 'the client connections to be logged as closed');
    await broker.stop();
    broker = undefined;

    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    const debug = lines.filter((l) => l.level === 'debug').map((l) => l.message);
    const connectionLines = debug.filter((m) => /^kafka-dev-broker: connection \d+ from /.test(m));
    const groupLines = debug.filter((m) => m.startsWith('kafka-dev-broker: group log-group '));
    const topicLines = debug.filter((m) => m.startsWith('kafka-dev-broker: created topic '));
    // every debug line is one of these kinds: nothing per request or per message
    expect(debug.length).toBe(connectionLines.length + groupLines.length + topicLines.length);
    expect(debug.join('\n')).not.toContain('payload-');
    expect(topicLines).toEqual(['kafka-dev-broker: created topic log-topic with 3 partition(s)']);

    // one line per connection: each connection id appears once, saying how it ended
    const ids = connectionLines.map((m) => /connection (\d+) /.exec(m)![1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(4); // admin, producer, the consumer's group and fetch connections
    expect(ids.length).toBeLessThan(15);
    expect(connectionLines.some((m) => /\(client "dev-broker-test"\), \d+ ms, \d+ request\(s\): closed by client$/.test(m))).toBe(true);

    // the group's life: formed, settled, emptied when its only member left
    const transitions = groupLines.map((m) => /group log-group (\w+) → (\w+)/.exec(m)?.slice(1).join('→'));
    expect(transitions).toEqual(['Empty→PreparingRebalance', 'PreparingRebalance→CompletingRebalance', 'CompletingRebalance→Stable', 'Stable→PreparingRebalance', 'PreparingRebalance→Empty']);
  });
});
