import { createHash } from 'node:crypto';

/** prevHash of the very first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * A value left open in canonicalJsonParts: the text is cut there, and whoever fills it in writes the value's JSON
 * between the parts. QUOTED_HOLE stands for a string that needs no escaping (digits, an ISO instant, hex), so the
 * quotes stay in the parts; BARE_HOLE for a number.
 */
export const QUOTED_HOLE = Symbol('quoted hole');
export const BARE_HOLE = Symbol('bare hole');

/** The text written so far: `parts` holds what lies before each hole, `out` what follows the last one. */
interface CanonicalWriter {
  parts: string[];
  out: string;
}

/**
 * Appends the canonical JSON of value to the writer, starting a new part at every hole. The text grows in one string
 * (writer.out) rather than in an array element: an append is a string concatenation, not an array load and store, and
 * a canonical text is built for every appended and every verified event.
 */
function writeCanonical(value: unknown, writer: CanonicalWriter): void {
  if (value === null || typeof value !== 'object') {
    if (value === QUOTED_HOLE) {
      writer.parts.push(writer.out + '"');
      writer.out = '"';
      return;
    }
    if (value === BARE_HOLE) {
      writer.parts.push(writer.out);
      writer.out = '';
      return;
    }
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    writer.out += text;
    return;
  }
  if (Array.isArray(value)) {
    writer.out += '[';
    const length = value.length;
    for (let index = 0; index < length; index++) {
      // As forEach: a hole of a sparse array is skipped, comma and all.
      if (!(index in value)) continue;
      if (index > 0) writer.out += ',';
      const item: unknown = value[index];
      if (item === undefined || typeof item === 'function') writer.out += 'null';
      else writeCanonical(item, writer);
    }
    writer.out += ']';
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') {
    writeCanonical(JSON.parse(JSON.stringify(record)), writer);
    return;
  }
  writer.out += '{';
  const keys = Object.keys(record).sort();
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'function') continue;
    writer.out += first ? memberPrefix(key) : ',' + memberPrefix(key);
    first = false;
    writeCanonical(member, writer);
  }
  writer.out += '}';
}

/** `"key":` for object keys seen before (events of one kind share their keys), bounded. */
const memberPrefixes = new Map<string, string>();
function memberPrefix(key: string): string {
  let prefix = memberPrefixes.get(key);
  if (prefix === undefined) {
    prefix = JSON.stringify(key) + ':';
    if (memberPrefixes.size < 10_000 && key.length <= 64) memberPrefixes.set(key, prefix);
  }
  return prefix;
}

/** The canonical JSON of value cut at its holes: holes + 1 parts. */
function canonicalText(value: unknown): string[] {
  const writer: CanonicalWriter = { parts: [], out: '' };
  writeCanonical(value, writer);
  writer.parts.push(writer.out);
  return writer.parts;
}

/**
 * Canonical JSON: keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace, undefined object
 * members dropped, numbers as JSON.stringify writes them. Apply it to JSON as read back from jsonb (or to a value
 * passed through JSON.parse(JSON.stringify(...))): jsonb reorders keys and normalises number spelling, so only the
 * parsed value is reproducible by a verifier.
 */
export function canonicalJson(value: unknown): string {
  const parts = canonicalText(value);
  if (parts.length > 1) throw new TypeError('canonicalJson: the value has holes; use canonicalJsonParts');
  return parts[0]!;
}

/** The canonical JSON of a value with holes (QUOTED_HOLE, BARE_HOLE), cut at each hole: holes + 1 parts. */
export function canonicalJsonParts(value: unknown): string[] {
  return canonicalText(value);
}

/** The fields the chain hash covers: everything that identifies and says what an event is, plus its predecessor. */
export interface HashedEventContent {
  globalPosition: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  prevHash: string;
}

/** Hex sha256 over the canonical JSON of the event's content and prevHash. */
export function eventHash(event: HashedEventContent): string {
  const content = {
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** An event's content before the append lock: what the store knows when the call arrives. */
export type UnplacedEventContent = Omit<HashedEventContent, 'globalPosition' | 'prevHash' | 'streamVersion' | 'metadata'> & {
  /** Without recordedAt: the store sets it under the lock. */
  metadata: Record<string, unknown>;
};

/**
 * An event's canonical chain-hash text (the text eventHash hashes) around the four values fixed only under the append
 * lock — globalPosition, metadata.recordedAt, prevHash, streamVersion — with data and metadata cut out as JSON of
 * their own. The whole text is
 *
 *   '{"data":' + data + afterData + POSITION + '","metadata":' + metadataHead + RECORDED_AT + metadataTail
 *     + ',"prevHash":"' + PREV_HASH + afterPrevHash + STREAM_VERSION + afterVersion
 *
 * (canonical order: data, eventId, globalPosition, metadata, prevHash, schemaVersion, streamId, streamType,
 * streamVersion, type). data and metadataHead + RECORDED_AT + metadataTail are canonical JSON themselves, so the
 * database stores them as they come (migrations/0006-append-throughput.sql): an event's content travels and is parsed
 * once. Canonical JSON escapes every control character, so no piece contains one.
 */
export interface EventHashText {
  /** The canonical JSON of data. */
  data: string;
  /** From after data up to the opening quote of globalPosition's value: `,"eventId":"…","globalPosition":"`. */
  afterData: string;
  /** metadata's canonical JSON up to the opening quote of recordedAt's value. */
  metadataHead: string;
  /** The rest of metadata's canonical JSON, from the closing quote of recordedAt's value. */
  metadataTail: string;
  /** From after prevHash's value up to streamVersion's value: `","schemaVersion":…,"streamVersion":`. */
  afterPrevHash: string;
  /** From after streamVersion's value to the end: `,"type":…}`. */
  afterVersion: string;
}

/**
 * The event's canonical chain-hash text in pieces (EventHashText), for metadata that is a plain record: the store's is
 * always one (it hashes metadata as JSON.parse gives it back). Built for every appended event, so it writes the fixed
 * outer object member by member in sorted key order instead of building it, copying the metadata and sorting keys;
 * the text is the one canonicalJsonParts writes for {...content, metadata: {...metadata, recordedAt: hole}}.
 * setSchemaVersion: the metadata's schemaVersion is the event's (metadata: {...metadata, schemaVersion, recordedAt:
 * hole}), as the store stores it, without the caller having to copy the metadata to say so.
 */
export function eventHashText(event: UnplacedEventContent, options: { setSchemaVersion?: boolean } = {}): EventHashText {
  const writer: CanonicalWriter = { parts: [], out: '' };
  let first = false;
  // A member as writeCanonical writes one of an object's: skipped when undefined or a function. Every key here is a
  // plain identifier, so its JSON is itself in quotes.
  const member = (key: string, value: unknown): void => {
    if (value === undefined || typeof value === 'function') return;
    writer.out += first ? `"${key}":` : `,"${key}":`;
    first = false;
    writeCanonical(value, writer);
  };
  if (event.data === undefined || typeof event.data === 'function') throw new TypeError('eventHashText: an event needs data');
  writeCanonical(event.data, writer);
  const data = writer.out;
  writer.out = '';
  member('eventId', event.eventId);
  writer.out += ',"globalPosition":"';
  const afterData = writer.out;
  writer.out = '';
  const record = event.metadata;
  const keys = Object.keys(record);
  // The hole (the store's recordedAt replaces the caller's) and, when asked, the event's schemaVersion take their
  // sorted places among the caller's keys.
  if (!Object.prototype.hasOwnProperty.call(record, 'recordedAt')) keys.push('recordedAt');
  if (options.setSchemaVersion && !Object.prototype.hasOwnProperty.call(record, 'schemaVersion')) keys.push('schemaVersion');
  keys.sort();
  let head = '';
  writer.out = '{';
  let firstKey = true;
  for (const key of keys) {
    if (key === 'recordedAt') {
      head = writer.out + (firstKey ? '"recordedAt":"' : ',"recordedAt":"');
      writer.out = '"';
      firstKey = false;
      continue;
    }
    const value = options.setSchemaVersion && key === 'schemaVersion' ? event.schemaVersion : record[key];
    if (value === undefined || typeof value === 'function') continue;
    writer.out += firstKey ? memberPrefix(key) : ',' + memberPrefix(key);
    firstKey = false;
    writeCanonical(value, writer);
  }
  const metadataTail = writer.out + '}';
  writer.out = '"';
  member('schemaVersion', event.schemaVersion);
  member('streamId', event.streamId);
  member('streamType', event.streamType);
  writer.out += ',"streamVersion":';
  const afterPrevHash = writer.out;
  writer.out = '';
  member('type', event.type);
  writer.out += '}';
  if (writer.parts.length > 0) throw new Error('eventHashText: the content has holes of its own');
  return { data, afterData, metadataHead: head, metadataTail, afterPrevHash, afterVersion: writer.out };
}

/**
 * The event's canonical chain-hash text cut into five parts around the four values fixed only under the append lock,
 * in canonical (sorted-key) order: globalPosition, metadata.recordedAt, prevHash, streamVersion: parts[0] + position
 * + parts[1] + recordedAt + parts[2] + prevHash + parts[3] + streamVersion + parts[4] is the text eventHash() hashes.
 * (The store sends the finer cut of eventHashText; migrations/0004 took these parts.)
 */
export function eventHashParts(event: UnplacedEventContent): string[] {
  const metadata = event.metadata as unknown;
  if (
    event.data === undefined ||
    typeof event.data === 'function' ||
    metadata === null ||
    typeof metadata !== 'object' ||
    Array.isArray(metadata) ||
    (Object.prototype.hasOwnProperty.call(metadata, 'toJSON') && typeof (metadata as { toJSON?: unknown }).toJSON === 'function')
  ) {
    const parts = canonicalJsonParts({
      globalPosition: QUOTED_HOLE,
      streamId: event.streamId,
      streamType: event.streamType,
      streamVersion: BARE_HOLE,
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: { ...(metadata as Record<string, unknown>), recordedAt: QUOTED_HOLE },
      prevHash: QUOTED_HOLE,
    });
    if (parts.length !== 5) throw new Error(`eventHashParts: expected 4 holes, found ${parts.length - 1}`);
    return parts;
  }
  const text = eventHashText(event);
  return [
    '{"data":' + text.data + text.afterData,
    '","metadata":' + text.metadataHead,
    text.metadataTail + ',"prevHash":"',
    text.afterPrevHash,
    text.afterVersion,
  ];
}
