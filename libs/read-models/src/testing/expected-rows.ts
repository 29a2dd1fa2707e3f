/**
 * The reference the read models are tested against: each stream folded with the domain's own evolve, and the rows
 * computed from the folded state by the pure row builders (row-builders.ts and the models' *.rows.ts) — what each
 * model shows, stated as a function of the whole state. The engine's handlers compute the same rows event by event;
 * the models' specs check the two agree on the demo scenario and on random logs. Tests only: folding a stream's
 * whole history per event is exactly the cost the engine avoids.
 */
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import type { AggregateType } from '../../../contracts/src/streams.js';
import { dealDecider } from '../../../domain/src/deal/deal.decider.js';
import { organizationDecider } from '../../../domain/src/organization/organization.decider.js';
import { personDecider } from '../../../domain/src/person/person.decider.js';
import { fold, type DomainEvent } from '../../../domain/src/shared/decider.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';
import { toProjectedEvent } from '../engine/published-events.js';
import { rowsForDeal, rowsForOrganization, rowsForPerson, rowsForWork } from './reference/row-builders.js';
import { mergeRowSets, type RowSet } from './reference/row-set.js';
import { eventSources, standingTimelineRows, workFactSources } from './reference/timeline.rows.js';

const REFERENCE: Record<AggregateType, (events: DomainEvent[], published: readonly PublishedEvent[]) => RowSet> = {
  work: (events, published) => rowsForWork(fold(workDecider, events as never), workFactSources(published)),
  deal: (events, published) => rowsForDeal(fold(dealDecider, events as never), eventSources(published)),
  organization: (events) => rowsForOrganization(fold(organizationDecider, events as never)),
  person: (events) => rowsForPerson(fold(personDecider, events as never)),
};

/** A published event as the domain's evolve takes it (upcast to the supported version). */
export function toDomainEvent(event: PublishedEvent): { domainEvent: DomainEvent } {
  const projected = toProjectedEvent(event);
  return { domainEvent: { type: projected.type, data: projected.data, metadata: projected.metadata } as DomainEvent };
}

/** What the read models must show after `events`: folded per stream in memory and built by the pure row builders. */
export function expectedRows(events: readonly PublishedEvent[]): RowSet {
  const byStream = new Map<string, PublishedEvent[]>();
  for (const e of events) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  return mergeRowSets(
    [...byStream.values()].map((stream) => {
      const sorted = [...stream].sort((a, b) => a.streamVersion - b.streamVersion);
      const rows = REFERENCE[sorted[0]!.streamType as AggregateType](sorted.map((e) => toDomainEvent(e).domainEvent), sorted);
      return sorted[0]!.streamType === 'work' ? { ...rows, timeline_entries: [...rows.timeline_entries, ...standingTimelineRows(sorted)] } : rows;
    }),
  );
}

/** JSON text of each row, sorted: equal lists mean equal tables, duplicates included. */
export function canonicalRows(rows: readonly object[]): string[] {
  return rows.map((r) => JSON.stringify(sortKeys(r))).sort();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}
