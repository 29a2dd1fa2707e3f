import { partialDateStart, type PartialDate } from '../../../contracts/src/envelope.js';

/** The first day a partial date can denote ('2018' → '2018-01-01'): the timeline's sort key. */
export function sortKeyOf(date: PartialDate): string {
  return partialDateStart(date);
}

/** The earliest of some partial dates (by first possible day; on a tie the less precise one, listed first). */
export function earliest(dates: readonly (PartialDate | undefined)[]): PartialDate | undefined {
  let best: PartialDate | undefined;
  for (const date of dates) if (date && (!best || sortKeyOf(date) < sortKeyOf(best))) best = date;
  return best;
}

/**
 * Whole years from `start` to `asOf`, at the precision the start is known: a start known to the year counts calendar
 * years (development "since 2018" is seven years in 2025), a month or day start counts completed years.
 */
export function yearsSince(start: PartialDate, asOf: Date): number {
  const [year, month = 1, day = 1] = start.date.split('-').map(Number) as [number, number?, number?];
  const nowYear = asOf.getUTCFullYear();
  if (start.precision === 'year') return Math.max(0, nowYear - year);
  const nowMonth = asOf.getUTCMonth() + 1;
  const nowDay = asOf.getUTCDate();
  let years = nowYear - year;
  if (nowMonth < month || (nowMonth === month && start.precision === 'day' && nowDay < day)) years -= 1;
  return Math.max(0, years);
}
