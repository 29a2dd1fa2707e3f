import { fold } from '../../../../domain/src/shared/decider.js';
import { dealDecider } from '../../../../domain/src/deal/deal.decider.js';
import { organizationDecider } from '../../../../domain/src/organization/organization.decider.js';
import { personDecider } from '../../../../domain/src/person/person.decider.js';
import { workDecider } from '../../../../domain/src/work/work.decider.js';
import { developmentYearsOf } from '../../project-status/project-status.queries.js';
import { rowsForDeal, rowsForOrganization, rowsForPerson, rowsForWork } from './row-builders.js';
import { buildScenario, IDS } from '../scenario.js';

const scenario = buildScenario();
const eventsOf = (aggregate: string, id: string) => scenario.streams.get(`${aggregate}-${id}`)!.events as never[];
const work = (id: string) => rowsForWork(fold(workDecider, eventsOf('work', id)));
const deal = (id: string) => rowsForDeal(fold(dealDecider, eventsOf('deal', id)));

describe('rowsForWork', () => {
  it('project status: titles, original, status since, companies and people by current facts', () => {
    const [status] = work(IDS.REMAKE).project_status;
    expect(status).toMatchObject({
      work_id: IDS.REMAKE,
      owner_stream: `work-${IDS.REMAKE}`,
      primary_title: 'Save the Green Planet!',
      original_work_id: IDS.ORIGINAL,
      original_relation: 'remake-of',
      status: 'filming',
      status_since: '2025-03',
      status_since_precision: 'month',
      countries: ['US', 'KR'],
      in_development: true,
      development_start: '2018',
      development_start_precision: 'year',
      latest_milestone: { label: 'Cameras rolled', kind: 'principal-photography-start' },
      first_release: null, // the only release was retracted
    });
    expect(status!.company_ids).toEqual([IDS.CJ_ENM]); // Jerrygood moved away
    expect(status!.people.map((p) => [p.personId, p.role])).toEqual([[IDS.JANG, 'executive-producer']]); // director detached, Lee moved
    expect(status!.notes.map((n) => n.kind).sort()).toEqual(['corrected', 'moved-out', 'moved-out', 'retracted']);
    expect(status!.notes.find((n) => n.kind === 'moved-out' && n.factType === 'company-credit')).toMatchObject({ workId: IDS.MOTHER, note: 'Jerrygood Company produces Going to Abandon My Mother' });
  });

  it('a seven-year development: the timeline runs 2018 → 2025 and the duration is 7 years in mid-2025', () => {
    const rows = work(IDS.REMAKE);
    const current = rows.timeline_entries.filter((e) => !e.corrected && !e.retracted).sort((a, b) => a.sort_key.localeCompare(b.sort_key) || a.seq - b.seq);
    expect(current[0]).toMatchObject({ occurred_at: '2018', precision: 'year', sort_key: '2018-01-01' });
    expect(current.at(-1)).toMatchObject({ occurred_at: '2025-03', precision: 'month' });
    expect(current.map((e) => `${e.occurred_at} ${e.kind} ${e.label}`)).toEqual([
      '2018 status Registered as announced',
      '2018 status Status: announced → in-development',
      '2018 company-credit-start producer from',
      '2018 talent-attached director attached',
      '2018 milestone Development began',
      '2022 talent-detached director detached',
      '2022 talent-attached executive-producer attached',
      '2024 status Status: in-development → pre-production',
      '2025-03 milestone Cameras rolled',
      '2025-03 status Status: pre-production → filming',
    ]);
    expect(developmentYearsOf(rows.project_status[0]!, new Date('2025-06-30T00:00:00Z'))).toBe(7);
  });

  it('a correction moves the fact on the timeline and keeps the note on both the old and the new entry', () => {
    const entries = work(IDS.REMAKE).timeline_entries;
    const old = entries.find((e) => e.fact_id === 'm-dev')!;
    const replacement = entries.find((e) => e.fact_id === 'm-dev-2')!;
    expect(old).toMatchObject({ occurred_at: '2019', corrected: true, retracted: false, note: 'development began in 2018: seven years by 2025' });
    expect(replacement).toMatchObject({ occurred_at: '2018', corrected: false, retracted: false, note: 'development began in 2018: seven years by 2025' });
  });

  it('a retraction: the release leaves the status card, stays on the timeline flagged with the note', () => {
    const rows = work(IDS.REMAKE);
    expect(rows.timeline_entries.find((e) => e.fact_id === 'rel-kr')).toMatchObject({ kind: 'release', retracted: true, note: 'no Korean theatrical release was ever planned' });
    expect(rows.project_status[0]!.first_release).toBeNull();
  });

  it('a credit moved between works: gone from the source portfolio, on the target with where it came from', () => {
    const remake = work(IDS.REMAKE);
    const mother = work(IDS.MOTHER);
    expect(remake.company_portfolio.map((r) => r.organization_id)).toEqual([IDS.CJ_ENM]);
    const moved = mother.company_portfolio.find((r) => r.organization_id === IDS.JERRYGOOD)!;
    expect(moved).toMatchObject({ via: 'credit', work_id: IDS.MOTHER, role: 'producer', owner_stream: `work-${IDS.MOTHER}` });
    expect(moved.details.movedFrom).toEqual({ workId: IDS.REMAKE, note: 'Jerrygood Company produces Going to Abandon My Mother' });
    expect(mother.project_status[0]!.company_ids.sort()).toEqual([IDS.JERRYGOOD, IDS.MOTIF].sort());
    // the source timeline keeps the wrong credit, flagged as corrected (moved), with the note
    expect(remake.timeline_entries.find((e) => e.fact_id === 'c-jg')).toMatchObject({ corrected: true, note: 'Jerrygood Company produces Going to Abandon My Mother', details: { movedToWorkId: IDS.MOTHER } });
  });

  it('person attachments: every attachment with its state; the moved one is current only on the target', () => {
    const remake = work(IDS.REMAKE).person_attachments;
    const mother = work(IDS.MOTHER).person_attachments;
    expect(remake.map((a) => [a.attachment_id, a.state, a.is_current])).toEqual([
      ['a-jang', 'detached', true],
      ['a-jang-ep', 'attached', true],
      ['a-lee', 'moved', false],
    ]);
    expect(remake.find((a) => a.attachment_id === 'a-jang')!.detached).toEqual({ reason: 'stays on as executive producer', detachedAt: { date: '2022', precision: 'year' } });
    const lee = mother.find((a) => a.person_id === IDS.LEE_KWANG_SOO)!;
    expect(lee).toMatchObject({ state: 'attached', is_current: true, role: 'cast', billing: 'lead', moved_from: { workId: IDS.REMAKE, attachmentId: 'a-lee' } });
  });

  it('remake map edges: current relations only (a corrected relation is replaced)', () => {
    expect(work(IDS.MISS_GRANNY_JP).work_relations).toEqual([
      { owner_stream: `work-${IDS.MISS_GRANNY_JP}`, relation_id: 'r-jp-2', work_id: IDS.MISS_GRANNY_JP, relation: 'localized-version-of', target_work_id: IDS.MISS_GRANNY, deal_id: IDS.FRANCHISE, standing: 'reported' },
    ]);
    expect(work(IDS.MISS_GRANNY_JP).project_status[0]).toMatchObject({ original_work_id: IDS.MISS_GRANNY, original_relation: 'localized-version-of', in_development: false });
  });

  it('every row is owned by the stream it was computed from', () => {
    for (const [streamId, stream] of scenario.streams) {
      const folded =
        stream.aggregate === 'work'
          ? rowsForWork(fold(workDecider, stream.events as never[]))
          : stream.aggregate === 'deal'
            ? rowsForDeal(fold(dealDecider, stream.events as never[]))
            : stream.aggregate === 'organization'
              ? rowsForOrganization(fold(organizationDecider, stream.events as never[]))
              : rowsForPerson(fold(personDecider, stream.events as never[]));
      for (const rows of Object.values(folded)) for (const row of rows as { owner_stream: string }[]) expect(row.owner_stream).toBe(streamId);
    }
  });
});

describe('rowsForDeal', () => {
  it('puts the announcement and closing on each work of the deal, and the parties in the portfolio', () => {
    const rows = deal(IDS.REMAKE_DEAL);
    expect(rows.timeline_entries.map((e) => [e.work_id, e.kind, e.occurred_at])).toEqual([
      [IDS.ORIGINAL, 'deal-announced', '2018'],
      [IDS.ORIGINAL, 'deal-status', '2019'],
      [IDS.REMAKE, 'deal-announced', '2018'],
      [IDS.REMAKE, 'deal-status', '2019'],
    ]);
    expect(rows.company_portfolio).toEqual([
      expect.objectContaining({ organization_id: IDS.CJ_ENM, via: 'deal-party', deal_id: IDS.REMAKE_DEAL, role: 'licensor', work_ids: [IDS.ORIGINAL, IDS.REMAKE] }),
    ]);
  });
});

describe('lookups', () => {
  it('organization and person names: primary plus all current names', () => {
    expect(rowsForOrganization(fold(organizationDecider, eventsOf('organization', IDS.CJ_ENM))).organization_names[0]).toMatchObject({
      primary_name: 'CJ ENM',
      names: [expect.objectContaining({ text: 'CJ ENM', primary: true }), expect.objectContaining({ text: '씨제이이엔엠', primary: false })],
      country: 'KR',
    });
    expect(rowsForPerson(fold(personDecider, eventsOf('person', IDS.LEE_KWANG_SOO))).person_names[0]).toMatchObject({ primary_name: 'Lee Kwang-soo', nationalities: ['KR'] });
  });
});
