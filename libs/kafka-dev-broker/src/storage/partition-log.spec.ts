import { checkProducedBatch } from '../protocol/record-batch.js';
import { decodeRecordBatches, encodeRecordBatch } from '../testing/wire-client.js';
import { PartitionLog } from './partition-log.js';

const append = (log: PartitionLog, values: string[], timestamp = 1000): number => {
  const batch = encodeRecordBatch(values.map((value, i) => ({ value, timestamp: timestamp + i })));
  const check = checkProducedBatch(batch, true);
  if (!check.ok) throw new Error(check.detail);
  return log.append(batch, check.header);
};

const readValues = async (log: PartitionLog, offset: number, maxBytes = 1 << 20): Promise<Array<[number, string | null]>> => {
  const read = log.read(offset, maxBytes);
  const parts = (await Promise.all(read.parts)).flat();
  return decodeRecordBatches(Buffer.concat(parts)).map((r) => [r.offset, r.value]);
};

describe('PartitionLog (in memory)', () => {
  it('assigns contiguous offsets and finds the batch holding any offset, across segments', async () => {
    const log = PartitionLog.inMemory(256);
    const bases = Array.from({ length: 50 }, (_, i) => append(log, [`a${i}`, `b${i}`, `c${i}`], i * 10));
    expect(bases).toEqual(Array.from({ length: 50 }, (_, i) => i * 3));
    expect(log.logEndOffset).toBe(150);
    expect((await readValues(log, 0, 1)).map(([offset]) => offset)).toEqual([0, 1, 2]);
    expect((await readValues(log, 101, 1))[0]).toEqual([99, 'a33']);
    expect((await readValues(log, 149)).slice(-1)).toEqual([[149, 'c49']]);
    const all = await readValues(log, 0);
    expect(all.map(([offset]) => offset)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(log.read(150, 100)).toMatchObject({ errorCode: 0, bytes: 0 });
    expect(log.read(151, 100).errorCode).toBe(1);
    expect(log.bytesAvailableFrom(150)).toBe(0);
    expect(log.bytesAvailableFrom(0)).toBe(log.read(0, Infinity).bytes);
  });

  it('finds the first record at or after a timestamp, inside a batch', async () => {
    const log = PartitionLog.inMemory(1 << 20);
    append(log, ['x', 'y', 'z'], 1000);
    append(log, ['w'], 5000);
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1000 });
    expect(await log.offsetForTimestamp(1002)).toEqual({ offset: 2, timestamp: 1002 });
    expect(await log.offsetForTimestamp(1003)).toEqual({ offset: 3, timestamp: 5000 });
    expect(await log.offsetForTimestamp(5001)).toEqual({ offset: -1, timestamp: -1 });
  });

  it('wakes listeners on append and stops when they unsubscribe', () => {
    const log = PartitionLog.inMemory(1 << 20);
    let calls = 0;
    const unsubscribe = log.onAppend(() => calls++);
    append(log, ['one']);
    unsubscribe();
    append(log, ['two']);
    expect(calls).toBe(1);
  });
});
