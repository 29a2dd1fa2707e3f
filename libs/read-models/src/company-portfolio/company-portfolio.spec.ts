import type { PublishedEvent } from '../../../contracts/src/published-event.js';
import { expectAsOfEqualsReplay, givenEvents, type ProjectionSpec } from '../engine/testing/projection-spec.js';
import type { MemoryProjectionStore } from '../engine/memory-store.js';
import { canonicalRows, expectedRows } from '../testing/expected-rows.js';
import { randomLog } from '../testing/random-log.js';
import { buildScenario, publishScenario, uuid } from '../testing/scenario.js';
import { COMPANY_PORTFOLIO, companyPortfolioProjection } from './company-portfolio.handlers.js';

// ---- event builders: a newsroom's stories, one event at a time ---------------------------------------------------------

const source = { publisher: 'Variety' };
const y = (date: string) => ({ date, precision: 'year' as const });
let position = 0;
let ids = 0;

/** The events of one stream, numbered as the relay publishes them (global positions shared by every stream of the file). */
function streamOf(streamType: 'work' | 'deal', id: string) {
  let version = 0;
  return (type: string, data: Record<string, unknown> = {}, note?: string): PublishedEvent => {
    position += 1;
    version += 1;
    const eventId = uuid(50_000 + position);
    const recordedAt = new Date(Date.UTC(2025, 0, 1, 0, 0, 0) + position * 1000).toISOString();
    return {
      eventId,
      type,
      schemaVersion: 1,
      streamId: `${streamType}-${id}`,
      streamType,
      streamVersion: version,
      globalPosition: String(position),
      recordedAt,
      data: { [streamType === 'work' ? 'workId' : 'dealId']: id, ...data, ...(note ? { note } : {}) },
      metadata: { eventId, actor: { id: 'editor', role: 'editor' }, correlationId: 'c', causationId: 'c', source, recordedAt, schemaVersion: 1, ...(note ? { note } : {}) },
    };
  };
}

const CJ = uuid(100);
const JERRYGOOD = uuid(101);
const MOTIF = uuid(102);

function newWork() {
  const workId = uuid(1_000 + ++ids);
  const event = streamOf('work', workId);
  const registered = () =>
    event('WorkRegistered', {
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US'],
      externalIds: {},
      titles: [{ titleId: 't-1', text: 'Save the Green Planet!', language: 'en', class: 'working', primary: true }],
      status: 'announced',
      statusChangeId: 's-1',
      statusEffective: y('2018'),
    });
  return { workId, streamId: `work-${workId}`, event, registered };
}

function newDeal() {
  const dealId = uuid(2_000 + ++ids);
  const event = streamOf('deal', dealId);
  const announced = (works: { workId: string; role: string; territory?: string }[], parties = [{ partyId: 'p-cj', organizationId: CJ, side: 'licensor' }]) =>
    event('DealAnnounced', { type: 'remake-rights', parties, works, territories: ['XW'], languages: ['en'], termsDisclosed: false, announcedAt: y('2018'), statusChangeId: 'ds-1' });
  return { dealId, streamId: `deal-${dealId}`, event, announced };
}

// ---- then: rows, and the fold-based reference -------------------------------------------------------------------------

/** The model's open rows in the reference's shape (owner_stream and row_key are the engine's stream and key). */
function shownRows(store: MemoryProjectionStore, at?: number): object[] {
  return store.rowsAt(COMPANY_PORTFOLIO.name, at).map(({ stream, key, row }) => ({ owner_stream: stream, row_key: key, ...row }));
}

/** Every table of the model (hidden ones too), as JSON. */
function allTables(store: MemoryProjectionStore, at?: number): Record<string, string[]> {
  return Object.fromEntries(companyPortfolioProjection.tables.map((t) => [t.name, canonicalRows(store.rowsAt(t.name, at))]));
}

function expectReference(spec: ProjectionSpec, events: readonly PublishedEvent[]): void {
  expect(canonicalRows(shownRows(spec.store))).toEqual(canonicalRows(expectedRows(events).company_portfolio));
}

const credit = (spec: ProjectionSpec, creditId: string, at?: number) => spec.keyed(COMPANY_PORTFOLIO.name, at).find((r) => r.key === `credit:${creditId}`)?.row;
const keysOf = (spec: ProjectionSpec, at?: number) => spec.keyed(COMPANY_PORTFOLIO.name, at).map((r) => r.key);
const lastPosition = () => position;

describe('company portfolio projection: work credits', () => {
  it('given a registered work, when a company is credited, then its portfolio shows the credit (and nothing as of before)', async () => {
    const work = newWork();
    const events = [work.registered()];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const added = work.event('CompanyCreditAdded', { creditId: 'c-cj', organizationId: CJ, role: 'producer', country: 'KR', from: y('2018') });
    await spec.when(added);

    expect(spec.keyed(COMPANY_PORTFOLIO.name)).toEqual([
      {
        stream: work.streamId,
        key: 'credit:c-cj',
        row: { organization_id: CJ, via: 'credit', work_id: work.workId, deal_id: null, role: 'producer', country: 'KR', territory: null, work_ids: [work.workId], details: { creditId: 'c-cj', from: y('2018') }, standing: 'reported', deal_standing: null },
      },
    ]);
    expect(spec.rows(COMPANY_PORTFOLIO.name, before)).toEqual([]);
    expectReference(spec, [...events, added]);
  });

  it('given a credit, when it ends, then the row says to/ended/endReason; as of before the end it is open', async () => {
    const work = newWork();
    const events = [work.registered(), work.event('CompanyCreditAdded', { creditId: 'c-fin', organizationId: MOTIF, role: 'financier', from: y('2019') })];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const ended = work.event('CompanyCreditEnded', { creditId: 'c-fin', to: y('2021'), reason: 'pulled out of the financing' });
    await spec.when(ended);

    expect(credit(spec, 'c-fin')).toEqual(expect.objectContaining({ details: { creditId: 'c-fin', from: y('2019'), to: y('2021'), ended: true, endReason: 'pulled out of the financing' } }));
    expect(credit(spec, 'c-fin', before)).toEqual(expect.objectContaining({ details: { creditId: 'c-fin', from: y('2019') } }));
    expectReference(spec, [...events, ended]);
  });

  it('given an ended credit, when it is corrected, then the replacement replaces it keeping the endReason (not the end date), and as of before the correction the old credit shows', async () => {
    const work = newWork();
    const events = [
      work.registered(),
      work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer', country: 'KR', from: y('2018') }),
      work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2020'), reason: 'sold its stake' }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const corrected = work.event('CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: CJ, role: 'co-producer', country: 'KR', from: y('2018') } }, 'a co-producer, per the press kit');
    await spec.when(corrected);

    expect(keysOf(spec)).toEqual(['credit:c-2']);
    expect(credit(spec, 'c-2')).toEqual(expect.objectContaining({ role: 'co-producer', details: { creditId: 'c-2', from: y('2018'), endReason: 'sold its stake' } }));
    expect(keysOf(spec, before)).toEqual(['credit:c-1']);
    expect(credit(spec, 'c-1', before)).toEqual(expect.objectContaining({ role: 'producer' }));
    expectReference(spec, [...events, corrected]);
  });

  it('given a corrected credit, when the correction is corrected in turn, then only the latest replacement shows, still with the first endReason', async () => {
    const work = newWork();
    const events = [
      work.registered(),
      work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' }),
      work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2020'), reason: 'left the project' }),
      work.event('CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: CJ, role: 'co-producer' } }, 'co-producer'),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const more = [work.event('CompanyCreditCorrected', { creditId: 'c-2', replacementCreditId: 'c-3', replacement: { organizationId: JERRYGOOD, role: 'co-producer', territory: 'KR' } }, 'it was Jerrygood')];
    await spec.when(...more);

    expect(keysOf(spec)).toEqual(['credit:c-3']);
    expect(credit(spec, 'c-3')).toEqual(expect.objectContaining({ organization_id: JERRYGOOD, territory: 'KR', details: { creditId: 'c-3', endReason: 'left the project' } }));
    expectReference(spec, [...events, ...more]);
  });

  it('as evolve takes it (decide refuses it): correcting a credit already replaced states one more replacement, with the endReason the old credit had when it left', async () => {
    const work = newWork();
    const events = [
      work.registered(),
      work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' }),
      work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2020'), reason: 'first reason' }),
      work.event('CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-2', replacement: { organizationId: CJ, role: 'co-producer' } }, 'fix'),
      // ending the replaced credit again changes the endReason a further correction of it carries
      work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2021'), reason: 'second reason' }),
      work.event('CompanyCreditCorrected', { creditId: 'c-1', replacementCreditId: 'c-3', replacement: { organizationId: MOTIF, role: 'financier' } }, 'fix again'),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);

    expect(keysOf(spec)).toEqual(['credit:c-2', 'credit:c-3']);
    expect(credit(spec, 'c-3')).toEqual(expect.objectContaining({ details: { creditId: 'c-3', endReason: 'second reason' } }));
    expectReference(spec, events);
  });

  it('given a credit stated as rumored, when a source confirms it and another is denied, then each row shows its standing, kept on an end; as of before the denial it was reported', async () => {
    const work = newWork();
    const events = [
      work.registered(),
      work.event('CompanyCreditAdded', { creditId: 'c-cj', organizationId: CJ, role: 'producer', country: 'KR', from: y('2018'), standing: 'rumored' }),
      work.event('CompanyCreditAdded', { creditId: 'c-mo', organizationId: MOTIF, role: 'distributor', territory: 'VN', from: y('2019') }),
      work.event('WorkFactStandingChanged', { fact: { type: 'company-credit', id: 'c-cj' }, standing: 'confirmed', from: 'rumored' }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    expect([credit(spec, 'c-cj')?.standing, credit(spec, 'c-mo')?.standing]).toEqual(['confirmed', 'reported']);
    const before = lastPosition();
    const more = [
      work.event('WorkFactStandingChanged', { fact: { type: 'company-credit', id: 'c-mo' }, standing: 'denied', from: 'reported' }),
      work.event('CompanyCreditEnded', { creditId: 'c-cj', to: y('2021') }),
    ];
    await spec.when(...more);

    expect(credit(spec, 'c-mo')).toEqual(expect.objectContaining({ standing: 'denied', role: 'distributor' }));
    expect(credit(spec, 'c-cj')).toEqual(expect.objectContaining({ standing: 'confirmed', details: expect.objectContaining({ ended: true }) }));
    expect(credit(spec, 'c-mo', before)?.standing).toBe('reported');
    expectReference(spec, [...events, ...more]);
  });

  it('given credits, when one is retracted and another clarified, then the retracted one leaves and the clarification opens no new version', async () => {
    const work = newWork();
    const events = [
      work.registered(),
      work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' }),
      work.event('CompanyCreditAdded', { creditId: 'c-2', organizationId: MOTIF, role: 'distributor', territory: 'VN' }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const versions = spec.store.versions.get(COMPANY_PORTFOLIO.name)!.length;
    const more = [
      work.event('WorkFactClarified', { fact: { type: 'company-credit', id: 'c-2' } }, 'theatrical only'),
      work.event('WorkFactRetracted', { fact: { type: 'company-credit', id: 'c-1' } }, 'CJ was never involved'),
    ];
    await spec.when(more[0]!);
    expect(spec.store.versions.get(COMPANY_PORTFOLIO.name)).toHaveLength(versions);
    await spec.when(more[1]!);

    expect(keysOf(spec)).toEqual(['credit:c-2']);
    expectReference(spec, [...events, ...more]);
  });

  it('given a credit on the wrong work, when it is moved, then it leaves the source work and shows on the target with movedFrom', async () => {
    const remake = newWork();
    const mother = newWork();
    const events = [
      remake.registered(),
      mother.registered(),
      remake.event('CompanyCreditAdded', { creditId: 'c-jg', organizationId: JERRYGOOD, role: 'producer', country: 'KR', from: y('2024') }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const note = 'Jerrygood produces Going to Abandon My Mother';
    const more = [
      remake.event('CompanyCreditMovedOut', { creditId: 'c-jg', moveId: 'mv-1', targetWorkId: mother.workId, targetCreditId: 'c-jg-2' }, note),
      mother.event('CompanyCreditMovedIn', { creditId: 'c-jg-2', moveId: 'mv-1', sourceWorkId: remake.workId, sourceCreditId: 'c-jg', organizationId: JERRYGOOD, role: 'producer', country: 'KR', from: y('2024') }, note),
    ];
    await spec.when(...more);

    expect(spec.keyed(COMPANY_PORTFOLIO.name).map((r) => [r.stream, r.key])).toEqual([[mother.streamId, 'credit:c-jg-2']]);
    expect(credit(spec, 'c-jg-2')).toEqual(expect.objectContaining({ work_id: mother.workId, details: { creditId: 'c-jg-2', from: y('2024'), movedFrom: { workId: remake.workId, note } } }));
    expect(spec.keyed(COMPANY_PORTFOLIO.name, before).map((r) => [r.stream, r.key])).toEqual([[remake.streamId, 'credit:c-jg']]);
    expectReference(spec, [...events, ...more]);
  });

  it('given a work with credits, when the whole work is retracted, then all its rows close, later credits stay hidden, and other works keep theirs', async () => {
    const wrong = newWork();
    const other = newWork();
    const events = [
      wrong.registered(),
      other.registered(),
      wrong.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' }),
      wrong.event('CompanyCreditAdded', { creditId: 'c-2', organizationId: MOTIF, role: 'co-producer' }),
      wrong.event('CompanyCreditCorrected', { creditId: 'c-2', replacementCreditId: 'c-3', replacement: { organizationId: MOTIF, role: 'financier' } }, 'financier'),
      other.event('CompanyCreditAdded', { creditId: 'c-9', organizationId: CJ, role: 'distributor' }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const more = [wrong.event('WorkRetracted', {}, 'the project never existed'), wrong.event('CompanyCreditAdded', { creditId: 'c-4', organizationId: CJ, role: 'sales-agent' })];
    await spec.when(...more);

    expect(spec.keyed(COMPANY_PORTFOLIO.name).map((r) => [r.stream, r.key])).toEqual([[other.streamId, 'credit:c-9']]);
    expect(spec.keyed('company_portfolio_past_credits').filter((r) => r.stream === wrong.streamId)).toEqual([]);
    expect(keysOf(spec, before).sort()).toEqual(['credit:c-1', 'credit:c-3', 'credit:c-9']);
    expectReference(spec, [...events, ...more]);
  });

  it("given a work with a credit, when the 'work' fact is retracted, then it is withdrawn like a whole-work retraction", async () => {
    const work = newWork();
    const events = [work.registered(), work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' })];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const more = [work.event('WorkFactRetracted', { fact: { type: 'work', id: work.workId } }, 'duplicate record'), work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2020') })];
    await spec.when(...more);

    expect(spec.rows(COMPANY_PORTFOLIO.name)).toEqual([]);
    expectReference(spec, [...events, ...more]);
  });

  it('a credit event on a work stream that never registered its work is dead-lettered', async () => {
    const work = newWork();
    const spec = await givenEvents(companyPortfolioProjection, [work.event('CompanyCreditAdded', { creditId: 'c-1', organizationId: CJ, role: 'producer' })]);
    await spec.when(work.event('CompanyCreditEnded', { creditId: 'c-1', to: y('2020') }));
    expect(spec.store.deadLetters.map((d) => d.reason)).toEqual(['handler-failed', 'handler-failed']);
    expect(spec.rows(COMPANY_PORTFOLIO.name)).toEqual([]);
  });
});

describe('company portfolio projection: deal parties', () => {
  it('given an announced deal, then each party has a row with the deal and its works; parties added, corrected and retracted come and go', async () => {
    const deal = newDeal();
    const [original, remake] = [uuid(1), uuid(2)];
    const events = [deal.announced([{ workId: original, role: 'source' }, { workId: remake, role: 'subject' }])];
    const spec = await givenEvents(companyPortfolioProjection, events);
    expect(spec.keyed(COMPANY_PORTFOLIO.name)).toEqual([
      {
        stream: deal.streamId,
        key: 'party:p-cj',
        row: {
          organization_id: CJ,
          via: 'deal-party',
          work_id: null,
          deal_id: deal.dealId,
          role: 'licensor',
          country: null,
          territory: 'XW',
          work_ids: [original, remake],
          standing: 'reported',
          deal_standing: 'reported',
          details: {
            partyId: 'p-cj',
            dealType: 'remake-rights',
            status: 'announced',
            announcedAt: y('2018'),
            territories: ['XW'],
            works: [
              { workId: original, role: 'source' },
              { workId: remake, role: 'subject' },
            ],
          },
        },
      },
    ]);
    const beforeCorrection = lastPosition() + 1;
    const more = [
      deal.event('DealPartyAdded', { partyId: 'p-jg', organizationId: JERRYGOOD, side: 'licensee', share: 60 }),
      deal.event('DealPartyCorrected', { partyId: 'p-jg', replacementPartyId: 'p-mo', replacement: { organizationId: MOTIF, side: 'licensee', share: 40 } }, 'Motif bought it'),
      deal.event('DealPartyAdded', { partyId: 'p-x', organizationId: JERRYGOOD, side: 'co-producer' }),
      deal.event('DealFactRetracted', { fact: { type: 'party', id: 'p-x' } }, 'not a party'),
    ];
    await spec.when(...more);

    expect(keysOf(spec)).toEqual(['party:p-cj', 'party:p-mo']);
    expect(spec.keyed(COMPANY_PORTFOLIO.name).find((r) => r.key === 'party:p-mo')?.row).toEqual(expect.objectContaining({ organization_id: MOTIF, role: 'licensee', details: expect.objectContaining({ share: 40 }) }));
    expect(keysOf(spec, beforeCorrection)).toEqual(['party:p-cj', 'party:p-jg']);
    expectReference(spec, [...events, ...more]);
  });

  it('given a deal, when it closes and the status change is corrected, then every party shows the status and closedAt; as of before the fix the old date shows; a retracted change gives the status back', async () => {
    const deal = newDeal();
    const events = [
      deal.announced([{ workId: uuid(1), role: 'source' }], [
        { partyId: 'p-cj', organizationId: CJ, side: 'licensor' },
        { partyId: 'p-jg', organizationId: JERRYGOOD, side: 'licensee' },
      ]),
      deal.event('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2019') }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    expect(spec.rows(COMPANY_PORTFOLIO.name).map((r) => r.details)).toEqual([expect.objectContaining({ status: 'closed', closedAt: y('2019') }), expect.objectContaining({ status: 'closed', closedAt: y('2019') })]);

    const corrected = deal.event('DealStatusChangeCorrected', { statusChangeId: 'ds-2', replacementStatusChangeId: 'ds-3', replacement: { to: 'closed', effective: y('2020') } }, 'closed in 2020');
    await spec.when(corrected);
    expect(spec.rows(COMPANY_PORTFOLIO.name).map((r) => (r.details as { closedAt: unknown }).closedAt)).toEqual([y('2020'), y('2020')]);
    expect(spec.rows(COMPANY_PORTFOLIO.name, before).map((r) => (r.details as { closedAt: unknown }).closedAt)).toEqual([y('2019'), y('2019')]);
    expectReference(spec, [...events, corrected]);

    const retracted = deal.event('DealFactRetracted', { fact: { type: 'status-change', id: 'ds-3' } }, 'it never closed');
    await spec.when(retracted);
    expect(spec.rows(COMPANY_PORTFOLIO.name).map((r) => r.details as Record<string, unknown>).map((d) => [d.status, 'closedAt' in d])).toEqual([
      ['announced', false],
      ['announced', false],
    ]);
    expectReference(spec, [...events, corrected, retracted]);
  });

  it('given a closed then expired deal, when the closing date is corrected, then the replacement takes its place: still expired, with the new closedAt', async () => {
    const deal = newDeal();
    const events = [
      deal.announced([{ workId: uuid(1), role: 'source' }]),
      deal.event('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2019') }),
      deal.event('DealStatusChanged', { statusChangeId: 'ds-3', from: 'closed', to: 'expired', effective: y('2024') }),
      deal.event('DealStatusChangeCorrected', { statusChangeId: 'ds-2', replacementStatusChangeId: 'ds-4', replacement: { to: 'closed', effective: y('2018') } }, 'signed in 2018'),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);

    expect(spec.rows(COMPANY_PORTFOLIO.name).map((r) => r.details)).toEqual([expect.objectContaining({ status: 'expired', closedAt: y('2018') })]);
    expectReference(spec, events);
  });

  it("given a deal, when its works and details change, then every party row shows the deal's current works, name and territory", async () => {
    const deal = newDeal();
    const [granny, vn, jp, th] = [uuid(10), uuid(11), uuid(12), uuid(13)];
    const events = [deal.announced([{ workId: granny, role: 'source' }, { workId: vn, role: 'subject', territory: 'VN' }])];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const more = [
      deal.event('DealWorkAdded', { workId: jp, role: 'subject', territory: 'JP' }),
      deal.event('DealWorkCorrected', { workId: vn, replacement: { workId: th, role: 'subject', territory: 'TH' } }, 'the Thai version'),
      deal.event('DealFactRetracted', { fact: { type: 'work', id: jp } }, 'not part of the franchise'),
      deal.event('DealDetailsUpdated', { changes: { name: 'One Source Multi Territory', territories: ['VN'] } }),
      deal.event('DealDetailsCorrected', { changes: { type: 'localization-franchise', territories: ['VN', 'TH'] }, previous: { type: 'remake-rights', territories: ['VN'] } }, 'a franchise'),
      deal.event('DealFactClarified', { fact: { type: 'deal', id: deal.dealId } }, 'per CJ ENM'),
    ];
    await spec.when(...more);

    expect(spec.rows(COMPANY_PORTFOLIO.name)).toEqual([
      expect.objectContaining({
        territory: null,
        work_ids: [granny, th],
        details: expect.objectContaining({ dealType: 'localization-franchise', dealName: 'One Source Multi Territory', territories: ['VN', 'TH'], works: [{ workId: granny, role: 'source' }, { workId: th, role: 'subject', territory: 'TH' }] }),
      }),
    ]);
    expectReference(spec, [...events, ...more]);
  });

  it('as evolve takes it (decide refuses it): a work listed twice, corrected or retracted by its id, loses its first current entry only', async () => {
    const deal = newDeal();
    const [granny, vn, th] = [uuid(10), uuid(11), uuid(13)];
    const events = [
      deal.announced([{ workId: granny, role: 'source' }, { workId: vn, role: 'subject', territory: 'VN' }]),
      deal.event('DealWorkAdded', { workId: granny, role: 'subject', territory: 'KR' }),
      deal.event('DealWorkCorrected', { workId: granny, replacement: { workId: th, role: 'subject', territory: 'TH' } }, 'the Thai version'),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);

    expect(spec.rows(COMPANY_PORTFOLIO.name)).toEqual([expect.objectContaining({ work_ids: [vn, granny, th] })]);
    expectReference(spec, events);
  });

  it('given an announced deal, when a source denies one side, then that party row shows denied and the other stays reported', async () => {
    const deal = newDeal();
    const original = uuid(1);
    const events = [
      deal.announced([{ workId: original, role: 'source' }], [{ partyId: 'p-cj', organizationId: CJ, side: 'licensor' }, { partyId: 'p-mo', organizationId: MOTIF, side: 'licensee' }]),
      deal.event('DealFactStandingChanged', { fact: { type: 'party', id: 'p-mo' }, standing: 'denied', from: 'reported' }),
    ];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const party = (id: string) => spec.keyed(COMPANY_PORTFOLIO.name).find((r) => r.key === `party:${id}`)?.row;
    expect([party('p-cj')?.standing, party('p-mo')?.standing]).toEqual(['reported', 'denied']);
    expectReference(spec, events);
  });

  it("given a deal in talks (rumored), when a source denies the whole deal, then every side shows the deal's standing, sides added later too; as of before, rumored", async () => {
    const deal = newDeal();
    const original = uuid(1);
    const announced = deal.announced([{ workId: original, role: 'source' }], [{ partyId: 'p-cj', organizationId: CJ, side: 'licensor' }, { partyId: 'p-mo', organizationId: MOTIF, side: 'licensee' }]);
    const events = [{ ...announced, data: { ...announced.data, standing: 'rumored' } }];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const party = (id: string, at?: number) => spec.keyed(COMPANY_PORTFOLIO.name, at).find((r) => r.key === `party:${id}`)?.row;
    expect([party('p-cj')?.deal_standing, party('p-mo')?.deal_standing]).toEqual(['rumored', 'rumored']);
    const before = lastPosition();
    const more = [
      deal.event('DealFactStandingChanged', { fact: { type: 'deal', id: deal.dealId }, standing: 'denied', from: 'rumored' }),
      deal.event('DealPartyAdded', { partyId: 'p-jg', organizationId: JERRYGOOD, side: 'co-producer' }),
    ];
    await spec.when(...more);

    expect(['p-cj', 'p-mo', 'p-jg'].map((id) => [party(id)?.deal_standing, party(id)?.standing])).toEqual([
      ['denied', 'reported'],
      ['denied', 'reported'],
      ['denied', 'reported'],
    ]);
    expect(party('p-cj', before)?.deal_standing).toBe('rumored');
    expectReference(spec, [...events, ...more]);
  });

  it('given a deal, when it is retracted, then its party rows close and later events show nothing', async () => {
    const deal = newDeal();
    const events = [deal.announced([{ workId: uuid(1), role: 'source' }])];
    const spec = await givenEvents(companyPortfolioProjection, events);
    const before = lastPosition();
    const more = [
      deal.event('DealRetracted', {}, 'a misreport'),
      deal.event('DealPartyAdded', { partyId: 'p-jg', organizationId: JERRYGOOD, side: 'licensee' }),
      deal.event('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2019') }),
    ];
    await spec.when(...more);

    expect(spec.rows(COMPANY_PORTFOLIO.name)).toEqual([]);
    expect(spec.rows(COMPANY_PORTFOLIO.name, before)).toHaveLength(1);
    expectReference(spec, [...events, ...more]);
  });
});

// ---- the reference: the fold-based row builders, on the demo scenario and on random logs -------------------------------

async function expectSameAsFold(events: readonly PublishedEvent[], runSize: number): Promise<void> {
  const spec = await givenEvents(companyPortfolioProjection, events, runSize);
  expect(spec.store.deadLetters).toEqual([]);
  expect(canonicalRows(shownRows(spec.store))).toEqual(canonicalRows(expectedRows(events).company_portfolio));
  // as of every position: the rows (hidden ones too) of an engine fed only the events up to it
  await expectAsOfEqualsReplay(companyPortfolioProjection, spec.store, events, allTables);
}

describe('company portfolio projection: the fold-based reference', () => {
  it('the demo scenario gives the rows the fold of each stream gives, now and as of every position', async () => {
    await expectSameAsFold(publishScenario(buildScenario()), 1);
  });

  const seeds = Number(process.env.READ_MODELS_SEEDS ?? 200);
  it(`random logs (${seeds} seeds, runs of 1 and of 7) give the rows the fold gives, now and as of every position`, async () => {
    let portfolioRows = 0;
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { events } = randomLog({ seed });
      try {
        await expectSameAsFold(events, seed % 2 === 0 ? 1 : 7);
      } catch (error) {
        throw new Error(`seed ${seed}: ${(error as Error).message}`);
      }
      portfolioRows += expectedRows(events).company_portfolio.length;
    }
    // the logs do exercise the model
    expect(portfolioRows).toBeGreaterThan(seeds);
  }, 600_000);
});

// ---- cost: a typical event costs the same on a long history as on a short one --------------------------------------------

describe('company portfolio projection: cost per event', () => {
  /** A work with `history` events: credits added, ended, corrected, moved out, and events this model ignores. */
  function workWithHistory(history: number) {
    const work = newWork();
    const events = [work.registered()];
    for (let i = 0; events.length < history; i += 1) {
      const step = i % 5;
      if (step === 0) events.push(work.event('CompanyCreditAdded', { creditId: `h-${i}`, organizationId: CJ, role: 'producer', from: y('2018') }));
      else if (step === 1) events.push(work.event('CompanyCreditEnded', { creditId: `h-${i - 1}`, to: y('2020'), reason: 'left' }));
      else if (step === 2) events.push(work.event('CompanyCreditCorrected', { creditId: `h-${i - 2}`, replacementCreditId: `h-${i}`, replacement: { organizationId: MOTIF, role: 'co-producer' } }, 'fix'));
      else if (step === 3) events.push(work.event('TitleAdded', { titleId: `t-${i}`, text: `Title ${i}`, language: 'en', class: 'working' }));
      else events.push(work.event('WorkRelated', { relationId: `r-${i}`, relation: 'remake-of', targetWorkId: uuid(1) }));
    }
    return { work, events };
  }

  /** Rows read (loaded from the store) and written (versions opened or closed) by each of `events`, applied one run each. */
  async function costOf(store: MemoryProjectionStore, events: readonly PublishedEvent[]): Promise<{ read: number; written: number }[]> {
    let read = 0;
    const load = store.loadRows.bind(store);
    store.loadRows = async (requests) => {
      const loaded = await load(requests);
      for (const rows of loaded.values()) read += rows.length;
      return loaded;
    };
    const count = () => [...store.versions.values()].reduce((n, versions) => n + versions.length + versions.filter((v) => v.validTo !== null).length, 0);
    const costs: { read: number; written: number }[] = [];
    for (const event of events) {
      read = 0;
      const before = count();
      await store.applyEvents([event]);
      costs.push({ read, written: count() - before });
    }
    return costs;
  }

  function typicalEvents(work: ReturnType<typeof newWork>) {
    return [
      work.event('CompanyCreditAdded', { creditId: 'n-1', organizationId: CJ, role: 'distributor', territory: 'KR' }),
      work.event('CompanyCreditEnded', { creditId: 'n-1', to: y('2024'), reason: 'rights expired' }),
      work.event('CompanyCreditCorrected', { creditId: 'n-1', replacementCreditId: 'n-2', replacement: { organizationId: CJ, role: 'sales-agent' } }, 'sales agent'),
      work.event('WorkFactClarified', { fact: { type: 'company-credit', id: 'n-2' } }, 'international sales'),
      work.event('TitleAdded', { titleId: 'n-t', text: 'Another title', language: 'en', class: 'working' }),
      work.event('WorkFactRetracted', { fact: { type: 'company-credit', id: 'n-2' } }, 'never'),
    ];
  }

  it('reads and writes the same rows per typical event on a work with 10 events as on one with 1,000', async () => {
    const small = workWithHistory(10);
    const large = workWithHistory(1_000);
    const smallSpec = await givenEvents(companyPortfolioProjection, small.events, small.events.length);
    const largeSpec = await givenEvents(companyPortfolioProjection, large.events, large.events.length);
    expect(largeSpec.rows(COMPANY_PORTFOLIO.name).length).toBeGreaterThan(100);

    const smallCosts = await costOf(smallSpec.store, typicalEvents(small.work));
    const largeCosts = await costOf(largeSpec.store, typicalEvents(large.work));
    expect(largeCosts).toEqual(smallCosts);
    for (const cost of largeCosts) {
      expect(cost.read).toBeLessThanOrEqual(3);
      expect(cost.written).toBeLessThanOrEqual(4);
    }
  });

  it('a deal event reads the hidden deal row and (for a change every party shows) the few party rows of the deal, by key otherwise', async () => {
    const deal = newDeal();
    const spec = await givenEvents(companyPortfolioProjection, [deal.announced([{ workId: uuid(1), role: 'source' }])]);
    const costs = await costOf(spec.store, [
      deal.event('DealStatusChanged', { statusChangeId: 'ds-2', from: 'announced', to: 'closed', effective: y('2019') }),
      deal.event('DealPartyAdded', { partyId: 'p-2', organizationId: MOTIF, side: 'licensee' }),
    ]);
    expect(costs).toEqual([
      { read: 2, written: 4 },
      { read: 1, written: 1 },
    ]);
  });
});
