import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { PartitionLog } from '../storage/partition-log.js';
import type { BrokerState } from '../server/broker-state.js';
import type { RequestContext } from './request-context.js';

interface FetchPartition {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

interface FetchTopic {
  readonly topic: string;
  readonly partitions: readonly FetchPartition[];
}

interface PartitionAnswer {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly records: Promise<Buffer[]>;
  readonly bytes: number;
}

/**
 * Fetch v0-v4 (docs §2): whole stored batches from the one containing fetch_offset (kafkajs and librdkafka skip
 * the records before it), within the partition and response byte limits but always at least one batch.
 * Without enough data the request is held up to max_wait and woken by the next append to any of its partitions.
 */
export async function handleFetch(context: RequestContext): Promise<Writer> {
  const { body, apiVersion, broker, signal } = context;
  body.int32(); // replica id
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = apiVersion >= 3 ? body.int32() : Number.POSITIVE_INFINITY;
  if (apiVersion >= 4) body.int8(); // isolation level: there are no transactions, everything is committed
  const topics = body.array(
    (r): FetchTopic => ({
      topic: r.string(),
      partitions: r.array((p) => ({ partition: p.int32(), fetchOffset: p.int64(), maxBytes: p.int32() }), 16),
    }),
    6,
  );

  const wait = Math.min(Math.max(maxWaitMs, 0), broker.config.maxFetchWaitMs);
  if (wait > 0 && minBytes > 0 && !signal.aborted && !readyToAnswer(broker, topics, minBytes)) {
    await waitForData(broker, topics, minBytes, wait, signal);
  }

  let budget = maxBytes;
  let responseBytes = 0;
  const answers = topics.map(({ topic: name, partitions }) => {
    const topic = broker.topics.get(name);
    return {
      name,
      partitions: partitions.map(({ partition, fetchOffset, maxBytes: partitionMaxBytes }): PartitionAnswer => {
        const log = topic?.partitions[partition];
        if (!log) return emptyAnswer(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1);
        const limit = Math.min(partitionMaxBytes, budget);
        if (limit <= 0 && responseBytes > 0) return emptyAnswer(partition, ErrorCode.NONE, log.logEndOffset);
        const read = log.read(fetchOffset, Math.max(limit, 0));
        budget -= read.bytes;
        responseBytes += read.bytes;
        return {
          partition,
          errorCode: read.errorCode,
          highWatermark: log.logEndOffset,
          records: Promise.all(read.parts).then((parts) => parts.flat()),
          bytes: read.bytes,
        };
      }),
    };
  });

  const writer = new Writer(128 + topics.length * 64);
  if (apiVersion >= 1) writer.int32(0);
  writer.int32(answers.length);
  for (const topic of answers) {
    writer.string(topic.name).int32(topic.partitions.length);
    for (const answer of topic.partitions) {
      let errorCode = answer.errorCode;
      let records: Buffer[] = [];
      try {
        records = await answer.records;
      } catch {
        errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION; // the topic was deleted while its data was being read
      }
      writer.int32(answer.partition).int16(errorCode).int64(answer.highWatermark);
      if (apiVersion >= 4) writer.int64(answer.highWatermark).int32(0);
      const size = errorCode === answer.errorCode ? answer.bytes : 0;
      writer.int32(size);
      if (size > 0) for (const part of records) writer.raw(part);
    }
  }
  return writer;
}

function emptyAnswer(partition: number, errorCode: number, highWatermark: number): PartitionAnswer {
  return { partition, errorCode, highWatermark, records: Promise.resolve([]), bytes: 0 };
}

/** Answer now when a partition has an error to report or enough bytes are there. */
function readyToAnswer(broker: BrokerState, topics: readonly FetchTopic[], minBytes: number): boolean {
  let available = 0;
  for (const { topic: name, partitions } of topics) {
    const topic = broker.topics.get(name);
    for (const { partition, fetchOffset } of partitions) {
      const log = topic?.partitions[partition];
      if (!log || fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) return true;
      available += log.bytesAvailableFrom(fetchOffset);
      if (available >= minBytes) return true;
    }
  }
  return false;
}

function waitForData(
  broker: BrokerState,
  topics: readonly FetchTopic[],
  minBytes: number,
  waitMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribes: Array<() => void> = [];
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      for (const unsubscribe of unsubscribes) unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    signal.addEventListener('abort', done);
    const watched = new Set<PartitionLog>();
    for (const { topic: name, partitions } of topics) {
      const topic = broker.topics.get(name);
      for (const { partition } of partitions) {
        const log = topic?.partitions[partition];
        if (log && !watched.has(log)) {
          watched.add(log);
          unsubscribes.push(log.onAppend(() => readyToAnswer(broker, topics, minBytes) && done()));
        }
      }
    }
  });
}
