import { type Reader, Writer } from '../protocol/codec.js';

/** Encoders for the request bodies tests send over a WireClient, at the versions the clients use. */
export const requestBody = {
  metadataV4(topics: string[] | null, allowAutoTopicCreation = true): Writer {
    return new Writer().array(topics, (w, topic) => w.string(topic)).boolean(allowAutoTopicCreation);
  },

  produceV3(options: { topic: string; partition: number; batch: Buffer | null; acks?: number; transactionalId?: string | null }): Writer {
    return new Writer()
      .string(options.transactionalId ?? null)
      .int16(options.acks ?? -1)
      .int32(30_000)
      .int32(1)
      .string(options.topic)
      .int32(1)
      .int32(options.partition)
      .bytes(options.batch);
  },

  fetchV4(options: { topic: string; partition: number; offset: number; maxWaitMs: number; minBytes?: number; maxBytes?: number }): Writer {
    return new Writer()
      .int32(-1)
      .int32(options.maxWaitMs)
      .int32(options.minBytes ?? 1)
      .int32(options.maxBytes ?? 10 * 1024 * 1024)
      .int8(0)
      .int32(1)
      .string(options.topic)
      .int32(1)
      .int32(options.partition)
      .int64(options.offset)
      .int32(options.maxBytes ?? 1024 * 1024);
  },

  listOffsetsV2(topic: string, partition: number, timestamp: number): Writer {
    return new Writer().int32(-1).int8(0).int32(1).string(topic).int32(1).int32(partition).int64(timestamp);
  },

  initProducerIdV1(transactionalId: string | null = null): Writer {
    return new Writer().string(transactionalId).int32(60_000);
  },

  createTopicsV3(name: string, partitions: number, replicationFactor = -1): Writer {
    return new Writer().int32(1).string(name).int32(partitions).int16(replicationFactor).int32(0).int32(0).int32(5000).boolean(false);
  },
};

export const responseBody = {
  apiVersions(reader: Reader, version: number): { errorCode: number; apis: Array<{ apiKey: number; min: number; max: number }> } {
    const errorCode = reader.int16();
    if (version >= 3) {
      const count = reader.unsignedVarint() - 1;
      const apis = [];
      for (let i = 0; i < count; i++) {
        apis.push({ apiKey: reader.int16(), min: reader.int16(), max: reader.int16() });
        reader.skipTaggedFields();
      }
      reader.int32();
      reader.skipTaggedFields();
      return { errorCode, apis };
    }
    const apis = reader.array((r) => ({ apiKey: r.int16(), min: r.int16(), max: r.int16() }));
    if (version >= 1) reader.int32();
    return { errorCode, apis };
  },

  produceV3(reader: Reader): Array<{ topic: string; partition: number; errorCode: number; baseOffset: number }> {
    const out = reader.array((r) => {
      const topic = r.string();
      return r.array((p) => ({ topic, partition: p.int32(), errorCode: p.int16(), baseOffset: p.int64(), logAppendTime: p.int64() }));
    });
    reader.int32();
    return out.flat().map(({ logAppendTime: _, ...rest }) => rest);
  },

  fetchV4(reader: Reader): Array<{ topic: string; partition: number; errorCode: number; highWatermark: number; records: Buffer }> {
    reader.int32();
    return reader
      .array((r) => {
        const topic = r.string();
        return r.array((p) => {
          const partition = p.int32();
          const errorCode = p.int16();
          const highWatermark = p.int64();
          p.int64();
          p.nullableArray((a) => [a.int64(), a.int64()]);
          return { topic, partition, errorCode, highWatermark, records: Buffer.from(p.bytes()) };
        });
      })
      .flat();
  },

  listOffsetsV2(reader: Reader): { errorCode: number; timestamp: number; offset: number } {
    reader.int32();
    const [answer] = reader
      .array((r) => {
        r.string();
        return r.array((p) => {
          p.int32();
          return { errorCode: p.int16(), timestamp: p.int64(), offset: p.int64() };
        });
      })
      .flat();
    return answer!;
  },

  initProducerIdV1(reader: Reader): { errorCode: number; producerId: bigint; producerEpoch: number } {
    reader.int32();
    return { errorCode: reader.int16(), producerId: reader.int64Big(), producerEpoch: reader.int16() };
  },

  createTopicsV3(reader: Reader): Array<{ name: string; errorCode: number; message: string | null }> {
    reader.int32();
    return reader.array((r) => ({ name: r.string(), errorCode: r.int16(), message: r.nullableString() }));
  },

  metadataV4(reader: Reader): {
    brokers: Array<{ nodeId: number; host: string; port: number }>;
    controllerId: number;
    topics: Array<{ errorCode: number; name: string; partitions: number[] }>;
  } {
    reader.int32();
    const brokers = reader.array((r) => {
      const broker = { nodeId: r.int32(), host: r.string(), port: r.int32() };
      r.nullableString();
      return broker;
    });
    reader.nullableString();
    const controllerId = reader.int32();
    const topics = reader.array((r) => {
      const errorCode = r.int16();
      const name = r.string();
      r.boolean();
      const partitions = r.array((p) => {
        p.int16();
        const id = p.int32();
        p.int32();
        p.array((x) => x.int32());
        p.array((x) => x.int32());
        return id;
      });
      return { errorCode, name, partitions };
    });
    return { brokers, controllerId, topics };
  },
};
