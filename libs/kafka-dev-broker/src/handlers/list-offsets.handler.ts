import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

const LATEST = -1;
const EARLIEST = -2;

interface OffsetAnswer {
  readonly partition: number;
  readonly errorCode: number;
  readonly timestamp: number;
  readonly offset: number;
}

/** ListOffsets v0-v2 (docs §2): −2 → log start, −1 → high watermark, else the first offset with timestamp ≥ t, or −1. */
export async function handleListOffsets(context: RequestContext): Promise<Writer> {
  const { body, apiVersion, broker } = context;
  body.int32(); // replica id
  if (apiVersion >= 2) body.int8(); // isolation level
  const topics = body.array(
    (r) => ({
      topic: r.string(),
      partitions: r.array(
        (p) => {
          const partition = p.int32();
          const timestamp = p.int64();
          if (apiVersion === 0) p.int32(); // max_num_offsets: one offset is always enough
          return { partition, timestamp };
        },
        apiVersion === 0 ? 16 : 12,
      ),
    }),
    6,
  );

  const answers: Array<{ name: string; partitions: OffsetAnswer[] }> = [];
  for (const { topic: name, partitions } of topics) {
    const topic = broker.topics.get(name);
    const results: OffsetAnswer[] = [];
    for (const { partition, timestamp } of partitions) {
      const log = topic?.partitions[partition];
      if (!log) {
        results.push({ partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 });
      } else if (timestamp === LATEST) {
        results.push({ partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.logEndOffset });
      } else if (timestamp === EARLIEST) {
        results.push({ partition, errorCode: ErrorCode.NONE, timestamp: -1, offset: log.logStartOffset });
      } else {
        try {
          const found = await log.offsetForTimestamp(timestamp);
          results.push({ partition, errorCode: ErrorCode.NONE, ...found });
        } catch {
          results.push({ partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: -1, offset: -1 });
        }
      }
    }
    answers.push({ name, partitions: results });
  }

  const writer = new Writer();
  if (apiVersion >= 2) writer.int32(0);
  writer.array(answers, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, p) => {
      pw.int32(p.partition).int16(p.errorCode);
      if (apiVersion === 0) {
        if (p.offset >= 0) pw.int32(1).int64(p.offset);
        else pw.int32(0);
      } else {
        pw.int64(p.timestamp).int64(p.offset);
      }
    });
  });
  return writer;
}
