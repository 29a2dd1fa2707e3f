import { OrganizationEventTypes, type OrganizationEventDataMap, type OrganizationEventType } from '../../../contracts/src/events/organization.events.js';
import type { DomainEvent } from '../shared/decider.js';

export type OrganizationEventOf<T extends OrganizationEventType> = DomainEvent<T, OrganizationEventDataMap[T]>;
export type OrganizationEvent = { [K in OrganizationEventType]: OrganizationEventOf<K> }[OrganizationEventType];

export const ORGANIZATION_EVENT_TYPES: readonly OrganizationEventType[] = Object.values(OrganizationEventTypes);

export function isOrganizationEvent(event: { type: string }): event is OrganizationEvent {
  return (ORGANIZATION_EVENT_TYPES as readonly string[]).includes(event.type);
}
