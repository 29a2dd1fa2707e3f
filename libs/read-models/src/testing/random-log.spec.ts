import { currentSchemaVersion, getEventContract } from '../../../contracts/src/event-contracts.js';
import { DealEventTypes } from '../../../contracts/src/events/deal.events.js';
import { OrganizationEventTypes } from '../../../contracts/src/events/organization.events.js';
import { PersonEventTypes } from '../../../contracts/src/events/person.events.js';
import { WorkEventTypes } from '../../../contracts/src/events/work.events.js';
import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { eventMetadataSchema } from '../../../contracts/src/schemas/envelope.schema.js';
import { checkAgainstSchema } from '../../../contracts/src/schemas/schema-check.js';
import { isUuid, parseStreamId, type AggregateType } from '../../../contracts/src/streams.js';
import { dealDecider } from '../../../domain/src/deal/deal.decider.js';
import { organizationDecider } from '../../../domain/src/organization/organization.decider.js';
import { personDecider } from '../../../domain/src/person/person.decider.js';
import type { Decider, DomainEvent } from '../../../domain/src/shared/decider.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';
import { cutAt, randomLog, type RandomLog } from './random-log.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => i + 1);
const START = new Date('2025-01-01T00:00:00Z');

/** Each stream type's decider, to fold the published streams with (the reference the projections are compared to). */
const DECIDERS: Record<AggregateType, Decider<never, DomainEvent, { version: number }>> = {
  work: workDecider as unknown as Decider<never, DomainEvent, { version: number }>,
  deal: dealDecider as unknown as Decider<never, DomainEvent, { version: number }>,
  organization: organizationDecider as unknown as Decider<never, DomainEvent, { version: number }>,
  person: personDecider as unknown as Decider<never, DomainEvent, { version: number }>,
};

const EVENT_TYPES_BY_STREAM_TYPE: Record<AggregateType, readonly string[]> = {
  work: Object.keys(WorkEventTypes),
  deal: Object.keys(DealEventTypes),
  organization: Object.keys(OrganizationEventTypes),
  person: Object.keys(PersonEventTypes),
};

function byStream(events: readonly PublishedEvent[]): Map<string, PublishedEvent[]> {
  const streams = new Map<string, PublishedEvent[]>();
  for (const event of events) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  return streams;
}

describe('randomLog', () => {
  let logs: RandomLog[];

  beforeAll(() => {
    logs = SEEDS.map((seed) => randomLog({ seed }));
  });

  it('gives a byte-identical log for the same seed', () => {
    for (const seed of [1, 42, 123_456_789]) {
      const [first, second] = [randomLog({ seed }), randomLog({ seed })];
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      expect(first.seed).toBe(seed);
    }
  });

  it('gives different logs, with no id in common, for different seeds', () => {
    const [one, two] = [randomLog({ seed: 1 }), randomLog({ seed: 2 })];
    expect(JSON.stringify(two.events)).not.toBe(JSON.stringify(one.events));
    const ids = new Set(one.events.flatMap((e) => [e.eventId, e.streamId]));
    expect(two.events.some((e) => ids.has(e.eventId) || ids.has(e.streamId))).toBe(false);
  });

  it('publishes every event type of the four stream types across seeds 1..200, each on its own stream type', () => {
    const seen = new Map<string, Set<string>>();
    for (const event of logs.flatMap((log) => log.events)) seen.set(event.type, (seen.get(event.type) ?? new Set()).add(event.streamType));
    for (const [streamType, types] of Object.entries(EVENT_TYPES_BY_STREAM_TYPE)) {
      expect(types.filter((type) => !seen.has(type))).toEqual([]);
      for (const type of types) expect([...seen.get(type)!]).toEqual([streamType]);
    }
    expect(seen.size).toBe(Object.values(EVENT_TYPES_BY_STREAM_TYPE).flat().length);
  });

  it('appends in global order: positions 1..n, recordedAt one second apart from start, each stream at versions 1..n, each decision together', () => {
    const problems: string[] = [];
    for (const { seed, events } of logs) {
      events.forEach((event, index) => {
        if (event.globalPosition !== String(index + 1)) problems.push(`seed ${seed}: position ${event.globalPosition} at index ${index}`);
        if (event.recordedAt !== new Date(START.getTime() + index * 1000).toISOString()) problems.push(`seed ${seed}: recordedAt ${event.recordedAt} at index ${index}`);
      });
      for (const [streamId, stream] of byStream(events)) {
        if (stream.some((e, i) => e.streamVersion !== i + 1)) problems.push(`seed ${seed}: ${streamId} versions ${stream.map((e) => e.streamVersion).join(',')}`);
      }
      // a decision's events (one correlation id) are consecutive, a move's on two streams included
      const decisions = events.map((e) => e.metadata.correlationId).filter((id, i, all) => i === 0 || id !== all[i - 1]);
      if (new Set(decisions).size !== decisions.length) problems.push(`seed ${seed}: a decision's events are not consecutive`);
    }
    expect(problems).toEqual([]);
  });

  it('moves a credit or an attachment as one decision over two streams: the source stream first', () => {
    const moves = logs.flatMap((log) => log.events.map((event, i) => [event, log.events[i + 1]] as const)).filter(([e]) => e.type.endsWith('MovedOut'));
    expect(moves.length).toBeGreaterThan(50);
    for (const [out, into] of moves) {
      expect(into!.type).toBe(out.type.replace('MovedOut', 'MovedIn'));
      expect(into!.metadata.correlationId).toBe(out.metadata.correlationId);
      expect(into!.data.moveId).toBe(out.data.moveId);
      expect(into!.streamId).toBe(`work-${String(out.data.targetWorkId)}`);
    }
  });

  it('folds every stream with its decider’s evolve without throwing, up to the stream’s last version', () => {
    const problems: string[] = [];
    for (const { seed, events } of logs) {
      for (const [streamId, stream] of byStream(events)) {
        const decider = DECIDERS[parseStreamId(streamId)!.aggregate];
        const domainEvents: DomainEvent[] = stream.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }));
        const state = domainEvents.reduce((s, e) => decider.evolve(s, e), decider.initialState());
        if (state.version !== stream.length) problems.push(`seed ${seed}: ${streamId} folded to version ${state.version} of ${stream.length}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('conforms to the published contract: data and envelope schemas, uuid ids, the actor, the current schema version', () => {
    const problems: string[] = [];
    for (const { events } of logs.slice(0, 60)) {
      for (const event of events) {
        const contract = getEventContract(event.type)!;
        problems.push(...checkAgainstSchema(contract.schema, event.data, { strict: true }).map((p) => `${event.type} data ${p}`));
        problems.push(...checkAgainstSchema(eventMetadataSchema, event.metadata, { strict: true }).map((p) => `${event.type} metadata ${p}`));
        const parsed = parseStreamId(event.streamId);
        if (!parsed || parsed.aggregate !== event.streamType || !isUuid(parsed.id)) problems.push(`${event.type} stream id ${event.streamId}`);
        if (!isUuid(event.eventId) || event.metadata.eventId !== event.eventId) problems.push(`${event.type} event id ${event.eventId}`);
        if (!isUuid(event.metadata.correlationId) || !isUuid(event.metadata.causationId)) problems.push(`${event.type} correlation/causation ids`);
        if (event.schemaVersion !== currentSchemaVersion(event.type) || event.metadata.schemaVersion !== event.schemaVersion) problems.push(`${event.type} schemaVersion`);
        if (event.metadata.recordedAt !== event.recordedAt) problems.push(`${event.type} metadata.recordedAt`);
        if (event.metadata.actor.id !== 'editor-1' || event.metadata.actor.role !== 'editor') problems.push(`${event.type} actor`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives facts uuid ids too (titles, names, parties, credits, status changes…), and references them by those', () => {
    const ids: string[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        for (const [key, v] of Object.entries(value)) {
          if ((key === 'id' || key.endsWith('Id')) && typeof v === 'string') ids.push(v);
          else collect(v);
        }
      }
    };
    for (const { events } of logs.slice(0, 20)) for (const event of events) collect(event.data);
    expect(ids.length).toBeGreaterThan(1000);
    expect(ids.filter((id) => !isUuid(id))).toEqual([]);
  });

  it('dates the world at year, month and day precision, with ties on the same date', () => {
    const precisions = new Set<string>();
    let logsWithTies = 0;
    for (const { events } of logs) {
      const dates = events.flatMap((e) => (e.metadata.occurredAt ? [e.metadata.occurredAt] : []));
      for (const d of dates) precisions.add(d.precision);
      if (new Set(dates.map((d) => `${d.date}/${d.precision}`)).size < dates.length) logsWithTies += 1;
    }
    expect([...precisions].sort()).toEqual(['day', 'month', 'year']);
    expect(logsWithTies).toBeGreaterThan(SEEDS.length / 2);
  });

  it('spreads each log over many event types', () => {
    const typesPerLog = logs.map((log) => new Set(log.events.map((e) => e.type)).size);
    expect(Math.min(...typesPerLog)).toBeGreaterThanOrEqual(20);
  });

  it('follows the options: registrations, commands (one decision each) and start', () => {
    const start = new Date('2020-06-01T00:00:00Z');
    const { events } = randomLog({ seed: 9, works: 2, people: 1, organizations: 3, deals: 0, commands: 12, start });
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect([count('WorkRegistered'), count('PersonRegistered'), count('OrganizationRegistered'), count('DealAnnounced')]).toEqual([2, 1, 3, 0]);
    expect(new Set(events.map((e) => e.metadata.correlationId)).size).toBe(2 + 1 + 3 + 12);
    expect(events[0]!.recordedAt).toBe(start.toISOString());
    // the world happened before the deciders' clock
    for (const e of events) if (e.metadata.occurredAt && e.type !== 'MilestoneRecorded' && e.type !== 'MilestoneCorrected') expect(e.metadata.occurredAt.date <= '2020').toBe(true);

    expect(randomLog({ seed: 9, commands: 0 }).events.map((e) => e.type)).toEqual([
      ...Array(5).fill('OrganizationRegistered'),
      ...Array(6).fill('PersonRegistered'),
      ...Array(6).fill('WorkRegistered'),
    ]);
    // nothing to act on: the commands are given up on, not looped over
    expect(randomLog({ seed: 9, works: 0, people: 0, organizations: 0, deals: 0, commands: 10 }).events).toEqual([]);
  });

  it('refuses options it cannot follow', () => {
    expect(() => randomLog({ seed: Number.NaN })).toThrow(RangeError);
    expect(() => randomLog({ seed: 1, works: -1 })).toThrow(RangeError);
    expect(() => randomLog({ seed: 1, commands: 2.5 })).toThrow(RangeError);
    expect(() => randomLog({ seed: 1, start: new Date('not a date') })).toThrow(RangeError);
  });
});

describe('cutAt', () => {
  const { events } = randomLog({ seed: 3 });

  it('keeps the events at or before the position, in order', () => {
    expect(cutAt(events, 10)).toEqual(events.slice(0, 10));
    expect(cutAt(events, '10')).toEqual(events.slice(0, 10));
    expect(cutAt(events, 10n)).toEqual(events.slice(0, 10));
    expect(cutAt(events, 0)).toEqual([]);
    expect(cutAt(events, events.length + 5)).toEqual(events);
  });

  it('compares positions as integers, not as strings', () => {
    // '9' > '10' as strings
    expect(cutAt(events, 9).map((e) => e.globalPosition)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(cutAt(events, 100).length).toBe(Math.min(100, events.length));
  });
});
