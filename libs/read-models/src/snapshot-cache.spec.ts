import { SnapshotCache } from './batch-apply.js';

const entry = (updatedAt: string) => ({ updatedAt, state: { updatedAt }, rows: undefined });

describe('SnapshotCache', () => {
  it('forgets the least recently written streams beyond its stream count', () => {
    const cache = new SnapshotCache(2, 1_000);
    cache.set('a', entry('1'), 10);
    cache.set('b', entry('2'), 10);
    cache.set('a', entry('3'), 10); // rewritten: now the most recent
    cache.set('c', entry('4'), 10);
    expect([cache.get('a')?.updatedAt, cache.get('b'), cache.get('c')?.updatedAt]).toEqual(['3', undefined, '4']);
    expect(cache.size).toBe(2);
  });

  it('forgets the oldest streams once the states it holds outweigh its bound, however few they are', () => {
    const cache = new SnapshotCache(1_000, 100);
    cache.set('a', entry('1'), 40);
    cache.set('b', entry('2'), 40);
    cache.set('c', entry('3'), 40); // 120 > 100: 'a' goes
    expect([cache.get('a'), cache.get('b')?.updatedAt, cache.get('c')?.updatedAt]).toEqual([undefined, '2', '3']);
    cache.set('b', entry('5'), 10); // replacing an entry replaces its weight: 50, nothing more to forget
    cache.set('d', entry('6'), 50);
    expect(cache.size).toBe(3);
    cache.set('huge', entry('7'), 500); // heavier than the bound on its own: nothing fits beside it, nor it
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
