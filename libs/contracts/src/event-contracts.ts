import type { DealEventType } from './events/deal.events.js';
import type { OrganizationEventType } from './events/organization.events.js';
import type { PersonEventType } from './events/person.events.js';
import type { WorkEventType } from './events/work.events.js';
import { dealEventSchemas } from './schemas/deal.schemas.js';

import { eventDataSchema, type JsonSchema } from './schemas/json-schema.js';
import { organizationEventSchemas } from './schemas/organization.schemas.js';
import { personEventSchemas } from './schemas/person.schemas.js';
import { workEventSchemas } from './schemas/work.schemas.js';
import { topicFor, type AggregateType } from './streams.js';
import { eventUpcasters } from './upcasters.js';

export type EventType = WorkEventType | OrganizationEventType | PersonEventType | DealEventType;

/** One published event type at one schema version. */
export interface EventContract {
  type: EventType;
  schemaVersion: number;
  aggregate: AggregateType;
  /** Kafka topic the event is published to. */
  topic: string;
  /** JSON Schema (draft 2020-12) of the event's `data`. */
  schema: JsonSchema;
}

function contractsOf(aggregate: AggregateType, schemas: Record<string, JsonSchema>): EventContract[] {
  return Object.entries(schemas).map(([type, schema]) => ({
    type: type as EventType,
    schemaVersion: 1,
    aggregate,
    topic: topicFor(aggregate),
    schema: eventDataSchema(type, 1, schema),
  }));
}

/**
 * Every event type at every schema version. A breaking change adds a new entry (schemaVersion + 1) with an upcaster
 * in the reading code; old entries are never edited.
 */
export const eventContracts: readonly EventContract[] = [
  ...contractsOf('work', workEventSchemas),
  ...contractsOf('organization', organizationEventSchemas),
  ...contractsOf('person', personEventSchemas),
  ...contractsOf('deal', dealEventSchemas),
];

/** The contract of `type` at `schemaVersion`, or its latest version when none is given. */
export function getEventContract(type: string, schemaVersion?: number): EventContract | undefined {
  const versions = eventContracts.filter((c) => c.type === type);
  if (schemaVersion === undefined) return versions.reduce<EventContract | undefined>((latest, c) => (!latest || c.schemaVersion > latest.schemaVersion ? c : latest), undefined);
  return versions.find((c) => c.schemaVersion === schemaVersion);
}

/**
 * The schema version new events of `type` are written with, and the version readers upcast old events to: the latest
 * contract, or higher when a registered upcaster leads further (a contract entry is added with it; tests may register
 * an upcaster alone). Throws for an unknown type: an event without contract must not be stored.
 */
export function currentSchemaVersion(type: string): number {
  const contract = getEventContract(type);
  if (!contract) throw new Error(`No event contract for ${type}`);
  return Math.max(contract.schemaVersion, eventUpcasters.latestVersion(type));
}

/** The aggregate an event type belongs to. */
export function aggregateOfEventType(type: string): AggregateType | undefined {
  return getEventContract(type)?.aggregate;
}

export function isKnownEventType(type: string): type is EventType {
  return eventContracts.some((c) => c.type === type);
}


