import { isValidPartialDate, type PartialDate, type SourceCitation } from '../../../contracts/src/envelope.js';
import { isUuid } from '../../../contracts/src/streams.js';
import { canonicalTerritory, isTerritoryCode, TERRITORY_GROUP_CODES } from '../../../contracts/src/territories.js';
import { SOURCE_KINDS, WORLDWIDE } from '../../../contracts/src/vocabulary.js';
import { DomainValidationError, type FieldViolation } from './errors.js';
import { ISO_COUNTRY_CODES } from './iso-countries.js';

export const MAX_NOTE_LENGTH = 2000;
export const MAX_TEXT_LENGTH = 500;

/** Collects every violation of a command, then throws them together (the editor fixes all at once). */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, message: string): this {
    this.list.push({ field, message });
    return this;
  }

  /** Records a violation of the field's form (see FieldViolation.malformed) unless `ok`. */
  checkForm(ok: boolean, field: string, message: string): boolean {
    if (!ok) this.list.push({ field, message, malformed: true });
    return ok;
  }

  /** Records `message` unless `ok`. Returns `ok` so callers can skip dependent checks. */
  check(ok: boolean, field: string, message: string): boolean {
    if (!ok) this.add(field, message);
    return ok;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new DomainValidationError([...this.list]);
  }
}

export function validationError(field: string, message: string): DomainValidationError {
  return new DomainValidationError([{ field, message }]);
}

export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && ISO_COUNTRY_CODES.has(value);
}

/** A country code or a territory group's code ('XW' worldwide, 'north-america', …: contracts/src/territories.ts). */
export function isTerritory(value: unknown): value is string {
  return isTerritoryCode(value);
}

/** Names worldwide's code the way the trades abbreviate it, so 'WW' is told what to send instead. */
const WORLDWIDE_SPELLINGS = ['WW', 'WORLDWIDE', 'WORLD', 'GLOBAL'];

/** What to tell an editor who sent `value` as a territory: the canonical spelling if only its case is off. */
function territoryHint(value: unknown): string {
  if (typeof value !== 'string') return '';
  if (WORLDWIDE_SPELLINGS.includes(value.toUpperCase())) return ` — worldwide is ${WORLDWIDE}`;
  const canonical = canonicalTerritory(value);
  return canonical ? ` — did you mean ${canonical}?` : '';
}

const TERRITORY_RULE = `must be an ISO 3166-1 alpha-2 country code (e.g. KR, VN) or a territory group (${TERRITORY_GROUP_CODES.join(', ')}; GET /territories)`;

/** BCP 47 subset in canonical case: language[-Script][-REGION], e.g. 'ko', 'ko-Kore', 'ko-Latn', 'en-US', 'es-419'. */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

export function isLanguageTag(value: unknown): value is string {
  return typeof value === 'string' && LANGUAGE_TAG.test(value);
}

/** 'KO-kore' → 'ko-Kore': used to tell the editor what we expected. */
export function canonicalLanguageTag(value: string): string {
  return value
    .split('-')
    .map((part, i) => {
      if (i === 0) return part.toLowerCase();
      if (part.length === 4) return part[0]!.toUpperCase() + part.slice(1).toLowerCase();
      return part.toUpperCase();
    })
    .join('-');
}

export function isNonEmptyText(value: unknown, max = MAX_TEXT_LENGTH): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max;
}

/** Fact ids (creditId, titleId, …): opaque, URL-safe, at most 128 characters. UUIDs in production. */
const FACT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isFactId(value: unknown): value is string {
  return typeof value === 'string' && FACT_ID.test(value);
}

const ISO_DATE_OR_DATETIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Date.parse rolls 2025-02-30 over to 2 March: the day itself must exist, and year 0 is no year to PostgreSQL. */
function isIsoDateOrDateTime(value: string): boolean {
  return (
    ISO_DATE_OR_DATETIME.test(value) &&
    !value.startsWith('0000') &&
    isValidPartialDate({ date: value.slice(0, 10), precision: 'day' }) &&
    !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value))
  );
}

/** Field-level checks shared by every aggregate. */
export const check = {
  aggregateId(v: Violations, value: unknown, field: string): void {
    v.check(typeof value === 'string' && isUuid(value), field, 'must be a UUID');
  },

  /** An id the caller may supply for a new fact; absent means "generate one". */
  optionalFactId(v: Violations, value: unknown, field: string): void {
    if (value !== undefined) v.check(isFactId(value), field, 'must be 1–128 characters of letters, digits, . _ : -, starting with a letter or digit');
  },

  factId(v: Violations, value: unknown, field: string): void {
    v.check(isFactId(value), field, 'is required: the id of an existing fact');
  },

  country(v: Violations, value: unknown, field: string): void {
    v.check(isCountryCode(value), field, `must be an ISO 3166-1 alpha-2 country code in upper case, e.g. KR, US, VN (got ${JSON.stringify(value)})`);
  },

  territory(v: Violations, value: unknown, field: string): void {
    v.check(isTerritory(value), field, `${TERRITORY_RULE} (got ${JSON.stringify(value)})${territoryHint(value)}`);
  },

  countries(v: Violations, value: unknown, field: string, { min = 0 }: { min?: number } = {}): void {
    if (!v.check(Array.isArray(value), field, 'must be a list of ISO 3166-1 alpha-2 codes')) return;
    const list = value as unknown[];
    v.check(list.length >= min, field, `must list at least ${min} ${min === 1 ? 'country' : 'countries'}`);
    list.forEach((c, i) => check.country(v, c, `${field}[${i}]`));
    v.check(new Set(list).size === list.length, field, 'must not repeat a country');
  },

  territories(v: Violations, value: unknown, field: string): void {
    if (!v.check(Array.isArray(value), field, 'must be a list of ISO 3166-1 alpha-2 country codes or territory groups (GET /territories)')) return;
    const list = value as unknown[];
    list.forEach((c, i) => check.territory(v, c, `${field}[${i}]`));
    v.check(new Set(list).size === list.length, field, 'must not repeat a territory');
  },

  language(v: Violations, value: unknown, field: string): void {
    if (isLanguageTag(value)) return;
    const hint = typeof value === 'string' && isLanguageTag(canonicalLanguageTag(value)) ? ` — did you mean ${canonicalLanguageTag(value)}?` : '';
    v.add(field, `must be a BCP 47 language tag such as ko, ko-Kore, ko-Latn, en or vi${hint}`);
  },

  languages(v: Violations, value: unknown, field: string): void {
    if (!v.check(Array.isArray(value), field, 'must be a list of BCP 47 language tags')) return;
    const list = value as unknown[];
    list.forEach((l, i) => check.language(v, l, `${field}[${i}]`));
    v.check(new Set(list).size === list.length, field, 'must not repeat a language');
  },

  text(v: Violations, value: unknown, field: string, max = MAX_TEXT_LENGTH): void {
    v.check(isNonEmptyText(value, max), field, `is required: non-empty text of at most ${max} characters`);
  },

  optionalText(v: Violations, value: unknown, field: string, max = MAX_TEXT_LENGTH): void {
    if (value !== undefined) check.text(v, value, field, max);
  },

  /** Corrections, clarifications and retractions explain themselves. */
  note(v: Violations, value: unknown, field = 'note'): void {
    v.check(isNonEmptyText(value, MAX_NOTE_LENGTH), field, `is required: the editor's note explaining the fix (at most ${MAX_NOTE_LENGTH} characters)`);
  },

  optionalNote(v: Violations, value: unknown, field = 'note'): void {
    if (value !== undefined) v.check(typeof value === 'string' && value.length <= MAX_NOTE_LENGTH, field, `must be text of at most ${MAX_NOTE_LENGTH} characters`);
  },

  oneOf<T extends string>(v: Violations, value: unknown, allowed: readonly T[], field: string): void {
    v.check(typeof value === 'string' && (allowed as readonly string[]).includes(value), field, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  },

  optionalOneOf<T extends string>(v: Violations, value: unknown, allowed: readonly T[], field: string): void {
    if (value !== undefined) check.oneOf(v, value, allowed, field);
  },

  partialDate(v: Violations, value: unknown, field: string): void {
    const ok =
      typeof value === 'object' &&
      value !== null &&
      typeof (value as PartialDate).date === 'string' &&
      typeof (value as PartialDate).precision === 'string' &&
      isValidPartialDate(value as PartialDate);
    v.checkForm(ok, field, "must be a partial date: { date: 'YYYY' | 'YYYY-MM' | 'YYYY-MM-DD', precision: 'year' | 'month' | 'day' } matching each other");
  },

  optionalPartialDate(v: Violations, value: unknown, field: string): void {
    if (value !== undefined) check.partialDate(v, value, field);
  },

  /** Facts that already happened cannot be dated after today. */
  notInFuture(v: Violations, value: PartialDate | undefined, now: Date, field: string): void {
    if (!value || !isValidPartialDate(value)) return;
    v.check(value.date <= now.toISOString().slice(0, value.date.length), field, `${value.date} is in the future; record plans as a milestone or a scheduled release`);
  },

  year(v: Violations, value: unknown, field: string): void {
    v.check(Number.isInteger(value) && (value as number) >= 1870 && (value as number) <= 2200, field, 'must be a year between 1870 and 2200');
  },

  boolean(v: Violations, value: unknown, field: string): void {
    v.check(typeof value === 'boolean', field, 'must be true or false');
  },

  /** Every command cites its source. */
  source(v: Violations, value: unknown, field = 'source'): void {
    if (!v.check(typeof value === 'object' && value !== null, field, 'is required: every fact cites its source (at least a publisher)')) return;
    const s = value as SourceCitation;
    check.text(v, s.publisher, `${field}.publisher`, 200);
    if (s.url !== undefined) {
      let ok = false;
      try {
        const protocol = new URL(s.url).protocol;
        ok = protocol === 'http:' || protocol === 'https:';
      } catch {
        ok = false;
      }
      v.check(ok, `${field}.url`, 'must be an absolute http(s) URL');
    }
    check.optionalText(v, s.title, `${field}.title`, 1000);
    if (s.publishedAt !== undefined) v.check(typeof s.publishedAt === 'string' && isIsoDateOrDateTime(s.publishedAt), `${field}.publishedAt`, 'must be an ISO 8601 date or date-time');
    if (s.retrievedAt !== undefined) v.check(typeof s.retrievedAt === 'string' && isIsoDateOrDateTime(s.retrievedAt), `${field}.retrievedAt`, 'must be an ISO 8601 date or date-time');
    if (s.language !== undefined) check.language(v, s.language, `${field}.language`);
    if (s.excerpt !== undefined) v.check(typeof s.excerpt === 'string' && s.excerpt.length <= 5000, `${field}.excerpt`, 'must be text of at most 5000 characters');
    if (s.kind !== undefined) v.check((SOURCE_KINDS as readonly string[]).includes(s.kind), `${field}.kind`, `must be one of ${SOURCE_KINDS.join(', ')}`);
  },

  /** source, optional note, optional occurredAt. */
  writeFields(v: Violations, data: { source?: unknown; note?: unknown; occurredAt?: unknown }): void {
    check.source(v, data.source);
    check.optionalNote(v, data.note);
    check.optionalPartialDate(v, data.occurredAt, 'occurredAt');
  },

  /** source, required note, optional occurredAt. */
  fixFields(v: Violations, data: { source?: unknown; note?: unknown; occurredAt?: unknown }): void {
    check.source(v, data.source);
    check.note(v, data.note);
    check.optionalPartialDate(v, data.occurredAt, 'occurredAt');
  },
};

/** Rejects keys a correction cannot change on this fact type, and an empty change set. */
export function checkChangeKeys(v: Violations, changes: unknown, allowed: readonly string[], factLabel: string): boolean {
  if (!v.check(typeof changes === 'object' && changes !== null && !Array.isArray(changes), 'changes', 'is required: an object of the corrected fields')) return false;
  const keys = Object.keys(changes as object).filter((k) => (changes as Record<string, unknown>)[k] !== undefined);
  if (!v.check(keys.length > 0, 'changes', 'must change at least one field')) return false;
  let ok = true;
  for (const key of keys) {
    if (!allowed.includes(key)) {
      v.add(`changes.${key}`, `is not a field of a ${factLabel}; correctable fields: ${allowed.join(', ')}`);
      ok = false;
    }
  }
  return ok;
}
