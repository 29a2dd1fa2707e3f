import { spawn } from 'node:child_process';
import type { Admin, Producer } from 'kafkajs';
import { describeWithTool } from '../../../test/support/external-tool.js';
import { type DevBroker, startDevBroker } from './index.js';
import { runConsumer, testKafka } from './testing/kafkajs-test-kit.js';
import { waitFor } from './testing/wait-for.js';

interface KcatResult {
  stdout: string;
  stderr: string;
}

/**
 * The second, independent client: kcat on librdkafka 2.0.2 (ApiVersions v3 first, pipelined produce, its own
 * group protocol "range"/"roundrobin", CRC checks on fetch). CI installs it with `apt-get install -y kcat`.
 */
describeWithTool('kcat', 'apt-get install -y kcat', 'dev broker with kcat (librdkafka)', () => {
  let broker: DevBroker;
  let admin: Admin;
  let producer: Producer;

  function kcat(args: string[], input?: string, timeoutMs = 20_000): Promise<KcatResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('kcat', ['-b', broker.brokers, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve({ stdout, stderr });
        else reject(new Error(`kcat ${args.join(' ')} exited with ${code}\nstdout: ${stdout}\nstderr: ${stderr}`));
      });
      child.stdin.end(input ?? '');
    });
  }

  const lines = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);

  beforeAll(async () => {
    broker = await startDevBroker({ port: 0, defaultPartitions: 3 });
    const kafka = testKafka(broker.brokers);
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await admin.connect();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await broker?.stop();
  });

  it('lists brokers and topics with -L', async () => {
    await admin.createTopics({ topics: [{ topic: 'kc-listed', numPartitions: 3 }] });
    const { stdout } = await kcat(['-L', '-J']);
    const metadata = JSON.parse(stdout) as {
      controllerid: number;
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number }> }>;
    };
    expect(metadata.controllerid).toBe(1);
    expect(metadata.brokers).toEqual([{ id: 1, name: broker.brokers }]);
    const listed = metadata.topics.find((t) => t.topic === 'kc-listed');
    expect(listed?.partitions.map((p) => [p.partition, p.leader])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
  });

  it('delivers messages produced by kcat (idempotent, plain and gzip) to kafkajs', async () => {
    const plain = Array.from({ length: 20 }, (_, i) => `key-${i % 4}:plain-${i}`);
    const gzip = Array.from({ length: 10 }, (_, i) => `key-${i % 4}:gzip-${i}`);
    await kcat(['-P', '-t', 'kc-to-kafkajs', '-K:', '-X', 'enable.idempotence=true'], `${plain.join('\n')}\n`);
    await kcat(['-P', '-t', 'kc-to-kafkajs', '-K:', '-z', 'gzip'], `${gzip.join('\n')}\n`);

    const member = await runConsumer(testKafka(broker.brokers), { groupId: 'kc-to-kafkajs-reader', topic: 'kc-to-kafkajs' });
    try {
      await waitFor(() => member.received.length >= 30, '30 messages from kcat');
    } finally {
      await member.stop();
    }
    expect(member.received.map((m) => `${m.key}:${m.value}`).sort()).toEqual([...plain, ...gzip].sort());
    for (const key of ['key-0', 'key-1', 'key-2', 'key-3']) {
      expect(new Set(member.received.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
    }
  });

  it('lets kcat read what kafkajs produced, with CRC checks on', async () => {
    const messages = Array.from({ length: 15 }, (_, i) => ({ key: `k${i % 3}`, value: `from-kafkajs-${i}` }));
    await producer.send({ topic: 'kc-from-kafkajs', messages: messages.slice(0, 8) });
    await producer.send({ topic: 'kc-from-kafkajs', messages: messages.slice(8) });
    const { stdout } = await kcat(['-C', '-t', 'kc-from-kafkajs', '-o', 'beginning', '-e', '-f', '%k=%s\n', '-X', 'check.crcs=true']);
    expect(lines(stdout).sort()).toEqual(messages.map((m) => `${m.key}=${m.value}`).sort());
  });

  it('round-trips lz4, snappy and zstd batches between kcat producer and consumer, CRCs checked', async () => {
    for (const codec of ['lz4', 'snappy', 'zstd']) {
      const topic = `kc-${codec}`;
      const values = Array.from({ length: 25 }, (_, i) => `${codec}-${i}-${'x'.repeat(i * 10)}`);
      await kcat(['-P', '-t', topic, '-z', codec], `${values.join('\n')}\n`);
      const { stdout } = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n', '-X', 'check.crcs=true']);
      expect(lines(stdout).sort()).toEqual([...values].sort());
    }
  });

  it('consumes as a group with -G, commits, and a second run resumes after the committed offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'kc-group', numPartitions: 3 }] });
    await producer.send({ topic: 'kc-group', messages: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `first-${i}` })) });
    const groupArgs = [
      '-G', 'kc-group-id', 'kc-group',
      '-f', '%p:%o:%s\n',
      '-X', 'auto.offset.reset=earliest',
      '-X', 'check.crcs=true',
      '-X', 'session.timeout.ms=6000',
    ];
    const first = await kcat([...groupArgs, '-c', '12']);
    expect(lines(first.stdout).map((line) => line.split(':')[2]).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `first-${i}`).sort());
    expect(first.stderr).toContain('assigned: kc-group [0], kc-group [1], kc-group [2]');

    await waitFor(async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: 'kc-group-id', topics: ['kc-group'] });
      return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 12;
    }, 'kcat to commit offsets summing to 12');

    await producer.send({ topic: 'kc-group', messages: Array.from({ length: 4 }, (_, i) => ({ key: `k${i}`, value: `second-${i}` })) });
    const second = await kcat([...groupArgs, '-c', '4']);
    expect(lines(second.stdout).map((line) => line.split(':')[2]).sort()).toEqual(['second-0', 'second-1', 'second-2', 'second-3']);
  });
});
