import { WORK_STATUSES } from '../../../contracts/src/vocabulary.js';
import { allowedNextStatuses } from './work.status.js';

describe('work status lifecycle', () => {
  it('goes forward through the pipeline, skipping stages news did not report', () => {
    expect(allowedNextStatuses('announced', 'announced')).toEqual(['in-development', 'pre-production', 'filming', 'post-production', 'completed', 'released', 'on-hold', 'turnaround', 'cancelled']);
    expect(allowedNextStatuses('rumored', 'rumored')).toContain('announced');
  });

  it('allows reshoots (post-production → filming) but no other step back', () => {
    expect(allowedNextStatuses('post-production', 'post-production')).toContain('filming');
    expect(allowedNextStatuses('filming', 'filming')).not.toContain('pre-production');
  });

  it('released is final; cancelled can only be revived into development', () => {
    expect(allowedNextStatuses('released', 'released')).toEqual([]);
    expect(allowedNextStatuses('cancelled', 'filming')).toEqual(['in-development']);
  });

  it('on-hold resumes at the stage it left or later; turnaround is picked up into development', () => {
    expect(allowedNextStatuses('on-hold', 'pre-production')).toEqual(['pre-production', 'filming', 'post-production', 'completed', 'released', 'turnaround', 'cancelled']);
    expect(allowedNextStatuses('on-hold', null)).not.toContain('rumored');
    expect(allowedNextStatuses('turnaround', 'in-development')).toEqual(['in-development', 'pre-production', 'on-hold', 'cancelled']);
  });

  it('every pre-release stage can go on hold, into turnaround or be cancelled', () => {
    for (const status of WORK_STATUSES.filter((s) => !['released', 'on-hold', 'turnaround', 'cancelled'].includes(s))) {
      expect(allowedNextStatuses(status, null)).toEqual(expect.arrayContaining(['on-hold', 'turnaround', 'cancelled']));
    }
  });
});
