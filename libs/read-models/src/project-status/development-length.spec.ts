import type { WorkEvent } from '../../../domain/src/work/work.events.js';
import { fold } from '../../../domain/src/shared/decider.js';
import { withMetadata, type GivenEvent } from '../../../domain/src/shared/testing/decider-spec.js';
import { workDecider } from '../../../domain/src/work/work.decider.js';
import { REMAKE, remakeRegistered } from '../../../domain/src/work/work.fixtures.js';
import { rowsForWork } from '../testing/reference/row-builders.js';
import { developmentEndOf, developmentYearsOf } from './project-status.queries.js';

/**
 * The status card's development length, as an editor reads it: the Hollywood remake in development since 2018 shows
 * "7 years" in 2025 while in development, and keeps "7 years, 2018 → 2025" once released, whenever the card is read.
 */
describe('development length on the status card', () => {
  const statusChange = (id: string, from: string, to: string, date: string, precision: 'year' | 'month') =>
    ({ type: 'WorkStatusChanged', data: { workId: REMAKE, statusChangeId: id, from, to, effective: { date, precision } } }) as GivenEvent<WorkEvent>;
  const release: GivenEvent<WorkEvent> = {
    type: 'ReleaseScheduled',
    data: { workId: REMAKE, releaseId: 'rel-na', territory: 'north-america', date: { date: '2025-10-31', precision: 'day' }, type: 'wide', status: 'occurred' },
  };
  const card = (...events: GivenEvent<WorkEvent>[]) => rowsForWork(fold(workDecider, withMetadata<WorkEvent>([remakeRegistered(), ...events]))).project_status[0]!;
  const filming = statusChange('sc-2', 'in-development', 'filming', '2025-03', 'month');
  const released = statusChange('sc-3', 'filming', 'released', '2025-10', 'month');

  it('counts from the development start to today while the film is in development', () => {
    const inDevelopment = card(filming);
    expect(developmentYearsOf(inDevelopment, new Date('2025-06-30T00:00:00Z'))).toBe(7);
    expect(developmentYearsOf(inDevelopment, new Date('2027-06-30T00:00:00Z'))).toBe(9);
    expect(developmentEndOf(inDevelopment)).toBeNull();
  });

  it('keeps the length once released: from the development start to the release, however late the card is read', () => {
    const afterRelease = card(filming, release, released);
    expect(afterRelease.in_development).toBe(false);
    expect(developmentEndOf(afterRelease)).toEqual({ date: '2025-10', precision: 'month' });
    expect(developmentYearsOf(afterRelease, new Date('2025-12-01T00:00:00Z'))).toBe(7);
    expect(developmentYearsOf(afterRelease, new Date('2031-01-01T00:00:00Z'))).toBe(7);
  });

  it('takes the first release date when the change to released is undated', () => {
    const undated = { type: 'WorkStatusChanged', data: { workId: REMAKE, statusChangeId: 'sc-3', from: 'filming', to: 'released' } } as GivenEvent<WorkEvent>;
    const afterRelease = card(filming, release, undated);
    expect(developmentEndOf(afterRelease)).toEqual({ date: '2025-10-31', precision: 'day' });
    expect(developmentYearsOf(afterRelease, new Date('2031-01-01T00:00:00Z'))).toBe(7);
  });

  it('shows no length for development that ended without a release', () => {
    const cancelled = card(statusChange('sc-2', 'in-development', 'cancelled', '2021', 'year'));
    expect([developmentYearsOf(cancelled, new Date('2025-06-30T00:00:00Z')), developmentEndOf(cancelled)]).toEqual([null, null]);
  });
});
