import { eventIdsInOrder, factsByEventInOrder, factStatedBy, NO_FACTS_BY_EVENT, resolveFactRef, withFactStatedBy, type FactsByEvent } from './facts.js';
import { FactNotFoundError } from './errors.js';

type Ref = { type: 'work' | 'title'; id: string };

/** A list with one entry per [eventId, id] pair, added in the order given. */
function listOf(entries: ReadonlyArray<readonly [string, string]>, from: FactsByEvent<Ref> = NO_FACTS_BY_EVENT): FactsByEvent<Ref> {
  return entries.reduce<FactsByEvent<Ref>>((facts, [eventId, id]) => withFactStatedBy(facts, eventId, { type: 'title', id }), from);
}

/** Freezes every node of the list, so a write to any of them throws (ESM modules run in strict mode). */
function deepFreeze<R>(facts: FactsByEvent<R>): FactsByEvent<R> {
  for (let node = facts; node !== null; node = node.previous) Object.freeze(node);
  return facts;
}

describe('FactsByEvent: a persistent list of facts by the event that stated them', () => {
  it('starts empty: nothing to look up, nothing to list', () => {
    expect(factStatedBy(NO_FACTS_BY_EVENT, 'e1')).toBeUndefined();
    expect(eventIdsInOrder(NO_FACTS_BY_EVENT)).toEqual([]);
    expect(factsByEventInOrder(NO_FACTS_BY_EVENT)).toEqual([]);
  });

  it('adding never changes the list it was given: the new list shares it whole, every older list reads as before', () => {
    const kept: Array<{ facts: FactsByEvent<Ref>; ids: string[]; json: string }> = [];
    let facts: FactsByEvent<Ref> = NO_FACTS_BY_EVENT;
    for (let i = 0; i < 50; i++) {
      kept.push({ facts, ids: eventIdsInOrder(facts), json: JSON.stringify(facts) });
      const given = deepFreeze(facts);
      facts = withFactStatedBy(given, `e${i}`, { type: 'title', id: `t${i}` });
      expect(facts!.previous).toBe(given);
      expect(facts!.size).toBe(i + 1);
    }
    for (const { facts: old, ids, json } of kept) {
      expect(eventIdsInOrder(old)).toEqual(ids);
      expect(JSON.stringify(old)).toBe(json);
    }
    // Two lists made from one: each has its own newest entry, neither sees the other's.
    const base = kept[10]!.facts;
    const left = withFactStatedBy(base, 'left', { type: 'work', id: 'w' });
    const right = withFactStatedBy(base, 'right', { type: 'title', id: 'r' });
    expect(eventIdsInOrder(left).slice(-2)).toEqual(['e9', 'left']);
    expect(eventIdsInOrder(right).slice(-2)).toEqual(['e9', 'right']);
    expect(factStatedBy(left, 'right')).toBeUndefined();
    expect(factStatedBy(right, 'left')).toBeUndefined();
    expect(eventIdsInOrder(base)).toHaveLength(10);
  });

  it('looks a fact up by the event that stated it, oldest to newest and absent ones alike', () => {
    const facts = listOf([
      ['e1', 'a'],
      ['e2', 'b'],
      ['__proto__', 'c'],
      ['constructor', 'd'],
      ['10', 'e'],
    ]);
    expect(factStatedBy(facts, 'e1')).toEqual({ type: 'title', id: 'a' });
    expect(factStatedBy(facts, 'e2')).toEqual({ type: 'title', id: 'b' });
    expect(factStatedBy(facts, '__proto__')).toEqual({ type: 'title', id: 'c' });
    expect(factStatedBy(facts, 'constructor')).toEqual({ type: 'title', id: 'd' });
    expect(factStatedBy(facts, '10')).toEqual({ type: 'title', id: 'e' });
    expect(factStatedBy(facts, 'e3')).toBeUndefined();
    expect(factStatedBy(facts, 'toString')).toBeUndefined();
  });

  it('lists the entries in the order they were added, oldest first (integer-like ids too)', () => {
    const ids = ['z', '10', 'a', '2', '__proto__', 'm'];
    const facts = listOf(ids.map((id, i) => [id, `t${i}`] as const));
    expect(eventIdsInOrder(facts)).toEqual(ids);
    expect(factsByEventInOrder(facts)).toEqual(ids.map((eventId, i) => ({ eventId, fact: { type: 'title', id: `t${i}` } })));
  });

  it('is what resolveFactRef reads for { type: "event", id }', () => {
    const facts = withFactStatedBy(listOf([['e1', 't1']]), 'e2', { type: 'work', id: 'w1' });
    const self = { type: 'work' as const, id: 'w1' };
    expect(resolveFactRef({ type: 'event', id: 'e1' }, facts, ['work', 'title'], self)).toEqual({ type: 'title', id: 't1' });
    expect(resolveFactRef({ type: 'event', id: 'e2' }, facts, ['work', 'title'], self)).toEqual({ type: 'work', id: 'w1' });
    expect(() => resolveFactRef({ type: 'event', id: 'e3' }, facts, ['work', 'title'], self)).toThrow(FactNotFoundError);
  });
});
