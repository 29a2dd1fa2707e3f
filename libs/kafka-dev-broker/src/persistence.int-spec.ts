import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevBroker, startDevBroker } from './index.js';
import { ApiKey } from './protocol/api-keys.js';
import { Writer } from './protocol/codec.js';
import { ErrorCode } from './protocol/error-codes.js';
import { requestBody, responseBody } from './testing/request-bodies.js';
import { decodeRecordBatches, encodeRecordBatch, WireClient } from './testing/wire-client.js';

/** The data directory: what survives a restart, and what a crash in the middle of a write leaves behind. */
describe('dev broker persistence', () => {
  let dataDir: string;
  let broker: DevBroker | undefined;
  let warnings: string[];
  const clients: WireClient[] = [];

  const start = async (options: { segmentBytes?: number; fsyncIntervalMs?: number } = {}): Promise<DevBroker> => {
    broker = await startDevBroker({ port: 0, dataDir, defaultPartitions: 1, logger: { warn: (m) => warnings.push(m) }, ...options });
    return broker;
  };
  const restart = async (options: { segmentBytes?: number } = {}): Promise<DevBroker> => {
    await broker?.stop();
    return start(options);
  };
  const connect = async (): Promise<WireClient> => {
    const client = await WireClient.connect(broker!.port);
    clients.push(client);
    return client;
  };
  const produce = async (c: WireClient, topic: string, batch: Buffer): Promise<{ errorCode: number; baseOffset: number }> =>
    responseBody.produceV3(await c.request(ApiKey.Produce, 3, requestBody.produceV3({ topic, partition: 0, batch })))[0]!;
  const readAll = async (c: WireClient, topic: string): Promise<{ highWatermark: number; values: Array<string | null> }> => {
    const [answer] = responseBody.fetchV4(
      await c.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic, partition: 0, offset: 0, maxWaitMs: 0, maxBytes: 64 * 1024 * 1024 })),
    );
    expect(answer!.errorCode).toBe(ErrorCode.NONE);
    return { highWatermark: answer!.highWatermark, values: decodeRecordBatches(answer!.records).map((r) => r.value) };
  };
  const ensureTopic = async (c: WireClient, topic: string): Promise<void> => {
    await c.request(ApiKey.Metadata, 4, requestBody.metadataV4([topic]));
  };
  const segments = (topic: string): string[] => {
    const dir = join(dataDir, 'topics', topic, '0');
    return readdirSync(dir)
      .filter((name) => name.endsWith('.log'))
      .sort()
      .map((name) => join(dir, name));
  };
  const commitOffset = async (c: WireClient, group: string, topic: string, offset: number): Promise<number> => {
    const body = new Writer().string(group).int32(-1).string('').int64(-1).int32(1).string(topic).int32(1).int32(0).int64(offset).string('meta');
    const reader = await c.request(ApiKey.OffsetCommit, 2, body);
    return reader.array((r) => {
      r.string();
      return r.array((p) => {
        p.int32();
        return p.int16();
      });
    })[0]![0]!;
  };
  const fetchOffset = async (c: WireClient, group: string, topic: string): Promise<{ offset: number; metadata: string | null }> => {
    const reader = await c.request(ApiKey.OffsetFetch, 3, new Writer().string(group).int32(1).string(topic).int32(1).int32(0));
    reader.int32();
    const [answer] = reader
      .array((r) => {
        r.string();
        return r.array((p) => {
          p.int32();
          const result = { offset: p.int64(), metadata: p.nullableString() };
          p.int16();
          return result;
        });
      })
      .flat();
    return answer!;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-persist-'));
    warnings = [];
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await broker?.stop();
    broker = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps topics, records, committed offsets and deletions across a restart', async () => {
    await start();
    let c = await connect();
    const created = responseBody.createTopicsV3(await c.request(ApiKey.CreateTopics, 3, requestBody.createTopicsV3('kept', 4)));
    expect(created[0]!.errorCode).toBe(ErrorCode.NONE);
    await ensureTopic(c, 'doomed');
    for (let i = 0; i < 5; i++) await produce(c, 'kept', encodeRecordBatch([{ value: `v${i}` }]));
    expect(await commitOffset(c, 'g', 'kept', 3)).toBe(ErrorCode.NONE);
    const deleted = await c.request(ApiKey.DeleteTopics, 1, new Writer().int32(1).string('doomed').int32(1000));
    deleted.int32();
    expect(deleted.array((r) => [r.string(), r.int16()])).toEqual([['doomed', ErrorCode.NONE]]);

    await restart();
    c = await connect();
    const meta = responseBody.metadataV4(await c.request(ApiKey.Metadata, 4, requestBody.metadataV4(null)));
    expect(meta.topics).toEqual([{ errorCode: 0, name: 'kept', partitions: [0, 1, 2, 3] }]);
    expect(await readAll(c, 'kept')).toEqual({ highWatermark: 5, values: ['v0', 'v1', 'v2', 'v3', 'v4'] });
    expect(await fetchOffset(c, 'g', 'kept')).toEqual({ offset: 3, metadata: 'meta' });
    expect((await produce(c, 'kept', encodeRecordBatch([{ value: 'v5' }]))).baseOffset).toBe(5);
    expect(warnings).toEqual([]);
  });

  it('cuts a torn tail off the segment and the offsets log, and appends after the last whole record', async () => {
    await start();
    let c = await connect();
    await ensureTopic(c, 'torn');
    for (let i = 0; i < 3; i++) await produce(c, 'torn', encodeRecordBatch([{ value: `whole-${i}` }, { value: `whole-${i}b` }]));
    await commitOffset(c, 'g', 'torn', 4);
    await broker!.stop();

    const [segment] = segments('torn');
    const sizeBefore = statSync(segment!).size;
    appendFileSync(segment!, encodeRecordBatch([{ value: 'half written' }]).subarray(0, 30));
    appendFileSync(join(dataDir, 'consumer-offsets.log'), Buffer.from([0, 0, 0, 40, 1, 2, 3]));

    await start();
    c = await connect();
    expect(statSync(segment!).size).toBe(sizeBefore);
    expect(warnings.some((w) => w.includes('truncating 30 bytes'))).toBe(true);
    expect(warnings.some((w) => w.includes('consumer-offsets.log: truncating 7 bytes'))).toBe(true);
    expect(await readAll(c, 'torn')).toEqual({ highWatermark: 6, values: ['whole-0', 'whole-0b', 'whole-1', 'whole-1b', 'whole-2', 'whole-2b'] });
    expect(await fetchOffset(c, 'g', 'torn')).toEqual({ offset: 4, metadata: 'meta' });
    expect((await produce(c, 'torn', encodeRecordBatch([{ value: 'after' }]))).baseOffset).toBe(6);
    expect(await commitOffset(c, 'g', 'torn', 7)).toBe(ErrorCode.NONE);

    await restart();
    c = await connect();
    expect((await readAll(c, 'torn')).values.slice(-1)).toEqual(['after']);
    expect(await fetchOffset(c, 'g', 'torn')).toEqual({ offset: 7, metadata: 'meta' });
  });

  it('drops a last batch whose CRC no longer matches (a torn write inside the batch)', async () => {
    await start();
    let c = await connect();
    await ensureTopic(c, 'crc');
    await produce(c, 'crc', encodeRecordBatch([{ value: 'good' }]));
    await produce(c, 'crc', encodeRecordBatch([{ value: 'will be damaged' }]));
    await broker!.stop();

    const [segment] = segments('crc');
    const bytes = readFileSync(segment!);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(segment!, bytes);

    await start();
    c = await connect();
    expect(await readAll(c, 'crc')).toEqual({ highWatermark: 1, values: ['good'] });
    expect((await produce(c, 'crc', encodeRecordBatch([{ value: 'next' }]))).baseOffset).toBe(1);
  });

  it('reads across many small segments after a restart, from any offset', async () => {
    await start({ segmentBytes: 1024 });
    let c = await connect();
    await ensureTopic(c, 'rolled');
    const values = Array.from({ length: 60 }, (_, i) => `record-${i}-${'p'.repeat(50)}`);
    for (const value of values) await produce(c, 'rolled', encodeRecordBatch([{ value }]));
    expect(segments('rolled').length).toBeGreaterThan(4);

    await restart({ segmentBytes: 1024 });
    c = await connect();
    expect(await readAll(c, 'rolled')).toEqual({ highWatermark: 60, values });
    const [middle] = responseBody.fetchV4(
      await c.request(ApiKey.Fetch, 4, requestBody.fetchV4({ topic: 'rolled', partition: 0, offset: 37, maxWaitMs: 0, maxBytes: 300 })),
    );
    expect(decodeRecordBatches(middle!.records)[0]!.value).toBe(values[37]);
    expect((await produce(c, 'rolled', encodeRecordBatch([{ value: 'tail' }]))).baseOffset).toBe(60);
  });

  it('still recognises a resent idempotent batch after a restart (producer state rebuilt from the log)', async () => {
    await start({ fsyncIntervalMs: 0 });
    let c = await connect();
    await ensureTopic(c, 'idem');
    const pid = responseBody.initProducerIdV1(await c.request(ApiKey.InitProducerId, 1, requestBody.initProducerIdV1()));
    const batch = encodeRecordBatch([{ value: 'once' }], { producerId: pid.producerId, producerEpoch: 0, baseSequence: 0 });
    expect(await produce(c, 'idem', Buffer.from(batch))).toMatchObject({ errorCode: 0, baseOffset: 0 });

    await restart();
    c = await connect();
    expect(await produce(c, 'idem', Buffer.from(batch))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect((await readAll(c, 'idem')).highWatermark).toBe(1);
    const fresh = responseBody.initProducerIdV1(await c.request(ApiKey.InitProducerId, 1, requestBody.initProducerIdV1()));
    expect(fresh.producerId).toBeGreaterThan(pid.producerId);
  });

  it('refuses a second broker on a data directory that is in use', async () => {
    await start();
    await expect(startDevBroker({ port: 0, dataDir })).rejects.toThrow(/in use|already used/);
  });
});
