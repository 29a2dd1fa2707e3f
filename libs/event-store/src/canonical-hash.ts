import { createHash } from 'node:crypto';

/** prevHash of the very first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: keys sorted (by UTF-16 code units, as Array.prototype.sort does), no whitespace, undefined object
 * members dropped, numbers as JSON.stringify writes them. Apply it to JSON as read back from jsonb (or to a value
 * passed through JSON.parse(JSON.stringify(...))): jsonb reorders keys and normalises number spelling, so only the
 * parsed value is reproducible by a verifier.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    return text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  if (typeof (record as { toJSON?: unknown }).toJSON === 'function') return canonicalJson(JSON.parse(JSON.stringify(record)));
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined && typeof record[key] !== 'function')
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
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
