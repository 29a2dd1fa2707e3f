import { appendRefusal, jsonbRefusedEscape } from './append-refusals.js';

describe('jsonbRefusedEscape', () => {
  const json = (value: unknown) => JSON.stringify(value);
  it('finds the escapes jsonb refuses, with the detail jsonb gives', () => {
    expect(jsonbRefusedEscape(json({ title: 'Dune\u0000' }))?.detail).toBe('\\u0000 cannot be converted to text.');
    expect(jsonbRefusedEscape(json({ ['ti\u0000tle']: 'Dune' }))?.code).toBe('22P05');
    expect(jsonbRefusedEscape(json({ title: 'Dune \ud83c!' }))?.detail).toBe('Unicode low surrogate must follow a high surrogate.');
    expect(jsonbRefusedEscape(json({ title: 'Dune \ud83c' }))?.detail).toBe('Unicode low surrogate must follow a high surrogate.');
    expect(jsonbRefusedEscape(json({ title: 'Dune \udfac' }))?.detail).toBe('Unicode low surrogate must follow a high surrogate.');
    expect(jsonbRefusedEscape(json({ title: '\ud83c\ud83c' }))?.detail).toBe('Unicode high surrogate must not follow a high surrogate.');
    // The first one in the text decides: a high surrogate before a NUL is the surrogate's refusal.
    expect(jsonbRefusedEscape(json({ title: '\ud83c\u0000' }))?.code).toBe('22P02');
    expect(jsonbRefusedEscape(json({ title: '\u0000\ud83c' }))?.code).toBe('22P05');
  });

  it('passes text that only looks like an escape, whole surrogate pairs, and other escapes', () => {
    expect(jsonbRefusedEscape(json({ title: 'C:\\u0000 and \\ud83c' }))).toBeUndefined();
    expect(jsonbRefusedEscape(json({ title: 'C:\\\\u0000' }))).toBeUndefined();
    expect(jsonbRefusedEscape(json({ title: 'Dune \ud83c\udfac' }))).toBeUndefined();
    expect(jsonbRefusedEscape('{"title":"\\ud83c\\udfac"}')).toBeUndefined();
    expect(jsonbRefusedEscape(json({ title: 'tab\there, "quoted", \u0001' }))).toBeUndefined();
    // A backslash written as text right before a NUL: the NUL is still an escape.
    expect(jsonbRefusedEscape(json({ title: 'C:\\\u0000' }))?.code).toBe('22P05');
  });
});

describe('appendRefusal', () => {
  const event = (overrides: Partial<{ eventId: string; type: string; schemaVersion: unknown; data: string }> = {}) => ({
    eventId: overrides.eventId ?? '0b6c1f9e-2f5d-4c1e-9d7a-3e8f7a6b5c4d',
    type: overrides.type ?? 'WorkTitleAdded',
    schemaVersion: overrides.schemaVersion ?? 1,
    json: { data: overrides.data ?? '{"title":"Dune"}', metadataPieces: ['{"recordedAt":"', '"}'] },
  });
  const stream = (id = 'work-1', type = 'work') => [{ stream: { id, type }, expectedVersion: 'no-stream' as const, events: [] }];

  it('takes ordinary calls', () => {
    expect(appendRefusal(stream(), { key: 'k', fingerprint: 'f' }, [event()])).toBeUndefined();
    expect(appendRefusal(stream(), undefined, [event({ eventId: '{0B6C1F9E2F5D4C1E9D7A3E8F7A6B5C4D}', schemaVersion: 2 ** 31 - 1 })])).toBeUndefined();
  });

  it('refuses in the order PostgreSQL checks: parameters in order, then the JSON of each event', () => {
    expect(appendRefusal(stream('work-\u0000'), undefined, [event({ data: '{"title":"\\u0000"}' })])).toMatchObject({ code: '22021' });
    expect(appendRefusal(stream(), undefined, [event({ eventId: 'x', data: '{"title":"\\ud83c"}' })])?.message).toMatch(/^invalid input syntax for type uuid: "x" \(/);
    expect(appendRefusal(stream(), undefined, [event({ eventId: 'x' }), event({ eventId: 'y\u0000' })])).toMatchObject({ code: '22021' });
    expect(appendRefusal(stream(), undefined, [event({ schemaVersion: 2 ** 31 })])).toMatchObject({ code: '22003', message: expect.stringMatching(/^value "2147483648" is out of range for type integer/) });
    expect(appendRefusal(stream(), undefined, [event({ schemaVersion: 1e21 })])).toMatchObject({ code: '22P02', message: expect.stringMatching(/^invalid input syntax for type integer: "1e\+21"/) });
    expect(appendRefusal(stream(), undefined, [event({ data: '{"title":"\\u0000"}' })])).toMatchObject({ code: '22P05', severity: 'ERROR' });
  });

  it('names the place of the value, never the value', () => {
    const refusal = appendRefusal(stream('work-\u0000-secret'), undefined, [event()]);
    expect(refusal?.message).toBe('invalid byte sequence for encoding "UTF8": 0x00 (the id of the call\'s stream 1)');
    expect(refusal?.message).not.toContain('secret');
  });
});
