import { ErrorCode } from '../protocol/error-codes.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import { ProducerStates } from './producer-state.js';

const header = (producerEpoch: number, baseSequence: number, records = 1, producerId = 42n): BatchHeader => ({
  lastOffsetDelta: records - 1,
  maxTimestamp: 0,
  firstTimestamp: 0,
  producerId,
  producerEpoch,
  baseSequence,
  recordCount: records,
  transactional: false,
  control: false,
  compression: 0,
});

describe('ProducerStates', () => {
  it('appends in-sequence batches and acknowledges a resent one with its original base offset', () => {
    const states = new ProducerStates();
    expect(states.check(header(0, 0, 3))).toEqual({ kind: 'append' });
    states.record(header(0, 0, 3), 100);
    expect(states.check(header(0, 3, 2))).toEqual({ kind: 'append' });
    states.record(header(0, 3, 2), 103);
    expect(states.check(header(0, 0, 3))).toEqual({ kind: 'duplicate', baseOffset: 100 });
    expect(states.check(header(0, 3, 2))).toEqual({ kind: 'duplicate', baseOffset: 103 });
  });

  it('refuses gaps, stale epochs, and a new epoch that does not start at 0', () => {
    const states = new ProducerStates();
    states.record(header(1, 0, 2), 0);
    expect(states.check(header(1, 5))).toEqual({ kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(states.check(header(0, 2))).toEqual({ kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(states.check(header(2, 7))).toEqual({ kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(states.check(header(2, 0))).toEqual({ kind: 'append' });
  });

  it('remembers the last five batches only, and ignores non-idempotent producers', () => {
    const states = new ProducerStates();
    for (let i = 0; i < 6; i++) states.record(header(0, i), i);
    expect(states.check(header(0, 0))).toEqual({ kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(states.check(header(0, 1))).toEqual({ kind: 'duplicate', baseOffset: 1 });
    expect(states.check(header(0, 6))).toEqual({ kind: 'append' });
    expect(states.check(header(-1, -1, 1, -1n))).toEqual({ kind: 'append' });
    expect(states.maxProducerId()).toBe(42n);
  });

  it('accepts the sequence wrap from 2^31-1 to 0', () => {
    const states = new ProducerStates();
    states.record(header(0, 2147483646, 2), 0);
    expect(states.check(header(0, 0))).toEqual({ kind: 'append' });
  });
});
