import type { EventMetadata } from '../../contracts/src/envelope.js';

/**
 * What a caller expects the stream to look like before its append:
 * - 'any': no check;
 * - 'no-stream': the stream must not exist yet (creating an aggregate);
 * - a number: the stream's current version must be exactly this (versions start at 1 for the first event).
 */
export type ExpectedVersion = 'any' | 'no-stream' | number;

export interface StreamRef {
  /** e.g. 'work-3f2a…' — unique across all stream types. */
  id: string;
  /** The aggregate type: 'work', 'organization', 'person', 'deal'. */
  type: string;
}

/** An event as a command handler hands it to the store; the store fills in recordedAt. */
export interface EventToAppend {
  type: string;
  data: Record<string, unknown>;
  metadata: Omit<EventMetadata, 'recordedAt' | 'schemaVersion'> & { schemaVersion?: number };
}

/** An event as it is stored and read back. */
export interface StoredEvent {
  /** Global position from a sequence; a string because it is a Postgres bigint. */
  globalPosition: string;
  streamId: string;
  streamType: string;
  /** 1 for the first event of a stream. */
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  /** Set when a reader upcast the event: the schema version actually stored (which `hash` covers). */
  storedSchemaVersion?: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** Commit time (ISO 8601, UTC, milliseconds). Equal to metadata.recordedAt. */
  recordedAt: string;
  /** Hex sha256 of this event's canonical content and prevHash. */
  hash: string;
  prevHash: string;
}

export interface AppendOptions {
  /**
   * A retried command with the same key records nothing new and gets the first result back.
   * The fingerprint (e.g. a hash of the request) tells a genuine retry from a key reused for a different request.
   */
  idempotency?: { key: string; fingerprint: string };
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  streamVersion: number;
  events: StoredEvent[];
  /** True when this is the stored answer of an earlier append with the same idempotency key. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  /** Only events with streamVersion <= toVersion. */
  toVersion?: number;
  /** Only events recorded at or before this instant (what the desk knew at that time). */
  asOf?: Date;
}

export interface ReadAllOptions {
  /** Exclusive: events with globalPosition > after. '0' for the beginning. */
  after: string;
  limit: number;
}

/** One stream's part of an appendMany: all parts commit in one transaction or none does. */
export interface StreamAppend {
  stream: StreamRef;
  expectedVersion: ExpectedVersion;
  events: EventToAppend[];
}

export interface VerifyChainOptions {
  /** Start here (inclusive), trusting the stored hash of the event before it. Default: the first event. */
  fromPosition?: string;
  /**
   * Stop after this position (inclusive). Default: the last event. chain_head is compared with the last event walked
   * only when the walk reaches the end of the log.
   */
  toPosition?: string;
  /** Rows read per round trip. Default 1000. */
  batchSize?: number;
  /** Called after each batch with the events checked so far (progress of a long verification). */
  onProgress?: (checked: number) => void;
}

export interface ChainMismatch {
  globalPosition: string;
  storedHash: string;
  recomputedHash: string;
  reason: 'hash-mismatch' | 'prev-hash-mismatch' | 'recorded-at-mismatch' | 'head-mismatch';
}

export interface VerifyChainResult {
  ok: boolean;
  /** Events whose hash was recomputed. */
  checked: number;
  /** The last event checked ('0' when none); export it to anchor the chain outside the database. */
  headPosition: string;
  headHash: string;
  firstMismatch?: ChainMismatch;
}
