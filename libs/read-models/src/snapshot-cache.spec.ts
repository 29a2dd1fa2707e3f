import { defaultSnapshotCacheWeight, SnapshotCache } from './batch-apply.js';

const entry = (updatedAt: string) => ({ updatedAt, state: { updatedAt }, rows: undefined });

/** A seeded generator (mulberry32), so which stream goes is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SnapshotCache', () => {
  it('holds at most its stream count; a stream written again replaces its entry', () => {
    const cache = new SnapshotCache(2, 1_000, seeded(1));
    cache.set('a', entry('1'), 10);
    cache.set('a', entry('2'), 10);
    expect([cache.get('a')?.updatedAt, cache.size, cache.totalWeight]).toEqual(['2', 1, 10]);
    cache.set('b', entry('3'), 10);
    cache.set('c', entry('4'), 10);
    expect(cache.size).toBe(2);
    expect(cache.get('c')?.updatedAt).toBe('4');
    expect([cache.get('a'), cache.get('b')].filter(Boolean)).toHaveLength(1);
  });

  it('forgets streams once the states it holds outweigh its bound, and never caches a state heavier than the bound', () => {
    const cache = new SnapshotCache(1_000, 100, seeded(2));
    cache.set('a', entry('1'), 40);
    cache.set('b', entry('2'), 40);
    cache.set('c', entry('3'), 40); // 120 > 100: 'a' or 'b' goes
    expect(cache.size).toBe(2);
    expect(cache.totalWeight).toBe(80);
    expect(cache.get('c')?.updatedAt).toBe('3');
    cache.set('huge', entry('7'), 500);
    expect(cache.get('huge')).toBeUndefined();
    // The others stay: making room for it would have emptied the cache for nothing.
    expect([cache.size, cache.totalWeight]).toEqual([2, 80]);
  });

  it('keeps hitting on a round-robin working set larger than itself (forgetting the least recently written would never hit)', () => {
    const cache = new SnapshotCache(100, 1_000_000, seeded(3));
    let hits = 0;
    let lookups = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 125; i++) {
        const id = `work-${i}`;
        if (round >= 10) {
          lookups += 1;
          if (cache.get(id)) hits += 1;
        }
        cache.set(id, entry(`${round}`), 100);
      }
    }
    expect(cache.size).toBe(100);
    // 100 of 125 streams fit: about half of the edits find their state (an LRU rule finds none).
    expect(hits / lookups).toBeGreaterThan(0.4);
  });

  it('sizes its default weight bound from the heap limit: hundreds of 30,000-character states, an eighth of a 240 MB heap', () => {
    expect(defaultSnapshotCacheWeight(240 * 2 ** 20)).toBeGreaterThan(250 * 30_000);
    expect(defaultSnapshotCacheWeight(240 * 2 ** 20) * 3.7).toBeLessThanOrEqual(0.125 * 240 * 2 ** 20);
    expect(defaultSnapshotCacheWeight(8 * 2 ** 30)).toBe(24_000_000);
  });
});
