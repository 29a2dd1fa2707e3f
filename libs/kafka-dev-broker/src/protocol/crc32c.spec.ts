import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  it('matches the CRC-32C check value and known vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xff
  });

  it('gives the same result over a sub-range, in pieces, and for every length around the 8-byte fast path', () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
    for (let length = 0; length < 40; length++) {
      const slice = bytes.subarray(5, 5 + length);
      expect(crc32c(bytes, 5, 5 + length)).toBe(crc32c(Buffer.from(slice)));
      const split = Math.floor(length / 3);
      expect(crc32c(slice, split, length, crc32c(slice, 0, split))).toBe(crc32c(slice));
    }
  });
});
