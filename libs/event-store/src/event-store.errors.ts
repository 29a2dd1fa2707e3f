import type { ExpectedVersion } from './event-store.types.js';

/** The stream is not at the version the caller expected (the API answers 409 with currentVersion). */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    /** 0 when the stream does not exist. */
    readonly currentVersion: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expectedVersion)}, but it is at ${currentVersion}`);
  }
}

/** An Idempotency-Key came back with a different request (fingerprint) than the one it first answered. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor(readonly key: string) {
    super(`idempotency key "${key}" was already used for a different request`);
  }
}
