import { withEntry } from './facts.js';

describe('withEntry', () => {
  it('is { ...record, [key]: value }: same keys, same order, a present key replaced in place, the input untouched', () => {
    const record: Record<string, number> = { b: 1, a: 2, '10': 3, '2': 4 };
    const frozen = Object.freeze({ ...record });
    for (const [key, value] of [['c', 5], ['a', 9], ['1', 7], ['__proto__', 8]] as const) {
      const spread = { ...frozen, [key]: value };
      const entry = withEntry(frozen, key, value);
      expect(Object.keys(entry)).toEqual(Object.keys(spread));
      expect(JSON.stringify(entry)).toBe(JSON.stringify(spread));
      expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
      expect(entry).not.toBe(frozen);
    }
    expect(frozen).toEqual(record);
    expect(Object.getPrototypeOf(withEntry({}, '__proto__', 1))).toBe(Object.prototype);
  });
});
