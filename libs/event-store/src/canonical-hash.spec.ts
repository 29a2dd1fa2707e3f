import { createHash, randomUUID } from 'node:crypto';
import { BARE_HOLE, canonicalJson, canonicalJsonParts, eventHash, eventHashParts, eventHashText, QUOTED_HOLE } from './canonical-hash.js';

/** What event_store_append does with the parts (migrations/0004-single-statement-append.sql), in Node. */
function hashAsTheDatabaseDoes(parts: string[], position: string, recordedAt: string, prevHash: string, streamVersion: number): string {
  const text = parts[0]! + position + parts[1]! + recordedAt + parts[2]! + prevHash + parts[3]! + String(streamVersion) + parts[4]!;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: undefined, b: true } })).toBe('{"a":{"b":true,"d":[1,"x",null]},"b":1}');
  });

  it('cuts the text at holes, keeping the quotes of a quoted hole in the parts', () => {
    expect(canonicalJsonParts({ z: BARE_HOLE, a: QUOTED_HOLE, m: [1] })).toEqual(['{"a":"', '","m":[1],"z":', '}']);
    expect(() => canonicalJson({ a: QUOTED_HOLE })).toThrow(/holes/);
  });
});

describe('eventHashParts', () => {
  // Awkward content on purpose: keys that sort around the holes' keys, unicode, escapes, nested arrays, numbers.
  const samples = [
    { data: { title: 'Save the Green Planet!', year: 2003 }, metadata: { actor: 'editor-1', source: { url: 'https://example.org/a' } } },
    { data: { 'globalPosition': 'not the real one', prevHash: 'x', nested: [{ z: 1, a: [2, 3.5, -0.25] }] }, metadata: { recordedAt: 'ignored', occurredAt: '2018-01-01' } },
    { data: { text: 'línea "uno"\n\ttab \u0001 control, 지구를 지켜라!', empty: {}, list: [] }, metadata: { note: '\\ back\\slash', streamVersion: 99 } },
  ];

  it.each(samples.map((sample, i) => [i, sample] as const))('sample %i: the database-filled parts hash exactly as eventHash does', (_i, sample) => {
    const base = { streamId: `work-${randomUUID()}`, streamType: 'work', eventId: randomUUID(), type: 'MilestoneRecorded', schemaVersion: 2 };
    const { recordedAt: _dropped, ...metadata } = { ...sample.metadata, eventId: base.eventId, schemaVersion: 2 } as Record<string, unknown>;
    const parts = eventHashParts({ ...base, data: sample.data, metadata });
    const recordedAt = '2026-11-25T18:32:47.123Z';
    const prevHash = createHash('sha256').update('previous').digest('hex');
    const expected = eventHash({
      ...base,
      globalPosition: '1234567890123',
      streamVersion: 17,
      data: sample.data,
      metadata: { ...metadata, recordedAt },
      prevHash,
    });
    expect(hashAsTheDatabaseDoes(parts, '1234567890123', recordedAt, prevHash, 17)).toBe(expected);
  });
});

describe('eventHashText', () => {
  // Metadata keys that sort around recordedAt and schemaVersion, an integer-like key (objects list those first, the
  // canonical order does not), a __proto__ key as JSON.parse makes one, and a caller's recordedAt (replaced).
  const metadataSamples: Array<Record<string, unknown>> = [
    { actor: 'editor-1' },
    {},
    JSON.parse('{"r":1,"recordedA":2,"recordedAt":"caller","recordedAt0":3,"s":4,"schemaVersion":9,"schemaVersion0":5,"__proto__":{"x":1},"10":"ten","9":"nine"}') as Record<string, unknown>,
    { zeta: [1, { b: 2, a: 'é"\\' }], alpha: null, 'with space': true },
  ];
  const dataSamples: unknown[] = [{ b: 1, a: [1, 2.5, 'x', { d: 1, c: 2 }] }, [], 'a string', { '2': 1, '10': 2, '': 3 }];

  it.each(metadataSamples.flatMap((metadata, m) => dataSamples.map((data, d) => [m, d, metadata, data] as const)))(
    'metadata %i, data %i: the pieces make the text eventHash hashes, and data and metadata are its canonical JSON',
    (_m, _d, metadata, data) => {
      const base = { streamId: 'work-"quoted"', streamType: 'work', eventId: randomUUID(), type: 'Ty\npe', schemaVersion: 3 };
      const text = eventHashText({ ...base, data, metadata }, { setSchemaVersion: true });
      const recordedAt = '2026-11-25T18:32:47.123Z';
      const prevHash = createHash('sha256').update('previous').digest('hex');
      const { recordedAt: _callers, ...callerMetadata } = metadata;
      const storedMetadata = { ...callerMetadata, schemaVersion: 3, recordedAt };
      const whole =
        '{"data":' + text.data + text.afterData + '77' + '","metadata":' + text.metadataHead + recordedAt + text.metadataTail + ',"prevHash":"' +
        prevHash + text.afterPrevHash + '5' + text.afterVersion;
      const expected = eventHash({ ...base, globalPosition: '77', streamVersion: 5, data, metadata: storedMetadata, prevHash });
      expect(createHash('sha256').update(whole, 'utf8').digest('hex')).toBe(expected);
      expect(text.data).toBe(canonicalJson(data));
      expect(text.metadataHead + recordedAt + text.metadataTail).toBe(canonicalJson(storedMetadata));
      for (const piece of Object.values(text)) expect(piece).not.toMatch(/[\u0000-\u001f]/);
      // Without setSchemaVersion the caller's schemaVersion (or none) is hashed as given.
      const asGiven = eventHashText({ ...base, data, metadata });
      expect(asGiven.metadataHead + recordedAt + asGiven.metadataTail).toBe(canonicalJson({ ...callerMetadata, recordedAt }));
    },
  );
});
