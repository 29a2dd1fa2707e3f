import pg from 'pg';
import type { AppendOptions, StreamAppend } from './event-store.types.js';

/**
 * The values PostgreSQL refuses in an append, recognised from the call itself, and the error PostgreSQL raises for
 * each: the store refuses such a call without sending it (see PostgresEventStore.appendMany), so a writer whose
 * appends carry one costs the database nothing and fails no group commit.
 *
 * PostgreSQL checks an append's values in this order, and the first refused one is the error:
 * 1. At bind, parameter by parameter in event_store_append's order (keys, fingerprints, stream ids, stream types,
 *    expected versions, event ids, event types, schema versions): text with a NUL character is refused by the
 *    encoding check before the parameter is parsed (22021); an int parameter beyond int, or not written as an integer,
 *    is refused by int4's parser (22003 out of range, 22P02 otherwise); an event id that is not a uuid by uuid's parser
 *    (22P02).
 * 2. Inside the statement, event by event in statement order, its data then its metadata cast to jsonb: jsonb holds no
 *    \u0000 (22P05) and no half of a surrogate pair (22P02).
 * The jsonb casts come after the streams' version checks, so PostgreSQL would answer a call that also expects a wrong
 * version with the conflict; refused here, such a call gets the refusal of its values, which it gets on any retry.
 * event-store-bad-writers.int-spec.ts has PostgreSQL judge every kind of value refused here, and look-alikes it stores.
 */

/** Where in a call a refused value is, for the error's message (never the value itself: it may hold the NUL). */
type Place = string;

/** The error PostgreSQL raises for the value, as node-postgres hands it over, with the place named in its message. */
function postgresError(code: string, message: string, place: Place, detail?: string): pg.DatabaseError {
  const text = `${message} (${place})`;
  const error = new pg.DatabaseError(text, text.length, 'error');
  error.severity = 'ERROR';
  error.code = code;
  if (detail !== undefined) error.detail = detail;
  error.where = `event store append: ${place}, refused before it was sent (PostgreSQL refuses this value)`;
  return error;
}

const hasNul = (text: string) => text.includes('\u0000');
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/**
 * int4's answer to a number as node-postgres writes it into an int[] parameter (Number.prototype.toString): undefined
 * when it is accepted. Only numbers are judged: anything else is left to PostgreSQL.
 */
function intRefusal(value: unknown, place: Place): pg.DatabaseError | undefined {
  if (typeof value !== 'number') return undefined;
  if (Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX) return undefined;
  const text = String(value);
  // An integer written without an exponent is a number int4 parses and finds too big; anything else (1.5, 1e+21, NaN,
  // Infinity) is not an integer's spelling.
  if (/^-?[0-9]+$/.test(text)) return postgresError('22003', `value "${text}" is out of range for type integer`, place);
  return postgresError('22P02', `invalid input syntax for type integer: "${text}"`, place);
}

/** PostgreSQL's uuid input: 32 hex digits, a hyphen allowed after any group of four but the last, optionally in braces. */
const POSTGRES_UUID = /^(?:[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}|\{[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}\})$/;

/**
 * A uuid as PostgreSQL gives it back (lower case, hyphens 8-4-4-4-12) for any spelling its input accepts; anything
 * else unchanged, for the refusal to name. The store hashes and answers this spelling: hashing the caller's upper case
 * or braces while the uuid column keeps PostgreSQL's would make an intact event fail verification.
 */
export function canonicalUuid(value: string): string {
  if (!POSTGRES_UUID.test(value)) return value;
  const hex = value.replace(/[{}-]/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const NUL_ESCAPE = { code: '22P05', message: 'unsupported Unicode escape sequence', detail: '\\u0000 cannot be converted to text.' };
const LOW_MUST_FOLLOW = { code: '22P02', message: 'invalid input syntax for type json', detail: 'Unicode low surrogate must follow a high surrogate.' };
const HIGH_AFTER_HIGH = { code: '22P02', message: 'invalid input syntax for type json', detail: 'Unicode high surrogate must not follow a high surrogate.' };

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
const escapedUnit = (json: string, at: number) => (json.startsWith('\\u', at) ? Number.parseInt(json.slice(at + 2, at + 6), 16) : Number.NaN);

/**
 * The first escape jsonb refuses in a JSON text, with jsonb's error for it, as jsonb's parser reports it: \u0000, a
 * high surrogate not followed by a low one (a second high one has its own message), a low one without a high one.
 * Only escapes count: a backslash written as text is itself escaped (\\), so the scan steps over every escape whole.
 * JSON.stringify, which writes the store's canonical JSON, escapes \u0000 and lone surrogates and writes whole pairs
 * as they are.
 */
export function jsonbRefusedEscape(json: string): typeof NUL_ESCAPE | undefined {
  for (let at = json.indexOf('\\'); at !== -1; ) {
    const unit = escapedUnit(json, at);
    if (Number.isNaN(unit)) {
      at = json.indexOf('\\', at + 2);
      continue;
    }
    if (unit === 0) return NUL_ESCAPE;
    if (isLow(unit)) return LOW_MUST_FOLLOW;
    if (isHigh(unit)) {
      const next = escapedUnit(json, at + 6);
      if (isHigh(next)) return HIGH_AFTER_HIGH;
      if (!isLow(next)) return LOW_MUST_FOLLOW;
      at += 6; // a whole pair written as two escapes: jsonb takes it
    }
    at = json.indexOf('\\', at + 6);
  }
  return undefined;
}

/** One event's JSON as it goes into the append: its data, and its metadata around the recordedAt the store sets. */
export interface EventJson {
  data: string;
  /** The metadata's text before and after recordedAt's value: each a run of complete JSON tokens. */
  metadataPieces: string[];
}

/**
 * The error PostgreSQL raises for this call's values, or undefined when it takes them (it may still refuse the call
 * for what is stored: a conflict, an event id already stored). `events`: the call's events in statement order (stream
 * by stream), as prepared for the statement.
 */
export function appendRefusal(
  appends: StreamAppend[],
  idempotency: AppendOptions['idempotency'],
  events: Array<{ eventId: string; type: string; schemaVersion: unknown; json: EventJson }>,
): pg.DatabaseError | undefined {
  const nul = (text: unknown, place: Place) =>
    typeof text === 'string' && hasNul(text) ? postgresError('22021', 'invalid byte sequence for encoding "UTF8": 0x00', place) : undefined;
  const firstOf = <T>(items: T[], refusal: (item: T, index: number) => pg.DatabaseError | undefined) => {
    for (const [index, item] of items.entries()) {
      const error = refusal(item, index);
      if (error) return error;
    }
    return undefined;
  };
  const streamPlace = (what: string, s: number) => `the ${what} of the call's stream ${s + 1}`;
  const eventPlace = (what: string, e: number) => `the ${what} of the call's event ${e + 1}`;
  return (
    nul(idempotency?.key, 'the idempotency key') ??
    nul(idempotency?.fingerprint, 'the idempotency fingerprint') ??
    firstOf(appends, ({ stream }, s) => nul(stream.id, streamPlace('id', s))) ??
    firstOf(appends, ({ stream }, s) => nul(stream.type, streamPlace('type', s))) ??
    firstOf(appends, ({ expectedVersion }, s) => intRefusal(expectedVersion, streamPlace('expected version', s))) ??
    // The encoding check takes the whole uuid[] parameter before uuid's parser reads its first element.
    firstOf(events, ({ eventId }, e) => nul(eventId, eventPlace('id', e))) ??
    firstOf(events, ({ eventId }, e) =>
      typeof eventId === 'string' && !POSTGRES_UUID.test(eventId)
        ? postgresError('22P02', `invalid input syntax for type uuid: "${eventId}"`, eventPlace('id', e))
        : undefined,
    ) ??
    firstOf(events, ({ type }, e) => nul(type, eventPlace('type', e))) ??
    firstOf(events, ({ schemaVersion }, e) => intRefusal(schemaVersion, eventPlace('schema version', e))) ??
    firstOf(events, ({ eventId, type, json }) => {
      const place = (what: string) => `the ${what} of event ${eventId} (${type})`;
      const inData = json.data.includes('\\u') ? jsonbRefusedEscape(json.data) : undefined;
      if (inData) return postgresError(inData.code, inData.message, place('data'), inData.detail);
      for (const piece of json.metadataPieces) {
        const inMetadata = piece.includes('\\u') ? jsonbRefusedEscape(piece) : undefined;
        if (inMetadata) return postgresError(inMetadata.code, inMetadata.message, place('metadata'), inMetadata.detail);
      }
      return undefined;
    })
  );
}
