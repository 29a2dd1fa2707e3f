import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { checkProducedBatch } from '../protocol/record-batch.js';
import type { RequestContext } from './request-context.js';

interface PartitionData {
  readonly partition: number;
  readonly records: Buffer | null;
}

interface PartitionResult {
  readonly partition: number;
  errorCode: number;
  baseOffset: number;
}

/**
 * Produce v0-v3 (docs §2). The whole request is decoded before anything is stored, so a truncated request changes
 * nothing. Each partition's record set must be exactly one RecordBatch v2 with a valid CRC-32C; its bytes are stored
 * as they are, with only baseOffset overwritten: no record is decoded on this path. acks=0 gets no response.
 */
export function handleProduce(context: RequestContext): Writer | null {
  const { body, apiVersion, broker } = context;
  const transactionalId = apiVersion >= 3 ? body.nullableString() : null;
  const acks = body.int16();
  body.int32(); // timeout: a single replica acknowledges at once
  const topics = body.array(
    (r) => ({
      topic: r.string(),
      partitions: r.array((p): PartitionData => ({ partition: p.int32(), records: p.nullableBytes() }), 8),
    }),
    6,
  );

  const requestError =
    acks !== 0 && acks !== 1 && acks !== -1
      ? ErrorCode.INVALID_REQUIRED_ACKS
      : transactionalId !== null
        ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : ErrorCode.NONE;

  const results = topics.map(({ topic: name, partitions }) => {
    const topic = requestError === ErrorCode.NONE ? broker.topics.get(name) : undefined;
    return {
      name,
      partitions: partitions.map(({ partition, records }): PartitionResult => {
        const result: PartitionResult = { partition, errorCode: requestError, baseOffset: -1 };
        if (requestError !== ErrorCode.NONE) return result;
        const log = topic?.partitions[partition];
        if (!log) {
          result.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return result;
        }
        if (records === null || records.length === 0) {
          result.errorCode = ErrorCode.CORRUPT_MESSAGE;
          return result;
        }
        if (records.length > broker.config.maxMessageBytes) {
          result.errorCode = ErrorCode.MESSAGE_TOO_LARGE;
          return result;
        }
        const check = checkProducedBatch(records, true);
        if (!check.ok) {
          result.errorCode = ErrorCode.CORRUPT_MESSAGE;
          return result;
        }
        if (check.header.transactional) {
          result.errorCode = ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
          return result;
        }
        if (check.header.control) {
          result.errorCode = ErrorCode.CORRUPT_MESSAGE;
          return result;
        }
        const verdict = log.producers.check(check.header);
        if (verdict.kind === 'error') {
          result.errorCode = verdict.errorCode;
          return result;
        }
        if (verdict.kind === 'duplicate') {
          result.baseOffset = verdict.baseOffset;
          return result;
        }
        try {
          result.baseOffset = log.append(records, check.header);
        } catch (error) {
          broker.logger.error(`kafka-dev-broker: append to ${name}-${partition} failed: ${String(error)}`);
          result.errorCode = ErrorCode.KAFKA_STORAGE_ERROR;
        }
        return result;
      }),
    };
  });

  if (broker.syncEveryWrite) broker.syncNow();
  if (acks === 0) return null;

  const writer = new Writer();
  writer.array(results, (w, topic) => {
    w.string(topic.name).array(topic.partitions, (pw, p) => {
      pw.int32(p.partition).int16(p.errorCode).int64(p.baseOffset);
      if (apiVersion >= 2) pw.int64(-1);
    });
  });
  if (apiVersion >= 1) writer.int32(0);
  return writer;
}
