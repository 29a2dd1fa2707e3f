import { StreamStateCache } from './stream-state-cache.js';

describe('StreamStateCache', () => {
  const state = (version: number) => ({ version });

  it('drops the least recently used stream when full; a hit counts as a use', () => {
    const cache = new StreamStateCache(2);
    cache.remember('a', state(1));
    cache.remember('b', state(1));
    cache.get('a');
    cache.remember('c', state(1));
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([state(1), undefined, state(1)]);
    expect(cache.size).toBe(2);
  });

  it('keeps a later version over an earlier one that arrives after it', () => {
    const cache = new StreamStateCache(2);
    cache.remember('a', state(5));
    cache.remember('a', state(4));
    expect(cache.get('a')).toEqual(state(5));
    cache.remember('a', state(6));
    expect(cache.get('a')).toEqual(state(6));
  });

  it('remembers neither streams without events nor anything at capacity 0; forget drops an entry', () => {
    const cache = new StreamStateCache(2);
    cache.remember('empty', state(0));
    expect(cache.get('empty')).toBeUndefined();
    cache.remember('a', state(1));
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    const off = new StreamStateCache(0);
    off.remember('a', state(1));
    expect(off.get('a')).toBeUndefined();
  });
});
