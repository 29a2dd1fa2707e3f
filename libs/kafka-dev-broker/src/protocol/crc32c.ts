import { endianness } from 'node:os';

/**
 * CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2. Node 20 has none built in (zlib.crc32 is
 * CRC-32/IEEE, and only from Node 22). Every produced batch is checked on the hot path, so this is slicing-by-8
 * over 32-bit words read through a Uint32Array view (about twice as fast as assembling words from bytes).
 */
const POLY = 0x82f63b78;

/** Eight 256-entry tables in one array: table t starts at t * 256. */
const TABLE = (() => {
  const table = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    table[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let t = 1; t < 8; t++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[t * 256 + n] = c >>> 0;
    }
  }
  return table;
})();

/** Word reads assume little-endian memory order; a big-endian host uses the byte loop only. */
const WORDS = endianness() === 'LE';

/** CRC-32C of bytes[start, end), as an unsigned 32-bit number. Pass `previous` to continue a running checksum. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  const T = TABLE;
  let crc = ~previous >>> 0;
  let i = start;
  if (WORDS) {
    while (i < end && ((bytes.byteOffset + i) & 3) !== 0) crc = T[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8);
    const wordCount = ((end - i) >>> 3) << 1;
    if (wordCount > 0) {
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, wordCount);
      for (let w = 0; w < wordCount; w += 2) {
        const a = (crc ^ words[w]!) >>> 0;
        const b = words[w + 1]!;
        crc =
          T[1792 + (a & 0xff)]! ^
          T[1536 + ((a >>> 8) & 0xff)]! ^
          T[1280 + ((a >>> 16) & 0xff)]! ^
          T[1024 + (a >>> 24)]! ^
          T[768 + (b & 0xff)]! ^
          T[512 + ((b >>> 8) & 0xff)]! ^
          T[256 + ((b >>> 16) & 0xff)]! ^
          T[b >>> 24]!;
      }
      i += wordCount * 4;
    }
  }
  while (i < end) crc = T[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
