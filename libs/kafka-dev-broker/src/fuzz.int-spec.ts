import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevBroker, startDevBroker } from './index.js';
import { ApiKey, SUPPORTED_APIS } from './protocol/api-keys.js';
import { Writer } from './protocol/codec.js';
import { runConsumer, testKafka } from './testing/kafkajs-test-kit.js';
import { requestBody } from './testing/request-bodies.js';
import { waitFor } from './testing/wait-for.js';
import { encodeRecordBatch } from './testing/wire-client.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure replays with the same frames. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x5eed_2026;
const FRAME_COUNT = 5000;
const TIME_BUDGET_MS = 20_000;
const MAX_FRAME_BYTES = 64 * 1024;
const CANARY = 'fuzz-canary-topic-with-a-name-no-mutation-reaches';

/** Valid request bodies (apiKey, version, body) that the fuzzer truncates and mutates. None touches the canary topic. */
function templates(): Array<[number, number, Buffer]> {
  const batch = encodeRecordBatch([{ key: 'k', value: 'fuzz' }, { value: 'fuzz 2' }]);
  const memberMetadata = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, ...Buffer.from('fuzz-t'), 0, 0, 0, 0]);
  return [
    [ApiKey.ApiVersions, 3, new Writer().unsignedVarint(5).raw(Buffer.from('fuzz')).unsignedVarint(2).raw(Buffer.from('1')).unsignedVarint(0).toBuffer()],
    [ApiKey.Metadata, 4, requestBody.metadataV4(['fuzz-t', 'fuzz-u']).toBuffer()],
    [ApiKey.Produce, 3, requestBody.produceV3({ topic: 'fuzz-t', partition: 0, batch }).toBuffer()],
    [ApiKey.Produce, 3, requestBody.produceV3({ topic: 'fuzz-t', partition: 1, batch, acks: 0 }).toBuffer()],
    [ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'fuzz-t', partition: 0, offset: 0, maxWaitMs: 50 }).toBuffer()],
    [ApiKey.ListOffsets, 2, requestBody.listOffsetsV2('fuzz-t', 0, -1).toBuffer()],
    [ApiKey.InitProducerId, 1, requestBody.initProducerIdV1().toBuffer()],
    [ApiKey.CreateTopics, 3, requestBody.createTopicsV3('fuzz-c', 2).toBuffer()],
    [ApiKey.DeleteTopics, 1, new Writer().int32(1).string('fuzz-c').int32(100).toBuffer()],
    [ApiKey.FindCoordinator, 2, new Writer().string('fuzz-g').int8(0).toBuffer()],
    [
      ApiKey.JoinGroup,
      3,
      new Writer().string('fuzz-g').int32(200).int32(100).string('').string('consumer').int32(1).string('range').bytes(memberMetadata).toBuffer(),
    ],
    [ApiKey.SyncGroup, 2, new Writer().string('fuzz-g').int32(1).string('m').int32(1).string('m').bytes(Buffer.alloc(8)).toBuffer()],
    [ApiKey.Heartbeat, 2, new Writer().string('fuzz-g').int32(1).string('m').toBuffer()],
    [ApiKey.LeaveGroup, 1, new Writer().string('fuzz-g').string('m').toBuffer()],
    [ApiKey.OffsetCommit, 2, new Writer().string('fuzz-g').int32(-1).string('').int64(-1).int32(1).string('fuzz-t').int32(1).int32(0).int64(1).string(null).toBuffer()],
    [ApiKey.OffsetFetch, 3, new Writer().string('fuzz-g').int32(-1).toBuffer()],
    [ApiKey.DescribeGroups, 2, new Writer().int32(1).string('fuzz-g').toBuffer()],
    [ApiKey.ListGroups, 1, Buffer.alloc(0)],
    [ApiKey.DeleteGroups, 1, new Writer().int32(1).string('fuzz-g').toBuffer()],
  ];
}

function frame(apiKey: number, apiVersion: number, correlationId: number, body: Buffer): Buffer {
  const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).string('fuzzer').toBuffer();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(header.length + body.length, 0);
  return Buffer.concat([size, header, body]);
}

describe('dev broker under random and truncated frames', () => {
  let broker: DevBroker;
  let dataDir: string;
  const errors: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-fuzz-'));
    broker = await startDevBroker({
      port: 0,
      dataDir,
      maxFrameBytes: MAX_FRAME_BYTES,
      maxFetchWaitMs: 100,
      maxSessionTimeoutMs: 10_000,
      logger: { error: (message) => errors.push(message) },
    });
  });

  afterAll(async () => {
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`survives ${FRAME_COUNT} hostile frames, keeps its data, and then serves kafkajs normally`, async () => {
    const kafka = testKafka(broker.brokers);
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic: CANARY, numPartitions: 3 }] });
    const canaryValues = Array.from({ length: 60 }, (_, i) => `canary-${i}`);
    await producer.send({ topic: CANARY, messages: canaryValues.map((value, i) => ({ key: `k${i % 7}`, value })) });
    const canaryOffsets = await admin.fetchTopicOffsets(CANARY);

    const random = rng(SEED);
    const int = (max: number): number => Math.floor(random() * max);
    const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
    const valid = templates();
    const hostileFrame = (correlationId: number): Buffer => {
      const kind = int(6);
      if (kind === 0) return bytes(int(64)); // garbage, including garbage sizes
      if (kind === 1) {
        // a real or unknown API at any version, with a random body
        const api = random() < 0.85 ? SUPPORTED_APIS[int(SUPPORTED_APIS.length)]! : { apiKey: int(200) - 10, maxVersion: 3 };
        return frame(api.apiKey, int(api.maxVersion + 4) - 1, correlationId, bytes(int(200)));
      }
      const [apiKey, apiVersion, body] = valid[int(valid.length)]!;
      if (kind === 2) return frame(apiKey, apiVersion, correlationId, body.subarray(0, int(body.length))); // truncated
      if (kind === 3 || kind === 4) {
        const mutated = frame(apiKey, apiVersion, correlationId, Buffer.from(body));
        for (let i = 0, n = 1 + int(4); i < n; i++) mutated[4 + int(mutated.length - 4)] = int(256); // size prefix kept
        return mutated;
      }
      const size = Buffer.allocUnsafe(4);
      size.writeInt32BE(random() < 0.5 ? MAX_FRAME_BYTES + 1 + int(1 << 30) : -1 - int(1 << 30), 0);
      return Buffer.concat([size, bytes(int(16))]); // oversized or negative size
    };

    let sent = 0;
    let closedByBroker = 0;
    let probesAnswered = 0;
    const started = Date.now();
    while (sent < FRAME_COUNT && Date.now() - started < TIME_BUDGET_MS) {
      const count = 1 + int(3); // few per connection: the first bad one closes it, and later ones would go unread
      const frames = Array.from({ length: count }, (_, i) => hostileFrame(i + 1));
      sent += count;
      const probe = frame(ApiKey.ApiVersions, 0, 0x7fffffff, Buffer.alloc(0));
      const outcome = await new Promise<'answered' | 'closed' | 'deadline'>((resolve) => {
        const socket = connect({ port: broker.port, host: '127.0.0.1' });
        let received = Buffer.alloc(0);
        const finish = (result: 'answered' | 'closed' | 'deadline'): void => {
          clearTimeout(deadline);
          socket.destroy();
          resolve(result);
        };
        // Upper bound for a connection whose frames legitimately hold it (a join barrier, a long poll); not an assertion.
        const deadline = setTimeout(() => finish('deadline'), 1000);
        socket.on('error', () => undefined);
        socket.on('close', () => finish('closed'));
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          // responses are in request order, so the probe's is the last one: look for its correlation id
          for (let at = 0; at + 8 <= received.length; ) {
            const size = received.readInt32BE(at);
            if (at + 4 + size > received.length) break;
            if (received.readInt32BE(at + 4) === 0x7fffffff) return finish('answered');
            at += 4 + size;
          }
        });
        socket.write(Buffer.concat([...frames, probe]));
      });
      if (outcome === 'answered') probesAnswered++;
      if (outcome === 'closed') closedByBroker++;
    }

    expect(sent).toBeGreaterThanOrEqual(FRAME_COUNT);
    expect(closedByBroker).toBeGreaterThan(0);
    expect(probesAnswered).toBeGreaterThan(0);
    process.stdout.write(`fuzz: ${sent} frames, ${closedByBroker} connections closed by the broker, ${probesAnswered} probes answered, ${Date.now() - started} ms\n`);
    expect(errors).toEqual([]);

    // still serving: a fresh round trip through a consumer group
    await producer.send({ topic: 'fuzz-after', messages: [{ key: 'a', value: 'still alive' }] });
    const member = await runConsumer(kafka, { groupId: 'fuzz-after-group', topic: 'fuzz-after' });
    await waitFor(() => member.received.length >= 1, 'the message produced after the fuzzing');
    await member.stop();
    expect(member.received.map((m) => m.value)).toEqual(['still alive']);

    // the canary topic is exactly as it was, and so is it after a restart (recovery finds nothing to cut)
    expect(await admin.fetchTopicOffsets(CANARY)).toEqual(canaryOffsets);
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
    const warnings: string[] = [];
    broker = await startDevBroker({ port: 0, dataDir, logger: { warn: (m) => warnings.push(m), error: (m) => errors.push(m) } });
    expect(warnings).toEqual([]);
    const reader = await runConsumer(testKafka(broker.brokers), { groupId: 'fuzz-canary-reader', topic: CANARY });
    await waitFor(() => reader.received.length >= canaryValues.length, 'the canary messages after a restart');
    await reader.stop();
    expect(reader.received.map((m) => m.value).sort()).toEqual([...canaryValues].sort());
  });
});
