import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Topic } from '../storage/topic-registry.js';
import type { RequestContext } from './request-context.js';

/**
 * Metadata v0-v4. The broker is the only node, the controller and every partition's leader. Requested topics that
 * do not exist are created at once when auto-creation is allowed and answered with error 0 (a first
 * LEADER_NOT_AVAILABLE would leak into kafkajs users' code); v1+ null topics means all, an empty array none.
 */
export function handleMetadata(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const requested = apiVersion === 0 ? body.array((r) => r.string(), 2) : body.nullableArray((r) => r.string(), 2);
  const allowAutoCreate = apiVersion >= 4 ? body.boolean() : true;

  const answers: Array<{ name: string; errorCode: number; topic?: Topic }> = [];
  if (requested === null || (apiVersion === 0 && requested.length === 0)) {
    for (const topic of broker.topics.list()) answers.push({ name: topic.name, errorCode: ErrorCode.NONE, topic });
  } else {
    for (const name of new Set(requested)) {
      const lookup = broker.lookupTopic(name, allowAutoCreate);
      answers.push({ name, errorCode: lookup.errorCode, ...(lookup.topic ? { topic: lookup.topic } : {}) });
    }
  }

  const { nodeId } = broker.config;
  const writer = new Writer(256 + answers.length * 64);
  if (apiVersion >= 3) writer.int32(0);
  writer.int32(1).int32(nodeId).string(broker.config.advertisedHost).int32(broker.port);
  if (apiVersion >= 1) writer.string(null);
  if (apiVersion >= 2) writer.string(broker.config.clusterId);
  if (apiVersion >= 1) writer.int32(nodeId);
  writer.int32(answers.length);
  for (const answer of answers) {
    writer.int16(answer.errorCode).string(answer.name);
    if (apiVersion >= 1) writer.boolean(false);
    const partitions = answer.topic?.partitions.length ?? 0;
    writer.int32(partitions);
    for (let p = 0; p < partitions; p++) {
      writer.int16(ErrorCode.NONE).int32(p).int32(nodeId).int32(1).int32(nodeId).int32(1).int32(nodeId);
    }
  }
  return writer;
}
