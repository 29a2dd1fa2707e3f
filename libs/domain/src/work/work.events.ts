import { WorkEventTypes, type WorkEventDataMap, type WorkEventType } from '../../../contracts/src/events/work.events.js';
import type { DomainEvent } from '../shared/decider.js';

/** A work event as decide emits it and evolve folds it; `data` is the published contract shape. */
export type WorkEventOf<T extends WorkEventType> = DomainEvent<T, WorkEventDataMap[T]>;
export type WorkEvent = { [K in WorkEventType]: WorkEventOf<K> }[WorkEventType];

export const WORK_EVENT_TYPES: readonly WorkEventType[] = Object.values(WorkEventTypes);

/** Narrows a stored event (type: string) to a work event by its type name. */
export function isWorkEvent(event: { type: string }): event is WorkEvent {
  return (WORK_EVENT_TYPES as readonly string[]).includes(event.type);
}
