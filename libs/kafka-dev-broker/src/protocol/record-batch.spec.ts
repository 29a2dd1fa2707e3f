import { encodeRecordBatch } from '../testing/wire-client.js';
import { BatchField, checkProducedBatch, lastSequence, nextSequence } from './record-batch.js';

describe('checkProducedBatch', () => {
  const batch = (): Buffer => encodeRecordBatch([{ key: 'k', value: 'v1' }, { key: 'k', value: 'v2' }], { producerId: 7n, producerEpoch: 0, baseSequence: 4 });

  it('accepts a well-formed batch and reads its header', () => {
    const check = checkProducedBatch(batch(), true);
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.header).toMatchObject({ lastOffsetDelta: 1, recordCount: 2, producerId: 7n, producerEpoch: 0, baseSequence: 4 });
    }
  });

  it('is not affected by the broker overwriting baseOffset (outside the CRC)', () => {
    const bytes = batch();
    bytes.writeBigInt64BE(123456n, BatchField.baseOffset);
    expect(checkProducedBatch(bytes, true).ok).toBe(true);
  });

  it('rejects a flipped bit, another magic, a length mismatch and inconsistent counts', () => {
    const flipped = batch();
    flipped[flipped.length - 1]! ^= 1;
    expect(checkProducedBatch(flipped, true)).toMatchObject({ ok: false, reason: 'crc' });
    const magic1 = batch();
    magic1.writeInt8(1, BatchField.magic);
    expect(checkProducedBatch(magic1, true)).toMatchObject({ ok: false, reason: 'magic' });
    expect(checkProducedBatch(Buffer.concat([batch(), Buffer.alloc(3)]), true)).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(checkProducedBatch(batch().subarray(0, 40), true)).toMatchObject({ ok: false, reason: 'corrupt' });
    const counts = batch();
    counts.writeInt32BE(5, BatchField.recordCount);
    expect(checkProducedBatch(counts, false)).toMatchObject({ ok: false, reason: 'corrupt' });
  });

  it('wraps sequence numbers at 2^31', () => {
    expect(lastSequence(2147483646, 3)).toBe(1);
    expect(nextSequence(2147483647)).toBe(0);
    expect(nextSequence(5)).toBe(6);
  });
});
