import { ProblemType } from './problem-details.js';

/** What a problem type means for the client who got it: when it is answered, and what to do next. */
export interface ProblemDoc {
  title: string;
  statuses: number[];
  meaning: string;
  whatToDo: string;
  /** Extension members a problem of this type carries besides type, title, status, detail and instance. */
  members?: Record<string, string>;
}

type DocumentedType = Exclude<keyof typeof ProblemType, 'other'>;

/**
 * Every problem type the API answers, documented once: `GET /problems/<name>` renders it, the OpenAPI document lists
 * it (the Problem schema's `type` enum). Keyed by ProblemType, so a new type does not compile until it is described.
 */
export const PROBLEM_CATALOG: Record<DocumentedType, ProblemDoc> = {
  validation: {
    title: 'Invalid request',
    statuses: [400, 422],
    meaning:
      '400: the request is malformed — an unknown field or query parameter, a missing required field, a value of the wrong type or form, a filter value that is not one of the allowed ones, a date that does not exist or does not match its precision, a path id that is not a UUID, JSON that does not parse. ' +
      '422: it is well-formed but breaks a business rule — an unknown country code or vocabulary value, two primary titles, a company that is not registered, a correction changing a field the fact does not have.',
    whatToDo: 'Fix every field named in `errors` and send the request again. Nothing was recorded.',
    members: { errors: 'Array of { field, message }: every bad field, as a dotted path (`source.publisher`, `titles[1].language`); for a filter, the message lists the allowed values' },
  },
  unauthorized: {
    title: 'Unauthorized',
    statuses: [401],
    meaning: 'No API key was sent, or the key is not valid (or was sent in the URL, where keys are refused).',
    whatToDo: 'Send the key as `Authorization: Bearer <key>` or `X-API-Key: <key>`.',
  },
  forbidden: {
    title: 'Forbidden',
    statuses: [403],
    meaning: "The key is valid, but its role may not do this: auditors write nothing, editors do not verify the chain.",
    whatToDo: 'Use a key of a role named in `detail`.',
  },
  notFound: {
    title: 'Not found',
    statuses: [404],
    meaning: 'No such record (or route). Read models trail the event log by the pipeline’s lag, so a record registered a moment ago may not be there yet; as of a past moment, it may not have existed yet.',
    whatToDo: 'Check the id; for a read model, retry shortly.',
  },
  conflict: {
    title: 'Edited by someone else',
    statuses: [409],
    meaning: 'The write named a version in If-Match, and someone else changed the record since.',
    whatToDo: 'Re-read the record, check the other edit, and retry with If-Match set to `currentVersion`. Nothing was recorded.',
    members: { streamId: 'The record’s stream', expectedVersion: 'The version you sent', currentVersion: 'The version it is at' },
  },
  possibleDuplicate: {
    title: 'Possibly a record already registered',
    statuses: [409],
    meaning:
      'The name of the person or company you are registering closely matches a live record of the same kind (trigram similarity of the accent- and case-folded names of at least 0.5); for a work, one of its titles matches a live work of the same kind and original language whose production year is the same or unknown. The check reads the read models and the registrations and name changes of the log they have not applied yet, so a record registered a moment ago is found too; it is advice, not a uniqueness rule (two registrations decided at the same instant do not see each other).',
    whatToDo:
      'If it is the same person, company or work, use the candidate’s record. If not, send the request again with `"distinctFrom": [the candidates’ ids]`. Nothing was recorded.',
    members: { candidates: 'Array of { id, name, matchedName, similarity, href } (for a work { id, title, matchedTitle, similarity, href, workHref }): the records the name or title matches, best first' },
  },
  merged: {
    title: 'Merged into another record',
    statuses: [409],
    meaning: 'The record was found to duplicate another and was merged into it; a merged record takes no edits (reads of it answer 307 to the survivor).',
    whatToDo: 'Edit the survivor named in `survivorId`, or undo the merge (`POST …/{id}/merge/undo`) if it was wrong. Nothing was recorded.',
    members: { survivorId: 'The id of the record it was merged into', survivor: 'The survivor’s path' },
  },
  idempotencyKeyReused: {
    title: 'Idempotency-Key reused for a different request',
    statuses: [422],
    meaning: 'Your API key already used this Idempotency-Key for another request (another body, route or method).',
    whatToDo: 'A key names one request: use a new key for a new request. Nothing was recorded.',
  },
  unprocessable: {
    title: 'Unprocessable request',
    statuses: [422],
    meaning: 'The request was understood but cannot be carried out, for a reason no more specific problem type names.',
    whatToDo: 'Read `detail`. Nothing was recorded.',
  },
  illegalTransition: {
    title: 'Illegal status transition',
    statuses: [422],
    meaning: 'The status change is not allowed from the record’s current status.',
    whatToDo: 'Pick one of `allowed`, or correct the earlier status change if it was wrong. Nothing was recorded.',
    members: { from: 'The current status', to: 'The status asked for', allowed: 'The statuses reachable from `from`' },
  },
  alreadyExists: {
    title: 'Already exists',
    statuses: [409],
    meaning: 'A record with the id you chose is already registered.',
    whatToDo: 'Choose another id, or let the API make one. Nothing was recorded.',
  },
  factNotFound: {
    title: 'Fact not found',
    statuses: [422],
    meaning: 'The fact the request names (a credit, an attachment, a title…) is not on this record.',
    whatToDo: 'Read the record and use the id of one of its facts. Nothing was recorded.',
    members: { factType: 'The fact type named', factId: 'The id that was not found' },
  },
  factSuperseded: {
    title: 'Fact was corrected',
    statuses: [422],
    meaning: 'The fact was replaced by a correction or moved to another work; the old one cannot be edited any more.',
    whatToDo: 'Edit the replacement named in `supersededBy` instead. Nothing was recorded.',
    members: { supersededBy: '{ id, workId? }: the replacement fact (on another work after a move)' },
  },
  retracted: {
    title: 'Retracted',
    statuses: [422],
    meaning: 'The fact (or the record) was retracted: its premise was wrong, and it cannot be edited any more.',
    whatToDo: 'Record the right fact as a new one. Nothing was recorded.',
    members: { retraction: '{ note, eventId }: the retraction' },
  },
  internal: {
    title: 'Internal error',
    statuses: [500],
    meaning: 'Something went wrong on the server; it is logged with the request’s correlation id.',
    whatToDo: 'Retry a write with the same Idempotency-Key (it is recorded once); report the X-Correlation-Id if it persists.',
  },
  overloaded: {
    title: 'Overloaded',
    statuses: [503],
    meaning: 'More writes are waiting to be recorded than COMMANDS_IN_FLIGHT_LIMIT allows.',
    whatToDo: 'Retry after `Retry-After` seconds with the same Idempotency-Key. Nothing was recorded.',
  },
  rateLimited: {
    title: 'Too many requests',
    statuses: [429],
    meaning: 'The API key (or the address, without one) sent more writes or reads this minute than its limit.',
    whatToDo: 'Retry after `Retry-After` seconds. Nothing was done.',
  },
  databaseUnavailable: {
    title: 'Database unavailable',
    statuses: [503],
    meaning: 'PostgreSQL cannot be reached or is restarting.',
    whatToDo: 'Retry after `Retry-After` seconds; retry a write with the same Idempotency-Key, so it is recorded once even if the failed attempt was.',
    members: { retryAfter: 'Seconds to wait' },
  },
  malformedRequest: {
    title: 'Malformed request',
    statuses: [400, 431],
    meaning: 'The HTTP parser refused the request: bad header bytes, two Content-Length, Content-Length with Transfer-Encoding, a path that does not percent-decode (400), headers over 16 KiB (431).',
    whatToDo: 'Fix the client’s HTTP. The connection is closed.',
  },
  requestTimeout: {
    title: 'Request timeout',
    statuses: [408],
    meaning: 'The request’s headers or body did not arrive in time (HTTP_HEADERS_TIMEOUT_MS, HTTP_BODY_TIMEOUT_MS).',
    whatToDo: 'Send the whole request promptly. Nothing was recorded.',
  },
  bodyTooLarge: {
    title: 'Request body too large',
    statuses: [413],
    meaning: 'The body is over 100 KiB (after gzip, deflate or br inflation).',
    whatToDo: 'Send less per request. Nothing was recorded.',
  },
  unsupportedMediaType: {
    title: 'Unsupported media type',
    statuses: [415],
    meaning: 'The body is not JSON (application/json) or a form, or its Content-Encoding is not gzip, deflate or br.',
    whatToDo: 'Send JSON with Content-Type: application/json. Nothing was recorded.',
  },
};

/** `/problems/validation-error` → its entry; undefined for a name the API never answers. */
export function problemByName(name: string): { uri: string; doc: ProblemDoc } | undefined {
  for (const [key, doc] of Object.entries(PROBLEM_CATALOG) as Array<[DocumentedType, ProblemDoc]>) {
    if (ProblemType[key] === `/problems/${name}`) return { uri: ProblemType[key], doc };
  }
  return undefined;
}

export const DOCUMENTED_PROBLEM_TYPES: string[] = (Object.keys(PROBLEM_CATALOG) as DocumentedType[]).map((key) => ProblemType[key]);
