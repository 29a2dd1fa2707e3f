import { AggregateNotFoundError, AlreadyExistsError, DomainValidationError, FactNotFoundError, IllegalStatusTransitionError, RetractedError } from '../shared/errors.js';
import { deciderSpec, type GivenEvent } from '../shared/testing/decider-spec.js';
import { dealDecider } from './deal.decider.js';
import type { DealEvent } from './deal.events.js';

const spec = deciderSpec(dealDecider);
const DEAL = '0e0e0e0e-0000-4000-8000-000000000002';
const CJ_ENM = '0c0c0c0c-0000-4000-8000-000000000001';
const JERRYGOOD = '0c0c0c0c-0000-4000-8000-000000000002';
const MOTIF = '0c0c0c0c-0000-4000-8000-000000000003';
const ANH_TEU = '0c0c0c0c-0000-4000-8000-000000000004';
const MISS_GRANNY = '0b1d2e3f-0000-4000-8000-000000000010';
const MISS_GRANNY_VN = '0b1d2e3f-0000-4000-8000-000000000011';
const MISS_GRANNY_JP = '0b1d2e3f-0000-4000-8000-000000000012';
const MOTHER = '0b1d2e3f-0000-4000-8000-000000000003';
const SOURCE = { publisher: 'The Hollywood Reporter', url: 'https://www.hollywoodreporter.com/movies/movie-news/cj-enm-miss-granny' };
const fields = (e: DomainValidationError) => e.errors.map((x) => x.field);

/** CJ ENM's "One Source Multi Territory": one story, a local version per market, CJ co-producing each. */
const franchise: GivenEvent<DealEvent> = {
  type: 'DealAnnounced',
  data: {
    dealId: DEAL,
    type: 'localization-franchise',
    name: 'One Source Multi Territory',
    territories: ['VN', 'JP', 'CN', 'TH', 'ID', 'PH'],
    languages: [],
    termsDisclosed: false,
    announcedAt: { date: '2014', precision: 'year' },
    parties: [{ partyId: 'p-cj', organizationId: CJ_ENM, side: 'rights-holder' }],
    works: [
      { workId: MISS_GRANNY, role: 'source' },
      { workId: MISS_GRANNY_VN, role: 'subject', territory: 'VN' },
    ],
    statusChangeId: 'sc-1',
  },
};

/** The Korean–Vietnamese co-production of 'Going to Abandon My Mother'. */
const coProduction: GivenEvent<DealEvent> = {
  type: 'DealAnnounced',
  data: {
    dealId: DEAL,
    type: 'co-production',
    territories: ['KR', 'VN'],
    languages: ['vi', 'ko'],
    termsDisclosed: false,
    announcedAt: { date: '2024', precision: 'year' },
    parties: [
      { partyId: 'p-1', organizationId: JERRYGOOD, side: 'co-producer' },
      { partyId: 'p-2', organizationId: MOTIF, side: 'co-producer' },
    ],
    works: [{ workId: MOTHER, role: 'subject' }],
    statusChangeId: 'sc-1',
  },
};

describe('Deal decider', () => {
  it('AnnounceDeal: a localization franchise with its source work and a first local version', () => {
    spec
      .given([])
      .when({
        type: 'AnnounceDeal',
        data: {
          dealId: DEAL,
          type: 'localization-franchise',
          name: 'One Source Multi Territory',
          territories: ['VN', 'JP', 'CN', 'TH', 'ID', 'PH'],
          termsDisclosed: false,
          announcedAt: { date: '2014', precision: 'year' },
          parties: [{ partyId: 'p-cj', organizationId: CJ_ENM, side: 'rights-holder' }],
          works: [
            { workId: MISS_GRANNY, role: 'source' },
            { workId: MISS_GRANNY_VN, role: 'subject', territory: 'VN' },
          ],
          source: SOURCE,
        },
      })
      .then([{ ...franchise, data: { ...franchise.data, statusChangeId: 'id-1' } }]);
    expect(spec.given([franchise]).state()).toMatchObject({ status: 'announced', details: { announcedAt: { date: '2014', precision: 'year' } } });
  });

  it('AnnounceDeal: refuses shares above 100%, no parties, a treaty flag on a non-co-production and a second announcement', () => {
    spec
      .given([])
      .when({
        type: 'AnnounceDeal',
        data: {
          dealId: DEAL,
          type: 'co-production',
          termsDisclosed: true,
          announcedAt: { date: '2024', precision: 'year' },
          parties: [
            { organizationId: JERRYGOOD, side: 'co-producer', share: 60 },
            { organizationId: MOTIF, side: 'co-producer', share: 50 },
          ],
          source: SOURCE,
        },
      })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['parties']));
    spec
      .given([])
      .when({ type: 'AnnounceDeal', data: { dealId: DEAL, type: 'option', coProductionTreaty: true, termsDisclosed: false, announcedAt: { date: '2031', precision: 'year' }, parties: [], source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['coProductionTreaty', 'announcedAt', 'parties']));
    spec.given([franchise]).when({ type: 'AnnounceDeal', data: { dealId: DEAL, type: 'option', termsDisclosed: false, announcedAt: { date: '2014', precision: 'year' }, parties: [{ organizationId: CJ_ENM, side: 'licensor' }], source: SOURCE } }).thenThrows(AlreadyExistsError);
  });

  it('UpdateDealDetails: terms disclosed later; type only by correction', () => {
    spec
      .given([franchise])
      .when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { languages: ['vi', 'ja'] }, source: SOURCE } })
      .then([{ type: 'DealDetailsUpdated', data: { dealId: DEAL, changes: { languages: ['vi', 'ja'] } } }]);
    spec.given([franchise]).when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { type: 'slate' } as never, source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([]).when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { termsDisclosed: true }, source: SOURCE } }).thenThrows(AggregateNotFoundError);
  });

  it('UpdateDealDetails: a rights window bound left out stays; null removes it', () => {
    const windowed = { ...franchise, data: { ...franchise.data, rightsWindow: { from: { date: '2014', precision: 'year' }, to: { date: '2024', precision: 'year' } } } } as GivenEvent<DealEvent>;
    spec
      .given([windowed])
      .when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { rightsWindow: { to: { date: '2026', precision: 'year' } } }, source: SOURCE } })
      .then([{ type: 'DealDetailsUpdated', data: { dealId: DEAL, changes: { rightsWindow: { from: { date: '2014', precision: 'year' }, to: { date: '2026', precision: 'year' } } } } }]);
    spec
      .given([windowed])
      .when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { rightsWindow: { to: null } } as never, source: SOURCE } })
      .then([{ type: 'DealDetailsUpdated', data: { dealId: DEAL, changes: { rightsWindow: { from: { date: '2014', precision: 'year' } } } } }]);
    spec
      .given([windowed])
      .when({ type: 'UpdateDealDetails', data: { dealId: DEAL, changes: { rightsWindow: { to: { date: '2010', precision: 'year' } } }, source: SOURCE } })
      .thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['changes.rightsWindow.to']));
  });

  it('AddDealParty: the Vietnamese partners join; shares stay within 100%', () => {
    spec
      .given([coProduction])
      .when({ type: 'AddDealParty', data: { dealId: DEAL, partyId: 'p-3', organizationId: ANH_TEU, side: 'co-producer', source: SOURCE } })
      .then([{ type: 'DealPartyAdded', data: { dealId: DEAL, partyId: 'p-3', organizationId: ANH_TEU, side: 'co-producer' } }]);
    spec.given([coProduction]).when({ type: 'AddDealParty', data: { dealId: DEAL, organizationId: MOTIF, side: 'co-producer', source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([coProduction]).when({ type: 'AddDealParty', data: { dealId: DEAL, organizationId: ANH_TEU, side: 'financier', share: 120, source: SOURCE } }).thenThrows(DomainValidationError, (e) => expect(fields(e)).toEqual(['share', 'share']));
  });

  it('AddWorkToDeal: another local version of the franchise, not the same work twice', () => {
    spec
      .given([franchise])
      .when({ type: 'AddWorkToDeal', data: { dealId: DEAL, workId: MISS_GRANNY_JP, role: 'subject', territory: 'JP', source: SOURCE } })
      .then([{ type: 'DealWorkAdded', data: { dealId: DEAL, workId: MISS_GRANNY_JP, role: 'subject', territory: 'JP' } }]);
    spec.given([franchise]).when({ type: 'AddWorkToDeal', data: { dealId: DEAL, workId: MISS_GRANNY_VN, role: 'subject', source: SOURCE } }).thenThrows(DomainValidationError);
  });

  it('ChangeDealStatus: announced → closed → terminated; nothing after terminated', () => {
    const closed = spec
      .given([coProduction])
      .when({ type: 'ChangeDealStatus', data: { dealId: DEAL, to: 'closed', effective: { date: '2024-06', precision: 'month' }, source: SOURCE } })
      .then([{ type: 'DealStatusChanged', data: { dealId: DEAL, statusChangeId: 'id-1', from: 'announced', to: 'closed', effective: { date: '2024-06', precision: 'month' } } }]);
    expect(spec.given([coProduction, ...closed]).state()).toMatchObject({ status: 'closed', closedAt: { date: '2024-06', precision: 'month' } });
    const terminated = [...closed, { type: 'DealStatusChanged' as const, data: { dealId: DEAL, statusChangeId: 'sc-3', from: 'closed' as const, to: 'terminated' as const, effective: { date: '2025', precision: 'year' as const } } }];
    spec
      .given([coProduction, ...terminated])
      .when({ type: 'ChangeDealStatus', data: { dealId: DEAL, to: 'closed', effective: { date: '2025', precision: 'year' }, source: SOURCE } })
      .thenThrows(IllegalStatusTransitionError, (e) => expect([e.from, e.allowed]).toEqual(['terminated', []]));
    spec
      .given([coProduction, ...closed])
      .when({ type: 'ChangeDealStatus', data: { dealId: DEAL, to: 'announced', effective: { date: '2025', precision: 'year' }, source: SOURCE } })
      .thenThrows(IllegalStatusTransitionError, (e) => expect(e.allowed).toEqual(['terminated', 'expired']));
  });

  it('CorrectDealFact: details, a party, a work and a status change', () => {
    spec
      .given([coProduction])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'deal', id: DEAL }, changes: { type: 'co-investment' }, note: 'they co-invest; Motif produces', source: SOURCE } })
      .then([{ type: 'DealDetailsCorrected', data: { dealId: DEAL, changes: { type: 'co-investment' }, previous: { type: 'co-production' }, note: 'they co-invest; Motif produces' } }]);
    spec
      .given([coProduction])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'party', id: 'p-1' }, changes: { side: 'financier' }, note: 'finances, not co-produces', source: SOURCE } })
      .then([{ type: 'DealPartyCorrected', data: { dealId: DEAL, partyId: 'p-1', replacementPartyId: 'id-1', replacement: { organizationId: JERRYGOOD, side: 'financier' }, note: 'finances, not co-produces' } }]);
    const workCorrected = spec
      .given([franchise])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'work', id: MISS_GRANNY_VN }, changes: { workId: MISS_GRANNY_JP, territory: 'JP' }, note: 'the Japanese version', source: SOURCE } })
      .then([{ type: 'DealWorkCorrected', data: { dealId: DEAL, workId: MISS_GRANNY_VN, replacement: { workId: MISS_GRANNY_JP, role: 'subject', territory: 'JP' }, note: 'the Japanese version' } }]);
    expect(spec.given([franchise, ...workCorrected]).state().works).toEqual([
      expect.objectContaining({ workId: MISS_GRANNY, rank: 'normal' }),
      expect.objectContaining({ workId: MISS_GRANNY_VN, rank: 'deprecated' }),
      expect.objectContaining({ workId: MISS_GRANNY_JP, rank: 'normal', supersedes: MISS_GRANNY_VN }),
    ]);
    const closed = { type: 'DealStatusChanged' as const, data: { dealId: DEAL, statusChangeId: 'sc-2', from: 'announced' as const, to: 'closed' as const, effective: { date: '2024', precision: 'year' as const } } };
    spec
      .given([coProduction, closed])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'status-change', id: 'sc-2' }, changes: { effective: { date: '2024-11', precision: 'month' } }, note: 'signed at AFM', source: SOURCE } })
      .then([
        { type: 'DealStatusChangeCorrected', data: { dealId: DEAL, statusChangeId: 'sc-2', replacementStatusChangeId: 'id-1', replacement: { to: 'closed', effective: { date: '2024-11', precision: 'month' } }, note: 'signed at AFM' } },
      ]);
    spec
      .given([coProduction])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'party', id: 'p-9' }, changes: { side: 'buyer' }, note: 'x', source: SOURCE } })
      .thenThrows(FactNotFoundError);
    spec
      .given([coProduction, closed])
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'status-change', id: 'sc-1' }, changes: { to: 'closed' }, note: 'x', source: SOURCE } })
      .thenThrows(DomainValidationError);
  });

  it('ClarifyDealFact and RetractDealFact; a retracted deal takes no edits', () => {
    spec
      .given([coProduction])
      .when({ type: 'ClarifyDealFact', data: { dealId: DEAL, fact: { type: 'work', id: MOTHER }, note: 'the film is Vietnamese-language', source: SOURCE } })
      .then([{ type: 'DealFactClarified', data: { dealId: DEAL, fact: { type: 'work', id: MOTHER }, note: 'the film is Vietnamese-language' } }]);
    spec
      .given([coProduction])
      .when({ type: 'ClarifyDealFact', data: { dealId: DEAL, fact: { type: 'work', id: MISS_GRANNY }, note: 'x', source: SOURCE } })
      .then(FactNotFoundError);
    spec
      .given([coProduction])
      .when({ type: 'RetractDealFact', data: { dealId: DEAL, fact: { type: 'party', id: 'p-2' }, note: 'Motif is not a party', source: SOURCE } })
      .then([{ type: 'DealFactRetracted', data: { dealId: DEAL, fact: { type: 'party', id: 'p-2' }, note: 'Motif is not a party' } }]);
    spec.given([franchise]).when({ type: 'RetractDealFact', data: { dealId: DEAL, fact: { type: 'party', id: 'p-cj' }, note: 'x', source: SOURCE } }).thenThrows(DomainValidationError);
    spec.given([franchise]).when({ type: 'RetractDealFact', data: { dealId: DEAL, fact: { type: 'status-change', id: 'sc-1' }, note: 'x', source: SOURCE } }).thenThrows(DomainValidationError);
    const retracted = spec
      .given([coProduction])
      .when({ type: 'RetractDealFact', data: { dealId: DEAL, fact: { type: 'deal', id: DEAL }, note: 'no such deal was signed', source: SOURCE } })
      .then([{ type: 'DealRetracted', data: { dealId: DEAL, note: 'no such deal was signed' } }]);
    spec
      .given([coProduction, ...retracted])
      .when({ type: 'ChangeDealStatus', data: { dealId: DEAL, to: 'closed', effective: { date: '2024', precision: 'year' }, source: SOURCE } })
      .thenThrows(RetractedError);
    const partyRetracted = [coProduction, { type: 'DealFactRetracted' as const, data: { dealId: DEAL, fact: { type: 'party' as const, id: 'p-2' }, note: 'x' } }];
    spec
      .given(partyRetracted)
      .when({ type: 'CorrectDealFact', data: { dealId: DEAL, fact: { type: 'party', id: 'p-2' }, changes: { side: 'seller' }, note: 'y', source: SOURCE } })
      .thenThrows(RetractedError);
  });
});
