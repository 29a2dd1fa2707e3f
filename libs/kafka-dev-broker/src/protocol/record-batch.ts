import { crc32c } from './crc32c.js';

/**
 * RecordBatch v2 (magic 2) header layout. The broker never decodes the records themselves on the produce or fetch
 * path: it validates this fixed 61-byte header, checks the CRC and stores the bytes with baseOffset overwritten.
 * The CRC covers attributes→end, so overwriting baseOffset (and leaving partitionLeaderEpoch) keeps it valid.
 */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  firstTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const BATCH_HEADER_BYTES = 61;
/** baseOffset and batchLength precede the part that batchLength counts. */
export const BATCH_LENGTH_PREFIX = 12;

const ATTR_COMPRESSION_MASK = 0x07;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;

export interface BatchHeader {
  readonly lastOffsetDelta: number;
  readonly maxTimestamp: number;
  readonly firstTimestamp: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly transactional: boolean;
  readonly control: boolean;
  readonly compression: number;
}

export type BatchCheck =
  | { ok: true; header: BatchHeader }
  | { ok: false; reason: 'corrupt' | 'magic' | 'crc'; detail: string };

const TWO_32 = 4294967296;

export function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_32 + buf.readUInt32BE(at + 4);
}

export function writeInt64(buf: Buffer, at: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  buf.writeInt32BE(high, at);
  buf.writeUInt32BE(value - high * TWO_32, at + 4);
}

export function readBatchHeader(batch: Buffer, at = 0): BatchHeader {
  const attributes = batch.readInt16BE(at + BatchField.attributes);
  return {
    lastOffsetDelta: batch.readInt32BE(at + BatchField.lastOffsetDelta),
    firstTimestamp: readInt64(batch, at + BatchField.firstTimestamp),
    maxTimestamp: readInt64(batch, at + BatchField.maxTimestamp),
    producerId: batch.readBigInt64BE(at + BatchField.producerId),
    producerEpoch: batch.readInt16BE(at + BatchField.producerEpoch),
    baseSequence: batch.readInt32BE(at + BatchField.baseSequence),
    recordCount: batch.readInt32BE(at + BatchField.recordCount),
    transactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (attributes & ATTR_CONTROL) !== 0,
    compression: attributes & ATTR_COMPRESSION_MASK,
  };
}

/**
 * Checks that `records` (one partition's record set from a Produce v3 request) is exactly one well-formed v2 batch:
 * Produce v3+ carries one batch per partition, and a batch whose length fields disagree would corrupt the log.
 */
export function checkProducedBatch(records: Buffer, verifyCrc: boolean): BatchCheck {
  if (records.length < BATCH_HEADER_BYTES) {
    return { ok: false, reason: 'corrupt', detail: `record set of ${records.length} bytes is shorter than a batch header` };
  }
  const magic = records.readInt8(BatchField.magic);
  if (magic !== 2) return { ok: false, reason: 'magic', detail: `magic ${magic}; only RecordBatch v2 is accepted` };
  const batchLength = records.readInt32BE(BatchField.batchLength);
  if (batchLength + BATCH_LENGTH_PREFIX !== records.length) {
    return {
      ok: false,
      reason: 'corrupt',
      detail: `batchLength ${batchLength} does not match the record set size ${records.length} (one batch per partition)`,
    };
  }
  const header = readBatchHeader(records);
  if (header.lastOffsetDelta < 0 || header.recordCount < 1 || header.recordCount !== header.lastOffsetDelta + 1) {
    return {
      ok: false,
      reason: 'corrupt',
      detail: `record count ${header.recordCount} and lastOffsetDelta ${header.lastOffsetDelta} disagree`,
    };
  }
  if (verifyCrc) {
    const expected = records.readUInt32BE(BatchField.crc);
    const actual = crc32c(records, BatchField.attributes, records.length);
    if (expected !== actual) {
      return { ok: false, reason: 'crc', detail: `CRC-32C ${actual.toString(16)} != ${expected.toString(16)}` };
    }
  }
  return { ok: true, header };
}

/** Last sequence number of a batch; sequences wrap from 2^31-1 to 0. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  return (baseSequence + lastOffsetDelta) % 2147483648;
}

export function nextSequence(sequence: number): number {
  return sequence === 2147483647 ? 0 : sequence + 1;
}
