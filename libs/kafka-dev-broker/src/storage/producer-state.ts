import { ErrorCode } from '../protocol/error-codes.js';
import { type BatchHeader, lastSequence, nextSequence } from '../protocol/record-batch.js';

/** How many recent batches per producer and partition are remembered for duplicate detection (Kafka keeps 5). */
const CACHED_BATCHES = 5;

interface CachedBatch {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: CachedBatch[];
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number };

/**
 * Idempotent-producer bookkeeping for one partition (docs §5). A retried request carries the same producer id,
 * epoch and sequences, so it is recognised and acknowledged with the original base offset instead of appended twice.
 * Never answers DUPLICATE_SEQUENCE_NUMBER (46): kafkajs treats it as fatal, and it resends every partition of a
 * request after any partition error, so duplicates must look like successes.
 */
export class ProducerStates {
  private readonly producers = new Map<bigint, ProducerEntry>();

  check(header: BatchHeader): SequenceVerdict {
    if (header.producerId < 0n) return { kind: 'append' };
    const entry = this.producers.get(header.producerId);
    if (!entry) return { kind: 'append' };
    if (header.producerEpoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (header.producerEpoch > entry.epoch) {
      return header.baseSequence === 0
        ? { kind: 'append' }
        : { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    const last = lastSequence(header.baseSequence, header.lastOffsetDelta);
    for (const cached of entry.batches) {
      if (cached.firstSequence === header.baseSequence && cached.lastSequence === last) {
        return { kind: 'duplicate', baseOffset: cached.baseOffset };
      }
    }
    const newest = entry.batches[entry.batches.length - 1];
    if (!newest || header.baseSequence === nextSequence(newest.lastSequence)) return { kind: 'append' };
    return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  /** Records an appended batch (also used when rebuilding the state from the log at start-up). */
  record(header: BatchHeader, baseOffset: number): void {
    if (header.producerId < 0n) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) {
      entry = { epoch: header.producerEpoch, batches: [] };
      this.producers.set(header.producerId, entry);
    } else if (header.producerEpoch < entry.epoch) {
      return;
    }
    entry.batches.push({
      firstSequence: header.baseSequence,
      lastSequence: lastSequence(header.baseSequence, header.lastOffsetDelta),
      baseOffset,
    });
    if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
  }

  /** Highest producer id seen, so ids handed out after a restart never collide with ones in the log. */
  maxProducerId(): bigint {
    let max = -1n;
    for (const id of this.producers.keys()) if (id > max) max = id;
    return max;
  }
}
