import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/** Kafka's offset.metadata.max.bytes default. */
const MAX_METADATA_LENGTH = 4096;

/**
 * OffsetCommit v0-v2 (docs §4): only the current generation's members may commit (or anyone with generation −1
 * while the group has no members); offsets are stored verbatim. v1's per-partition timestamp and v2's retention
 * time are ignored: committed offsets are kept until the group or topic is deleted.
 */
export function handleOffsetCommit(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const generationId = apiVersion >= 1 ? body.int32() : -1;
  const memberId = apiVersion >= 1 ? body.string() : '';
  if (apiVersion >= 2) body.int64(); // retention time
  const topics = body.array(
    (r) => ({
      topic: r.string(),
      partitions: r.array(
        (p) => {
          const partition = p.int32();
          const offset = p.int64();
          if (apiVersion === 1) p.int64(); // commit timestamp
          return { partition, offset, metadata: p.nullableString() };
        },
        apiVersion === 1 ? 22 : 14,
      ),
    }),
    6,
  );

  const groupError = broker.groups.checkCommit(groupId, generationId, memberId);
  const accepted: Array<{ topic: string; partition: number; offset: number; metadata: string | null }> = [];
  const results = topics.map(({ topic: name, partitions }) => {
    const topic = broker.topics.get(name);
    return {
      name,
      partitions: partitions.map(({ partition, offset, metadata }) => {
        let errorCode: number = groupError;
        if (errorCode === ErrorCode.NONE && !topic?.partitions[partition]) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        if (errorCode === ErrorCode.NONE && metadata !== null && metadata.length > MAX_METADATA_LENGTH) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        }
        if (errorCode === ErrorCode.NONE) accepted.push({ topic: name, partition, offset, metadata });
        return { partition, errorCode };
      }),
    };
  });

  if (accepted.length > 0) {
    try {
      broker.offsets.commit(groupId, accepted);
      if (broker.syncEveryWrite) broker.syncNow();
    } catch (error) {
      broker.logger.error(`kafka-dev-broker: storing offsets of group ${groupId} failed: ${String(error)}`);
      for (const topic of results) {
        for (const partition of topic.partitions) if (partition.errorCode === ErrorCode.NONE) partition.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
      }
    }
  }

  return new Writer().array(results, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (pw, p) => pw.int32(p.partition).int16(p.errorCode)),
  );
}

/** OffsetFetch v0-v3: −1 with error 0 where nothing was committed; v2+ null topics means all of the group's topics. */
export function handleOffsetFetch(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const requested =
    apiVersion >= 2
      ? body.nullableArray((r) => ({ topic: r.string(), partitions: r.array((p) => p.int32(), 4) }), 6)
      : body.array((r) => ({ topic: r.string(), partitions: r.array((p) => p.int32(), 4) }), 6);

  const committed = broker.offsets.offsetsOf(groupId);
  const topics =
    requested ?? [...committed].map(([topic, partitions]) => ({ topic, partitions: [...partitions.keys()].sort((a, b) => a - b) }));

  const writer = new Writer();
  if (apiVersion >= 3) writer.int32(0);
  writer.array(topics, (w, { topic, partitions }) => {
    w.string(topic).array(partitions, (pw, partition) => {
      const offset = committed.get(topic)?.get(partition);
      pw.int32(partition)
        .int64(offset?.offset ?? -1)
        .string(offset ? offset.metadata : '')
        .int16(ErrorCode.NONE);
    });
  });
  if (apiVersion >= 2) writer.int16(groupId === '' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE);
  return writer;
}
