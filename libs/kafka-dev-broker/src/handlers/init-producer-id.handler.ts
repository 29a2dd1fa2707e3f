import { Writer } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { RequestContext } from './request-context.js';

/**
 * InitProducerId v0-v1 for idempotent producers: a fresh producer id with epoch 0. Transactions are not
 * supported, so a transactional id is refused with a non-retriable error instead of hanging the client.
 */
export function handleInitProducerId(context: RequestContext): Writer {
  const { body, broker } = context;
  const transactionalId = body.nullableString();
  body.int32(); // transaction timeout
  const writer = new Writer().int32(0);
  if (transactionalId !== null) {
    return writer.int16(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED).int64(-1).int16(-1);
  }
  return writer.int16(ErrorCode.NONE).int64(broker.allocateProducerId()).int16(0);
}
