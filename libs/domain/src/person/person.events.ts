import { PersonEventTypes, type PersonEventDataMap, type PersonEventType } from '../../../contracts/src/events/person.events.js';
import type { DomainEvent } from '../shared/decider.js';

export type PersonEventOf<T extends PersonEventType> = DomainEvent<T, PersonEventDataMap[T]>;
export type PersonEvent = { [K in PersonEventType]: PersonEventOf<K> }[PersonEventType];

export const PERSON_EVENT_TYPES: readonly PersonEventType[] = Object.values(PersonEventTypes);

export function isPersonEvent(event: { type: string }): event is PersonEvent {
  return (PERSON_EVENT_TYPES as readonly string[]).includes(event.type);
}
