import { admitBody, admitQuery } from './text-at-the-edge.js';

describe('texts at the edge', () => {
  it('composes decomposed text (NFC), keys included, and keeps everything else as sent', () => {
    const decomposed = 'Mang mẹ đi bỏ'.normalize('NFD');
    const { value, errors } = admitBody({ titles: [{ text: decomposed, primary: true }], changes: { ['ghi chú'.normalize('NFD')]: 1 }, productionYear: 2023 });
    expect(errors).toEqual([]);
    expect(value).toEqual({ titles: [{ text: 'Mang mẹ đi bỏ', primary: true }], changes: { 'ghi chú': 1 }, productionYear: 2023 });
  });

  it('names every field with a control character or a lone surrogate; line breaks only in multi-line fields', () => {
    const { errors } = admitBody({ note: 'line one\r\n\tline two', reason: 'bell\u0007', titles: [{ text: 'tab\there' }], source: { publisher: 'x\u0085', title: 'half \ud83c' }, label: 'del\u007f' });
    expect(errors.map((error) => error.field)).toEqual(['reason', 'titles.0.text', 'source.publisher', 'source.title', 'label']);
    expect(errors[0]!.message).toBe('reason contains the control character U+0007 at position 4: remove it (tab and line breaks are allowed in this field)');
    expect(errors[3]!.message).toContain('lone UTF-16 surrogate');
  });

  it('counts length in characters after composing, by field', () => {
    expect(admitBody({ text: 'ẹ'.repeat(500).normalize('NFD') }).errors).toEqual([]);
    expect(admitBody({ text: 'x'.repeat(501) }).errors).toEqual([{ field: 'text', message: 'text must be at most 500 characters (got 501)' }]);
    expect(admitBody({ note: 'x'.repeat(2000), url: `https://example.org/${'x'.repeat(2000)}` }).errors).toEqual([]);
    expect(admitBody({ source: { publisher: 'p'.repeat(301) } }).errors.map((error) => error.field)).toEqual(['source.publisher']);
  });

  it('writes UUID ids in lower case, keeps other fact ids, and refuses the nil UUID', () => {
    const id = '5EED0C00-0000-4000-8000-00000000000A';
    expect(admitBody({ workId: id, fact: { type: 'company-credit', id: 'C1' } }).value).toEqual({ workId: id.toLowerCase(), fact: { type: 'company-credit', id: 'C1' } });
    expect(admitBody({ organizationId: '00000000-0000-0000-0000-000000000000' }).errors.map((error) => error.field)).toEqual(['organizationId']);
  });

  it('refuses a bad key and a body nested deeper than any request needs, without walking it all', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = { nested: deep };
    expect(admitBody({ changes: deep }).errors).toEqual([{ field: expect.stringMatching(/^changes(\.nested)+$/), message: expect.stringContaining('nests deeper than 32 levels') }]);
    expect(admitBody({ changes: { 'kind\u0000': 1 } }).errors.map((error) => error.field)).toEqual(['changes.kind\\u0000']);
  });

  it('keeps a __proto__ key an own property of the copy, never the prototype', () => {
    const body = JSON.parse('{"__proto__": {"isAdmin": true}, "note": "x"}') as object;
    const { value } = admitBody(body);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { isAdmin?: boolean }).isAdmin).toBeUndefined();
  });

  it('admits a query string: every parameter single-line, named in the error', () => {
    expect(admitQuery({ q: 'mẹ'.normalize('NFD'), type: ['A', 'B'] }, undefined)).toEqual({ value: { q: 'mẹ', type: ['A', 'B'] }, errors: [] });
    expect(admitQuery({ actor: 'dev\u0000' }, undefined).errors.map((error) => error.field)).toEqual(['actor']);
    expect(admitQuery('2025\n', 'occurredBefore').errors.map((error) => error.field)).toEqual(['occurredBefore']);
  });
});
