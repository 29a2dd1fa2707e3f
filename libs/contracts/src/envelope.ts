/**
 * The public envelope every reelwire event carries, on Postgres and on Kafka alike.
 * This file is part of the published contract: fields are added, never renamed or removed.
 */

/** How precisely a world date is known: "development started in 2018" is a year, not 2018-01-01. */
export type DatePrecision = 'day' | 'month' | 'year';

/**
 * A date in the world (occurredAt, release dates, status effective dates).
 * `date` is ISO 8601 cut to the precision: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'.
 */
export interface PartialDate {
  date: string;
  precision: DatePrecision;
}

/** Every fact cites its source (domain.md, "Editorial facts"). */
export interface SourceCitation {
  /** Where the fact was published. */
  url?: string;
  publisher: string;
  title?: string;
  /** When the source published it (ISO 8601 date or date-time). */
  publishedAt?: string;
  /** When the desk read it (ISO 8601 date or date-time). */
  retrievedAt?: string;
  /** BCP 47 language tag of the source, e.g. 'en', 'ko'. */
  language?: string;
  excerpt?: string;
  /** What kind of source it is: one of SOURCE_KINDS (vocabulary.ts); absent on citations recorded before kinds existed. */
  kind?: import('./vocabulary.js').SourceKind;
  /**
   * Present when the source is confidential: its identifying details are sealed (confidential-sources.md). Stored,
   * it carries the ciphertext; published on Kafka and in read models, only the label.
   */
  confidential?: ConfidentialSourceSeal;
}

/** Identifying details encrypted under a data key (AES-256-GCM); only the admin API holds the keys. */
export interface SealedDetails {
  /** The data key (`data_keys.key_id`) that sealed the ciphertext. */
  keyId: string;
  algorithm: 'AES-256-GCM';
  /** base64 of the 96-bit IV. */
  iv: string;
  /** base64 of the ciphertext followed by its 128-bit GCM tag; the plaintext is the JSON of the sealed fields. */
  ciphertext: string;
}

export const CONFIDENTIAL_SOURCE_LABEL = 'confidential source';
export const PERSONAL_DATA_LABEL = 'personal data';

/**
 * A confidential source. In the log: the label, the source's id and the sealed details (url, title, excerpt,
 * retrievedAt, and the publisher when the editor withheld it). Everywhere else: the label alone.
 */
export interface ConfidentialSourceSeal extends Partial<SealedDetails> {
  label: typeof CONFIDENTIAL_SOURCE_LABEL;
  /** The desk's id of the source (a UUID), the same on every fact citing it; stored only. */
  sourceId?: string;
}

/** Personal data about the event's person (a person may ask to erase it), sealed under that person's key. */
export interface SealedPersonalData extends Partial<SealedDetails> {
  label: typeof PERSONAL_DATA_LABEL;
}

/** Who did it: an API key's principal. */
export interface Actor {
  id: string;
  role: 'editor' | 'auditor' | 'admin' | 'system';
}

/** Metadata stored with (and published alongside) every event. */
export interface EventMetadata {
  eventId: string;
  actor: Actor;
  correlationId: string;
  /** The id of the command (or event) that caused this event. */
  causationId: string;
  source: SourceCitation;
  /** World time of the fact, when known. */
  occurredAt?: PartialDate;
  /** Commit time, set by the event store. ISO 8601 with milliseconds, UTC. */
  recordedAt: string;
  schemaVersion: number;
  /** Editor's note (corrections, clarifications, retractions carry one; others may). */
  note?: string;
  /** Personal data recorded with this event (person streams only), sealed; published as the label alone. */
  personalData?: SealedPersonalData;
  /**
   * W3C trace context (https://www.w3.org/TR/trace-context/) of the request that recorded the event, when it was traced:
   * `00-<trace id>-<span id>-<flags>`. Published as the Kafka `traceparent` header of the relay's publish span, so a
   * consumer's work joins the editor's trace.
   */
  traceparent?: string;
  /** W3C `tracestate` that came with traceparent, when there was one. */
  tracestate?: string;
}

/**
 * The fields of a source that stay readable on a confidential source: who published, when, in which language, and
 * what kind of source it is (a trade report, a press release…: publisher-level, it names no one).
 */
export const PUBLIC_SOURCE_FIELDS = ['publisher', 'publishedAt', 'language', 'kind'] as const;

/**
 * What leaves the log for everyone without a key (Kafka, read models, readers): a confidential source keeps its
 * publisher-level facts and the label, personal data the label; no ciphertext, key id or source id.
 */
export function publicMetadata<M extends Partial<EventMetadata>>(metadata: M): M {
  const { source, personalData } = metadata;
  if (!source?.confidential && !personalData) return metadata;
  const shown: M = { ...metadata };
  if (source?.confidential) shown.source = publicSource(source);
  if (personalData) shown.personalData = { label: PERSONAL_DATA_LABEL };
  return shown;
}

export function publicSource(source: SourceCitation): SourceCitation {
  if (!source.confidential) return source;
  const kept = Object.fromEntries(PUBLIC_SOURCE_FIELDS.filter((field) => source[field] !== undefined).map((field) => [field, source[field]]));
  return { ...kept, publisher: source.publisher, confidential: { label: CONFIDENTIAL_SOURCE_LABEL } };
}

export const PARTIAL_DATE_PATTERN: Record<DatePrecision, RegExp> = {
  year: /^\d{4}$/,
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  day: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
};

/** True when `value.date` is well-formed for its precision (and a real calendar day). */
export function isValidPartialDate(value: PartialDate): boolean {
  if (!PARTIAL_DATE_PATTERN[value.precision]?.test(value.date)) return false;
  if (value.precision !== 'day') return true;
  const parsed = new Date(`${value.date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value.date;
}

/** The first instant a partial date can denote, used to order milestones on a timeline. */
export function partialDateStart(value: PartialDate): string {
  switch (value.precision) {
    case 'year':
      return `${value.date}-01-01`;
    case 'month':
      return `${value.date}-01`;
    case 'day':
      return value.date;
    default: {
      const exhaustive: never = value.precision;
      throw new Error(`unknown precision ${String(exhaustive)}`);
    }
  }
}
