/**
 * The APIs this broker answers and the versions it advertises (docs: kafka-dev-broker.md §1).
 * Every range starts at 0: librdkafka's feature checks need ranges that include the low versions, and both
 * clients then pick exactly the MaxVersion, which keeps every exchange in the classic (non-flexible) encoding.
 */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DeleteGroups: 42,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface ApiVersionRange {
  readonly apiKey: ApiKey;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export const SUPPORTED_APIS: readonly ApiVersionRange[] = [
  { apiKey: ApiKey.Produce, name: 'Produce', minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.Fetch, name: 'Fetch', minVersion: 0, maxVersion: 4 },
  { apiKey: ApiKey.ListOffsets, name: 'ListOffsets', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.Metadata, name: 'Metadata', minVersion: 0, maxVersion: 4 },
  { apiKey: ApiKey.OffsetCommit, name: 'OffsetCommit', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.OffsetFetch, name: 'OffsetFetch', minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.FindCoordinator, name: 'FindCoordinator', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.JoinGroup, name: 'JoinGroup', minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.Heartbeat, name: 'Heartbeat', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.LeaveGroup, name: 'LeaveGroup', minVersion: 0, maxVersion: 1 },
  { apiKey: ApiKey.SyncGroup, name: 'SyncGroup', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.DescribeGroups, name: 'DescribeGroups', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.ListGroups, name: 'ListGroups', minVersion: 0, maxVersion: 1 },
  // Advertised 0-2 (kafkajs uses 2); v3 requests from librdkafka are answered in v3 anyway, see api-versions handler.
  { apiKey: ApiKey.ApiVersions, name: 'ApiVersions', minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.CreateTopics, name: 'CreateTopics', minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.DeleteTopics, name: 'DeleteTopics', minVersion: 0, maxVersion: 1 },
  { apiKey: ApiKey.InitProducerId, name: 'InitProducerId', minVersion: 0, maxVersion: 1 },
  { apiKey: ApiKey.DeleteGroups, name: 'DeleteGroups', minVersion: 0, maxVersion: 1 },
];

export const API_BY_KEY: ReadonlyMap<number, ApiVersionRange> = new Map(SUPPORTED_APIS.map((api) => [api.apiKey, api]));

/** The one flexible request version answered: librdkafka opens every connection with ApiVersions v3. */
export const API_VERSIONS_FLEXIBLE_VERSION = 3;
