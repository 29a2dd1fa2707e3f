import { evolveOwning, FactMapOwner, withEntry } from './facts.js';

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

describe('evolveOwning', () => {
  interface Toy {
    factsByEventId: Record<string, number>;
    count: number;
  }
  const add = (key: string, value: number) => (state: Toy): Toy => ({ ...state, factsByEventId: withEntry(state.factsByEventId, key, value), count: state.count + 1 });
  const initial = (): Toy => ({ factsByEventId: {}, count: 0 });

  it('folds what evolve folds, writing the owned map in place after its first copy; a state from elsewhere is never written', () => {
    const owner = new FactMapOwner();
    const start: Toy = { factsByEventId: { x: 0 }, count: 0 };
    let owned = start;
    let plain = start;
    for (const [key, value] of [['a', 1], ['b', 2], ['a', 3], ['__proto__', 4], ['c', 5]] as const) {
      owned = evolveOwning(owner, owned, add(key, value));
      plain = add(key, value)(plain);
      expect(JSON.stringify(owned)).toBe(JSON.stringify(plain));
      expect(Object.keys(owned.factsByEventId)).toEqual(Object.keys(plain.factsByEventId));
    }
    expect(start).toEqual({ factsByEventId: { x: 0 }, count: 0 });
    const map = owned.factsByEventId;
    expect(evolveOwning(owner, owned, add('d', 6)).factsByEventId).toBe(map);
  });

  it('takes the write back when evolve throws, so the state kept is as it was', () => {
    const owner = new FactMapOwner();
    let state = evolveOwning(owner, evolveOwning(owner, initial(), add('a', 1)), add('b', 2));
    const failing = (s: Toy): Toy => {
      add('c', 3)(s);
      throw new Error('evolve failed');
    };
    expect(() => evolveOwning(owner, state, failing)).toThrow('evolve failed');
    expect(Object.keys(state.factsByEventId)).toEqual(['a', 'b']);
    const replacing = (s: Toy): Toy => {
      add('a', 9)(s);
      throw new Error('evolve failed');
    };
    expect(() => evolveOwning(owner, state, replacing)).toThrow('evolve failed');
    expect(state.factsByEventId).toEqual({ a: 1, b: 2 });
    state = evolveOwning(owner, state, add('c', 3));
    expect(JSON.stringify(state.factsByEventId)).toBe('{"a":1,"b":2,"c":3}');
  });

  it('gives what evolve gives when the map is written twice in one event', () => {
    const owner = new FactMapOwner();
    const state = evolveOwning(owner, evolveOwning(owner, initial(), add('a', 1)), add('b', 2));
    const twice = (s: Toy): Toy => ({ ...s, factsByEventId: { ...withEntry(s.factsByEventId, 'c', 3), ...withEntry(s.factsByEventId, 'd', 4) } });
    expect(Object.keys(twice(evolveOwning(new FactMapOwner(), state, (s) => s)).factsByEventId)).toEqual(['a', 'b', 'c', 'd']);
    const second = (s: Toy): Toy => {
      withEntry(s.factsByEventId, 'c', 3);
      return { ...s, factsByEventId: withEntry(s.factsByEventId, 'd', 4) };
    };
    const afterSecond = evolveOwning(owner, state, second);
    expect(JSON.stringify(afterSecond.factsByEventId)).toBe('{"a":1,"b":2,"d":4}');
  });
});
