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
  /**
   * W3C trace context (https://www.w3.org/TR/trace-context/) of the request that recorded the event, when it was traced:
   * `00-<trace id>-<span id>-<flags>`. Published as the Kafka `traceparent` header of the relay's publish span, so a
   * consumer's work joins the editor's trace.
   */
  traceparent?: string;
  /** W3C `tracestate` that came with traceparent, when there was one. */
  tracestate?: string;
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
