import { DealEventTypes, type DealEventDataMap, type DealEventType } from '../../../contracts/src/events/deal.events.js';
import type { DomainEvent } from '../shared/decider.js';

export type DealEventOf<T extends DealEventType> = DomainEvent<T, DealEventDataMap[T]>;
export type DealEvent = { [K in DealEventType]: DealEventOf<K> }[DealEventType];

export const DEAL_EVENT_TYPES: readonly DealEventType[] = Object.values(DealEventTypes);

export function isDealEvent(event: { type: string }): event is DealEvent {
  return (DEAL_EVENT_TYPES as readonly string[]).includes(event.type);
}
