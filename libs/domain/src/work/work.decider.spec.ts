import {
  AggregateNotFoundError,
  AlreadyExistsError,
  DomainValidationError,
  FactNotFoundError,
  FactSupersededError,
  IllegalStatusTransitionError,
  RetractedError,
} from '../shared/errors.js';
import { deciderSpec, type GivenEvent } from '../shared/testing/decider-spec.js';
import type { WorkCommand } from './work.commands.js';
import { workDecider } from './work.decider.js';
import type { WorkEvent } from './work.events.js';
import { CJ_ENM, JERRYGOOD, LEE_KWANG_SOO, MO_HONG_JIN, MOTHER, MOTIF, ORIGINAL, REMAKE, REMAKE_DEAL, SOURCE, motherRegistered, originalRegistered, remakeRegistered } from './work.fixtures.js';

const spec = deciderSpec(workDecider);
const fields = (errorFields: { errors: { field: string }[] }) => errorFields.errors.map((e) => e.field);

const cjCredit: GivenEvent<WorkEvent> = {
  type: 'CompanyCreditAdded',
  data: { workId: REMAKE, creditId: 'c-1', organizationId: CJ_ENM, role: 'producer', country: 'KR', from: { date: '2018', precision: 'year' } },
};

describe('Work decider', () => {
  describe('RegisterWork', () => {
    const register = (over: Partial<Extract<WorkCommand, { type: 'RegisterWork' }>['data']> = {}): WorkCommand => ({
      type: 'RegisterWork',
      data: {
        workId: ORIGINAL,
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        productionYear: 2003,
        externalIds: { imdb: 'tt0354668' },
        titles: [
          { titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', primary: true },
          { titleId: 't-rom', text: "Chigurul chik'yora!", language: 'ko-Latn', class: 'transliterated' },
          { titleId: 't-en', text: 'Save the Green Planet!', language: 'en', class: 'release', territory: 'US' },
        ],
        status: 'released',
        statusEffective: { date: '2003-04-04', precision: 'day' },
        source: SOURCE,
        ...over,
      },
    });

    it('registers a work with its multilingual titles, status and source', () => {
      const [event] = spec.given([]).when(register()).then([{ ...originalRegistered(), data: { ...originalRegistered().data, statusChangeId: 'id-1' } }]);
      expect(event!.metadata).toEqual({ eventId: 'id-2', source: SOURCE, occurredAt: { date: '2003-04-04', precision: 'day' } });
    });

    it('makes a single title primary and defaults the status to announced', () => {
      spec
        .given([])
        .when(register({ titles: [{ text: 'Untitled Mo Hong-jin project', language: 'en', class: 'working' }], status: undefined, statusEffective: undefined }))
        .then([
          {
            type: 'WorkRegistered',
            data: {
              workId: ORIGINAL,
              kind: 'feature-film',
              originalLanguage: 'ko',
              countries: ['KR'],
              productionYear: 2003,
              externalIds: { imdb: 'tt0354668' },
              titles: [{ titleId: 'id-1', text: 'Untitled Mo Hong-jin project', language: 'en', class: 'working', primary: true }],
              status: 'announced',
              statusChangeId: 'id-2',
            },
          },
        ]);
    });

    it('refuses a second registration of the same work', () => {
      spec.given([originalRegistered()]).when(register()).thenThrows(AlreadyExistsError);
    });

    it('lists every invalid field: country case, language tag, primary count, source', () => {
      spec
        .given([])
        .when(
          register({
            countries: ['kr'],
            originalLanguage: 'KO',
            titles: [
              { text: '지구를 지켜라!', language: 'KO-kore', class: 'original', primary: true },
              { text: 'Save the Green Planet!', language: 'en', class: 'release', primary: true },
            ],
            source: { publisher: ' ' },
          }),
        )
        .thenThrows(DomainValidationError, (error) => {
          expect(fields(error)).toEqual(expect.arrayContaining(['countries[0]', 'originalLanguage', 'titles[0].language', 'titles', 'source.publisher']));
          expect(error.errors.find((e) => e.field === 'titles[0].language')!.message).toContain('did you mean ko-Kore?');
          expect(error.errors.find((e) => e.field === 'titles')!.message).toContain('exactly one title must be primary (found 2)');
        });
    });

    it("rejects a source dated on a day that does not exist (JavaScript's Date reads 2025-02-30 as 2 March)", () => {
      for (const publishedAt of ['2025-02-30', '2023-02-29T10:00:00Z', '0000-01-01']) {
        spec
          .given([])
          .when(register({ source: { publisher: 'Variety', publishedAt } }))
          .thenThrows(DomainValidationError, (error) => expect(fields(error)).toEqual(['source.publishedAt']));
      }
      const [registered] = spec.given([]).when(register({ source: { publisher: 'Variety', publishedAt: '2024-02-29' } })).then([{ type: 'WorkRegistered', data: expect.objectContaining({ workId: ORIGINAL }) }]);
      expect(registered!.metadata.source.publishedAt).toBe('2024-02-29');
    });

    it('rejects malformed partial dates, unknown kinds and external ids, and a status dated in the future', () => {
      spec
        .given([])
        .when(
          register({
            kind: 'opera' as never,
            statusEffective: { date: '2031', precision: 'year' },
            externalIds: { imdb: '354668', letterboxd: 'x' } as never,
            productionYear: 203,
          }),
        )
        .thenThrows(DomainValidationError, (error) => {
          expect(fields(error)).toEqual(expect.arrayContaining(['kind', 'statusEffective', 'externalIds.imdb', 'externalIds.letterboxd', 'productionYear']));
        });
      spec
        .given([])
        .when(register({ statusEffective: { date: '2003-02-30', precision: 'day' } }))
        .thenThrows(DomainValidationError, (error) => expect(fields(error)).toEqual(['statusEffective']));
    });

    it('requires a UUID work id', () => {
      spec.given([]).when(register({ workId: 'save-the-green-planet' })).thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['workId']));
    });
  });

  describe('UpdateWorkDetails', () => {
    it('records new information and merges external ids', () => {
      const given = [originalRegistered()];
      const command: WorkCommand = { type: 'UpdateWorkDetails', data: { workId: ORIGINAL, changes: { externalIds: { kobis: '20030145' } }, source: SOURCE } };
      const events = spec.given(given).when(command).then([{ type: 'WorkDetailsUpdated', data: { workId: ORIGINAL, changes: { externalIds: { kobis: '20030145' } } } }]);
      const state = events.reduce(workDecider.evolve, spec.given(given).state());
      expect(state.details!.externalIds).toEqual({ imdb: 'tt0354668', kobis: '20030145' });
    });

    it('refuses an update that changes nothing, removes a value or names an unknown field', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'UpdateWorkDetails', data: { workId: ORIGINAL, changes: { productionYear: 2003 }, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toContain('changes nothing'));
      spec
        .given([originalRegistered()])
        .when({ type: 'UpdateWorkDetails', data: { workId: ORIGINAL, changes: { productionYear: null, runtime: 116 } as never, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(expect.arrayContaining(['changes.runtime', 'changes.productionYear'])));
    });

    it('needs a registered work', () => {
      spec.given([]).when({ type: 'UpdateWorkDetails', data: { workId: ORIGINAL, changes: { productionYear: 2004 }, source: SOURCE } }).thenThrows(AggregateNotFoundError);
    });
  });

  describe('AddTitle / SetPrimaryTitle', () => {
    it('adds a title as non-primary', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'AddTitle', data: { workId: ORIGINAL, titleId: 't-vi', text: 'Hãy Cứu Lấy Trái Đất!', language: 'vi', class: 'translated', territory: 'VN', source: SOURCE } })
        .then([{ type: 'TitleAdded', data: { workId: ORIGINAL, titleId: 't-vi', text: 'Hãy Cứu Lấy Trái Đất!', language: 'vi', class: 'translated', territory: 'VN' } }]);
    });

    it('adds a primary title and moves the primary flag in a second event', () => {
      const given = [remakeRegistered()];
      const command: WorkCommand = { type: 'AddTitle', data: { workId: REMAKE, titleId: 't-2', text: 'Bugonia', language: 'en', class: 'release', primary: true, source: SOURCE } };
      const events = spec.given(given).when(command).then([
        { type: 'TitleAdded', data: { workId: REMAKE, titleId: 't-2', text: 'Bugonia', language: 'en', class: 'release' } },
        { type: 'PrimaryTitleSet', data: { workId: REMAKE, titleId: 't-2', previousTitleId: 't-1' } },
      ]);
      const state = events.reduce(workDecider.evolve, spec.given(given).state());
      expect(state.titles.filter((t) => t.primary).map((t) => t.titleId)).toEqual(['t-2']);
    });

    it('refuses a duplicate title and a reused title id', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'AddTitle', data: { workId: ORIGINAL, titleId: 't-ko', text: '지구를 지켜라!', language: 'ko-Kore', class: 'original', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['titleId', 'text']));
    });

    it('sets another title primary', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'SetPrimaryTitle', data: { workId: ORIGINAL, titleId: 't-en', source: SOURCE } })
        .then([{ type: 'PrimaryTitleSet', data: { workId: ORIGINAL, titleId: 't-en', previousTitleId: 't-ko' } }]);
    });

    it('refuses to set the primary title again or an unknown title', () => {
      spec.given([originalRegistered()]).when({ type: 'SetPrimaryTitle', data: { workId: ORIGINAL, titleId: 't-ko', source: SOURCE } }).thenThrows(DomainValidationError);
      spec.given([originalRegistered()]).when({ type: 'SetPrimaryTitle', data: { workId: ORIGINAL, titleId: 't-xx', source: SOURCE } }).thenThrows(FactNotFoundError);
    });
  });

  describe('RelateWork', () => {
    it('records the remake as remake-of the original, tied to the rights deal', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'RelateWork', data: { workId: REMAKE, relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL, dealId: REMAKE_DEAL, source: SOURCE } })
        .then([{ type: 'WorkRelated', data: { workId: REMAKE, relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL, dealId: REMAKE_DEAL } }]);
    });

    it('refuses a relation to itself, an unknown relation type and a duplicate', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'RelateWork', data: { workId: REMAKE, relation: 'ripoff-of' as never, targetWorkId: REMAKE, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['relation', 'targetWorkId']));
      spec
        .given([remakeRegistered(), { type: 'WorkRelated', data: { workId: REMAKE, relationId: 'r-1', relation: 'remake-of', targetWorkId: ORIGINAL } }])
        .when({ type: 'RelateWork', data: { workId: REMAKE, relation: 'remake-of', targetWorkId: ORIGINAL, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toContain('already recorded as remake-of'));
    });
  });

  describe('ChangeWorkStatus', () => {
    it('moves forward with an effective world date', () => {
      const [event] = spec
        .given([remakeRegistered()])
        .when({ type: 'ChangeWorkStatus', data: { workId: REMAKE, to: 'pre-production', effective: { date: '2025-03', precision: 'month' }, source: SOURCE } })
        .then([
          {
            type: 'WorkStatusChanged',
            data: { workId: REMAKE, statusChangeId: 'id-1', from: 'in-development', to: 'pre-production', effective: { date: '2025-03', precision: 'month' } },
          },
        ]);
      expect(event!.metadata.occurredAt).toEqual({ date: '2025-03', precision: 'month' });
    });

    it('rejects an illegal transition with the allowed ones listed', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'ChangeWorkStatus', data: { workId: ORIGINAL, to: 'filming', effective: { date: '2025', precision: 'year' }, source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError, (e) => {
          expect(e.from).toBe('released');
          expect(e.to).toBe('filming');
          expect(e.allowed).toEqual([]);
        });
      spec
        .given([remakeRegistered()])
        .when({ type: 'ChangeWorkStatus', data: { workId: REMAKE, to: 'announced', effective: { date: '2025', precision: 'year' }, source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError, (e) =>
          expect(e.allowed).toEqual(['pre-production', 'filming', 'post-production', 'completed', 'released', 'on-hold', 'turnaround', 'cancelled']),
        );
    });

    it('returns from on-hold to the stage it left, not before it', () => {
      const onHold = [
        motherRegistered(),
        { type: 'WorkStatusChanged' as const, data: { workId: MOTHER, statusChangeId: 'sc-2', from: 'filming' as const, to: 'on-hold' as const, effective: { date: '2024-12', precision: 'month' as const } } },
      ];
      spec
        .given(onHold)
        .when({ type: 'ChangeWorkStatus', data: { workId: MOTHER, to: 'filming', effective: { date: '2025-02', precision: 'month' }, reason: 'shoot resumed in Ho Chi Minh City', source: SOURCE } })
        .then([
          {
            type: 'WorkStatusChanged',
            data: { workId: MOTHER, statusChangeId: 'id-1', from: 'on-hold', to: 'filming', effective: { date: '2025-02', precision: 'month' }, reason: 'shoot resumed in Ho Chi Minh City' },
          },
        ]);
      spec
        .given(onHold)
        .when({ type: 'ChangeWorkStatus', data: { workId: MOTHER, to: 'in-development', effective: { date: '2025-02', precision: 'month' }, source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError, (e) => expect(e.allowed).toEqual(['filming', 'post-production', 'completed', 'released', 'turnaround', 'cancelled']));
    });

    it('rejects an effective date in the future and an unknown status', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'ChangeWorkStatus', data: { workId: REMAKE, to: 'dreaming' as never, effective: { date: '2026-01', precision: 'month' }, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['to', 'effective']));
    });
  });

  describe('company credits', () => {
    it('adds a credit', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-1', organizationId: CJ_ENM, role: 'producer', country: 'KR', from: { date: '2018', precision: 'year' }, source: SOURCE } })
        .then([cjCredit]);
    });

    it('refuses the same organization in the same role and territory twice, but allows another territory', () => {
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, organizationId: CJ_ENM, role: 'producer', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toContain('already credited as producer (c-1)'));
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-2', organizationId: CJ_ENM, role: 'distributor', territory: 'KR', source: SOURCE } })
        .then([{ type: 'CompanyCreditAdded', data: { workId: REMAKE, creditId: 'c-2', organizationId: CJ_ENM, role: 'distributor', territory: 'KR' } }]);
    });

    it('credits a licensor and a licensee for Latin America, as the trades report a remake-rights sale', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-lic', organizationId: CJ_ENM, role: 'licensor', country: 'KR', source: SOURCE } })
        .then([{ type: 'CompanyCreditAdded', data: { workId: REMAKE, creditId: 'c-lic', organizationId: CJ_ENM, role: 'licensor', country: 'KR' } }]);
      spec
        .given([remakeRegistered()])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-lee', organizationId: JERRYGOOD, role: 'licensee', territory: 'latin-america', source: SOURCE } })
        .then([{ type: 'CompanyCreditAdded', data: { workId: REMAKE, creditId: 'c-lee', organizationId: JERRYGOOD, role: 'licensee', territory: 'latin-america' } }]);
    });

    it('rejects an unknown role, a bad territory and a credit ending before it starts', () => {
      spec
        .given([remakeRegistered()])
        .when({
          type: 'AddCompanyCredit',
          data: { workId: REMAKE, organizationId: CJ_ENM, role: 'caterer' as never, territory: 'Korea', from: { date: '2020', precision: 'year' }, to: { date: '2019', precision: 'year' }, source: SOURCE },
        })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['role', 'territory', 'to']));
    });

    it('ends a credit, once', () => {
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'EndCompanyCredit', data: { workId: REMAKE, creditId: 'c-1', to: { date: '2024', precision: 'year' }, reason: 'sold its stake', source: SOURCE } })
        .then([{ type: 'CompanyCreditEnded', data: { workId: REMAKE, creditId: 'c-1', to: { date: '2024', precision: 'year' }, reason: 'sold its stake' } }]);
      spec
        .given([remakeRegistered(), cjCredit, { type: 'CompanyCreditEnded', data: { workId: REMAKE, creditId: 'c-1', to: { date: '2024', precision: 'year' } } }])
        .when({ type: 'EndCompanyCredit', data: { workId: REMAKE, creditId: 'c-1', to: { date: '2025', precision: 'year' }, source: SOURCE } })
        .thenThrows(DomainValidationError);
      spec
        .given([remakeRegistered()])
        .when({ type: 'EndCompanyCredit', data: { workId: REMAKE, creditId: 'c-9', to: { date: '2025', precision: 'year' }, source: SOURCE } })
        .thenThrows(FactNotFoundError, (e) => expect([e.factType, e.factId]).toEqual(['company-credit', 'c-9']));
    });
  });

  describe('talent', () => {
    const leeAttached: GivenEvent<WorkEvent> = {
      type: 'TalentAttached',
      data: { workId: MOTHER, attachmentId: 'a-1', personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead' },
    };

    it('attaches cast with billing and a director without', () => {
      spec
        .given([motherRegistered()])
        .when({ type: 'AttachTalent', data: { workId: MOTHER, attachmentId: 'a-1', personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead', source: SOURCE } })
        .then([leeAttached]);
      spec
        .given([motherRegistered()])
        .when({ type: 'AttachTalent', data: { workId: MOTHER, attachmentId: 'a-2', personId: MO_HONG_JIN, role: 'director', attachedAt: { date: '2023', precision: 'year' }, source: SOURCE } })
        .then([{ type: 'TalentAttached', data: { workId: MOTHER, attachmentId: 'a-2', personId: MO_HONG_JIN, role: 'director', attachedAt: { date: '2023', precision: 'year' } } }]);
    });

    it('refuses billing on a director and a duplicate attachment', () => {
      spec
        .given([motherRegistered()])
        .when({ type: 'AttachTalent', data: { workId: MOTHER, personId: MO_HONG_JIN, role: 'director', billing: 'lead', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['billing']));
      spec
        .given([motherRegistered(), leeAttached])
        .when({ type: 'AttachTalent', data: { workId: MOTHER, personId: LEE_KWANG_SOO, role: 'cast', billing: 'supporting', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['personId']));
    });

    it('detaches with a reason, keeping the attachment in the record', () => {
      const given = [motherRegistered(), leeAttached];
      const command: WorkCommand = {
        type: 'DetachTalent',
        data: { workId: MOTHER, attachmentId: 'a-1', reason: 'scheduling conflict', detachedAt: { date: '2024-05', precision: 'month' }, source: SOURCE },
      };
      const events = spec
        .given(given)
        .when(command)
        .then([{ type: 'TalentDetached', data: { workId: MOTHER, attachmentId: 'a-1', reason: 'scheduling conflict', detachedAt: { date: '2024-05', precision: 'month' } } }]);
      const state = events.reduce(workDecider.evolve, spec.given(given).state());
      expect(state.attachments[0]).toMatchObject({ attachmentId: 'a-1', rank: 'normal', detached: { reason: 'scheduling conflict', eventId: 'id-1' } });
    });

    it('refuses a detachment without a reason, twice, or of an unknown attachment', () => {
      spec
        .given([motherRegistered(), leeAttached])
        .when({ type: 'DetachTalent', data: { workId: MOTHER, attachmentId: 'a-1', reason: '', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['reason']));
      spec
        .given([motherRegistered(), leeAttached, { type: 'TalentDetached', data: { workId: MOTHER, attachmentId: 'a-1', reason: 'left' } }])
        .when({ type: 'DetachTalent', data: { workId: MOTHER, attachmentId: 'a-1', reason: 'left again', source: SOURCE } })
        .thenThrows(DomainValidationError);
      spec.given([motherRegistered()]).when({ type: 'DetachTalent', data: { workId: MOTHER, attachmentId: 'a-9', reason: 'x', source: SOURCE } }).thenThrows(FactNotFoundError);
    });
  });

  describe('releases', () => {
    const scheduled: GivenEvent<WorkEvent> = {
      type: 'ReleaseScheduled',
      data: { workId: MOTHER, releaseId: 'rel-vn', territory: 'VN', date: { date: '2025-09', precision: 'month' }, type: 'wide', status: 'scheduled', distributorId: MOTIF },
    };

    it('schedules a release per territory', () => {
      spec
        .given([motherRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, releaseId: 'rel-vn', territory: 'VN', date: { date: '2025-09', precision: 'month' }, type: 'wide', distributorId: MOTIF, source: SOURCE } })
        .then([scheduled]);
    });

    it('schedules a release in a territory group as the trades write it, and tells an editor who writes WW that worldwide is XW', () => {
      spec
        .given([motherRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, releaseId: 'rel-na', territory: 'north-america', date: { date: '2025-09', precision: 'month' }, type: 'limited', source: SOURCE } })
        .then([{ type: 'ReleaseScheduled', data: { workId: MOTHER, releaseId: 'rel-na', territory: 'north-america', date: { date: '2025-09', precision: 'month' }, type: 'limited', status: 'scheduled' } }]);
      spec
        .given([motherRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, territory: 'WW', date: { date: '2025-09', precision: 'month' }, type: 'streaming', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors).toEqual([{ field: 'territory', message: expect.stringMatching(/territory group \(XW, north-america, latin-america, .*\(got "WW"\) — worldwide is XW$/) }]));
      spec
        .given([motherRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, territory: 'North-America', date: { date: '2025-09', precision: 'month' }, type: 'wide', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toMatch(/did you mean north-america\?$/));
    });

    it('records a past release as occurred but not one in the future', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: ORIGINAL, releaseId: 'rel-kr', territory: 'KR', date: { date: '2003-04-04', precision: 'day' }, type: 'wide', status: 'occurred', source: SOURCE } })
        .then([{ type: 'ReleaseScheduled', data: { workId: ORIGINAL, releaseId: 'rel-kr', territory: 'KR', date: { date: '2003-04-04', precision: 'day' }, type: 'wide', status: 'occurred' } }]);
      spec
        .given([motherRegistered()])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, territory: 'VN', date: { date: '2025-09', precision: 'month' }, type: 'wide', status: 'occurred', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['date']));
    });

    it('moves, then marks occurred', () => {
      spec
        .given([motherRegistered(), scheduled])
        .when({ type: 'RescheduleRelease', data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-08-08', precision: 'day' }, reason: 'moved up for the holiday', source: SOURCE } })
        .then([
          { type: 'ReleaseMoved', data: { workId: MOTHER, releaseId: 'rel-vn', previousDate: { date: '2025-09', precision: 'month' }, date: { date: '2025-08-08', precision: 'day' }, reason: 'moved up for the holiday' } },
        ]);
      spec
        .given([motherRegistered(), scheduled])
        .when({ type: 'MarkReleaseOccurred', data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-06-20', precision: 'day' }, source: SOURCE } })
        .then([{ type: 'ReleaseOccurred', data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-06-20', precision: 'day' } } }]);
    });

    it('cancels a scheduled release; an occurred or cancelled release takes no further status', () => {
      spec
        .given([motherRegistered(), scheduled])
        .when({ type: 'CancelRelease', data: { workId: MOTHER, releaseId: 'rel-vn', reason: 'went to streaming', source: SOURCE } })
        .then([{ type: 'ReleaseCancelled', data: { workId: MOTHER, releaseId: 'rel-vn', reason: 'went to streaming' } }]);
      const occurred = [motherRegistered(), scheduled, { type: 'ReleaseOccurred' as const, data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-06-20', precision: 'day' as const } } }];
      spec
        .given(occurred)
        .when({ type: 'RescheduleRelease', data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-10', precision: 'month' }, source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError, (e) => expect([e.from, e.to, e.allowed]).toEqual(['occurred', 'moved', []]));
      spec.given(occurred).when({ type: 'CancelRelease', data: { workId: MOTHER, releaseId: 'rel-vn', source: SOURCE } }).thenThrows(IllegalStatusTransitionError);
      spec
        .given([motherRegistered(), scheduled, { type: 'ReleaseCancelled', data: { workId: MOTHER, releaseId: 'rel-vn' } }])
        .when({ type: 'MarkReleaseOccurred', data: { workId: MOTHER, releaseId: 'rel-vn', source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError);
    });

    it('refuses a move to the same date and a duplicate release', () => {
      spec
        .given([motherRegistered(), scheduled])
        .when({ type: 'RescheduleRelease', data: { workId: MOTHER, releaseId: 'rel-vn', date: { date: '2025-09', precision: 'month' }, source: SOURCE } })
        .thenThrows(DomainValidationError);
      spec
        .given([motherRegistered(), scheduled])
        .when({ type: 'ScheduleRelease', data: { workId: MOTHER, territory: 'VN', date: { date: '2025-10', precision: 'month' }, type: 'wide', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['territory']));
    });
  });

  describe('RecordMilestone', () => {
    it('records a dated milestone: development started in 2018', () => {
      const [event] = spec
        .given([remakeRegistered()])
        .when({ type: 'RecordMilestone', data: { workId: REMAKE, milestoneId: 'm-1', label: 'Development began at CJ ENM', kind: 'development-start', date: { date: '2018', precision: 'year' }, source: SOURCE } })
        .then([{ type: 'MilestoneRecorded', data: { workId: REMAKE, milestoneId: 'm-1', label: 'Development began at CJ ENM', kind: 'development-start', date: { date: '2018', precision: 'year' } } }]);
      expect(event!.metadata.occurredAt).toEqual({ date: '2018', precision: 'year' });
    });

    it('rejects a malformed date and an empty label', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'RecordMilestone', data: { workId: REMAKE, label: '', kind: 'greenlight', date: { date: '2018-13', precision: 'month' }, source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['label', 'date']));
    });
  });

  describe('CorrectWorkFact', () => {
    it('replaces a wrong credit: the old one stays, deprecated, with the note', () => {
      const given = [remakeRegistered(), cjCredit];
      const command: WorkCommand = {
        type: 'CorrectWorkFact',
        data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, changes: { role: 'co-producer' }, note: 'CJ ENM co-produces; the studio partner produces', source: SOURCE },
      };
      const events = spec
        .given(given)
        .when(command)
        .then([
          {
            type: 'CompanyCreditCorrected',
            data: {
              workId: REMAKE,
              creditId: 'c-1',
              replacementCreditId: 'id-1',
              replacement: { organizationId: CJ_ENM, role: 'co-producer', country: 'KR', from: { date: '2018', precision: 'year' } },
              note: 'CJ ENM co-produces; the studio partner produces',
            },
            metadata: { note: 'CJ ENM co-produces; the studio partner produces', source: SOURCE },
          },
        ]);
      const state = events.reduce(workDecider.evolve, spec.given(given).state());
      expect(state.credits).toEqual([
        expect.objectContaining({ creditId: 'c-1', role: 'producer', rank: 'deprecated', supersededBy: { id: 'id-1', eventId: 'id-2', note: 'CJ ENM co-produces; the studio partner produces' } }),
        expect.objectContaining({ creditId: 'id-1', role: 'co-producer', rank: 'normal', supersedes: 'c-1' }),
      ]);
    });

    it('finds the fact by the event that stated it and removes an optional value with null', () => {
      spec
        .given([remakeRegistered(), { ...cjCredit, metadata: { eventId: 'ev-credit' } }])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'event', id: 'ev-credit' }, changes: { country: null }, replacementId: 'c-2', note: 'country was a guess', source: SOURCE } })
        .then([
          {
            type: 'CompanyCreditCorrected',
            data: { workId: REMAKE, creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: CJ_ENM, role: 'producer', from: { date: '2018', precision: 'year' } }, note: 'country was a guess' },
          },
        ]);
    });

    it('corrects the work details, keeping the previous values', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'CorrectWorkFact', data: { workId: ORIGINAL, fact: { type: 'work', id: ORIGINAL }, changes: { productionYear: 2002 }, note: 'shot in 2002, released 2003', source: SOURCE } })
        .then([{ type: 'WorkDetailsCorrected', data: { workId: ORIGINAL, changes: { productionYear: 2002 }, previous: { productionYear: 2003 }, note: 'shot in 2002, released 2003' } }]);
    });

    it("corrects a status change's effective date, and its status only when legal", () => {
      const given = [
        remakeRegistered(),
        { type: 'WorkStatusChanged' as const, data: { workId: REMAKE, statusChangeId: 'sc-2', from: 'in-development' as const, to: 'pre-production' as const, effective: { date: '2025', precision: 'year' as const } } },
      ];
      const events = spec
        .given(given)
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'status-change', id: 'sc-2' }, changes: { to: 'filming' }, note: 'cameras were already rolling', source: SOURCE } })
        .then([
          {
            type: 'WorkStatusChangeCorrected',
            data: { workId: REMAKE, statusChangeId: 'sc-2', replacementStatusChangeId: 'id-1', replacement: { to: 'filming', effective: { date: '2025', precision: 'year' } }, note: 'cameras were already rolling' },
          },
        ]);
      expect(events.reduce(workDecider.evolve, spec.given(given).state()).status).toBe('filming');
      spec
        .given(given)
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'status-change', id: 'sc-2' }, changes: { to: 'rumored' }, note: 'x', source: SOURCE } })
        .thenThrows(IllegalStatusTransitionError);
      spec
        .given(given)
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'status-change', id: 'sc-1' }, changes: { to: 'announced' }, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.to']));
    });

    it('corrects titles, relations, attachments, releases and milestones by replacement', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'CorrectWorkFact', data: { workId: ORIGINAL, fact: { type: 'title', id: 't-rom' }, changes: { text: 'Jigureul jikyeora!' }, note: 'Revised Romanization, not McCune–Reischauer', source: SOURCE } })
        .then([
          {
            type: 'TitleCorrected',
            data: { workId: ORIGINAL, titleId: 't-rom', replacementTitleId: 'id-1', replacement: { text: 'Jigureul jikyeora!', language: 'ko-Latn', class: 'transliterated' }, note: 'Revised Romanization, not McCune–Reischauer' },
          },
        ]);
      spec
        .given([remakeRegistered(), { type: 'WorkRelated', data: { workId: REMAKE, relationId: 'r-1', relation: 'adaptation-of', targetWorkId: ORIGINAL } }])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'relation', id: 'r-1' }, changes: { relation: 'remake-of' }, note: 'a remake, not an adaptation', source: SOURCE } })
        .then([{ type: 'WorkRelationCorrected', data: { workId: REMAKE, relationId: 'r-1', replacementRelationId: 'id-1', replacement: { relation: 'remake-of', targetWorkId: ORIGINAL }, note: 'a remake, not an adaptation' } }]);
      spec
        .given([motherRegistered(), { type: 'TalentAttached', data: { workId: MOTHER, attachmentId: 'a-1', personId: LEE_KWANG_SOO, role: 'cast', billing: 'supporting' } }])
        .when({ type: 'CorrectWorkFact', data: { workId: MOTHER, fact: { type: 'talent-attachment', id: 'a-1' }, changes: { billing: 'lead' }, note: 'he leads', source: SOURCE } })
        .then([{ type: 'TalentAttachmentCorrected', data: { workId: MOTHER, attachmentId: 'a-1', replacementAttachmentId: 'id-1', replacement: { personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead' }, note: 'he leads' } }]);
      spec
        .given([motherRegistered(), { type: 'ReleaseScheduled', data: { workId: MOTHER, releaseId: 'rel-1', territory: 'KR', date: { date: '2025', precision: 'year' }, type: 'wide', status: 'scheduled' } }])
        .when({ type: 'CorrectWorkFact', data: { workId: MOTHER, fact: { type: 'release', id: 'rel-1' }, changes: { territory: 'VN' }, note: 'Vietnam first', source: SOURCE } })
        .then([
          {
            type: 'ReleaseCorrected',
            data: { workId: MOTHER, releaseId: 'rel-1', replacementReleaseId: 'id-1', replacement: { territory: 'VN', date: { date: '2025', precision: 'year' }, type: 'wide', status: 'scheduled' }, note: 'Vietnam first' },
          },
        ]);
      spec
        .given([remakeRegistered(), { type: 'MilestoneRecorded', data: { workId: REMAKE, milestoneId: 'm-1', label: 'Development began', kind: 'development-start', date: { date: '2019', precision: 'year' } } }])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'milestone', id: 'm-1' }, changes: { date: { date: '2018', precision: 'year' } }, note: 'seven years by 2025', source: SOURCE } })
        .then([
          {
            type: 'MilestoneCorrected',
            data: { workId: REMAKE, milestoneId: 'm-1', replacementMilestoneId: 'id-1', replacement: { label: 'Development began', kind: 'development-start', date: { date: '2018', precision: 'year' } }, note: 'seven years by 2025' },
          },
        ]);
    });

    it('requires a note, a known fact and real changes', () => {
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, changes: { role: 'co-producer' }, note: '  ', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['note']));
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-9' }, changes: { role: 'co-producer' }, note: 'x', source: SOURCE } })
        .thenThrows(FactNotFoundError);
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'event', id: 'nope' }, changes: { role: 'co-producer' }, note: 'x', source: SOURCE } })
        .thenThrows(FactNotFoundError, (e) => expect(e.factType).toBe('event'));
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, changes: { role: 'producer', character: 'x' } as never, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.character']));
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, changes: { role: 'producer' }, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toContain('changes nothing'));
    });

    it('points to the replacement when a superseded fact is corrected again', () => {
      spec
        .given([
          remakeRegistered(),
          cjCredit,
          { type: 'CompanyCreditCorrected', data: { workId: REMAKE, creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: CJ_ENM, role: 'co-producer' }, note: 'x' } },
        ])
        .when({ type: 'CorrectWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, changes: { role: 'financier' }, note: 'y', source: SOURCE } })
        .thenThrows(FactSupersededError, (e) => expect(e.supersededBy).toEqual({ id: 'c-2', workId: undefined }));
    });
  });

  describe('ClarifyWorkFact', () => {
    it('adds a note to a fact that stays current', () => {
      const given = [remakeRegistered(), cjCredit];
      const events = spec
        .given(given)
        .when({ type: 'ClarifyWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, note: 'CJ ENM holds the remake rights; it is not the studio', source: SOURCE } })
        .then([{ type: 'WorkFactClarified', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, note: 'CJ ENM holds the remake rights; it is not the studio' } }]);
      const state = events.reduce(workDecider.evolve, spec.given(given).state());
      expect(state.credits[0]).toMatchObject({ rank: 'normal', clarifications: [{ note: 'CJ ENM holds the remake rights; it is not the studio', eventId: 'id-1' }] });
    });

    it('clarifies the work itself, and refuses a clarification without a note', () => {
      spec
        .given([remakeRegistered()])
        .when({ type: 'ClarifyWorkFact', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, note: 'an English-language remake, not a Korean sequel', source: SOURCE } })
        .then([{ type: 'WorkFactClarified', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, note: 'an English-language remake, not a Korean sequel' } }]);
      spec
        .given([remakeRegistered()])
        .when({ type: 'ClarifyWorkFact', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, source: SOURCE } as never })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['note']));
    });
  });

  describe('RetractWorkFact', () => {
    it('retracts a fact: deprecated with the note, and no longer editable', () => {
      const given = [remakeRegistered(), cjCredit];
      const events = spec
        .given(given)
        .when({ type: 'RetractWorkFact', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, note: 'CJ ENM is not involved; the wire misread the release', source: SOURCE } })
        .then([{ type: 'WorkFactRetracted', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, note: 'CJ ENM is not involved; the wire misread the release' } }]);
      const retracted = [...given, ...events];
      expect(spec.given(retracted).state().credits[0]).toMatchObject({ rank: 'deprecated', retracted: { note: 'CJ ENM is not involved; the wire misread the release' } });
      spec
        .given(retracted)
        .when({ type: 'EndCompanyCredit', data: { workId: REMAKE, creditId: 'c-1', to: { date: '2025', precision: 'year' }, source: SOURCE } })
        .thenThrows(RetractedError, (e) => expect([e.subjectType, e.subjectId]).toEqual(['company-credit', 'c-1']));
    });

    it('retracting the whole work withdraws it; later edits are refused', () => {
      const events = spec
        .given([remakeRegistered()])
        .when({ type: 'RetractWorkFact', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, note: 'no such project: a hoax', source: SOURCE } })
        .then([{ type: 'WorkRetracted', data: { workId: REMAKE, note: 'no such project: a hoax' } }]);
      const withdrawn = [remakeRegistered(), ...events];
      expect(spec.given(withdrawn).state().withdrawn).toEqual({ note: 'no such project: a hoax', eventId: 'id-1' });
      spec
        .given(withdrawn)
        .when({ type: 'AddTitle', data: { workId: REMAKE, text: 'x', language: 'en', class: 'working', source: SOURCE } })
        .thenThrows(RetractedError, (e) => expect(e.subjectType).toBe('work'));
    });

    it('a retracted status change gives the work back its earlier status', () => {
      const given = [
        remakeRegistered(),
        { type: 'WorkStatusChanged' as const, data: { workId: REMAKE, statusChangeId: 'sc-2', from: 'in-development' as const, to: 'cancelled' as const, effective: { date: '2024', precision: 'year' as const } } },
      ];
      const events = spec
        .given(given)
        .when({ type: 'RetractWorkFact', data: { workId: REMAKE, fact: { type: 'status-change', id: 'sc-2' }, note: 'never cancelled: a misreport', source: SOURCE } })
        .then([{ type: 'WorkFactRetracted', data: { workId: REMAKE, fact: { type: 'status-change', id: 'sc-2' }, note: 'never cancelled: a misreport' } }]);
      expect(spec.given([...given, ...events]).state().status).toBe('in-development');
    });

    it('refuses to retract the primary title, the only status, or an unknown fact type', () => {
      spec
        .given([originalRegistered()])
        .when({ type: 'RetractWorkFact', data: { workId: ORIGINAL, fact: { type: 'title', id: 't-ko' }, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toContain('primary title'));
      spec
        .given([originalRegistered()])
        .when({ type: 'RetractWorkFact', data: { workId: ORIGINAL, fact: { type: 'status-change', id: 'sc-0' }, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError);
      spec
        .given([originalRegistered()])
        .when({ type: 'RetractWorkFact', data: { workId: ORIGINAL, fact: { type: 'rumour' as never, id: 'x' }, note: 'x', source: SOURCE } })
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['fact.type']));
    });
  });

  describe('ChangeWorkFactStanding', () => {
    const PRESS_RELEASE = { publisher: 'CJ ENM', kind: 'press-release' as const };
    const change = (fact: { type: string; id: string }, standing: string, extra: object = {}): WorkCommand =>
      ({ type: 'ChangeWorkFactStanding', data: { workId: REMAKE, fact, standing, source: PRESS_RELEASE, ...extra } }) as WorkCommand;

    it('confirms a reported credit, citing the source that changed it; the credit is still the same fact', () => {
      const given = [remakeRegistered(), cjCredit];
      expect(spec.given(given).state().credits[0]!.standing).toBeUndefined();
      const events = spec
        .given(given)
        .when(change({ type: 'company-credit', id: 'c-1' }, 'confirmed', { note: 'the studio named itself producer' }))
        .then([{ type: 'WorkFactStandingChanged', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, standing: 'confirmed', from: 'reported' }, metadata: { source: PRESS_RELEASE, note: 'the studio named itself producer' } }]);
      expect(spec.given([...given, ...events]).state().credits).toEqual([expect.objectContaining({ creditId: 'c-1', rank: 'normal', standing: 'confirmed' })]);
    });

    it('states a credit as rumored, and denies it later: kept in the record, not retracted, still editable', () => {
      const events = spec
        .given([remakeRegistered()])
        .when({ type: 'AddCompanyCredit', data: { workId: REMAKE, creditId: 'c-2', organizationId: JERRYGOOD, role: 'financier', standing: 'rumored', source: SOURCE } })
        .then([{ type: 'CompanyCreditAdded', data: { workId: REMAKE, creditId: 'c-2', organizationId: JERRYGOOD, role: 'financier', standing: 'rumored' } }]);
      const given = [remakeRegistered(), ...events];
      const denial = spec.given(given).when(change({ type: 'company-credit', id: 'c-2' }, 'denied')).then([
        { type: 'WorkFactStandingChanged', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-2' }, standing: 'denied', from: 'rumored' } },
      ]);
      const credit = spec.given([...given, ...denial]).state().credits[0]!;
      expect(credit).toMatchObject({ rank: 'normal', standing: 'denied' });
      expect(credit.retracted).toBeUndefined();
      spec.given([...given, ...denial]).when(change({ type: 'company-credit', id: 'c-2' }, 'confirmed')).then([
        { type: 'WorkFactStandingChanged', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-2' }, standing: 'confirmed', from: 'denied' } },
      ]);
    });

    it("changes the project's own standing", () => {
      const events = spec.given([remakeRegistered()]).when(change({ type: 'work', id: REMAKE }, 'confirmed')).then([
        { type: 'WorkFactStandingChanged', data: { workId: REMAKE, fact: { type: 'work', id: REMAKE }, standing: 'confirmed', from: 'reported' } },
      ]);
      expect(spec.given([remakeRegistered(), ...events]).state().standing).toBe('confirmed');
    });

    it('refuses an unknown standing, the standing the fact already has, a retracted fact and an unknown source kind', () => {
      spec
        .given([remakeRegistered(), cjCredit])
        .when(change({ type: 'company-credit', id: 'c-1' }, 'likely'))
        .thenThrows(DomainValidationError, (e) => expect(e.errors).toEqual([{ field: 'standing', message: 'must be one of rumored, reported, confirmed, denied' }]));
      spec
        .given([remakeRegistered(), cjCredit])
        .when(change({ type: 'company-credit', id: 'c-1' }, 'reported'))
        .thenThrows(DomainValidationError, (e) => expect(e.errors[0]!.message).toBe('the company-credit c-1 is already reported'));
      spec
        .given([remakeRegistered(), cjCredit, { type: 'WorkFactRetracted', data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, note: 'never involved' } }])
        .when(change({ type: 'company-credit', id: 'c-1' }, 'confirmed'))
        .thenThrows(RetractedError);
      spec
        .given([remakeRegistered(), cjCredit])
        .when({ ...change({ type: 'company-credit', id: 'c-1' }, 'confirmed'), data: { workId: REMAKE, fact: { type: 'company-credit', id: 'c-1' }, standing: 'confirmed', source: { publisher: 'x', kind: 'tweet' } } } as unknown as WorkCommand)
        .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['source.kind']));
    });
  });

  it('every command on an unregistered work is AggregateNotFoundError', () => {
    const commands: WorkCommand[] = [
      { type: 'AddCompanyCredit', data: { workId: MOTHER, organizationId: JERRYGOOD, role: 'producer', source: SOURCE } },
      { type: 'ChangeWorkStatus', data: { workId: MOTHER, to: 'filming', effective: { date: '2024', precision: 'year' }, source: SOURCE } },
      { type: 'RetractWorkFact', data: { workId: MOTHER, fact: { type: 'work', id: MOTHER }, note: 'x', source: SOURCE } },
    ];
    for (const command of commands) spec.given([]).when(command).thenThrows(AggregateNotFoundError);
  });
});
