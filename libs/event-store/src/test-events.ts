import { randomUUID } from 'node:crypto';
import type { EventToAppend } from './event-store.types.js';

/** An event as a command handler would hand it over; tests only. */
export function testEvent(type: string, data: Record<string, unknown> = {}, metadata: Partial<EventToAppend['metadata']> = {}): EventToAppend {
  return {
    type,
    data,
    metadata: {
      eventId: randomUUID(),
      actor: { id: 'editor-1', role: 'editor' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      source: { publisher: 'Variety', url: 'https://variety.com/2024/film/news/example' },
      ...metadata,
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
