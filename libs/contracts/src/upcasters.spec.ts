import type { EventMetadata } from './envelope.js';
import { currentSchemaVersion } from './event-contracts.js';
import { eventUpcasters, UpcasterRegistry, UpcastError, type UpcastableEvent } from './upcasters.js';

const metadata = (schemaVersion: number): EventMetadata => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  actor: { id: 'desk-anna', role: 'editor' },
  correlationId: 'c',
  causationId: 'c',
  source: { publisher: 'Variety' },
  recordedAt: '2025-11-24T10:00:00.000Z',
  schemaVersion,
});

const v1 = (data: Record<string, unknown>): UpcastableEvent => ({ type: 'MilestoneRecorded', schemaVersion: 1, data, metadata: metadata(1) });

describe('upcasters', () => {
  it('chains v1 → v2 → v3 in order, sets the event and metadata schemaVersion, and never mutates the input', () => {
    const registry = new UpcasterRegistry();
    registry.register({ type: 'MilestoneRecorded', fromVersion: 2, upcast: (data) => ({ ...data, label: String(data.title).toUpperCase() }) });
    registry.register({ type: 'MilestoneRecorded', fromVersion: 1, upcast: ({ name, ...rest }) => ({ ...rest, title: name }) });
    const stored = v1({ name: 'first look', workId: 'w' });
    const frozen = structuredClone(stored);

    const upcast = registry.upcast(stored);

    expect(upcast.schemaVersion).toBe(3);
    expect(upcast.metadata.schemaVersion).toBe(3);
    expect(upcast.data).toEqual({ workId: 'w', title: 'first look', label: 'FIRST LOOK' });
    expect(stored).toEqual(frozen);
    expect(registry.latestVersion('MilestoneRecorded')).toBe(3);
    expect(registry.upcast(stored, 2).data).toEqual({ workId: 'w', title: 'first look' });
  });

  it('passes the metadata to each step (an upcaster may derive a field from the envelope)', () => {
    const registry = new UpcasterRegistry();
    registry.register({ type: 'MilestoneRecorded', fromVersion: 1, upcast: (data, meta) => ({ ...data, citedBy: meta.source.publisher }) });
    expect(registry.upcast(v1({})).data).toEqual({ citedBy: 'Variety' });
  });

  it('leaves events at or above the target alone and other types untouched', () => {
    const registry = new UpcasterRegistry();
    registry.register({ type: 'MilestoneRecorded', fromVersion: 1, upcast: (data) => ({ ...data, added: true }) });
    const current = { ...v1({ x: 1 }), schemaVersion: 2 };
    expect(registry.upcast(current)).toBe(current);
    const other = { ...v1({ x: 1 }), type: 'TitleAdded' };
    expect(registry.upcast(other)).toBe(other);
  });

  it('throws UpcastError naming the missing step of a broken chain, and refuses a second step for the same version', () => {
    const registry = new UpcasterRegistry();
    registry.register({ type: 'MilestoneRecorded', fromVersion: 2, upcast: (data) => data });
    expect(() => registry.upcast(v1({}))).toThrow(UpcastError);
    expect(() => registry.upcast(v1({}))).toThrow(/no upcaster from MilestoneRecorded v1/);
    expect(() => registry.register({ type: 'MilestoneRecorded', fromVersion: 2, upcast: (data) => data })).toThrow(/already registered/);
    expect(() => registry.register({ type: 'MilestoneRecorded', fromVersion: 0, upcast: (data) => data })).toThrow(TypeError);
  });

  it('a step registered in the shared registry raises the current schema version new events are written with; removing it restores it', () => {
    expect(currentSchemaVersion('MilestoneRecorded')).toBe(1);
    const remove = eventUpcasters.register({ type: 'MilestoneRecorded', fromVersion: 1, upcast: (data) => data });
    try {
      expect(currentSchemaVersion('MilestoneRecorded')).toBe(2);
      expect(currentSchemaVersion('TitleAdded')).toBe(1);
    } finally {
      remove();
    }
    expect(currentSchemaVersion('MilestoneRecorded')).toBe(1);
  });
});
