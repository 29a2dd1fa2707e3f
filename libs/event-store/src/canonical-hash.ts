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

/** Appends the canonical JSON of value to parts (its last element), starting a new part at every hole. */
function writeCanonical(value: unknown, parts: string[]): void {
  if (value === QUOTED_HOLE) {
    parts[parts.length - 1] += '"';
    parts.push('"');
    return;
  }
  if (value === BARE_HOLE) {
    parts.push('');
    return;
  }
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    parts[parts.length - 1] += text;
    return;
  }
  if (Array.isArray(value)) {
    parts[parts.length - 1] += '[';
    value.forEach((item, index) => {
      if (index > 0) parts[parts.length - 1] += ',';
      if (item === undefined || typeof item === 'function') parts[parts.length - 1] += 'null';
      else writeCanonical(item, parts);
    });
    parts[parts.length - 1] += ']';
    return;
  }
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') {
    writeCanonical(JSON.parse(JSON.stringify(record)), parts);
    return;
  }
  parts[parts.length - 1] += '{';
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort();
  keys.forEach((key, index) => {
    parts[parts.length - 1] += `${index > 0 ? ',' : ''}${JSON.stringify(key)}:`;
    writeCanonical(record[key], parts);
  });
  parts[parts.length - 1] += '}';
}

/**
 * Canonical JSON: keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace, undefined object
 * members dropped, numbers as JSON.stringify writes them. Apply it to JSON as read back from jsonb (or to a value
 * passed through JSON.parse(JSON.stringify(...))): jsonb reorders keys and normalises number spelling, so only the
 * parsed value is reproducible by a verifier.
 */
export function canonicalJson(value: unknown): string {
  const parts = [''];
  writeCanonical(value, parts);
  if (parts.length > 1) throw new TypeError('canonicalJson: the value has holes; use canonicalJsonParts');
  return parts[0]!;
}

/** The canonical JSON of a value with holes (QUOTED_HOLE, BARE_HOLE), cut at each hole: holes + 1 parts. */
export function canonicalJsonParts(value: unknown): string[] {
  const parts = [''];
  writeCanonical(value, parts);
  return parts;
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
 * The event's canonical chain-hash text cut into five parts around the four values fixed only under the append lock,
 * in canonical (sorted-key) order: globalPosition, metadata.recordedAt, prevHash, streamVersion. The database joins
 * parts[0] + position + parts[1] + recordedAt + parts[2] + prevHash + parts[3] + streamVersion + parts[4] and hashes
 * it (migrations/0004-single-statement-append.sql) — the same text eventHash() hashes, so one verifier checks both.
 */
export function eventHashParts(event: UnplacedEventContent): string[] {
  const parts = canonicalJsonParts({
    globalPosition: QUOTED_HOLE,
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: BARE_HOLE,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: { ...event.metadata, recordedAt: QUOTED_HOLE },
    prevHash: QUOTED_HOLE,
  });
  if (parts.length !== 5) throw new Error(`eventHashParts: expected 4 holes, found ${parts.length - 1}`);
  return parts;
}
