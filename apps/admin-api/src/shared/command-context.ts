import { createHash, randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { validationProblem } from '../problem-details/problem-details.js';

/** Everything about a write request that is not the command itself: who, which correlation, retry and concurrency hints. */
export interface CommandContext {
  principal: Principal;
  correlationId: string;
  /** A fresh id for this command; every event it records names it as causation. */
  commandId: string;
  /**
   * Idempotency-Key header: a retry with the same key records nothing new. The key is the caller's: stored as
   * `<principal id> <key>`, so two API keys choosing the same key never meet. The fingerprint (a hash of the request)
   * distinguishes a genuine retry from the key reused for another request; it is only computed when a key is sent.
   * `sentKey` is the header as sent, which is how keys were stored before they were scoped (see FirstAnswers).
   */
  idempotency?: { key: string; fingerprint: string; sentKey: string };
  /** If-Match header: the stream version the editor based the edit on. */
  expectedVersion?: number;
}

interface HttpRequestLike {
  id?: unknown;
  method: string;
  originalUrl?: string;
  url: string;
  body?: unknown;
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const WriteContext = createParamDecorator((_data: unknown, context: ExecutionContext): CommandContext => {
  const request = context.switchToHttp().getRequest<HttpRequestLike>();
  if (!request.principal) throw new Error('WriteContext used on an endpoint without authentication');
  const idempotencyKey = header(request, 'idempotency-key');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw validationProblem([{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 1–200 visible ASCII characters' }]);
  }
  const ifMatch = header(request, 'if-match');
  let expectedVersion: number | undefined;
  if (ifMatch !== undefined) {
    const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim());
    if (!match) throw validationProblem([{ field: 'If-Match', message: 'If-Match must be a version ETag from a GET, e.g. "3"' }]);
    expectedVersion = Number(match[1]);
  }
  return {
    principal: request.principal,
    correlationId: typeof request.id === 'string' ? request.id : String(request.id ?? ''),
    commandId: randomUUID(),
    idempotency:
      idempotencyKey === undefined
        ? undefined
        : { key: scopedIdempotencyKey(request.principal.id, idempotencyKey), fingerprint: fingerprintOf(request), sentKey: idempotencyKey },
    expectedVersion,
  };
});

/** A key is 1–200 visible ASCII characters, so a space cannot occur in it: the principal ends at the last space. */
function scopedIdempotencyKey(principalId: string, key: string): string {
  return `${principalId} ${key}`;
}

function header(request: HttpRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Hash of who sent what where: a retry must match it exactly to get the stored answer. */
function fingerprintOf(request: HttpRequestLike): string {
  return createHash('sha256')
    .update(JSON.stringify([request.principal?.id, request.method, request.originalUrl ?? request.url, canonical(request.body)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}
