import { ApiKey } from '../protocol/api-keys.js';
import { handleApiVersions } from './api-versions.handler.js';
import { handleFetch } from './fetch.handler.js';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups } from './group-admin.handler.js';
import {
  handleFindCoordinator,
  handleHeartbeat,
  handleJoinGroup,
  handleLeaveGroup,
  handleSyncGroup,
} from './group-membership.handler.js';
import { handleInitProducerId } from './init-producer-id.handler.js';
import { handleListOffsets } from './list-offsets.handler.js';
import { handleMetadata } from './metadata.handler.js';
import { handleOffsetCommit, handleOffsetFetch } from './offsets.handler.js';
import { handleProduce } from './produce.handler.js';
import type { RequestHandler } from './request-context.js';
import { handleCreateTopics, handleDeleteTopics } from './topics.handler.js';

export const HANDLERS: ReadonlyMap<number, RequestHandler> = new Map<number, RequestHandler>([
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.Metadata, handleMetadata],
  [ApiKey.OffsetCommit, handleOffsetCommit],
  [ApiKey.OffsetFetch, handleOffsetFetch],
  [ApiKey.FindCoordinator, handleFindCoordinator],
  [ApiKey.JoinGroup, handleJoinGroup],
  [ApiKey.Heartbeat, handleHeartbeat],
  [ApiKey.LeaveGroup, handleLeaveGroup],
  [ApiKey.SyncGroup, handleSyncGroup],
  [ApiKey.DescribeGroups, handleDescribeGroups],
  [ApiKey.ListGroups, handleListGroups],
  [ApiKey.ApiVersions, handleApiVersions],
  [ApiKey.CreateTopics, handleCreateTopics],
  [ApiKey.DeleteTopics, handleDeleteTopics],
  [ApiKey.InitProducerId, handleInitProducerId],
  [ApiKey.DeleteGroups, handleDeleteGroups],
]);
