import { type DevBroker, startDevBroker } from './index.js';
import { ApiKey, SUPPORTED_APIS } from './protocol/api-keys.js';
import { Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/error-codes.js';
import { BatchField } from './protocol/record-batch.js';
import { requestBody, responseBody } from './testing/request-bodies.js';
import { decodeRecordBatches, encodeRecordBatch, WireClient } from './testing/wire-client.js';

/** Exact protocol behaviour, byte for byte, with a bare client: what kafkajs and kcat rely on without showing it. */
describe('dev broker wire protocol', () => {
  let broker: DevBroker;
  const clients: WireClient[] = [];
  const client = async (): Promise<WireClient> => {
    const c = await WireClient.connect(broker.port);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startDevBroker({ port: 0, defaultPartitions: 2, maxFrameBytes: 1024 * 1024, maxMessageBytes: 64 * 1024 });
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await broker.stop();
  });

  async function produce(c: WireClient, topic: string, batch: Buffer, partition = 0): Promise<{ errorCode: number; baseOffset: number }> {
    const [result] = responseBody.produceV3(await c.request(ApiKey.Produce, 3, requestBody.produceV3({ topic, partition, batch })));
    return result!;
  }

  async function createTopic(c: WireClient, name: string, partitions = 1): Promise<void> {
    const [result] = responseBody.createTopicsV3(await c.request(ApiKey.CreateTopics, 3, requestBody.createTopicsV3(name, partitions)));
    expect(result!.errorCode).toBe(ErrorCode.NONE);
  }

  it('answers ApiVersions v0-v2 and librdkafka\'s flexible v3 with every API at min 0, and v4 with UNSUPPORTED_VERSION', async () => {
    const c = await client();
    const expected = SUPPORTED_APIS.map((api) => ({ apiKey: api.apiKey, min: 0, max: api.maxVersion }));
    for (const version of [0, 1, 2, 3]) {
      const answer = responseBody.apiVersions(await c.request(ApiKey.ApiVersions, version), version);
      expect(answer).toEqual({ errorCode: ErrorCode.NONE, apis: expected });
    }
    const tooNew = responseBody.apiVersions(await c.request(ApiKey.ApiVersions, 4), 0);
    expect(tooNew).toEqual({ errorCode: ErrorCode.UNSUPPORTED_VERSION, apis: expected });
  });

  it('advertises itself as node, controller and 127.0.0.1 with the bound port; auto-creates only when allowed', async () => {
    const c = await client();
    const meta = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4(['wire-auto', 'wire-no-auto'].slice(0, 1))));
    expect(meta.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
    expect(meta.controllerId).toBe(1);
    expect(meta.topics).toEqual([{ errorCode: ErrorCode.NONE, name: 'wire-auto', partitions: [0, 1] }]);
    const refused = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4(['wire-no-auto'], false)));
    expect(refused.topics).toEqual([{ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: 'wire-no-auto', partitions: [] }]);
    const invalid = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4(['bad name!'])));
    expect(invalid.topics[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    const brokersOnly = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4([])));
    expect(brokersOnly.topics).toEqual([]);
    const all = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4(null)));
    expect(all.topics.map((t) => t.name)).toContain('wire-auto');
    expect(all.topics.map((t) => t.name)).not.toContain('wire-no-auto');
  });

  it('stores batches as sent with offsets assigned, and fetches whole batches from the one holding the offset', async () => {
    const c = await client();
    await createTopic(c, 'wire-log');
    const first = await produce(c, 'wire-log', encodeRecordBatch([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]));
    const second = await produce(c, 'wire-log', encodeRecordBatch([{ key: 'd', value: '4' }]));
    expect(first).toEqual({ topic: 'wire-log', partition: 0, errorCode: 0, baseOffset: 0 });
    expect(second.baseOffset).toBe(3);

    const [fetched] = responseBody.fetchV4(
      await c.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-log', partition: 0, offset: 1, maxWaitMs: 0 })),
    );
    expect(fetched!.errorCode).toBe(ErrorCode.NONE);
    expect(fetched!.highWatermark).toBe(4);
    expect(decodeRecordBatches(fetched!.records).map((r) => [r.offset, r.value])).toEqual([
      [0, '1'],
      [1, '2'],
      [2, '3'],
      [3, '4'],
    ]);
    expect(fetched!.records.readBigInt64BE(BatchField.baseOffset)).toBe(0n);

    const fetchAt = async (offset: number): Promise<{ errorCode: number; records: Buffer }> =>
      responseBody.fetchV4(await c.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-log', partition: 0, offset, maxWaitMs: 0 })))[0]!;
    expect(await fetchAt(4)).toMatchObject({ errorCode: ErrorCode.NONE, records: Buffer.alloc(0) });
    expect((await fetchAt(5)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchAt(-3)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);

    // a partition limit smaller than the first batch still returns that batch, and only it
    const [limited] = responseBody.fetchV4(
      await c.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-log', partition: 0, offset: 0, maxWaitMs: 0, maxBytes: 10 })),
    );
    expect(decodeRecordBatches(limited!.records).map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('answers ListOffsets for earliest, latest and by timestamp', async () => {
    const c = await client();
    await createTopic(c, 'wire-times');
    await produce(c, 'wire-times', encodeRecordBatch([{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 2000 }]));
    await produce(c, 'wire-times', encodeRecordBatch([{ value: 'c', timestamp: 3000 }]));
    const list = async (timestamp: number): Promise<{ errorCode: number; timestamp: number; offset: number }> =>
      responseBody.listOffsetsV2(await c.request(ApiKey.ListOffsets, 2, requestBody.listOffsetsV2('wire-times', 0, timestamp)));
    expect(await list(-2)).toEqual({ errorCode: 0, timestamp: -1, offset: 0 });
    expect(await list(-1)).toEqual({ errorCode: 0, timestamp: -1, offset: 3 });
    expect(await list(1500)).toEqual({ errorCode: 0, timestamp: 2000, offset: 1 });
    expect(await list(2500)).toEqual({ errorCode: 0, timestamp: 3000, offset: 2 });
    expect(await list(9000)).toEqual({ errorCode: 0, timestamp: -1, offset: -1 });
  });

  it('holds a fetch at the log end until an append arrives, and answers an idle one after max_wait', async () => {
    const consumer = await client();
    const producer = await client();
    await createTopic(producer, 'wire-poll');
    const started = Date.now();
    const waiting = consumer.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-poll', partition: 0, offset: 0, maxWaitMs: 20_000 }));
    let answered = false;
    void waiting.then(() => (answered = true));
    await producer.request(ApiKey.ApiVersions, 2);
    expect(answered).toBe(false);
    await produce(producer, 'wire-poll', encodeRecordBatch([{ value: 'wake up' }]));
    const [woken] = responseBody.fetchV4(await waiting);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(decodeRecordBatches(woken!.records).map((r) => r.value)).toEqual(['wake up']);

    const idleStart = Date.now();
    const [idle] = responseBody.fetchV4(
      await consumer.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-poll', partition: 0, offset: 1, maxWaitMs: 300 })),
    );
    expect(Date.now() - idleStart).toBeGreaterThanOrEqual(250);
    expect(idle).toMatchObject({ errorCode: ErrorCode.NONE, highWatermark: 1, records: Buffer.alloc(0) });
  });

  it('rejects corrupt batches with CORRUPT_MESSAGE, oversized ones with MESSAGE_TOO_LARGE, unknown partitions with 3', async () => {
    const c = await client();
    await createTopic(c, 'wire-bad');
    const flipped = encodeRecordBatch([{ value: 'x' }]);
    flipped[flipped.length - 2]! ^= 0x40;
    expect((await produce(c, 'wire-bad', flipped)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const magic1 = encodeRecordBatch([{ value: 'x' }]);
    magic1.writeInt8(1, BatchField.magic);
    expect((await produce(c, 'wire-bad', magic1)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const twoBatches = Buffer.concat([encodeRecordBatch([{ value: 'x' }]), encodeRecordBatch([{ value: 'y' }])]);
    expect((await produce(c, 'wire-bad', twoBatches)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const huge = encodeRecordBatch([{ value: 'z'.repeat(70 * 1024) }]);
    expect((await produce(c, 'wire-bad', huge)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await produce(c, 'wire-bad', encodeRecordBatch([{ value: 'x' }]), 7)).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce(c, 'wire-missing', encodeRecordBatch([{ value: 'x' }]))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const latest = responseBody.listOffsetsV2(await c.request(ApiKey.ListOffsets, 2, requestBody.listOffsetsV2('wire-bad', 0, -1)));
    expect(latest.offset).toBe(0);
  });

  it('acknowledges a resent idempotent batch with its first offset instead of appending it twice', async () => {
    const c = await client();
    await createTopic(c, 'wire-idem');
    const pid = responseBody.initProducerIdV1(await c.request(ApiKey.InitProducerId, 1, requestBody.initProducerIdV1()));
    expect(pid.errorCode).toBe(ErrorCode.NONE);
    expect(pid.producerEpoch).toBe(0);
    const batch = (baseSequence: number, values: string[], producerEpoch = 0): Buffer =>
      encodeRecordBatch(values.map((value) => ({ value })), { producerId: pid.producerId, producerEpoch, baseSequence });

    const request = requestBody.produceV3({ topic: 'wire-idem', partition: 0, batch: batch(0, ['a', 'b']) }).toBuffer();
    const firstSend = responseBody.produceV3(await c.request(ApiKey.Produce, 3, request));
    const resend = responseBody.produceV3(await c.request(ApiKey.Produce, 3, Buffer.from(request)));
    expect(firstSend[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(resend[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect((await produce(c, 'wire-idem', batch(2, ['c']))).baseOffset).toBe(2);
    expect((await produce(c, 'wire-idem', batch(9, ['gap'])))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect((await produce(c, 'wire-idem', batch(3, ['new epoch, seq 3'], 1)))).toMatchObject({ errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect((await produce(c, 'wire-idem', batch(0, ['new epoch'], 1)))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    expect((await produce(c, 'wire-idem', batch(3, ['old epoch'], 0)))).toMatchObject({ errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    const latest = responseBody.listOffsetsV2(await c.request(ApiKey.ListOffsets, 2, requestBody.listOffsetsV2('wire-idem', 0, -1)));
    expect(latest.offset).toBe(4);

    const transactional = responseBody.initProducerIdV1(await c.request(ApiKey.InitProducerId, 1, requestBody.initProducerIdV1('tx')));
    expect(transactional.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it('answers pipelined requests in order and sends nothing for acks=0', async () => {
    const c = await client();
    await createTopic(c, 'wire-pipe');
    const before = c.arrivals.length;
    const frames = [0, 1, 2, 3, 4].map((i) =>
      c.frame(ApiKey.Produce, 3, requestBody.produceV3({ topic: 'wire-pipe', partition: 0, batch: encodeRecordBatch([{ value: `m${i}` }]), acks: i === 2 ? 0 : 1 })),
    );
    const probe = c.frame(ApiKey.ApiVersions, 2, Buffer.alloc(0));
    const answers = frames.filter((_, i) => i !== 2).map((f) => c.expect(f.correlationId));
    const probeAnswer = c.expect(probe.correlationId);
    c.sendRaw(Buffer.concat([...frames.map((f) => f.bytes), probe.bytes]));
    const results = await Promise.all(answers);
    await probeAnswer;
    expect(results.map((r) => responseBody.produceV3(r)[0]!.baseOffset)).toEqual([0, 1, 3, 4]);
    expect(c.arrivals.slice(before)).toEqual([...frames.filter((_, i) => i !== 2).map((f) => f.correlationId), probe.correlationId]);
  });

  it('answers the lower versions it advertises in their own formats', async () => {
    const c = await client();
    await createTopic(c, 'wire-old', 1);
    await produce(c, 'wire-old', encodeRecordBatch([{ value: 'old' }]));

    const metadataV0 = await c.request(ApiKey.Metadata, 0, new Writer().int32(1).string('wire-old'));
    expect(metadataV0.array((r) => [r.int32(), r.string(), r.int32()])).toEqual([[1, '127.0.0.1', broker.port]]);
    expect(metadataV0.array((r) => [r.int16(), r.string(), r.array((p) => [p.int16(), p.int32(), p.int32(), p.array((x) => x.int32()), p.array((x) => x.int32())])])).toEqual([
      [0, 'wire-old', [[0, 0, 1, [1], [1]]]],
    ]);
    expect(metadataV0.remaining).toBe(0);

    const produceV2 = await c.request(ApiKey.Produce, 2, new Writer().int16(1).int32(1000).int32(1).string('wire-old').int32(1).int32(0).bytes(encodeRecordBatch([{ value: 'v2' }])));
    expect(produceV2.array((r) => [r.string(), r.array((p) => [p.int32(), p.int16(), p.int64(), p.int64()])])).toEqual([['wire-old', [[0, 0, 1, -1]]]]);
    expect(produceV2.int32()).toBe(0);
    expect(produceV2.remaining).toBe(0);

    const listV0 = await c.request(ApiKey.ListOffsets, 0, new Writer().int32(-1).int32(1).string('wire-old').int32(1).int32(0).int64(-1).int32(1));
    expect(listV0.array((r) => [r.string(), r.array((p) => [p.int32(), p.int16(), p.array((o) => o.int64())])])).toEqual([['wire-old', [[0, 0, [2]]]]]);

    const fetchV0 = await c.request(ApiKey.Fetch, 0, new Writer().int32(-1).int32(0).int32(1).int32(1).string('wire-old').int32(1).int32(0).int64(1).int32(65536));
    const [fetched] = fetchV0
      .array((r) => {
        const topic = r.string();
        return r.array((p) => ({ topic, partition: p.int32(), errorCode: p.int16(), highWatermark: p.int64(), records: Buffer.from(p.bytes()) }));
      })
      .flat();
    expect(fetched).toMatchObject({ topic: 'wire-old', partition: 0, errorCode: 0, highWatermark: 2 });
    expect(decodeRecordBatches(fetched!.records).map((r) => r.value)).toEqual(['v2']);

    const coordinatorV0 = await c.request(ApiKey.FindCoordinator, 0, new Writer().string('some-group'));
    expect([coordinatorV0.int16(), coordinatorV0.int32(), coordinatorV0.string(), coordinatorV0.int32()]).toEqual([0, 1, '127.0.0.1', broker.port]);
  });

  it('closes only the offending connection for an unknown API, an unsupported version, a truncated body or a bad size', async () => {
    const healthy = await client();
    await createTopic(healthy, 'wire-survivor');
    await produce(healthy, 'wire-survivor', encodeRecordBatch([{ value: 'kept' }]));

    const offenders: Array<(c: WireClient) => void> = [
      (c) => c.sendRaw(c.frame(99, 0, Buffer.alloc(4)).bytes),
      (c) => c.sendRaw(c.frame(ApiKey.Produce, 9, Buffer.alloc(4)).bytes),
      (c) => c.sendRaw(c.frame(ApiKey.Metadata, 4, new Writer().int32(5).int16(3)).bytes),
      (c) => c.sendRaw(c.frame(ApiKey.Produce, 3, requestBody.produceV3({ topic: 'wire-survivor', partition: 0, batch: encodeRecordBatch([{ value: 'cut' }]) }).toBuffer().subarray(0, 40)).bytes),
      (c) => c.sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0])), // 2 GiB announced: refused before any allocation
      (c) => c.sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0])), // negative size
      (c) => c.sendRaw(Buffer.from([0, 0, 0, 4, 0, 18, 0, 0])), // shorter than a request header
    ];
    for (const offend of offenders) {
      const c = await client();
      offend(c);
      await c.closed;
      expect(c.isClosed).toBe(true);
    }

    const [still] = responseBody.fetchV4(
      await healthy.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'wire-survivor', partition: 0, offset: 0, maxWaitMs: 0 })),
    );
    expect(decodeRecordBatches(still!.records).map((r) => r.value)).toEqual(['kept']);
    expect(still!.highWatermark).toBe(1);
  });
});
