import { ValidateBy, type ValidationOptions } from 'class-validator';

/*
 * Dates and instants as the API reads them: only ISO 8601 forms, only days that exist. JavaScript's Date rolls
 * 2025-02-30 over to 2 March and accepts year 0, which PostgreSQL refuses; both are a 400 naming the field here.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** The earliest instant PostgreSQL and JavaScript agree on writing (year 1, no year 0). */
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Year 0001–9999, month 01–12, a day the month has. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', every part in range. */
export function isPartialDateText(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = PARTIAL_DATE.exec(value);
  if (!match) return false;
  return isCalendarDate(Number(match[1]), match[2] === undefined ? 1 : Number(match[2]), match[3] === undefined ? 1 : Number(match[3]));
}

/**
 * An ISO 8601 instant with its time zone (`2025-11-25T12:00:00Z`, `…+09:00`), or — when `dateOnly` — a calendar date
 * meaning its midnight UTC. Undefined when the text is not one, or names a time that does not exist.
 */
export function parseInstant(value: unknown, { dateOnly = false }: { dateOnly?: boolean } = {}): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = dateOnly ? DATE.exec(value) : null;
  if (date) return isCalendarDate(Number(date[1]), Number(date[2]), Number(date[3])) ? new Date(`${value}T00:00:00Z`) : undefined;
  const match = INSTANT.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match;
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  if (Number(offsetHours) > 14 || Number(offsetMinutes) > 59) return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) || instant.getTime() < EARLIEST ? undefined : instant;
}

/** class-validator rule: a date (`2025-11-24`) or an instant with its zone, both real. */
export function IsIsoDateOrInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isIsoDateOrInstant', validator: { validate: (value) => parseInstant(value, { dateOnly: true }) !== undefined } }, options);
}

/** class-validator rule: an instant with its zone (`2025-11-24T00:00:00Z`), real. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isInstant', validator: { validate: (value) => parseInstant(value) !== undefined } }, options);
}

/** class-validator rule: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', a date that exists. */
export function IsPartialDateText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isPartialDateText', validator: { validate: (value) => isPartialDateText(value) } }, options);
}
