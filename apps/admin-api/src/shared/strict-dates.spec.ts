import { isPartialDateText, parseInstant } from './strict-dates.js';

describe('strict dates', () => {
  it('reads real instants with their zone, and dates as midnight UTC when allowed', () => {
    expect(parseInstant('2025-11-25T12:00:00Z')?.toISOString()).toBe('2025-11-25T12:00:00.000Z');
    expect(parseInstant('2025-11-25T21:00:00.5+09:00')?.toISOString()).toBe('2025-11-25T12:00:00.500Z');
    expect(parseInstant('2024-02-29', { dateOnly: true })?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseInstant('0001-01-01T00:00:00Z')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it('refuses days, times and zones that do not exist, year 0, and text that is not ISO 8601', () => {
    for (const text of ['2025-02-30T00:00:00Z', '2023-02-29T00:00:00Z', '2025-04-31T00:00:00Z', '2025-13-01T00:00:00Z', '2025-11-25T24:00:00Z', '2025-11-25T12:60:00Z', '2025-11-25T12:00:60Z', '2025-11-25T12:00:00+15:00', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+01:00', '2025-11-25T12:00:00', '2025-11-25', 'March 2, 2025', '1733000000000']) {
      expect([text, parseInstant(text)]).toEqual([text, undefined]);
    }
    for (const text of ['2025-02-30', '1900-02-29', '0000-01-01', '2025-1-01']) expect([text, parseInstant(text, { dateOnly: true })]).toEqual([text, undefined]);
  });

  it("reads partial dates 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' only when they exist", () => {
    expect(['2018', '2018-05', '2000-02-29', '0001'].map(isPartialDateText)).toEqual([true, true, true, true]);
    expect(['0000', '2018-00', '2018-13', '2025-02-30', '2100-02-29', '18', '2018-5', '2018-05-03T00:00:00Z'].map(isPartialDateText)).toEqual(Array(8).fill(false));
  });
});
