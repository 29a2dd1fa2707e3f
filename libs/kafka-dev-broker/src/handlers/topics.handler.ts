import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/**
 * CreateTopics v0-v3 (docs §3): −1 partitions / replication factor mean the broker defaults; the only possible
 * replication factor is 1; an existing topic is TOPIC_ALREADY_EXISTS (36). Topic configs are accepted and ignored
 * (retention is infinite, as in the project's production topics).
 */
export function handleCreateTopics(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const topics = body.array(
    (r) => ({
      name: r.string(),
      numPartitions: r.int32(),
      replicationFactor: r.int16(),
      assignments: r.array((a) => ({ partition: a.int32(), brokers: a.array((b) => b.int32(), 4) }), 8),
      configs: r.array((c) => ({ name: c.string(), value: c.nullableString() }), 4),
    }),
    16,
  );
  body.int32(); // timeout: creation is synchronous
  const validateOnly = apiVersion >= 1 ? body.boolean() : false;

  const counts = new Map<string, number>();
  for (const topic of topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
  const { nodeId } = broker.config;

  const results = topics.map((topic) => {
    if (counts.get(topic.name)! > 1) {
      return { name: topic.name, errorCode: ErrorCode.INVALID_REQUEST, message: 'Duplicate topic in the request.' };
    }
    if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1 && topic.assignments.length === 0) {
      return {
        name: topic.name,
        errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
        message: `Replication factor: ${topic.replicationFactor} larger than available brokers: 1.`,
      };
    }
    let partitions = topic.numPartitions === -1 ? broker.config.defaultPartitions : topic.numPartitions;
    if (topic.assignments.length > 0) {
      if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
        return {
          name: topic.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          message: 'Both numPartitions or replicationFactor and replicasAssignments were set.',
        };
      }
      const ids = new Set(topic.assignments.map((a) => a.partition));
      const count = topic.assignments.length;
      const valid = ids.size === count && [...ids].every((p) => p >= 0 && p < count);
      if (!valid || topic.assignments.some((a) => a.brokers.length !== 1 || a.brokers[0] !== nodeId)) {
        return {
          name: topic.name,
          errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          message: `Every partition must be assigned to broker ${nodeId} alone, partitions numbered from 0.`,
        };
      }
      partitions = topic.assignments.length;
    }
    const created = broker.createTopic(topic.name, partitions, validateOnly);
    return { name: topic.name, errorCode: created.errorCode, message: created.message };
  });

  const writer = new Writer();
  if (apiVersion >= 2) writer.int32(0);
  writer.array(results, (w, result) => {
    w.string(result.name).int16(result.errorCode);
    if (apiVersion >= 1) w.string(result.errorCode === ErrorCode.NONE ? null : result.message);
  });
  return writer;
}

/** DeleteTopics v0-v1: removes the topic, its data and the offsets committed for it. */
export function handleDeleteTopics(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const names = body.array((r) => r.string(), 2);
  body.int32(); // timeout
  const results = names.map((name) => ({ name, errorCode: broker.deleteTopic(name) }));
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  writer.array(results, (w, result) => w.string(result.name).int16(result.errorCode));
  return writer;
}
