/**
 * Stream and topic naming: part of the public contract (stream ids are Kafka keys; topic names are subscribed to).
 * Stream id: `<aggregate>-<id>`, e.g. `work-3f2a…`. Topic: `reelwire.<aggregate>.v1`.
 */

export const AGGREGATE_TYPES = ['work', 'organization', 'person', 'deal'] as const;
export type AggregateType = (typeof AGGREGATE_TYPES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical (hyphenated, any version) UUID. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isAggregateType(value: string): value is AggregateType {
  return (AGGREGATE_TYPES as readonly string[]).includes(value);
}

/** `streamIdFor('work', '3f2a…')` → `'work-3f2a…'`. */
export function streamIdFor(aggregate: AggregateType, id: string): string {
  if (!id) throw new Error(`${aggregate} stream needs an id`);
  return `${aggregate}-${id}`;
}

/** The inverse of streamIdFor; undefined for an id that does not follow the convention. */
export function parseStreamId(streamId: string): { aggregate: AggregateType; id: string } | undefined {
  const dash = streamId.indexOf('-');
  if (dash <= 0) return undefined;
  const aggregate = streamId.slice(0, dash);
  const id = streamId.slice(dash + 1);
  if (!isAggregateType(aggregate) || id === '') return undefined;
  return { aggregate, id };
}

/** Kafka topic of an aggregate's events. The version is the topic's, bumped only for an incompatible envelope. */
export function topicFor(aggregate: AggregateType): string {
  return `reelwire.${aggregate}.v1`;
}

export const TOPICS: Record<AggregateType, string> = {
  work: topicFor('work'),
  organization: topicFor('organization'),
  person: topicFor('person'),
  deal: topicFor('deal'),
};
