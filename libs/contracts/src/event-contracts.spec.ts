import { DealEventTypes } from './events/deal.events.js';
import { OrganizationEventTypes } from './events/organization.events.js';
import { PersonEventTypes } from './events/person.events.js';
import { WorkEventTypes } from './events/work.events.js';
import { currentSchemaVersion, eventContracts, getEventContract } from './event-contracts.js';
import { eventMetadataSchema } from './schemas/envelope.schema.js';
import { JSON_SCHEMA_DIALECT, type JsonSchema } from './schemas/json-schema.js';
import { checkAgainstSchema } from './schemas/schema-check.js';
import { parseStreamId, streamIdFor, topicFor } from './streams.js';

const ALL_TYPES = [...Object.values(WorkEventTypes), ...Object.values(OrganizationEventTypes), ...Object.values(PersonEventTypes), ...Object.values(DealEventTypes)];

const KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'uniqueItems',
  'enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'examples',
]);
const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);

/** Structural meta-check of a schema: known keywords, valid types, compilable patterns, required ⊆ properties. */
function schemaProblems(schema: JsonSchema, path = '#'): string[] {
  const problems: string[] = [];
  if (typeof schema !== 'object' || schema === null) return [`${path}: not an object`];
  for (const key of Object.keys(schema)) if (!KEYWORDS.has(key)) problems.push(`${path}: unknown keyword ${key}`);
  if (schema.type !== undefined && !TYPES.has(schema.type)) problems.push(`${path}: bad type ${String(schema.type)}`);
  if (schema.pattern !== undefined) {
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      problems.push(`${path}: pattern does not compile`);
    }
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0 || new Set(schema.enum).size !== schema.enum.length)) problems.push(`${path}: enum must be a non-empty list of distinct values`);
  if (schema.required !== undefined) {
    if (schema.type !== 'object') problems.push(`${path}: required on a non-object`);
    for (const key of schema.required) if (!schema.properties?.[key]) problems.push(`${path}: required ${key} has no property schema`);
  }
  for (const [key, sub] of Object.entries(schema.properties ?? {})) problems.push(...schemaProblems(sub, `${path}/properties/${key}`));
  if (schema.items) problems.push(...schemaProblems(schema.items, `${path}/items`));
  if (schema.type === 'array' && !schema.items) problems.push(`${path}: array without items`);
  return problems;
}

describe('event contracts', () => {
  it('has exactly one v1 contract per event type, and no contract without a type', () => {
    expect(eventContracts.map((c) => c.type).sort()).toEqual([...ALL_TYPES].sort());
    expect(new Set(eventContracts.map((c) => `${c.type}@${c.schemaVersion}`)).size).toBe(eventContracts.length);
    expect(ALL_TYPES.length).toBeGreaterThanOrEqual(60);
  });

  it('every event type is PascalCase and past tense (…ed, …Set)', () => {
    for (const type of ALL_TYPES) expect(type).toMatch(/^[A-Z][A-Za-z]+(ed|Set|In|Out)$/);
  });

  it('maps types to aggregates and topics', () => {
    expect(getEventContract('WorkRegistered')).toMatchObject({ aggregate: 'work', schemaVersion: 1, topic: 'reelwire.work.v1' });
    expect(getEventContract('DealAnnounced', 1)).toMatchObject({ aggregate: 'deal', topic: 'reelwire.deal.v1' });
    expect(getEventContract('PersonNameAdded')?.aggregate).toBe('person');
    expect(getEventContract('OrganizationRegistered')?.aggregate).toBe('organization');
    expect(getEventContract('WorkRegistered', 2)).toBeUndefined();
    expect(getEventContract('Nope')).toBeUndefined();
    expect(currentSchemaVersion('TitleAdded')).toBe(1);
    expect(() => currentSchemaVersion('Nope')).toThrow('No event contract for Nope');
  });

  it.each(eventContracts.map((c) => [c.type, c] as const))('%s: a well-formed draft 2020-12 object schema', (_type, contract) => {
    expect(contract.schema.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(contract.schema.$id).toBe(`https://schemas.reelwire.dev/events/${contract.type}/v${contract.schemaVersion}.json`);
    expect(contract.schema.type).toBe('object');
    expect(schemaProblems(contract.schema)).toEqual([]);
    // every event names its aggregate
    const idField = `${contract.aggregate}Id`;
    expect(contract.schema.required).toContain(idField);
  });

  it('the envelope schema is well-formed and accepts a stored event’s metadata', () => {
    expect(schemaProblems(eventMetadataSchema)).toEqual([]);
    const metadata = {
      eventId: '7d7f6e9a-6d1c-4a8e-9d7e-0b8f3c1a2b3c',
      actor: { id: 'desk-anna', role: 'editor' },
      correlationId: 'req-1',
      causationId: 'cmd-1',
      source: { publisher: 'Variety', url: 'https://variety.com/x', language: 'en' },
      occurredAt: { date: '2018', precision: 'year' },
      recordedAt: '2025-06-30T12:00:00.000Z',
      schemaVersion: 1,
    };
    expect(checkAgainstSchema(eventMetadataSchema, metadata, { strict: true })).toEqual([]);
    expect(checkAgainstSchema(eventMetadataSchema, { ...metadata, actor: { id: 'x', role: 'intern' }, source: {} })).toEqual([
      '$.actor.role: must be one of editor, auditor, admin, system; got "intern"',
      '$.source: missing required property publisher',
    ]);
  });
});

describe('checkAgainstSchema', () => {
  const schema = getEventContract('CompanyCreditAdded')!.schema;
  const good = { workId: '0b1d2e3f-0000-4000-8000-000000000001', creditId: 'c-1', organizationId: '0c0c0c0c-0000-4000-8000-000000000001', role: 'producer', from: { date: '2018', precision: 'year' } };

  it('accepts a conforming event', () => {
    expect(checkAgainstSchema(schema, good, { strict: true })).toEqual([]);
  });

  it('reports missing, mistyped, out-of-enum, pattern and undeclared properties', () => {
    const { creditId, ...missing } = good;
    expect(checkAgainstSchema(schema, missing)).toEqual(['$: missing required property creditId']);
    expect(checkAgainstSchema(schema, { ...good, role: 'caterer' })[0]).toContain('$.role: must be one of producer');
    expect(checkAgainstSchema(schema, { ...good, country: 'kr' })[0]).toContain('$.country: does not match');
    expect(checkAgainstSchema(schema, { ...good, from: { date: 2018, precision: 'year' } })).toEqual(['$.from.date: expected string, got number']);
    expect(checkAgainstSchema(schema, { ...good, extra: 1 })).toEqual([]);
    expect(checkAgainstSchema(schema, { ...good, extra: 1 }, { strict: true })).toEqual(['$: property extra is not in the schema']);
  });
});

describe('stream and topic names', () => {
  it('stream id is <aggregate>-<uuid>, and parses back', () => {
    const id = '0b1d2e3f-0000-4000-8000-000000000001';
    expect(streamIdFor('work', id)).toBe(`work-${id}`);
    expect(parseStreamId(`organization-${id}`)).toEqual({ aggregate: 'organization', id });
    expect(parseStreamId(`studio-${id}`)).toBeUndefined();
    expect(parseStreamId('work-')).toBeUndefined();
  });

  it('topics are reelwire.<aggregate>.v1', () => {
    expect(topicFor('person')).toBe('reelwire.person.v1');
  });
});
