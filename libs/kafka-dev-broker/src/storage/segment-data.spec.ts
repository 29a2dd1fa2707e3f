import { MemorySegmentData } from './segment-data.js';

describe('MemorySegmentData', () => {
  it('returns exactly the appended bytes for any range, across chunk boundaries', async () => {
    const segment = new MemorySegmentData(64 * 1024 * 1024);
    const all: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const piece = Buffer.alloc(1 + ((i * 7919) % 9000), i & 0xff);
      all.push(piece);
      segment.append(piece);
    }
    const expected = Buffer.concat(all);
    expect(segment.size).toBe(expected.length);
    for (const [from, length] of [
      [0, expected.length],
      [65_530, 20],
      [100_000, 500_000],
      [expected.length - 3, 3],
    ] as const) {
      const parts = await segment.read(from, length);
      expect(Buffer.concat(parts).equals(expected.subarray(from, from + length))).toBe(true);
    }
  });

  it('never makes a chunk larger than a small segment limit', async () => {
    const segment = new MemorySegmentData(1024);
    segment.append(Buffer.alloc(3000, 1));
    expect(Buffer.concat(await segment.read(0, 3000)).equals(Buffer.alloc(3000, 1))).toBe(true);
    expect((await segment.read(0, 3000)).length).toBe(3);
  });
});
