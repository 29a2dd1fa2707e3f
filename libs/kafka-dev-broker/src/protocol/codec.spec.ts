import { ProtocolError, Reader, Writer } from './codec.js';

describe('Reader and Writer', () => {
  it('round-trip every primitive', () => {
    const big = Buffer.alloc(5000, 7);
    const bytes = new Writer(4)
      .int8(-5)
      .int16(-300)
      .int32(-70000)
      .int64(-1)
      .int64(2 ** 40 + 3)
      .int64(-(2 ** 45))
      .int64(-123n)
      .boolean(true)
      .string('héllo')
      .string(null)
      .bytes(Buffer.from('ab'))
      .bytes(null)
      .bytes(big)
      .array([1, 2, 3], (w, n) => w.int32(n))
      .array(null, (w, n: number) => w.int32(n))
      .unsignedVarint(300)
      .toBuffer();
    const reader = new Reader(bytes);
    expect(reader.int8()).toBe(-5);
    expect(reader.int16()).toBe(-300);
    expect(reader.int32()).toBe(-70000);
    expect(reader.int64()).toBe(-1);
    expect(reader.int64()).toBe(2 ** 40 + 3);
    expect(reader.int64()).toBe(-(2 ** 45));
    expect(reader.int64Big()).toBe(-123n);
    expect(reader.boolean()).toBe(true);
    expect(reader.string()).toBe('héllo');
    expect(reader.nullableString()).toBeNull();
    expect(reader.bytes().toString()).toBe('ab');
    expect(reader.nullableBytes()).toBeNull();
    expect(reader.bytes().equals(big)).toBe(true);
    expect(reader.array((r) => r.int32(), 4)).toEqual([1, 2, 3]);
    expect(reader.nullableArray((r) => r.int32(), 4)).toBeNull();
    expect(reader.unsignedVarint()).toBe(300);
    expect(reader.remaining).toBe(0);
  });

  it('keeps large byte ranges by reference instead of copying them', () => {
    const big = Buffer.alloc(10_000, 1);
    const parts = new Writer().int32(1).raw(big).int32(2).toBuffers();
    expect(parts).toHaveLength(3);
    expect(parts[1]).toBe(big);
  });

  it('throws ProtocolError on truncated input', () => {
    expect(() => new Reader(Buffer.from([0, 1])).int32()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 5, 97])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 0, 0, 9, 1])).bytes()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(ProtocolError);
  });

  it('refuses an array count that cannot fit in the rest of the frame before reading any element', () => {
    const forged = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
    let elementsRead = 0;
    const readElement = (r: Reader): number => {
      elementsRead++;
      return r.int32();
    };
    expect(() => new Reader(forged).array(readElement, 4)).toThrow(ProtocolError);
    expect(elementsRead).toBe(0);
  });

  it('reads only inside its window of the buffer', () => {
    const reader = new Reader(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]), 0, 4);
    expect(reader.int32()).toBe(1);
    expect(() => reader.int32()).toThrow(ProtocolError);
  });
});
