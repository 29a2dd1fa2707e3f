import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/** FindCoordinator v0-v2: the broker coordinates every group (and would every transaction). */
export function handleFindCoordinator(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  body.string(); // key
  if (apiVersion >= 1) body.int8(); // key type
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  writer.int16(ErrorCode.NONE);
  if (apiVersion >= 1) writer.string(null);
  return writer.int32(broker.config.nodeId).string(broker.config.advertisedHost).int32(broker.port);
}

/** JoinGroup v0-v3: held at the rebalance barrier until the generation completes (see GroupCoordinator). */
export async function handleJoinGroup(context: RequestContext): Promise<Writer> {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  const rebalanceTimeoutMs = apiVersion >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const protocolType = body.string();
  const protocols = body.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }), 6);
  const result = await broker.groups.join({
    groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId,
    protocolType,
    protocols,
    clientId: context.clientId,
    clientHost: context.clientHost,
  });
  const writer = new Writer();
  if (apiVersion >= 2) writer.int32(0);
  return writer
    .int16(result.errorCode)
    .int32(result.generationId)
    .string(result.protocolName)
    .string(result.leaderId)
    .string(result.memberId)
    .array(result.members, (w, member) => w.string(member.memberId).bytes(member.metadata));
}

/** SyncGroup v0-v2: followers wait here for the leader's assignment. */
export async function handleSyncGroup(context: RequestContext): Promise<Writer> {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  const assignments = new Map(body.array((r) => [r.string(), Buffer.from(r.bytes())] as const, 6));
  const result = await broker.groups.sync(groupId, generationId, memberId, assignments);
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  return writer.int16(result.errorCode).bytes(result.assignment);
}

/** Heartbeat v0-v2: REBALANCE_IN_PROGRESS tells a member to rejoin. */
export function handleHeartbeat(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  const errorCode = broker.groups.heartbeat(groupId, generationId, memberId);
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  return writer.int16(errorCode);
}

/** LeaveGroup v0-v1: the remaining members rebalance at once instead of waiting for a session timeout. */
export function handleLeaveGroup(context: RequestContext): Writer {
  const { body, apiVersion, broker } = context;
  const groupId = body.string();
  const memberId = body.string();
  const errorCode = broker.groups.leave(groupId, memberId);
  const writer = new Writer();
  if (apiVersion >= 1) writer.int32(0);
  return writer.int16(errorCode);
}
