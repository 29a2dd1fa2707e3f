import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/** DescribeGroups v0-v2: an unknown group is error 0 with state Dead (kafkajs admin.resetOffsets needs Empty or Dead). */
export function handleDescribeGroups(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const groupIds = body.array((r) => r.string(), 2);
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  return writer.array(
    groupIds.map((groupId) => broker.groups.describe(groupId)),
    (w, group) =>
      w
        .int16(group.errorCode)
        .string(group.groupId)
        .string(group.state)
        .string(group.protocolType)
        .string(group.protocol)
        .array(group.members, (mw, member) =>
          mw.string(member.memberId).string(member.clientId).string(member.clientHost).bytes(member.metadata).bytes(member.assignment),
        ),
  );
}

/** ListGroups v0-v1: groups with members or committed offsets. */
export function handleListGroups(context: RequestContext): Writer {
  const { apiVersion, broker } = context;
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  return writer
    .int16(ErrorCode.NONE)
    .array(broker.groups.list(), (w, group) => w.string(group.groupId).string(group.protocolType));
}

/** DeleteGroups v0-v1: only a group without members (NON_EMPTY_GROUP otherwise); its offsets go with it. */
export function handleDeleteGroups(context: RequestContext): Writer {
  const { body, broker } = context;
  const groupIds = body.array((r) => r.string(), 2);
  const results = groupIds.map((groupId) => {
    try {
      return { groupId, errorCode: broker.groups.delete(groupId) };
    } catch (error) {
      broker.logger.error(`kafka-dev-broker: deleting group ${groupId} failed: ${String(error)}`);
      return { groupId, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
    }
  });
  return new Writer().int32(0).array(results, (w, result) => w.string(result.groupId).int16(result.errorCode));
}
